package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var licenseConflicts = conflicts{
	"licenses_pkey":         "license with this id already exists",
	"licenses_key_hash_key": "license with this key already exists",
	"licenses_tag_key":      "license with this tag already exists in the tenant",
	"":                      "license already exists",
}

const licenseColumns = `id, key_hash, key_sealed, tag, auth_level, tenant_id, community_id, expires_at, disabled, created_at`

func scanLicense(r pgx.Row) (*idproof.License, error) {
	var l idproof.License
	var level string
	err := r.Scan(&l.ID, &l.KeyHash, &l.KeySealed, &l.Tag, &level, &l.TenantID, &l.CommunityID,
		&l.ExpiresAt, &l.Disabled, &l.CreatedAt)
	if err != nil {
		return nil, err
	}
	l.AuthLevel = idproof.AuthLevel(level)
	l.KeySealed = fromBlob(l.KeySealed)
	return &l, nil
}

// CreateLicense stores a new license; its ID, key hash and (when set) its
// tag within the tenant must be unused.
func (s *Store) CreateLicense(ctx context.Context, l *idproof.License) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO licenses (`+licenseColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		l.ID, l.KeyHash, blob(l.KeySealed), l.Tag, string(l.AuthLevel), l.TenantID, l.CommunityID,
		ts(l.ExpiresAt), l.Disabled, ts(l.CreatedAt))
	if err != nil {
		return writeErr("create license", err, licenseConflicts)
	}
	return nil
}

// License returns the license with the given ID.
func (s *Store) License(ctx context.Context, id string) (*idproof.License, error) {
	l, err := scanLicense(s.pool.QueryRow(ctx, `SELECT `+licenseColumns+` FROM licenses WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get license", err, "license", id)
	}
	return l, nil
}

// LicenseByKeyHash returns the license whose key has the given hash.
func (s *Store) LicenseByKeyHash(ctx context.Context, keyHash string) (*idproof.License, error) {
	l, err := scanLicense(s.pool.QueryRow(ctx, `SELECT `+licenseColumns+` FROM licenses WHERE key_hash = $1`, keyHash))
	if err != nil {
		// The hash identifies a secret, so it stays out of the message.
		return nil, readErr("get license by key", err, "license", "")
	}
	return l, nil
}

// LicenseByTag returns the license of a tenant ("" for system licenses) with
// the given tag. An empty tag names no license.
func (s *Store) LicenseByTag(ctx context.Context, tenantID, tag string) (*idproof.License, error) {
	l, err := scanLicense(s.pool.QueryRow(ctx,
		`SELECT `+licenseColumns+` FROM licenses WHERE tenant_id = $1 AND tag = $2 AND tag <> ''`, tenantID, tag))
	if err != nil {
		return nil, readErr("get license by tag", err, "license", tag)
	}
	return l, nil
}

// Licenses lists the licenses of a tenant, or every license when tenantID is
// "", oldest first.
func (s *Store) Licenses(ctx context.Context, tenantID string) ([]*idproof.License, error) {
	query := `SELECT ` + licenseColumns + ` FROM licenses`
	var args []any
	if tenantID != "" {
		query += ` WHERE tenant_id = $1`
		args = append(args, tenantID)
	}
	rows, err := s.pool.Query(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list licenses: %w", err)
	}
	return collect(rows, scanLicense, "list licenses")
}

// UpdateLicense writes Disabled, ExpiresAt, Tag and CommunityID.
func (s *Store) UpdateLicense(ctx context.Context, l *idproof.License) error {
	tag, err := s.pool.Exec(ctx,
		`UPDATE licenses SET disabled = $1, expires_at = $2, tag = $3, community_id = $4 WHERE id = $5`,
		l.Disabled, ts(l.ExpiresAt), l.Tag, l.CommunityID, l.ID)
	if err != nil {
		return writeErr("update license", err, licenseConflicts)
	}
	return mustAffect(tag, "license", l.ID)
}
