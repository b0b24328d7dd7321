package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var webhookAttemptConflicts = conflicts{
	"webhook_attempts_pkey": "the delivery's log already has an attempt with this number",
	"":                      "webhook attempt already logged",
}

const webhookDeliveryColumns = `id, event_id, endpoint_id, tenant_id, community_id, session_id, event_type,
	status, attempts, next_at, retry_from, last_attempt_at, last_status_code, last_error, delivered_at, created_at`

func scanWebhookDelivery(r pgx.Row) (*idproof.WebhookDelivery, error) {
	var d idproof.WebhookDelivery
	if err := r.Scan(&d.ID, &d.EventID, &d.EndpointID, &d.TenantID, &d.CommunityID, &d.SessionID, &d.EventType,
		&d.Status, &d.Attempts, &d.NextAt, &d.RetryFrom, &d.LastAttemptAt, &d.LastStatusCode, &d.LastError,
		&d.DeliveredAt, &d.CreatedAt); err != nil {
		return nil, err
	}
	return &d, nil
}

// FanOutWebhookEvents turns up to limit events not fanned out yet, oldest
// first, into PENDING deliveries due at now, one per endpoint of the
// event's community that wants its type, and marks them fanned out, all in
// one transaction. The events are locked FOR UPDATE SKIP LOCKED, so
// concurrent callers (replicas) take disjoint events rather than wait for
// each other; a locked event that commits fanned out is re-checked and
// skipped. The unique (event, endpoint) pair is a second guard.
func (s *Store) FanOutWebhookEvents(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+webhookEventColumns+` FROM webhook_events
			WHERE NOT fanned_out ORDER BY created_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
		if err != nil {
			return fmt.Errorf("fan out webhook events: %w", err)
		}
		events, err := collect(rows, scanWebhookEvent, "fan out webhook events")
		if err != nil || len(events) == 0 {
			return err
		}
		endpoints := map[[2]string][]*idproof.WebhookEndpoint{}
		b := &pgx.Batch{}
		ids := make([]string, len(events))
		at := ts(now)
		for i, e := range events {
			ids[i] = e.ID
			community := [2]string{e.TenantID, e.CommunityID}
			eps, ok := endpoints[community]
			if !ok {
				// FOR SHARE: an endpoint being deleted is waited for and
				// then skipped, so no delivery outlives its endpoint's delete.
				rows, err := tx.Query(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
					WHERE tenant_id = $1 AND community_id = $2 ORDER BY created_at, id FOR SHARE`,
					e.TenantID, e.CommunityID)
				if err != nil {
					return fmt.Errorf("fan out webhook events: %w", err)
				}
				if eps, err = collect(rows, scanWebhookEndpoint, "fan out webhook events"); err != nil {
					return err
				}
				endpoints[community] = eps
			}
			for _, ep := range eps {
				if ep.Wants(e.Type) {
					b.Queue(`INSERT INTO webhook_deliveries (`+webhookDeliveryColumns+`)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9, '0001-01-01 00:00:00+00', 0, '',
							'0001-01-01 00:00:00+00', $9)
						ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
						idproof.NewUUID(), e.ID, ep.ID, e.TenantID, e.CommunityID, e.SessionID, e.Type,
						idproof.DeliveryPending, at)
				}
			}
		}
		b.Queue(`UPDATE webhook_events SET fanned_out = true WHERE id = ANY($1)`, ids)
		if err := sendBatch(ctx, tx, b); err != nil {
			return fmt.Errorf("fan out webhook events: %w", err)
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
// earliest first, and moves their NextAt to leaseUntil. SKIP LOCKED lets
// concurrent claimers pass over each other's rows instead of waiting for
// them, so replicas split the queue between them.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*idproof.WebhookDelivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `UPDATE webhook_deliveries SET next_at = $1
		WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE status = $2 AND next_at <= $3
			ORDER BY next_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING `+webhookDeliveryColumns, ts(leaseUntil), idproof.DeliveryPending, ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return collect(rows, scanWebhookDelivery, "claim webhook deliveries")
}

// RecordWebhookAttempt appends a to d's log and saves d's outcome, in one
// transaction. A missing delivery is ENOTFOUND; an attempt number already
// logged is ECONFLICT.
func (s *Store) RecordWebhookAttempt(ctx context.Context, d *idproof.WebhookDelivery, a *idproof.WebhookAttempt) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_at = $3,
			last_attempt_at = $4, last_status_code = $5, last_error = $6, delivered_at = $7 WHERE id = $8`,
			d.Status, d.Attempts, ts(d.NextAt), ts(d.LastAttemptAt), d.LastStatusCode, d.LastError,
			ts(d.DeliveredAt), d.ID)
		if err != nil {
			return writeErr("record webhook attempt", err, nil)
		}
		if err := mustAffect(tag, "webhook delivery", d.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, n, at, status_code, error, duration_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, a.N, ts(a.At), a.StatusCode, a.Error, a.Duration.Milliseconds()); err != nil {
			return writeErr("record webhook attempt", err, webhookAttemptConflicts)
		}
		return nil
	})
}

