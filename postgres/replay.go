package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Replay records are the one write of every authenticated request, so they
// are written with synchronous_commit off: the commit returns once the
// record is visible to every other session (every replica sees it at once,
// as before) but before its WAL reaches the disk, which is what a durable
// commit waits for. Measured on the same machine this made UseRequestID
// about 2.5 times faster under load (docs/performance.md, "Request path on PostgreSQL").
//
// The cost is that a crash of the database server, or a failover to a
// standby, can lose the records of the last few hundred milliseconds, and
// a request captured then could be replayed within its window. The store
// closes that hole itself:
//
//   - Before writing a record that expires after replay_horizon, it moves
//     the horizon past it in an ordinary, durable commit (once per
//     horizonStep per process). Every record, lost or not, therefore
//     expires at or before the durable horizon.
//   - The record's insert checks, in the same statement, that the UNLOGGED
//     replay_epoch still has its row. Crash recovery empties unlogged
//     tables and a promoted standby has them empty, so a missing row means
//     records may have been lost.
//   - The first writer to find it missing puts it back with refuse_through
//     set to the durable horizon. A replay of a lost record carries the
//     same requestid, hence the same expiry, which is at or before the
//     horizon: it is refused. Fresh requests expire later and pass once
//     their expiry is past the horizon, at most horizonStep plus the
//     allowed clock skew after the crash.
//
// A clean shutdown or restart of PostgreSQL loses nothing and trips none
// of this.

// horizonStep is how far past a record's expiry the horizon is moved. A
// larger step means fewer durable writes but refuses fresh requests
// longer after a crash.
const horizonStep = 10 * time.Second

// replayState is the process's view of replay_horizon.
type replayState struct {
	// horizon is a horizon known to be durable, in Unix milliseconds; 0
	// before the first move. Read without the lock on every call.
	horizon atomic.Int64
	mu      sync.Mutex // serializes moves
}

// useRequestIDSQL records the pair unless it is held and unexpired, or the
// guard row of replay_epoch is missing, or the pair's expiry is at or
// before the guard's refuse_through. The CTE turns off synchronous_commit
// for this statement's own (implicit) transaction only: set_config with
// is_local true lasts until the commit, which reads it.
const useRequestIDSQL = `WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
	INSERT INTO request_ids (public_key, uuid, expires_at)
	SELECT $1, $2, $3 FROM async, replay_epoch WHERE replay_epoch.refuse_through < $3
	ON CONFLICT (public_key, uuid) DO UPDATE SET expires_at = EXCLUDED.expires_at
	WHERE request_ids.expires_at <= $4`

// UseRequestID records (publicKey, uuid) until expiresAt and reports whether
// it was free: absent, or expired at now (expiresAt <= now). The check and
// the write are one statement: a concurrent insert of the same pair waits
// for the first to commit and then takes the conflict branch, so exactly one
// caller wins. After a crash that may have lost records, pairs that could
// be among them are refused (see above).
func (s *Store) UseRequestID(ctx context.Context, publicKey, uuid string, now, expiresAt time.Time) (bool, error) {
	expiresAt = ts(expiresAt)
	if err := s.coverHorizon(ctx, expiresAt); err != nil {
		return false, fmt.Errorf("use request id: %w", err)
	}
	for attempt := 0; ; attempt++ {
		tag, err := s.pool.Exec(ctx, useRequestIDSQL, publicKey, uuid, expiresAt, ts(now))
		if err != nil {
			return false, fmt.Errorf("use request id: %w", err)
		}
		if tag.RowsAffected() == 1 {
			return true, nil
		}
		// Refused: a replay, or a pair the guard refuses, or the guard is
		// gone. Only the last needs more than the answer.
		restored, err := s.restoreEpoch(ctx)
		if err != nil {
			return false, fmt.Errorf("use request id: %w", err)
		}
		if !restored || attempt > 0 {
			return false, nil
		}
	}
}

// coverHorizon makes sure the durable horizon is at or after expiresAt.
func (s *Store) coverHorizon(ctx context.Context, expiresAt time.Time) error {
	r := &s.replay
	if expiresAt.UnixMilli() <= r.horizon.Load() {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if expiresAt.UnixMilli() <= r.horizon.Load() {
		return nil // moved by another caller meanwhile
	}
	// The pool's connections commit synchronously, so the new horizon is
	// on disk when this returns, before the record it covers is written.
	var h time.Time
	err := s.pool.QueryRow(ctx, `UPDATE replay_horizon SET horizon = greatest(horizon, $1) RETURNING horizon`,
		ts(expiresAt.Add(horizonStep))).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return errors.New("replay_horizon has no row")
	}
	if err != nil {
		return err
	}
	r.horizon.Store(h.UnixMilli())
	return nil
}

// restoreEpoch puts the guard row of replay_epoch back if it is missing,
// refusing every expiry up to the durable horizon, and reports whether it
// was missing. Replicas finding it missing together serialize on a lock,
// and the second finds it back.
func (s *Store) restoreEpoch(ctx context.Context) (bool, error) {
	// Refusals are mostly replays: answer them without taking a lock.
	var present bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM replay_epoch)`).Scan(&present); err != nil {
		return false, fmt.Errorf("check replay epoch: %w", err)
	}
	if present {
		return false, nil
	}
	var restored bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE replay_epoch IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO replay_epoch (refuse_through)
			SELECT horizon FROM replay_horizon WHERE NOT EXISTS (SELECT 1 FROM replay_epoch)`)
		restored = tag.RowsAffected() > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("restore replay epoch: %w", err)
	}
	return restored, nil
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
