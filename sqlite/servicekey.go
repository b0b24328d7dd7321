package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/idproof/idproof"
)

var serviceKeyConflicts = conflicts{
	"service_keys.key_id": "service key with this key id already exists",
	"service_keys.tag":    "service key with this tag already exists",
	"":                    "service key already exists",
}

const serviceKeyColumns = `key_id, secret_sealed, tag, type, created_at`

func scanServiceKey(r scanner) (*idproof.ServiceKey, error) {
	var k idproof.ServiceKey
	var created int64
	if err := r.Scan(&k.KeyID, &k.SecretSealed, &k.Tag, &k.Type, &created); err != nil {
		return nil, err
	}
	k.SecretSealed = fromBlob(k.SecretSealed)
	k.CreatedAt = fromMillis(created)
	return &k, nil
}

func insertServiceKey(ctx context.Context, tx *sql.Tx, k *idproof.ServiceKey) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO service_keys (`+serviceKeyColumns+`) VALUES (?, ?, ?, ?, ?)`,
		k.KeyID, blob(k.SecretSealed), k.Tag, k.Type, millis(k.CreatedAt))
	if err != nil {
		return writeErr("create service key", err, serviceKeyConflicts)
	}
	return nil
}

// CreateServiceKey stores a new service key; its key id must be unused.
func (s *Store) CreateServiceKey(ctx context.Context, k *idproof.ServiceKey) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return insertServiceKey(ctx, tx, k) })
}

// ServiceKey returns the service key with the given key id.
func (s *Store) ServiceKey(ctx context.Context, keyID string) (*idproof.ServiceKey, error) {
	k, err := scanServiceKey(s.q.serviceKey.QueryRowContext(ctx, keyID))
	if err != nil {
		return nil, readErr("get service key", err, "service key", keyID)
	}
	return k, nil
}

// ServiceKeyByTag returns the service key with the given (unique) tag. An
// empty tag names no key.
func (s *Store) ServiceKeyByTag(ctx context.Context, tag string) (*idproof.ServiceKey, error) {
	k, err := scanServiceKey(s.db.QueryRowContext(ctx,
		`SELECT `+serviceKeyColumns+` FROM service_keys WHERE tag = ? AND tag <> ''
		ORDER BY created_at DESC, key_id LIMIT 1`, tag))
	if err != nil {
		return nil, readErr("get service key by tag", err, "service key", tag)
	}
	return k, nil
}

// ServiceKeys lists every service key, oldest first.
func (s *Store) ServiceKeys(ctx context.Context) ([]*idproof.ServiceKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+serviceKeyColumns+` FROM service_keys ORDER BY created_at, key_id`)
	if err != nil {
		return nil, fmt.Errorf("list service keys: %w", err)
	}
	return collect(rows, scanServiceKey, "list service keys")
}

// ReplaceServiceKey deletes oldKeyID and stores k in one transaction, so a
// rotation never leaves both keys or neither.
func (s *Store) ReplaceServiceKey(ctx context.Context, oldKeyID string, k *idproof.ServiceKey) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM service_keys WHERE key_id = ?`, oldKeyID)
		if err != nil {
			return fmt.Errorf("replace service key: %w", err)
		}
		if err := mustAffect("replace service key", res, "service key", oldKeyID); err != nil {
			return err
		}
		return insertServiceKey(ctx, tx, k)
	})
}

// DeleteServiceKey deletes the service key with the given key id.
func (s *Store) DeleteServiceKey(ctx context.Context, keyID string) error {
	res, err := s.exec(ctx, nil, `DELETE FROM service_keys WHERE key_id = ?`, keyID)
	if err != nil {
		return fmt.Errorf("delete service key: %w", err)
	}
	return mustAffect("delete service key", res, "service key", keyID)
}
