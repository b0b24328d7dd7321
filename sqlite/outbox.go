package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/idproof/idproof"
)

const webhookEventColumns = `id, tenant_id, community_id, session_id, type, payload, created_at`

func scanWebhookEvent(r scanner) (*idproof.WebhookEvent, error) {
	var e idproof.WebhookEvent
	var created int64
	var payload []byte
	if err := r.Scan(&e.ID, &e.TenantID, &e.CommunityID, &e.SessionID, &e.Type, &payload, &created); err != nil {
		return nil, err
	}
	e.Payload, e.CreatedAt = fromBlob(payload), fromMillis(created)
	return &e, nil
}

// insertOutbox adds events to the outbox in tx, not fanned out yet.
func (s *Store) insertOutbox(ctx context.Context, tx *sql.Tx, events []*idproof.WebhookEvent) error {
	if len(events) == 0 {
		return nil
	}
	st := tx.StmtContext(ctx, s.q.insertWebhookEvent)
	for _, e := range events {
		if _, err := st.ExecContext(ctx, e.ID, e.TenantID, e.CommunityID, e.SessionID, e.Type,
			blob(e.Payload), millis(e.CreatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// WebhookEvent returns an event of the outbox.
func (s *Store) WebhookEvent(ctx context.Context, id string) (*idproof.WebhookEvent, error) {
	e, err := scanWebhookEvent(s.db.QueryRowContext(ctx,
		`SELECT `+webhookEventColumns+` FROM webhook_events WHERE id = ?`, id))
	if err != nil {
		return nil, readErr("get webhook event", err, "webhook event", id)
	}
	return e, nil
}

// WebhookEvents lists a session's events, oldest first.
func (s *Store) WebhookEvents(ctx context.Context, sessionID string) ([]*idproof.WebhookEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookEventColumns+` FROM webhook_events
		WHERE session_id = ? ORDER BY created_at, rowid`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list webhook events: %w", err)
	}
	return collect(rows, scanWebhookEvent, "list webhook events")
}
