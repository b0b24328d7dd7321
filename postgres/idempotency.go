package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

const idempotencyColumns = `key, request_hash, status, response, created_at, expires_at`

func scanIdempotency(r pgx.Row) (*idproof.IdempotencyRecord, error) {
	var v idproof.IdempotencyRecord
	if err := r.Scan(&v.Key, &v.RequestHash, &v.Status, &v.Response, &v.CreatedAt, &v.ExpiresAt); err != nil {
		return nil, err
	}
	v.Response = fromBlob(v.Response)
	return &v, nil
}

// claimAttempts bounds the rounds of ClaimIdempotencyKey: a round is lost
// only when the holder is released between the two statements, which a
// second round all but never meets again.
const claimAttempts = 5

// ClaimIdempotencyKey stores r unless its key is held by a record that is
// neither expired at now nor a running request created before
// staleBefore; then it returns that record.
//
// The conditional upsert decides: a concurrent claim of the same key waits
// for the first to commit and then re-checks the replacement condition on
// the row the first wrote, so exactly one claim gets nil. The loser reads
// the holder in a second statement, on a fresh snapshot that sees it; if
// the holder was released in between, the claim starts over.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, r *idproof.IdempotencyRecord, now, staleBefore time.Time) (*idproof.IdempotencyRecord, error) {
	for range claimAttempts {
		tag, err := s.pool.Exec(ctx, `INSERT INTO idempotency_keys (`+idempotencyColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
				response = excluded.response, created_at = excluded.created_at, expires_at = excluded.expires_at
			WHERE idempotency_keys.expires_at <= $7
				OR (idempotency_keys.status = 0 AND idempotency_keys.created_at < $8)`,
			r.Key, r.RequestHash, r.Status, blob(r.Response), ts(r.CreatedAt), ts(r.ExpiresAt),
			ts(now), ts(staleBefore))
		if err != nil {
			return nil, writeErr("claim idempotency key", err, nil)
		}
		if tag.RowsAffected() == 1 {
			return nil, nil
		}
		held, err := scanIdempotency(s.pool.QueryRow(ctx,
			`SELECT `+idempotencyColumns+` FROM idempotency_keys WHERE key = $1`, r.Key))
		if errors.Is(err, pgx.ErrNoRows) {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		return held, nil
	}
	return nil, fmt.Errorf("claim idempotency key: the key was claimed and released %d times in a row", claimAttempts)
}

// FinishIdempotencyKey stores the answer of the request holding key; a key
// no longer held is ENOTFOUND.
func (s *Store) FinishIdempotencyKey(ctx context.Context, key string, status int, response []byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $1, response = $2 WHERE key = $3`,
		status, blob(response), key)
	if err != nil {
		return writeErr("finish idempotency key", err, nil)
	}
	return mustAffect(tag, "idempotency key", "")
}

// ReleaseIdempotencyKey forgets key; a key not held is not an error, so
// that releasing twice, or after a purge, is harmless.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE key = $1`, key); err != nil {
		return writeErr("release idempotency key", err, nil)
	}
	return nil
}

// PurgeIdempotencyKeys deletes the records expired at now (ExpiresAt not
// after now) and returns how many.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE expires_at <= $1`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
