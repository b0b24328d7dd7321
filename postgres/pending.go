package postgres

import (
	"context"
	"time"

	"github.com/idproof/idproof"
)

// Placeholders until the webhook, audit and idempotency tables land.

func pending() error { return idproof.Errorf(idproof.ENOTIMPLEMENTED, "not implemented yet") }

func (s *Store) CreateWebhookEndpoint(context.Context, *idproof.WebhookEndpoint) error {
	return pending()
}
func (s *Store) WebhookEndpoint(context.Context, string) (*idproof.WebhookEndpoint, error) {
	return nil, pending()
}
func (s *Store) WebhookEndpoints(context.Context, string, string) ([]*idproof.WebhookEndpoint, error) {
	return nil, pending()
}
func (s *Store) UpdateWebhookEndpoint(context.Context, *idproof.WebhookEndpoint) error {
	return pending()
}
func (s *Store) DeleteWebhookEndpoint(context.Context, string) error { return pending() }
func (s *Store) WebhookEvent(context.Context, string) (*idproof.WebhookEvent, error) {
	return nil, pending()
}
func (s *Store) WebhookEvents(context.Context, string) ([]*idproof.WebhookEvent, error) {
	return nil, pending()
}
func (s *Store) FanOutWebhookEvents(context.Context, time.Time, int) (int, error) {
	return 0, pending()
}
func (s *Store) ClaimWebhookDeliveries(context.Context, time.Time, time.Time, int) ([]*idproof.WebhookDelivery, error) {
	return nil, pending()
}
func (s *Store) RecordWebhookAttempt(context.Context, *idproof.WebhookDelivery, *idproof.WebhookAttempt) error {
	return pending()
}
func (s *Store) WebhookDelivery(context.Context, string) (*idproof.WebhookDelivery, error) {
	return nil, pending()
}
func (s *Store) WebhookDeliveries(context.Context, idproof.WebhookDeliveryFilter) ([]*idproof.WebhookDelivery, error) {
	return nil, pending()
}
func (s *Store) WebhookAttempts(context.Context, string) ([]*idproof.WebhookAttempt, error) {
	return nil, pending()
}
func (s *Store) ResendWebhookDelivery(context.Context, string, time.Time) error     { return pending() }
func (s *Store) PurgeWebhookEvents(context.Context, time.Time) (int, error)         { return 0, pending() }
func (s *Store) AuditEvents(context.Context, string) ([]*idproof.AuditEvent, error) { return nil, nil }
func (s *Store) ClaimIdempotencyKey(context.Context, *idproof.IdempotencyRecord, time.Time, time.Time) (*idproof.IdempotencyRecord, error) {
	return nil, pending()
}
func (s *Store) FinishIdempotencyKey(context.Context, string, int, []byte) error { return pending() }
func (s *Store) ReleaseIdempotencyKey(context.Context, string) error             { return pending() }
func (s *Store) PurgeIdempotencyKeys(context.Context, time.Time) (int, error)    { return 0, pending() }
