package sqlite

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
)

var dvcConflicts = conflicts{
	"verification_configs.id": "verification config with this id already exists",
	"verification_configs.tenant_id, verification_configs.community_id, verification_configs.name": "verification config with this name already exists in the community",
	"": "verification config already exists",
}

const dvcColumns = `id, tenant_id, community_id, name, connector_sealed, verification, created_at, updated_at`

func scanDVC(r scanner) (*idproof.VerificationConfig, error) {
	var c idproof.VerificationConfig
	var verification []byte
	var created, updated int64
	err := r.Scan(&c.ID, &c.TenantID, &c.CommunityID, &c.Name, &c.ConnectorSealed, &verification, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.ConnectorSealed = fromBlob(c.ConnectorSealed)
	c.Verification = fromBlob(verification)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &c, nil
}

// CreateVerificationConfig stores a new verification config; its ID, and its
// name within the community, must be unused.
func (s *Store) CreateVerificationConfig(ctx context.Context, c *idproof.VerificationConfig) error {
	_, err := s.exec(ctx, nil, `INSERT INTO verification_configs (`+dvcColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.TenantID, c.CommunityID, c.Name, blob(c.ConnectorSealed), blob(c.Verification),
		millis(c.CreatedAt), millis(c.UpdatedAt))
	if err != nil {
		return writeErr("create verification config", err, dvcConflicts)
	}
	return nil
}

// VerificationConfig returns the verification config with the given ID.
func (s *Store) VerificationConfig(ctx context.Context, id string) (*idproof.VerificationConfig, error) {
	c, err := scanDVC(s.q.dvc.QueryRowContext(ctx, id))
	if err != nil {
		return nil, readErr("get verification config", err, "verification config", id)
	}
	return c, nil
}

// VerificationConfigByName returns the verification config of a community
// with the given name.
func (s *Store) VerificationConfigByName(ctx context.Context, tenantID, communityID, name string) (*idproof.VerificationConfig, error) {
	c, err := scanDVC(s.q.dvcByName.QueryRowContext(ctx, tenantID, communityID, name))
	if err != nil {
		return nil, readErr("get verification config by name", err, "verification config", name)
	}
	return c, nil
}

// VerificationConfigs lists the verification configs of a community, or of
// the whole tenant when communityID is "", oldest first.
func (s *Store) VerificationConfigs(ctx context.Context, tenantID, communityID string) ([]*idproof.VerificationConfig, error) {
	query := `SELECT ` + dvcColumns + ` FROM verification_configs WHERE tenant_id = ?`
	args := []any{tenantID}
	if communityID != "" {
		query += ` AND community_id = ?`
		args = append(args, communityID)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list verification configs: %w", err)
	}
	return collect(rows, scanDVC, "list verification configs")
}

// UpdateVerificationConfig writes Name, ConnectorSealed, Verification and
// UpdatedAt.
func (s *Store) UpdateVerificationConfig(ctx context.Context, c *idproof.VerificationConfig) error {
	res, err := s.exec(ctx, nil, `UPDATE verification_configs
		SET name = ?, connector_sealed = ?, verification = ?, updated_at = ? WHERE id = ?`,
		c.Name, blob(c.ConnectorSealed), blob(c.Verification), millis(c.UpdatedAt), c.ID)
	if err != nil {
		return writeErr("update verification config", err, dvcConflicts)
	}
	return mustAffect("update verification config", res, "verification config", c.ID)
}

// DeleteVerificationConfig deletes the verification config with the given ID.
func (s *Store) DeleteVerificationConfig(ctx context.Context, id string) error {
	res, err := s.exec(ctx, nil, `DELETE FROM verification_configs WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete verification config: %w", err)
	}
	return mustAffect("delete verification config", res, "verification config", id)
}
