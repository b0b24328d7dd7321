package sqlite

import (
	"context"
	"database/sql"

	"github.com/idproof/idproof"
)

var bucketConflicts = conflicts{
	"buckets.id": "bucket with this id already exists",
	"":           "bucket already exists",
}

const bucketColumns = `id, tenant_id, community_id, type, bucket_name, is_enabled, created_by,
	credentials_sealed, created_at, updated_at`

func scanBucket(r scanner) (*idproof.Bucket, error) {
	var b idproof.Bucket
	var created, updated int64
	err := r.Scan(&b.ID, &b.TenantID, &b.CommunityID, &b.Type, &b.BucketName, &b.IsEnabled, &b.CreatedBy,
		&b.CredentialsSealed, &created, &updated)
	if err != nil {
		return nil, err
	}
	b.CredentialsSealed = fromBlob(b.CredentialsSealed)
	b.CreatedAt, b.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &b, nil
}

// PutBucket creates the bucket of b's community, or replaces it keeping the
// stored ID and CreatedAt, which it copies back into b. A single upsert
// keeps two concurrent first writers from both inserting.
func (s *Store) PutBucket(ctx context.Context, b *idproof.Bucket) error {
	var id string
	var created int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO buckets (`+bucketColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, community_id) DO UPDATE SET
			type = excluded.type, bucket_name = excluded.bucket_name, is_enabled = excluded.is_enabled,
			created_by = excluded.created_by, credentials_sealed = excluded.credentials_sealed,
			updated_at = excluded.updated_at
		RETURNING id, created_at`,
			b.ID, b.TenantID, b.CommunityID, b.Type, b.BucketName, b.IsEnabled, b.CreatedBy,
			blob(b.CredentialsSealed), millis(b.CreatedAt), millis(b.UpdatedAt)).Scan(&id, &created)
	})
	if err != nil {
		return writeErr("put bucket", err, bucketConflicts)
	}
	b.ID, b.CreatedAt = id, fromMillis(created)
	return nil
}

// BucketByCommunity returns the bucket of a community.
func (s *Store) BucketByCommunity(ctx context.Context, tenantID, communityID string) (*idproof.Bucket, error) {
	b, err := scanBucket(s.db.QueryRowContext(ctx,
		`SELECT `+bucketColumns+` FROM buckets WHERE tenant_id = ? AND community_id = ?`, tenantID, communityID))
	if err != nil {
		return nil, readErr("get bucket", err, "bucket of community", communityID)
	}
	return b, nil
}
