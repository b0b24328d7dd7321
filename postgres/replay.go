package postgres

import (
	"context"
	"fmt"
	"time"
)

// UseRequestID records (publicKey, uuid) until expiresAt and reports whether
// it was free: absent, or expired at now (expiresAt <= now). The check and
// the write are one statement: a concurrent insert of the same pair waits
// for the first to commit and then takes the conflict branch, so exactly one
// caller wins.
func (s *Store) UseRequestID(ctx context.Context, publicKey, uuid string, now, expiresAt time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO request_ids (public_key, uuid, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (public_key, uuid) DO UPDATE SET expires_at = EXCLUDED.expires_at
		WHERE request_ids.expires_at <= $4`,
		publicKey, uuid, ts(expiresAt), ts(now))
	if err != nil {
		return false, fmt.Errorf("use request id: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// PurgeRequestIDs deletes the records that have expired at now and returns
// how many.
func (s *Store) PurgeRequestIDs(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM request_ids WHERE expires_at <= $1`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("purge request ids: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
