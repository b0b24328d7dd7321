package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var webhookEndpointConflicts = conflicts{
	"webhook_endpoints_pkey": "webhook endpoint with this id already exists",
	"":                       "webhook endpoint already exists",
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

func scanWebhookEndpoint(r pgx.Row) (*idproof.WebhookEndpoint, error) {
	var e idproof.WebhookEndpoint
	var events string
	if err := r.Scan(&e.ID, &e.TenantID, &e.CommunityID, &e.URL, &events, &e.SecretSealed, &e.Description,
		&e.Disabled, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if e.Events, err = fromEventTypes(events); err != nil {
		return nil, err
	}
	e.SecretSealed = fromBlob(e.SecretSealed)
	return &e, nil
}

// CreateWebhookEndpoint stores a new endpoint; its ID must be unused.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e *idproof.WebhookEndpoint) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO webhook_endpoints (`+webhookEndpointColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ID, e.TenantID, e.CommunityID, e.URL, eventTypes(e.Events), blob(e.SecretSealed), e.Description,
		e.Disabled, ts(e.CreatedAt), ts(e.UpdatedAt))
	if err != nil {
		return writeErr("create webhook endpoint", err, webhookEndpointConflicts)
	}
	return nil
}

// WebhookEndpoint returns the endpoint with the given ID.
func (s *Store) WebhookEndpoint(ctx context.Context, id string) (*idproof.WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(s.pool.QueryRow(ctx,
		`SELECT `+webhookEndpointColumns+` FROM webhook_endpoints WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get webhook endpoint", err, "webhook endpoint", id)
	}
	return e, nil
}

// WebhookEndpoints lists a community's endpoints (communityID "": the
// tenant's), oldest first.
func (s *Store) WebhookEndpoints(ctx context.Context, tenantID, communityID string) ([]*idproof.WebhookEndpoint, error) {
	query := `SELECT ` + webhookEndpointColumns + ` FROM webhook_endpoints WHERE tenant_id = $1`
	args := []any{tenantID}
	if communityID != "" {
		query += ` AND community_id = $2`
		args = append(args, communityID)
	}
	rows, err := s.pool.Query(ctx, query+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, readErr("list webhook endpoints", err, "", "")
	}
	return collect(rows, scanWebhookEndpoint, "list webhook endpoints")
}

// UpdateWebhookEndpoint replaces URL, Events, SecretSealed, Description,
// Disabled and UpdatedAt.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, e *idproof.WebhookEndpoint) error {
	tag, err := s.pool.Exec(ctx, `UPDATE webhook_endpoints SET url = $1, events = $2, secret_sealed = $3,
		description = $4, disabled = $5, updated_at = $6 WHERE id = $7`,
		e.URL, eventTypes(e.Events), blob(e.SecretSealed), e.Description, e.Disabled, ts(e.UpdatedAt), e.ID)
	if err != nil {
		return writeErr("update webhook endpoint", err, webhookEndpointConflicts)
	}
	return mustAffect(tag, "webhook endpoint", e.ID)
}

// DeleteWebhookEndpoint deletes the endpoint and its deliveries still
// PENDING, with their logs; the others stay until purged. The fan-out
// reads endpoints FOR SHARE, so the delete waits for a fan-out under way
// and the second statement, on a fresh snapshot, sees what it created.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
		if err != nil {
			return writeErr("delete webhook endpoint", err, nil)
		}
		if err := mustAffect(tag, "webhook endpoint", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND status = $2`,
			id, idproof.DeliveryPending); err != nil {
			return fmt.Errorf("delete webhook endpoint: %w", err)
		}
		return nil
	})
}