// WebhookDelivery returns the delivery with the given ID.
func (s *Store) WebhookDelivery(ctx context.Context, id string) (*idproof.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(s.pool.QueryRow(ctx,
		`SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id))
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
			args = append(args, eq.val)
			conds = append(conds, eq.col+" = $"+strconv.Itoa(len(args)))
		}
	}
	query := `SELECT ` + webhookDeliveryColumns + ` FROM webhook_deliveries`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, " AND ")
	}
	query += ` ORDER BY created_at DESC, id`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		query += ` LIMIT $` + strconv.Itoa(len(args))
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, readErr("list webhook deliveries", err, "", "")
	}
	return collect(rows, scanWebhookDelivery, "list webhook deliveries")
}

func scanWebhookAttempt(r pgx.Row) (*idproof.WebhookAttempt, error) {
	var a idproof.WebhookAttempt
	var ms int64
	if err := r.Scan(&a.DeliveryID, &a.N, &a.At, &a.StatusCode, &a.Error, &ms); err != nil {
		return nil, err
	}
	a.Duration = time.Duration(ms) * time.Millisecond
	return &a, nil
}

// WebhookAttempts lists a delivery's log, first attempt first.
func (s *Store) WebhookAttempts(ctx context.Context, deliveryID string) ([]*idproof.WebhookAttempt, error) {
	rows, err := s.pool.Query(ctx, `SELECT delivery_id, n, at, status_code, error, duration_ms
		FROM webhook_attempts WHERE delivery_id = $1 ORDER BY n`, deliveryID)
	if err != nil {
		return nil, readErr("list webhook attempts", err, "", "")
	}
	return collect(rows, scanWebhookAttempt, "list webhook attempts")
}

// ResendWebhookDelivery makes a delivery PENDING, due at now, with a retry
// window starting at now; its log and attempt count stay.
func (s *Store) ResendWebhookDelivery(ctx context.Context, id string, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET status = $1, next_at = $2, retry_from = $2 WHERE id = $3`,
		idproof.DeliveryPending, ts(now), id)
	if err != nil {
		return writeErr("resend webhook delivery", err, nil)
	}
	return mustAffect(tag, "webhook delivery", id)
}

// PurgeWebhookEvents deletes the events fanned out before before whose
// deliveries are all DELIVERED or FAILED; their deliveries and logs go
// with them (ON DELETE CASCADE). An event not fanned out yet is kept, as
// its deliveries are still to be made.
func (s *Store) PurgeWebhookEvents(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhook_events e
		WHERE fanned_out AND created_at < $1 AND NOT EXISTS (
			SELECT 1 FROM webhook_deliveries d
			WHERE d.event_id = e.id AND d.status <> ALL($2))`,
		ts(before), []string{idproof.DeliveryDelivered, idproof.DeliveryFailed})
	if err != nil {
		return 0, fmt.Errorf("purge webhook events: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// sendBatch runs b's statements in tx in one round trip and returns the
// first error.
func sendBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	br := tx.SendBatch(ctx, b)
	for range b.Len() {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}
