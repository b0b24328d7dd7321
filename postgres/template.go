package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var templateConflicts = conflicts{
	"templates_pkey": "template with this id already exists",
	"":               "template already exists",
}

const templateColumns = `id, tenant_id, community_id, dvc_id, document_type, workflow, created_at, updated_at`

func scanTemplate(r pgx.Row) (*idproof.Template, error) {
	var t idproof.Template
	var workflow []byte
	err := r.Scan(&t.ID, &t.TenantID, &t.CommunityID, &t.DVCID, &t.DocumentType, &workflow, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	t.Workflow = fromBlob(workflow)
	return &t, nil
}

// CreateTemplate stores a new template; its ID must be unused.
func (s *Store) CreateTemplate(ctx context.Context, t *idproof.Template) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO templates (`+templateColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.ID, t.TenantID, t.CommunityID, t.DVCID, t.DocumentType, blob(t.Workflow),
		ts(t.CreatedAt), ts(t.UpdatedAt))
	if err != nil {
		return writeErr("create template", err, templateConflicts)
	}
	return nil
}

// Template returns the template with the given ID.
func (s *Store) Template(ctx context.Context, id string) (*idproof.Template, error) {
	t, err := scanTemplate(s.pool.QueryRow(ctx, `SELECT `+templateColumns+` FROM templates WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get template", err, "template", id)
	}
	return t, nil
}

// Templates lists the templates of a community (of the whole tenant when
// communityID is ""), oldest first; dvcID and documentType filter when set.
func (s *Store) Templates(ctx context.Context, tenantID, communityID, dvcID, documentType string) ([]*idproof.Template, error) {
	query := `SELECT ` + templateColumns + ` FROM templates WHERE tenant_id = $1`
	args := []any{tenantID}
	for _, eq := range []struct{ col, val string }{
		{"community_id", communityID},
		{"dvc_id", dvcID},
		{"document_type", documentType},
	} {
		if eq.val != "" {
			args = append(args, eq.val)
			query += ` AND ` + eq.col + ` = $` + strconv.Itoa(len(args))
		}
	}
	rows, err := s.pool.Query(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return collect(rows, scanTemplate, "list templates")
}

// UpdateTemplate writes DVCID, DocumentType, Workflow and UpdatedAt.
func (s *Store) UpdateTemplate(ctx context.Context, t *idproof.Template) error {
	tag, err := s.pool.Exec(ctx, `UPDATE templates
		SET dvc_id = $1, document_type = $2, workflow = $3, updated_at = $4 WHERE id = $5`,
		t.DVCID, t.DocumentType, blob(t.Workflow), ts(t.UpdatedAt), t.ID)
	if err != nil {
		return fmt.Errorf("update template: %w", err)
	}
	return mustAffect(tag, "template", t.ID)
}

// DeleteTemplate deletes the template with the given ID.
func (s *Store) DeleteTemplate(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM templates WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete template: %w", err)
	}
	return mustAffect(tag, "template", id)
}
