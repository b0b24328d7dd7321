package sqlite

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
)

var licenseConflicts = conflicts{
	"licenses.id":                      "license with this id already exists",
	"licenses.key_hash":                "license with this key already exists",
	"licenses.tenant_id, licenses.tag": "license with this tag already exists in the tenant",
	"":                                 "license already exists",
}

const licenseColumns = `id, key_hash, key_sealed, tag, auth_level, tenant_id, community_id, expires_at, disabled, created_at`

func scanLicense(r scanner) (*idproof.License, error) {
	var l idproof.License
	var expires, created int64
	err := r.Scan(&l.ID, &l.KeyHash, &l.KeySealed, &l.Tag, &l.AuthLevel, &l.TenantID, &l.CommunityID,
		&expires, &l.Disabled, &created)
	if err != nil {
		return nil, err
	}
	l.KeySealed = fromBlob(l.KeySealed)
	l.ExpiresAt, l.CreatedAt = fromMillis(expires), fromMillis(created)
	return &l, nil
}

// CreateLicense stores a new license; its ID, key hash and (when set) its
// tag within the tenant must be unused.
func (s *Store) CreateLicense(ctx context.Context, l *idproof.License) error {
	_, err := s.exec(ctx, nil, `INSERT INTO licenses (`+licenseColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.KeyHash, blob(l.KeySealed), l.Tag, string(l.AuthLevel), l.TenantID, l.CommunityID,
		millis(l.ExpiresAt), l.Disabled, millis(l.CreatedAt))
	if err != nil {
		return writeErr("create license", err, licenseConflicts)
	}
	return nil
}

// License returns the license with the given ID.
func (s *Store) License(ctx context.Context, id string) (*idproof.License, error) {
	l, err := scanLicense(s.db.QueryRowContext(ctx, `SELECT `+licenseColumns+` FROM licenses WHERE id = ?`, id))
	if err != nil {
		return nil, readErr("get license", err, "license", id)
	}
	return l, nil
}

// LicenseByKeyHash returns the license whose key has the given hash.
func (s *Store) LicenseByKeyHash(ctx context.Context, keyHash string) (*idproof.License, error) {
	l, err := scanLicense(s.q.licenseByKeyHash.QueryRowContext(ctx, keyHash))
	if err != nil {
		// The hash identifies a secret, so it stays out of the message.
		return nil, readErr("get license by key", err, "license", "")
	}
	return l, nil
}

// LicenseByTag returns the license of a tenant ("" for system licenses) with
// the given tag. An empty tag names no license.
func (s *Store) LicenseByTag(ctx context.Context, tenantID, tag string) (*idproof.License, error) {
	l, err := scanLicense(s.db.QueryRowContext(ctx,
		`SELECT `+licenseColumns+` FROM licenses WHERE tenant_id = ? AND tag = ? AND tag <> ''`, tenantID, tag))
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
		query += ` WHERE tenant_id = ?`
		args = append(args, tenantID)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list licenses: %w", err)
	}
	return collect(rows, scanLicense, "list licenses")
}

// UpdateLicense writes Disabled, ExpiresAt, Tag and CommunityID.
func (s *Store) UpdateLicense(ctx context.Context, l *idproof.License) error {
	res, err := s.exec(ctx, nil,
		`UPDATE licenses SET disabled = ?, expires_at = ?, tag = ?, community_id = ? WHERE id = ?`,
		l.Disabled, millis(l.ExpiresAt), l.Tag, l.CommunityID, l.ID)
	if err != nil {
		return writeErr("update license", err, licenseConflicts)
	}
	return mustAffect("update license", res, "license", l.ID)
}
