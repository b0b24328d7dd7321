package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

var webhookAttemptConflicts = conflicts{
	"webhook_attempts.delivery_id, webhook_attempts.n": "the delivery's log already has an attempt with this number",
	"": "webhook attempt already logged",
}

const webhookDeliveryColumns = `id, event_id, endpoint_id, tenant_id, community_id, session_id, event_type,
	status, attempts, next_at, retry_from, last_attempt_at, last_status_code, last_error, delivered_at, created_at`

func scanWebhookDelivery(r scanner) (*idproof.WebhookDelivery, error) {
	var d idproof.WebhookDelivery
	var next, retry, last, delivered, created int64
	if err := r.Scan(&d.ID, &d.EventID, &d.EndpointID, &d.TenantID, &d.CommunityID, &d.SessionID, &d.EventType,
		&d.Status, &d.Attempts, &next, &retry, &last, &d.LastStatusCode, &d.LastError, &delivered, &created); err != nil {
		return nil, err
	}
	d.NextAt, d.RetryFrom, d.LastAttemptAt = fromMillis(next), fromMillis(retry), fromMillis(last)
	d.DeliveredAt, d.CreatedAt = fromMillis(delivered), fromMillis(created)
	return &d, nil
}

// FanOutWebhookEvents turns up to limit events not fanned out yet, oldest
// first, into PENDING deliveries due at now, one per endpoint of the
// event's community that wants its type, and marks them fanned out, all in
// one transaction. The writer runs one write at a time, so concurrent
// callers take disjoint events.
func (s *Store) FanOutWebhookEvents(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+webhookEventColumns+` FROM webhook_events
			WHERE fanned_out = 0 ORDER BY created_at, rowid LIMIT ?`, limit)
		if err != nil {
			return fmt.Errorf("fan out webhook events: %w", err)
		}
		events, err := collect(rows, scanWebhookEvent, "fan out webhook events")
		if err != nil {
			return err
		}
		endpoints := map[[2]string][]*idproof.WebhookEndpoint{}
		for _, e := range events {
			community := [2]string{e.TenantID, e.CommunityID}
			eps, ok := endpoints[community]
			if !ok {
				if eps, err = communityEndpoints(ctx, tx, e.TenantID, e.CommunityID); err != nil {
					return fmt.Errorf("fan out webhook events: %w", err)
				}
				endpoints[community] = eps
			}
			for _, ep := range eps {
				if !ep.Wants(e.Type) {
					continue
				}
				at := millis(now)
				if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (`+webhookDeliveryColumns+`)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, 0, '', 0, ?)
					ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
					idproof.NewUUID(), e.ID, ep.ID, e.TenantID, e.CommunityID, e.SessionID, e.Type,
					idproof.DeliveryPending, at, at, at); err != nil {
					return fmt.Errorf("fan out webhook events: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_events SET fanned_out = 1 WHERE id = ?`, e.ID); err != nil {
				return fmt.Errorf("fan out webhook events: %w", err)
			}
		}
		n = len(events)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ClaimWebhookDeliveries takes up to limit PENDING deliveries due at now,
