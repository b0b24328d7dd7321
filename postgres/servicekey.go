package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var serviceKeyConflicts = conflicts{
	"service_keys_pkey": "service key with this key id already exists",
	"service_keys_tag":  "service key with this tag already exists",
	"":                  "service key already exists",
}

const serviceKeyColumns = `key_id, secret_sealed, tag, type, created_at`

func scanServiceKey(r pgx.Row) (*idproof.ServiceKey, error) {
	var k idproof.ServiceKey
	if err := r.Scan(&k.KeyID, &k.SecretSealed, &k.Tag, &k.Type, &k.CreatedAt); err != nil {
		return nil, err
	}
	k.SecretSealed = fromBlob(k.SecretSealed)
	return &k, nil
}

func insertServiceKey(ctx context.Context, db querier, k *idproof.ServiceKey) error {
	_, err := db.Exec(ctx, `INSERT INTO service_keys (`+serviceKeyColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		k.KeyID, blob(k.SecretSealed), k.Tag, k.Type, ts(k.CreatedAt))
	if err != nil {
		return writeErr("create service key", err, serviceKeyConflicts)
	}
	return nil
}

// CreateServiceKey stores a new service key; its key id must be unused.
func (s *Store) CreateServiceKey(ctx context.Context, k *idproof.ServiceKey) error {
	return insertServiceKey(ctx, s.pool, k)
}

// ServiceKey returns the service key with the given key id.
func (s *Store) ServiceKey(ctx context.Context, keyID string) (*idproof.ServiceKey, error) {
	k, err := scanServiceKey(s.pool.QueryRow(ctx,
		`SELECT `+serviceKeyColumns+` FROM service_keys WHERE key_id = $1`, keyID))
	if err != nil {
		return nil, readErr("get service key", err, "service key", keyID)
	}
	return k, nil
}

// ServiceKeyByTag returns the service key with the given (unique) tag. An
// empty tag names no key.
func (s *Store) ServiceKeyByTag(ctx context.Context, tag string) (*idproof.ServiceKey, error) {
	k, err := scanServiceKey(s.pool.QueryRow(ctx,
		`SELECT `+serviceKeyColumns+` FROM service_keys WHERE tag = $1 AND tag <> ''
		ORDER BY created_at DESC, key_id LIMIT 1`, tag))
	if err != nil {
		return nil, readErr("get service key by tag", err, "service key", tag)
	}
	return k, nil
}

// ServiceKeys lists every service key, oldest first.
func (s *Store) ServiceKeys(ctx context.Context) ([]*idproof.ServiceKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+serviceKeyColumns+` FROM service_keys ORDER BY created_at, key_id`)
	if err != nil {
		return nil, fmt.Errorf("list service keys: %w", err)
	}
	return collect(rows, scanServiceKey, "list service keys")
}

// ReplaceServiceKey deletes oldKeyID and stores k in one transaction, so a
// rotation never leaves both keys or neither.
func (s *Store) ReplaceServiceKey(ctx context.Context, oldKeyID string, k *idproof.ServiceKey) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM service_keys WHERE key_id = $1`, oldKeyID)
		if err != nil {
			return fmt.Errorf("replace service key: %w", err)
		}
		if err := mustAffect(tag, "service key", oldKeyID); err != nil {
			return err
		}
		return insertServiceKey(ctx, tx, k)
	})
}

// DeleteServiceKey deletes the service key with the given key id.
func (s *Store) DeleteServiceKey(ctx context.Context, keyID string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM service_keys WHERE key_id = $1`, keyID)
	if err != nil {
		return fmt.Errorf("delete service key: %w", err)
	}
	return mustAffect(tag, "service key", keyID)
}
