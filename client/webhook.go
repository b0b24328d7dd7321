package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Webhook is a webhook endpoint of a community. Secret is in full only in
// the replies of CreateWebhook and of UpdateWebhook with RotateSecret;
// elsewhere it is masked to its last four characters.
type Webhook struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Events      []string  `json:"events"` // empty: every event type
	Description string    `json:"description"`
	Enabled     bool      `json:"enabled"`
	Secret      string    `json:"secret"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// WebhookSpec is the body of CreateWebhook and UpdateWebhook. Nil fields
// are left out: on update they keep their value. URL is required to create.
type WebhookSpec struct {
	URL         *string   `json:"url,omitempty"`
	Events      *[]string `json:"events,omitempty"`
	Description *string   `json:"description,omitempty"`
	Enabled     *bool     `json:"enabled,omitempty"`
	// RotateSecret replaces the signing secret (update only).
	RotateSecret bool `json:"rotateSecret,omitempty"`
}

// WebhookDelivery is one event on its way to one endpoint. Zero times are
// unset: NextAt once delivered or failed, DeliveredAt until delivered.
type WebhookDelivery struct {
	ID             string    `json:"id"`
	EventID        string    `json:"eventId"`
	EndpointID     string    `json:"endpointId"`
	SessionID      string    `json:"sessionId"`
	EventType      string    `json:"eventType"`
	Status         string    `json:"status"` // PENDING, DELIVERED or FAILED
	Attempts       int       `json:"attempts"`
	NextAt         time.Time `json:"nextAt"`
	LastAttemptAt  time.Time `json:"lastAttemptAt"`
	LastStatusCode int       `json:"lastStatusCode"`
	LastError      string    `json:"lastError"`
	DeliveredAt    time.Time `json:"deliveredAt"`
	CreatedAt      time.Time `json:"createdAt"`
}

// WebhookAttempt is one entry of a delivery's log.
type WebhookAttempt struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"statusCode"` // 0: no HTTP answer
	Error      string    `json:"error"`
	DurationMS int64     `json:"durationMs"`
}

// WebhookDeliveryDetail is a delivery with its log and the event's
// payload (absent once the event was purged). The log replaces the count
// in the JSON: the embedded Attempts stays 0; use len(Log).
type WebhookDeliveryDetail struct {
	WebhookDelivery
	Log   []WebhookAttempt `json:"attempts"`
	Event json.RawMessage  `json:"event"`
}

// WebhookDeliveryFilter selects deliveries; zero fields do not filter.
type WebhookDeliveryFilter struct {
	EndpointID string
	SessionID  string
	Status     string
	Limit      int // 0: the server's default (50); at most 500
}

func webhooksPath(tenantID, communityID string) string {
	return "/webhooks/tenant/" + url.PathEscape(tenantID) + "/community/" + url.PathEscape(communityID)
}

// CreateWebhook calls POST /webhooks/tenant/{t}/community/{c}. The reply
// holds the signing secret, which is not shown again.
func (c *Client) CreateWebhook(ctx context.Context, tenantID, communityID string, spec WebhookSpec) (*Webhook, error) {
	var out Webhook
	if err := c.Do(ctx, http.MethodPost, webhooksPath(tenantID, communityID), spec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Webhooks calls GET /webhooks/tenant/{t}/community/{c}.
func (c *Client) Webhooks(ctx context.Context, tenantID, communityID string) ([]Webhook, error) {
	var out struct {
		Webhooks []Webhook `json:"webhooks"`
	}
	err := c.Do(ctx, http.MethodGet, webhooksPath(tenantID, communityID), nil, &out)
	return out.Webhooks, err
}

// Webhook calls GET /webhooks/tenant/{t}/community/{c}/id/{id}.
func (c *Client) Webhook(ctx context.Context, tenantID, communityID, id string) (*Webhook, error) {
	var out Webhook
	if err := c.Do(ctx, http.MethodGet, webhooksPath(tenantID, communityID)+"/id/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateWebhook calls PATCH /webhooks/tenant/{t}/community/{c}/id/{id}.
func (c *Client) UpdateWebhook(ctx context.Context, tenantID, communityID, id string, spec WebhookSpec) (*Webhook, error) {
	var out Webhook
	if err := c.Do(ctx, http.MethodPatch, webhooksPath(tenantID, communityID)+"/id/"+url.PathEscape(id), spec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteWebhook calls DELETE /webhooks/tenant/{t}/community/{c}/id/{id}.
func (c *Client) DeleteWebhook(ctx context.Context, tenantID, communityID, id string) error {
	return c.Do(ctx, http.MethodDelete, webhooksPath(tenantID, communityID)+"/id/"+url.PathEscape(id), nil, nil)
}

// WebhookDeliveries calls GET /webhooks/tenant/{t}/community/{c}/deliveries:
// newest first.
func (c *Client) WebhookDeliveries(ctx context.Context, tenantID, communityID string, f WebhookDeliveryFilter) ([]WebhookDelivery, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("endpoint", f.EndpointID)
	set("session", f.SessionID)
	set("status", f.Status)
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	path := webhooksPath(tenantID, communityID) + "/deliveries"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out struct {
		Deliveries []WebhookDelivery `json:"deliveries"`
	}
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out.Deliveries, err
}

// WebhookDelivery calls GET .../deliveries/{deliveryId}.
func (c *Client) WebhookDelivery(ctx context.Context, tenantID, communityID, id string) (*WebhookDeliveryDetail, error) {
	var out WebhookDeliveryDetail
	if err := c.Do(ctx, http.MethodGet, webhooksPath(tenantID, communityID)+"/deliveries/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResendWebhookDelivery calls POST .../deliveries/{deliveryId}/resend: the
// delivery is due again now, with a new retry window.
func (c *Client) ResendWebhookDelivery(ctx context.Context, tenantID, communityID, id string) (*WebhookDelivery, error) {
	var out WebhookDelivery
	if err := c.Do(ctx, http.MethodPost, webhooksPath(tenantID, communityID)+"/deliveries/"+url.PathEscape(id)+"/resend", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