// earliest first, and moves their NextAt to leaseUntil. SQLite has one
// writer at a time, so one UPDATE ... RETURNING is atomic.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*idproof.WebhookDelivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []*idproof.WebhookDelivery
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE webhook_deliveries SET next_at = ?
		WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?)
		RETURNING `+webhookDeliveryColumns, millis(leaseUntil), idproof.DeliveryPending, millis(now), limit)
		if err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		out, err = collect(rows, scanWebhookDelivery, "claim webhook deliveries")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordWebhookAttempt appends a to d's log and saves d's outcome, in one
// transaction. A missing delivery is ENOTFOUND; an attempt number already
// logged is ECONFLICT.
func (s *Store) RecordWebhookAttempt(ctx context.Context, d *idproof.WebhookDelivery, a *idproof.WebhookAttempt) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?,
			last_attempt_at = ?, last_status_code = ?, last_error = ?, delivered_at = ? WHERE id = ?`,
			d.Status, d.Attempts, millis(d.NextAt), millis(d.LastAttemptAt), d.LastStatusCode, d.LastError,
			millis(d.DeliveredAt), d.ID)
		if err != nil {
			return fmt.Errorf("record webhook attempt: %w", err)
		}
		if err := mustAffect("record webhook attempt", res, "webhook delivery", d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, n, at, status_code, error, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?)`, d.ID, a.N, millis(a.At), a.StatusCode, a.Error, a.Duration.Milliseconds()); err != nil {
			return writeErr("record webhook attempt", err, webhookAttemptConflicts)
		}
		return nil
	})
}

// WebhookDelivery returns the delivery with the given ID.
func (s *Store) WebhookDelivery(ctx context.Context, id string) (*idproof.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(s.db.QueryRowContext(ctx,
		`SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries WHERE id = ?`, id))
	if err != nil {
		return nil, readErr("get webhook delivery", err, "webhook delivery", id)
	}
	return d, nil
}

// WebhookDeliveries lists the deliveries matching f, newest first (ties
// broken by ID).
func (s *Store) WebhookDeliveries(ctx context.Context, f idproof.WebhookDeliveryFilter) ([]*idproof.WebhookDelivery, error) {
	var conds []string
	var args []any
	for _, eq := range []struct{ col, val string }{
		{"tenant_id", f.TenantID},
		{"community_id", f.CommunityID},
		{"endpoint_id", f.EndpointID},
		{"session_id", f.SessionID},
		{"status", f.Status},
	} {
		if eq.val != "" {
			conds = append(conds, eq.col+" = ?")
			args = append(args, eq.val)
		}
	}
	query := `SELECT ` + webhookDeliveryColumns + ` FROM webhook_deliveries`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // no limit
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at DESC, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return collect(rows, scanWebhookDelivery, "list webhook deliveries")
}

func scanWebhookAttempt(r scanner) (*idproof.WebhookAttempt, error) {
	var a idproof.WebhookAttempt
	var at, ms int64
	if err := r.Scan(&a.DeliveryID, &a.N, &at, &a.StatusCode, &a.Error, &ms); err != nil {
		return nil, err
	}
	a.At, a.Duration = fromMillis(at), time.Duration(ms)*time.Millisecond
	return &a, nil
}

// WebhookAttempts lists a delivery's log, first attempt first.
func (s *Store) WebhookAttempts(ctx context.Context, deliveryID string) ([]*idproof.WebhookAttempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT delivery_id, n, at, status_code, error, duration_ms
		FROM webhook_attempts WHERE delivery_id = ? ORDER BY n`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("list webhook attempts: %w", err)
	}
	return collect(rows, scanWebhookAttempt, "list webhook attempts")
}

// ResendWebhookDelivery makes a delivery PENDING, due at now, with a retry
// window starting at now; its log and attempt count stay.
func (s *Store) ResendWebhookDelivery(ctx context.Context, id string, now time.Time) error {
	res, err := s.exec(ctx, nil, `UPDATE webhook_deliveries SET status = ?, next_at = ?, retry_from = ? WHERE id = ?`,
		idproof.DeliveryPending, millis(now), millis(now), id)
	if err != nil {
		return fmt.Errorf("resend webhook delivery: %w", err)
	}
	return mustAffect("resend webhook delivery", res, "webhook delivery", id)
}

// PurgeWebhookEvents deletes the events fanned out before before whose
// deliveries are all DELIVERED or FAILED; their deliveries and logs go
// with them (ON DELETE CASCADE). An event not fanned out yet is kept, as
// its deliveries are still to be made.
func (s *Store) PurgeWebhookEvents(ctx context.Context, before time.Time) (int, error) {
	res, err := s.exec(ctx, nil, `DELETE FROM webhook_events
		WHERE fanned_out = 1 AND created_at < ? AND NOT EXISTS (
			SELECT 1 FROM webhook_deliveries d
			WHERE d.event_id = webhook_events.id AND d.status NOT IN (?, ?))`,
		millis(before), idproof.DeliveryDelivered, idproof.DeliveryFailed)
	if err != nil {
		return 0, fmt.Errorf("purge webhook events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge webhook events: %w", err)
	}
	return int(n), nil
}
