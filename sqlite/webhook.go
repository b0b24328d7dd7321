package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/idproof/idproof"
)

var webhookEndpointConflicts = conflicts{
	"webhook_endpoints.id": "webhook endpoint with this id already exists",
	"":                     "webhook endpoint already exists",
}

const webhookEndpointColumns = `id, tenant_id, community_id, url, events, secret_sealed, description, disabled,
	created_at, updated_at`

// eventTypes converts an endpoint's event types to the stored JSON array;
// none (all types) is "[]".
func eventTypes(types []string) string {
	if len(types) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(types) // a []string always marshals
	return string(b)
}

// fromEventTypes converts a stored JSON array back; an empty one is nil.
func fromEventTypes(s string) ([]string, error) {
	var types []string
	if err := json.Unmarshal([]byte(s), &types); err != nil {
		return nil, fmt.Errorf("event types %q: %w", s, err)
	}
	if len(types) == 0 {
		return nil, nil
	}
	return types, nil
}

func scanWebhookEndpoint(r scanner) (*idproof.WebhookEndpoint, error) {
	var e idproof.WebhookEndpoint
	var events string
	var created, updated int64
	if err := r.Scan(&e.ID, &e.TenantID, &e.CommunityID, &e.URL, &events, &e.SecretSealed, &e.Description,
		&e.Disabled, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if e.Events, err = fromEventTypes(events); err != nil {
		return nil, err
	}
	e.SecretSealed = fromBlob(e.SecretSealed)
	e.CreatedAt, e.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &e, nil
}

// CreateWebhookEndpoint stores a new endpoint; its ID must be unused.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e *idproof.WebhookEndpoint) error {
	_, err := s.exec(ctx, nil, `INSERT INTO webhook_endpoints (`+webhookEndpointColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, e.CommunityID, e.URL, eventTypes(e.Events), blob(e.SecretSealed), e.Description,
		e.Disabled, millis(e.CreatedAt), millis(e.UpdatedAt))
	if err != nil {
		return writeErr("create webhook endpoint", err, webhookEndpointConflicts)
	}
	return nil
}

// WebhookEndpoint returns the endpoint with the given ID.
func (s *Store) WebhookEndpoint(ctx context.Context, id string) (*idproof.WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(s.db.QueryRowContext(ctx,
		`SELECT `+webhookEndpointColumns+` FROM webhook_endpoints WHERE id = ?`, id))
	if err != nil {
		return nil, readErr("get webhook endpoint", err, "webhook endpoint", id)
	}
	return e, nil
}

// WebhookEndpoints lists a community's endpoints (communityID "": the
// tenant's), oldest first.
func (s *Store) WebhookEndpoints(ctx context.Context, tenantID, communityID string) ([]*idproof.WebhookEndpoint, error) {
	query := `SELECT ` + webhookEndpointColumns + ` FROM webhook_endpoints WHERE tenant_id = ?`
	args := []any{tenantID}
	if communityID != "" {
		query += ` AND community_id = ?`
		args = append(args, communityID)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return collect(rows, scanWebhookEndpoint, "list webhook endpoints")
}

// communityEndpoints reads the endpoints of one community in tx, for the
// fan-out.
func communityEndpoints(ctx context.Context, tx *sql.Tx, tenantID, communityID string) ([]*idproof.WebhookEndpoint, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
		WHERE tenant_id = ? AND community_id = ? ORDER BY created_at, id`, tenantID, communityID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanWebhookEndpoint, "list webhook endpoints")
}

// UpdateWebhookEndpoint replaces URL, Events, SecretSealed, Description,
// Disabled and UpdatedAt.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, e *idproof.WebhookEndpoint) error {
	res, err := s.exec(ctx, nil, `UPDATE webhook_endpoints SET url = ?, events = ?, secret_sealed = ?,
		description = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		e.URL, eventTypes(e.Events), blob(e.SecretSealed), e.Description, e.Disabled, millis(e.UpdatedAt), e.ID)
	if err != nil {
		return writeErr("update webhook endpoint", err, webhookEndpointConflicts)
	}
	return mustAffect("update webhook endpoint", res, "webhook endpoint", e.ID)
}

// DeleteWebhookEndpoint deletes the endpoint and its deliveries still
// PENDING, with their logs; the others stay until purged.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete webhook endpoint: %w", err)
		}
		if err := mustAffect("delete webhook endpoint", res, "webhook endpoint", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND status = ?`,
			id, idproof.DeliveryPending); err != nil {
			return fmt.Errorf("delete webhook endpoint: %w", err)
		}
		return nil
	})
}
