package sqlite

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
)

var templateConflicts = conflicts{
	"templates.id": "template with this id already exists",
	"":             "template already exists",
}

const templateColumns = `id, tenant_id, community_id, dvc_id, document_type, workflow, created_at, updated_at`

func scanTemplate(r scanner) (*idproof.Template, error) {
	var t idproof.Template
	var workflow []byte
	var created, updated int64
	err := r.Scan(&t.ID, &t.TenantID, &t.CommunityID, &t.DVCID, &t.DocumentType, &workflow, &created, &updated)
	if err != nil {
		return nil, err
	}
	t.Workflow = fromBlob(workflow)
	t.CreatedAt, t.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &t, nil
}

// CreateTemplate stores a new template; its ID must be unused.
func (s *Store) CreateTemplate(ctx context.Context, t *idproof.Template) error {
	_, err := s.exec(ctx, nil, `INSERT INTO templates (`+templateColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.TenantID, t.CommunityID, t.DVCID, t.DocumentType, blob(t.Workflow),
		millis(t.CreatedAt), millis(t.UpdatedAt))
	if err != nil {
		return writeErr("create template", err, templateConflicts)
	}
	return nil
}

// Template returns the template with the given ID.
func (s *Store) Template(ctx context.Context, id string) (*idproof.Template, error) {
	t, err := scanTemplate(s.db.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE id = ?`, id))
	if err != nil {
		return nil, readErr("get template", err, "template", id)
	}
	return t, nil
}

// Templates lists the templates of a community (of the whole tenant when
// communityID is ""), oldest first; dvcID and documentType filter when set.
func (s *Store) Templates(ctx context.Context, tenantID, communityID, dvcID, documentType string) ([]*idproof.Template, error) {
	query := `SELECT ` + templateColumns + ` FROM templates WHERE tenant_id = ?`
	args := []any{tenantID}
	for _, eq := range []struct{ col, val string }{
		{"community_id", communityID},
		{"dvc_id", dvcID},
		{"document_type", documentType},
	} {
		if eq.val != "" {
			query += ` AND ` + eq.col + ` = ?`
			args = append(args, eq.val)
		}
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return collect(rows, scanTemplate, "list templates")
}

// UpdateTemplate writes DVCID, DocumentType, Workflow and UpdatedAt.
func (s *Store) UpdateTemplate(ctx context.Context, t *idproof.Template) error {
	res, err := s.exec(ctx, nil, `UPDATE templates
		SET dvc_id = ?, document_type = ?, workflow = ?, updated_at = ? WHERE id = ?`,
		t.DVCID, t.DocumentType, blob(t.Workflow), millis(t.UpdatedAt), t.ID)
	if err != nil {
		return fmt.Errorf("update template: %w", err)
	}
	return mustAffect("update template", res, "template", t.ID)
}

// DeleteTemplate deletes the template with the given ID.
func (s *Store) DeleteTemplate(ctx context.Context, id string) error {
	res, err := s.exec(ctx, nil, `DELETE FROM templates WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete template: %w", err)
	}
	return mustAffect("delete template", res, "template", id)
}
