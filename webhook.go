package idproof

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Webhook event types: one for every session transition, for the outcome
// of a manual review and for redaction. A relying party subscribes an
// endpoint to some of them (or to all, with none named).
const (
	EventSessionCreated   = "session.created"
	EventSessionStarted   = "session.started"
	EventSessionCompleted = "session.completed"
	EventSessionExpired   = "session.expired"
	EventSessionAbandoned = "session.abandoned"
	EventSessionDeclined  = "session.declined"
	// EventSessionReview: the session completed with the outcome REVIEW
	// and waits for a person's decision.
	EventSessionReview = "session.review"
	// EventSessionReviewed: a reviewer approved or rejected it.
	EventSessionReviewed = "session.reviewed"
	EventSessionRedacted = "session.redacted"
)

// WebhookEventTypes lists every event type, in the order of a session's
// life.
func WebhookEventTypes() []string {
	return []string{
		EventSessionCreated, EventSessionStarted, EventSessionCompleted,
		EventSessionExpired, EventSessionAbandoned, EventSessionDeclined,
		EventSessionReview, EventSessionReviewed, EventSessionRedacted,
	}
}

// ValidWebhookEventType reports whether t is an event type.
func ValidWebhookEventType(t string) bool { return slices.Contains(WebhookEventTypes(), t) }

// WebhookEndpoint is where a community's events are delivered.
type WebhookEndpoint struct {
	ID          string // object id
	TenantID    string
	CommunityID string
	URL         string
	// Events are the event types delivered; none means all.
	Events []string
	// SecretSealed is the signing secret, sealed with the master key.
	SecretSealed []byte
	Description  string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Wants reports whether the endpoint takes events of type t.
func (e *WebhookEndpoint) Wants(t string) bool {
	return !e.Disabled && (len(e.Events) == 0 || slices.Contains(e.Events, t))
}

// WebhookEvent is one event in the outbox. It is written in the same
// transaction as the session change it reports (Session.Outbox), so a
// change is never stored without its event, nor an event without its
// change.
type WebhookEvent struct {
	ID          string // UUID; the receiver's key for de-duplication
	TenantID    string
	CommunityID string
	SessionID   string
	Type        string
	// Payload is the body delivered: ids and statuses, never personal data.
	Payload   json.RawMessage
	CreatedAt time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "PENDING"   // due at NextAt (again, after a failure)
	DeliveryDelivered = "DELIVERED" // the receiver answered 2xx
	DeliveryFailed    = "FAILED"    // retries ran out; a resend starts again
)

// WebhookDelivery is one event on its way to one endpoint.
type WebhookDelivery struct {
	ID          string // UUID
	EventID     string
	EndpointID  string
	TenantID    string
	CommunityID string
	SessionID   string
	EventType   string
	Status      string
	Attempts    int
	// NextAt is when the delivery is due; zero once it is DELIVERED or FAILED.
	NextAt time.Time
	// RetryFrom starts the retry window (creation, or the last resend).
	RetryFrom      time.Time
	LastAttemptAt  time.Time
	LastStatusCode int // 0: no HTTP answer
	LastError      string
	DeliveredAt    time.Time
	CreatedAt      time.Time
}

// WebhookAttempt is one try of a delivery, kept in its log.
type WebhookAttempt struct {
	DeliveryID string
	N          int // 1, 2, ... per delivery
	At         time.Time
	StatusCode int // 0: no HTTP answer
	Error      string
	Duration   time.Duration
}

// WebhookDeliveryFilter selects deliveries for a log. Zero fields do not
// filter.
type WebhookDeliveryFilter struct {
	TenantID    string
	CommunityID string
	EndpointID  string
	SessionID   string
	Status      string
	Limit       int // 0: no limit
}

// WebhookStore keeps webhook endpoints, the event outbox, deliveries and
// their log.
type WebhookStore interface {
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	WebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error)
	// WebhookEndpoints lists a community's endpoints (communityID "": the
	// tenant's), oldest first.
	WebhookEndpoints(ctx context.Context, tenantID, communityID string) ([]*WebhookEndpoint, error)
	// UpdateWebhookEndpoint replaces URL, Events, SecretSealed,
	// Description, Disabled and UpdatedAt.
	UpdateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// DeleteWebhookEndpoint deletes the endpoint and its deliveries still
	// PENDING; the log of the others stays until purged.
	DeleteWebhookEndpoint(ctx context.Context, id string) error

	// WebhookEvent returns an event of the outbox.
	WebhookEvent(ctx context.Context, id string) (*WebhookEvent, error)
	// WebhookEvents lists a session's events, oldest first.
	WebhookEvents(ctx context.Context, sessionID string) ([]*WebhookEvent, error)
	// FanOutWebhookEvents takes up to limit events not fanned out yet,
	// oldest first; for each, in one transaction, it creates a PENDING
	// delivery due at now for every endpoint of the event's community that
	// Wants its type, and marks the event fanned out. Concurrent callers
	// never fan an event out twice. It returns how many events it took.
	FanOutWebhookEvents(ctx context.Context, now time.Time, limit int) (int, error)
	// ClaimWebhookDeliveries takes up to limit PENDING deliveries due at
	// now, earliest first, and moves their NextAt to leaseUntil in the same
	// statement, so concurrent claimers take disjoint sets; a claimer that
	// dies leaves them due again at leaseUntil.
	ClaimWebhookDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*WebhookDelivery, error)
	// RecordWebhookAttempt appends a to the delivery's log and saves d's
	// Status, Attempts, NextAt, LastAttemptAt, LastStatusCode, LastError and
	// DeliveredAt, in one transaction.
	RecordWebhookAttempt(ctx context.Context, d *WebhookDelivery, a *WebhookAttempt) error
	WebhookDelivery(ctx context.Context, id string) (*WebhookDelivery, error)
	// WebhookDeliveries lists deliveries matching f, newest first.
	WebhookDeliveries(ctx context.Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, error)
	// WebhookAttempts lists a delivery's log, first attempt first.
	WebhookAttempts(ctx context.Context, deliveryID string) ([]*WebhookAttempt, error)
	// ResendWebhookDelivery makes a delivery PENDING, due at now, with a
	// retry window starting at now; its log stays.
	ResendWebhookDelivery(ctx context.Context, id string, now time.Time) error
	// PurgeWebhookEvents deletes the events created before before whose
	// deliveries are all DELIVERED or FAILED, with those deliveries and
	// their logs, and returns how many events it deleted.
	PurgeWebhookEvents(ctx context.Context, before time.Time) (int, error)
}
