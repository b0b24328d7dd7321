package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Setting returns the value stored under key.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
		return nil, readErr("get setting", err, "setting", key)
	}
	return fromBlob(v), nil
}

// PutSettingIfAbsent stores value under key unless key is already set, and
// returns the value stored in the end. When another replica inserts the key
// concurrently, the insert waits for it to commit and does nothing; the
// select that follows runs on a fresh READ COMMITTED snapshot and so sees
// the winner's value.
func (s *Store) PutSettingIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error) {
	var stored []byte
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO NOTHING`, key, blob(value)); err != nil {
			return fmt.Errorf("put setting: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&stored); err != nil {
			return fmt.Errorf("put setting: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fromBlob(stored), nil
}

// PutSetting stores value under key, replacing any value there.
func (s *Store) PutSetting(ctx context.Context, key string, value []byte) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, blob(value)); err != nil {
		return fmt.Errorf("put setting: %w", err)
	}
	return nil
}
