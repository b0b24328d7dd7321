package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/idproof/idproof"
)

const idempotencyColumns = `key, request_hash, status, response, created_at, expires_at`

func scanIdempotency(r scanner) (*idproof.IdempotencyRecord, error) {
	var v idproof.IdempotencyRecord
	var created, expires int64
	if err := r.Scan(&v.Key, &v.RequestHash, &v.Status, &v.Response, &created, &expires); err != nil {
		return nil, err
	}
	v.Response = fromBlob(v.Response)
	v.CreatedAt, v.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &v, nil
}

// ClaimIdempotencyKey stores r unless its key is held by a record that is
// neither expired at now nor a running request created before
// staleBefore; then it returns that record. The writer runs one write at a
// time, so the conditional upsert and the read that follows it see the
// same row: of concurrent claims exactly one gets nil.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, r *idproof.IdempotencyRecord, now, staleBefore time.Time) (*idproof.IdempotencyRecord, error) {
	var held *idproof.IdempotencyRecord
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		held = nil
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (`+idempotencyColumns+`)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
				response = excluded.response, created_at = excluded.created_at, expires_at = excluded.expires_at
			WHERE idempotency_keys.expires_at <= ?
				OR (idempotency_keys.status = 0 AND idempotency_keys.created_at < ?)`,
			r.Key, r.RequestHash, r.Status, blob(r.Response), millis(r.CreatedAt), millis(r.ExpiresAt),
			millis(now), millis(staleBefore))
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		held, err = scanIdempotency(tx.QueryRowContext(ctx,
			`SELECT `+idempotencyColumns+` FROM idempotency_keys WHERE key = ?`, r.Key))
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return held, nil
}

// FinishIdempotencyKey stores the answer of the request holding key; a key
// no longer held is ENOTFOUND.
func (s *Store) FinishIdempotencyKey(ctx context.Context, key string, status int, response []byte) error {
	res, err := s.exec(ctx, nil, `UPDATE idempotency_keys SET status = ?, response = ? WHERE key = ?`,
		status, blob(response), key)
	if err != nil {
		return fmt.Errorf("finish idempotency key: %w", err)
	}
	return mustAffect("finish idempotency key", res, "idempotency key", "")
}

// ReleaseIdempotencyKey forgets key; a key not held is not an error, so
// that releasing twice, or after a purge, is harmless.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, key string) error {
	if _, err := s.exec(ctx, nil, `DELETE FROM idempotency_keys WHERE key = ?`, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes the records expired at now (ExpiresAt not
// after now) and returns how many.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	res, err := s.exec(ctx, nil, `DELETE FROM idempotency_keys WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return int(n), nil
}
