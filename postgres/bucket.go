package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var bucketConflicts = conflicts{
	"buckets_pkey": "bucket with this id already exists",
	"":             "bucket already exists",
}

const bucketColumns = `id, tenant_id, community_id, type, bucket_name, is_enabled, created_by,
	credentials_sealed, created_at, updated_at`

func scanBucket(r pgx.Row) (*idproof.Bucket, error) {
	var b idproof.Bucket
	err := r.Scan(&b.ID, &b.TenantID, &b.CommunityID, &b.Type, &b.BucketName, &b.IsEnabled, &b.CreatedBy,
		&b.CredentialsSealed, &b.CreatedAt, &b.UpdatedAt)
	if err != nil {
		return nil, err
	}
	b.CredentialsSealed = fromBlob(b.CredentialsSealed)
	return &b, nil
}

// PutBucket creates the bucket of b's community, or replaces it keeping the
// stored ID and CreatedAt, which it copies back into b. A single upsert
// keeps two concurrent first writers from both inserting.
func (s *Store) PutBucket(ctx context.Context, b *idproof.Bucket) error {
	var id string
	err := s.pool.QueryRow(ctx, `INSERT INTO buckets (`+bucketColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant_id, community_id) DO UPDATE SET
			type = excluded.type, bucket_name = excluded.bucket_name, is_enabled = excluded.is_enabled,
			created_by = excluded.created_by, credentials_sealed = excluded.credentials_sealed,
			updated_at = excluded.updated_at
		RETURNING id, created_at`,
		b.ID, b.TenantID, b.CommunityID, b.Type, b.BucketName, b.IsEnabled, b.CreatedBy,
		blob(b.CredentialsSealed), ts(b.CreatedAt), ts(b.UpdatedAt)).Scan(&id, &b.CreatedAt)
	if err != nil {
		return writeErr("put bucket", err, bucketConflicts)
	}
	b.ID = id
	return nil
}

// BucketByCommunity returns the bucket of a community.
func (s *Store) BucketByCommunity(ctx context.Context, tenantID, communityID string) (*idproof.Bucket, error) {
	b, err := scanBucket(s.pool.QueryRow(ctx,
		`SELECT `+bucketColumns+` FROM buckets WHERE tenant_id = $1 AND community_id = $2`, tenantID, communityID))
	if err != nil {
		return nil, readErr("get bucket", err, "bucket of community", communityID)
	}
	return b, nil
}
