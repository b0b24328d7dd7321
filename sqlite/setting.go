package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Setting returns the value stored under key.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	if err := s.q.setting.QueryRowContext(ctx, key).Scan(&v); err != nil {
		return nil, readErr("get setting", err, "setting", key)
	}
	return fromBlob(v), nil
}

// PutSettingIfAbsent stores value under key unless key is already set, and
// returns the value stored in the end. The write transaction holds the
// database lock from the insert to the read, so the value returned is the
// one every other caller sees.
func (s *Store) PutSettingIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error) {
	var stored []byte
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO NOTHING`, key, blob(value)); err != nil {
			return fmt.Errorf("put setting: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored); err != nil {
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
	if _, err := s.exec(ctx, nil, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, blob(value)); err != nil {
		return fmt.Errorf("put setting: %w", err)
	}
	return nil
}
