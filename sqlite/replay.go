package sqlite

import (
	"context"
	"fmt"
	"time"
)

// UseRequestID records (publicKey, uuid) until expiresAt and reports whether
// it was free: absent, or expired at now (expiresAt <= now). The check and
// the write are one statement, so of concurrent callers exactly one wins.
func (s *Store) UseRequestID(ctx context.Context, publicKey, uuid string, now, expiresAt time.Time) (bool, error) {
	res, err := s.exec(ctx, s.q.useRequestID, "",
		publicKey, uuid, millis(expiresAt), millis(now))
	if err != nil {
		return false, fmt.Errorf("use request id: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use request id: %w", err)
	}
	return n == 1, nil
}

// PurgeRequestIDs deletes the records that have expired at now and returns
// how many.
func (s *Store) PurgeRequestIDs(ctx context.Context, now time.Time) (int, error) {
	res, err := s.exec(ctx, nil, `DELETE FROM request_ids WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("purge request ids: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge request ids: %w", err)
	}
	return int(n), nil
}
