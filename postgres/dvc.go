package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var dvcConflicts = conflicts{
	"verification_configs_pkey":     "verification config with this id already exists",
	"verification_configs_name_key": "verification config with this name already exists in the community",
	"":                              "verification config already exists",
}

const dvcColumns = `id, tenant_id, community_id, name, connector_sealed, verification, created_at, updated_at`

func scanDVC(r pgx.Row) (*idproof.VerificationConfig, error) {
	var c idproof.VerificationConfig
	var verification []byte
	err := r.Scan(&c.ID, &c.TenantID, &c.CommunityID, &c.Name, &c.ConnectorSealed, &verification,
		&c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.ConnectorSealed = fromBlob(c.ConnectorSealed)
	c.Verification = fromBlob(verification)
	return &c, nil
}

// CreateVerificationConfig stores a new verification config; its ID, and its
// name within the community, must be unused.
func (s *Store) CreateVerificationConfig(ctx context.Context, c *idproof.VerificationConfig) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO verification_configs (`+dvcColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, c.TenantID, c.CommunityID, c.Name, blob(c.ConnectorSealed), blob(c.Verification),
		ts(c.CreatedAt), ts(c.UpdatedAt))
	if err != nil {
		return writeErr("create verification config", err, dvcConflicts)
	}
	return nil
}

// VerificationConfig returns the verification config with the given ID.
func (s *Store) VerificationConfig(ctx context.Context, id string) (*idproof.VerificationConfig, error) {
	c, err := scanDVC(s.pool.QueryRow(ctx, `SELECT `+dvcColumns+` FROM verification_configs WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get verification config", err, "verification config", id)
	}
	return c, nil
}

// VerificationConfigByName returns the verification config of a community
// with the given name.
func (s *Store) VerificationConfigByName(ctx context.Context, tenantID, communityID, name string) (*idproof.VerificationConfig, error) {
	c, err := scanDVC(s.pool.QueryRow(ctx, `SELECT `+dvcColumns+` FROM verification_configs
		WHERE tenant_id = $1 AND community_id = $2 AND name = $3`, tenantID, communityID, name))
	if err != nil {
		return nil, readErr("get verification config by name", err, "verification config", name)
	}
	return c, nil
}

// VerificationConfigs lists the verification configs of a community, or of
// the whole tenant when communityID is "", oldest first.
func (s *Store) VerificationConfigs(ctx context.Context, tenantID, communityID string) ([]*idproof.VerificationConfig, error) {
	query := `SELECT ` + dvcColumns + ` FROM verification_configs WHERE tenant_id = $1`
	args := []any{tenantID}
	if communityID != "" {
		query += ` AND community_id = $2`
		args = append(args, communityID)
	}
	rows, err := s.pool.Query(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list verification configs: %w", err)
	}
	return collect(rows, scanDVC, "list verification configs")
}

// UpdateVerificationConfig writes Name, ConnectorSealed, Verification and
// UpdatedAt.
func (s *Store) UpdateVerificationConfig(ctx context.Context, c *idproof.VerificationConfig) error {
	tag, err := s.pool.Exec(ctx, `UPDATE verification_configs
		SET name = $1, connector_sealed = $2, verification = $3, updated_at = $4 WHERE id = $5`,
		c.Name, blob(c.ConnectorSealed), blob(c.Verification), ts(c.UpdatedAt), c.ID)
	if err != nil {
		return writeErr("update verification config", err, dvcConflicts)
	}
	return mustAffect(tag, "verification config", c.ID)
}

// DeleteVerificationConfig deletes the verification config with the given ID.
func (s *Store) DeleteVerificationConfig(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM verification_configs WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete verification config: %w", err)
	}
	return mustAffect(tag, "verification config", id)
}
