package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

const webhookEventColumns = `id, tenant_id, community_id, session_id, type, payload, created_at`

func scanWebhookEvent(r pgx.Row) (*idproof.WebhookEvent, error) {
	var e idproof.WebhookEvent
	var payload []byte
	if err := r.Scan(&e.ID, &e.TenantID, &e.CommunityID, &e.SessionID, &e.Type, &payload, &e.CreatedAt); err != nil {
		return nil, err
	}
	e.Payload = fromBlob(payload)
	return &e, nil
}

// WebhookEvent returns an event of the outbox.
func (s *Store) WebhookEvent(ctx context.Context, id string) (*idproof.WebhookEvent, error) {
	e, err := scanWebhookEvent(s.pool.QueryRow(ctx,
		`SELECT `+webhookEventColumns+` FROM webhook_events WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get webhook event", err, "webhook event", id)
	}
	return e, nil
}

// WebhookEvents lists a session's events, oldest first.
func (s *Store) WebhookEvents(ctx context.Context, sessionID string) ([]*idproof.WebhookEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+webhookEventColumns+` FROM webhook_events
		WHERE session_id = $1 ORDER BY created_at, seq`, sessionID)
	if err != nil {
		return nil, readErr("list webhook events", err, "", "")
	}
	return collect(rows, scanWebhookEvent, "list webhook events")
}
