package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/netguard"
	"github.com/idproof/idproof/webhook"
)

// Limits of webhook endpoint configurations.
const (
	maxWebhookURL         = 2000
	maxWebhookDescription = 500
	// maxWebhooksPerCommunity bounds the deliveries one event fans out to.
	maxWebhooksPerCommunity = 20
)

// webhookRequest is the body of POST and PATCH. Pointers tell a field left
// out (kept) from one sent empty.
type webhookRequest struct {
	URL          *string   `json:"url"`
	Events       *[]string `json:"events"`
	Description  *string   `json:"description"`
	Enabled      *bool     `json:"enabled"`
	RotateSecret bool      `json:"rotateSecret"`
}

// webhookView is an endpoint as the API shows it. Secret is in full only in
// the answers that made it; elsewhere only its last four characters show.
type webhookView struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"` // empty: all
	Description string   `json:"description"`
	Enabled     bool     `json:"enabled"`
	Secret      string   `json:"secret"`
	CreatedAt   string   `json:"createdAt"`
	UpdatedAt   string   `json:"updatedAt"`
}

// webhookView builds the view of e; secret is the plain secret, shown in
// full when reveal is set.
func newWebhookView(e *idproof.WebhookEndpoint, secret string, reveal bool) webhookView {
	if !reveal {
		secret = maskSecret(secret)
	}
	events := e.Events
	if events == nil {
		events = []string{}
	}
	return webhookView{ID: e.ID, URL: e.URL, Events: events, Description: e.Description, Enabled: !e.Disabled,
		Secret: secret, CreatedAt: rfc3339(e.CreatedAt), UpdatedAt: rfc3339(e.UpdatedAt)}
}

// maskSecret keeps the prefix and the last four characters, enough to
// tell secrets apart during a rotation.
func maskSecret(s string) string {
	if len(s) < len(webhook.SecretPrefix)+8 {
		return webhook.SecretPrefix + "…"
	}
	return webhook.SecretPrefix + "…" + s[len(s)-4:]
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// scopedWebhook loads the path's endpoint of the caller's community.
func (s *Server) scopedWebhook(r *http.Request) (*idproof.WebhookEndpoint, error) {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	notFound := errorf(idproof.ENOTFOUND, "webhook %.40q not found", id)
	if !idproof.IsObjectID(id) {
		return nil, notFound
	}
	e, err := s.store.WebhookEndpoint(r.Context(), id)
	if idproof.IsNotFound(err) || (err == nil && (e.TenantID != tenantID || e.CommunityID != communityID)) {
		return nil, notFound
	}
	return e, err
}

// webhookReply answers with the endpoint, its secret opened.
func (s *Server) webhookReply(w http.ResponseWriter, r *http.Request, status int, e *idproof.WebhookEndpoint, reveal bool) error {
	secret, err := s.admin.Keyring.OpenString(e.SecretSealed)
	if err != nil {
		return err
	}
	return s.reply(w, r, status, newWebhookView(e, secret, reveal))
}

// createWebhook is POST /webhooks/tenant/{tenantId}/community/{communityId}.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return err
	}
	var req webhookRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.URL == nil {
		return errorf(idproof.EINVALID, "url is required")
	}
	now := s.clock.Now().UTC().Truncate(time.Millisecond)
	e := &idproof.WebhookEndpoint{ID: idproof.NewObjectID(), TenantID: tenantID, CommunityID: communityID, CreatedAt: now, UpdatedAt: now}
	if err := s.applyWebhook(e, &req); err != nil {
		return err
	}
	existing, err := s.store.WebhookEndpoints(r.Context(), tenantID, communityID)
	if err != nil {
		return err
	}
	if len(existing) >= maxWebhooksPerCommunity {
		return errorf(idproof.EINVALID, "a community has at most %d webhook endpoints; delete one first", maxWebhooksPerCommunity)
	}
	secret := webhook.NewSecret()
	e.SecretSealed = s.admin.Keyring.SealString(secret)
	if err := s.store.CreateWebhookEndpoint(r.Context(), e); err != nil {
		return err
	}
	return s.reply(w, r, http.StatusCreated, newWebhookView(e, secret, true))
}

// applyWebhook checks the fields req sets and copies them into e.
func (s *Server) applyWebhook(e *idproof.WebhookEndpoint, req *webhookRequest) error {
	if req.URL != nil {
		if err := s.checkWebhookURL(*req.URL); err != nil {
			return err
		}
		e.URL = *req.URL
	}
	if req.Events != nil {
		events := []string{}
		for _, t := range *req.Events {
			if !idproof.ValidWebhookEventType(t) {
				if err := checkText("events", t); err != nil {
					return err
				}
				return errorf(idproof.EINVALID, "events: %.60q is not an event type; known types: %s", t, strings.Join(idproof.WebhookEventTypes(), ", "))
			}
			if !slices.Contains(events, t) {
				events = append(events, t)
			}
		}
		e.Events = events
	}
	if req.Description != nil {
		if err := checkText("description", *req.Description); err != nil {
			return err
		}
		if utf8.RuneCountInString(*req.Description) > maxWebhookDescription {
			return errorf(idproof.EINVALID, "description is longer than %d characters", maxWebhookDescription)
		}
		e.Description = *req.Description
	}
	if req.Enabled != nil {
		e.Disabled = !*req.Enabled
	}
	return nil
}

// checkWebhookURL refuses what the dispatcher must not call: anything but
// an absolute http(s) URL without credentials, and, unless the server
// allows private endpoints, plain http and non-public hosts.
func (s *Server) checkWebhookURL(raw string) error {
	if err := checkText("url", raw); err != nil {
		return err
	}
	if raw == "" || len(raw) > maxWebhookURL {
		return errorf(idproof.EINVALID, "url is required, at most %d characters", maxWebhookURL)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errorf(idproof.EINVALID, "url must be an absolute https URL, such as https://example.com/hooks/idproof")
	}
	if u.User != nil {
		return errorf(idproof.EINVALID, "url must not carry a user name or password; put a token in the path or query instead")
	}
	if u.Fragment != "" {
		return errorf(idproof.EINVALID, "url must not have a #fragment")
	}
	if err := netguard.CheckURL(raw, s.cfg.AllowPrivateEndpoints); err != nil {
		return errorf(idproof.EINVALID, "url %v", err)
	}
	return nil
}

// webhooks is GET /webhooks/tenant/{tenantId}/community/{communityId}.
func (s *Server) webhooks(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return err
	}
	es, err := s.store.WebhookEndpoints(r.Context(), tenantID, communityID)
	if err != nil {
		return err
	}
	out := make([]webhookView, 0, len(es))
	for _, e := range es {
		secret, err := s.admin.Keyring.OpenString(e.SecretSealed)
		if err != nil {
			return err
		}
		out = append(out, newWebhookView(e, secret, false))
	}
	return s.reply(w, r, http.StatusOK, map[string]any{"webhooks": out})
}

// getWebhook is GET .../id/{id}.
func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	e, err := s.scopedWebhook(r)
	if err != nil {
		return err
	}
	return s.webhookReply(w, r, http.StatusOK, e, false)
}

// updateWebhook is PATCH .../id/{id}: the fields sent change, and
// rotateSecret replaces the secret, shown in this answer only.
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	e, err := s.scopedWebhook(r)
	if err != nil {
		return err
	}
	var req webhookRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if err := s.applyWebhook(e, &req); err != nil {
		return err
	}
	if req.RotateSecret {
		e.SecretSealed = s.admin.Keyring.SealString(webhook.NewSecret())
	}
	e.UpdatedAt = s.clock.Now().UTC().Truncate(time.Millisecond)
	if err := s.store.UpdateWebhookEndpoint(r.Context(), e); err != nil {
		return err
	}
	return s.webhookReply(w, r, http.StatusOK, e, req.RotateSecret)
}

// deleteWebhook is DELETE .../id/{id}: 204 with no body, as for templates.
// Its deliveries still pending go with it.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	e, err := s.scopedWebhook(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhookEndpoint(r.Context(), e.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deliveryView is a delivery as the API shows it; times are RFC 3339 and
// left out when unset.
type deliveryView struct {
	ID             string `json:"id"`
	EventID        string `json:"eventId"`
	EndpointID     string `json:"endpointId"`
	SessionID      string `json:"sessionId"`
	EventType      string `json:"eventType"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	NextAt         string `json:"nextAt,omitempty"`
	LastAttemptAt  string `json:"lastAttemptAt,omitempty"`
	LastStatusCode int    `json:"lastStatusCode,omitempty"`
	LastError      string `json:"lastError,omitempty"`
	DeliveredAt    string `json:"deliveredAt,omitempty"`
	CreatedAt      string `json:"createdAt"`
}

func newDeliveryView(d *idproof.WebhookDelivery) deliveryView {
	return deliveryView{ID: d.ID, EventID: d.EventID, EndpointID: d.EndpointID, SessionID: d.SessionID, EventType: d.EventType,
		Status: d.Status, Attempts: d.Attempts, NextAt: rfc3339(d.NextAt), LastAttemptAt: rfc3339(d.LastAttemptAt),
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, DeliveredAt: rfc3339(d.DeliveredAt), CreatedAt: rfc3339(d.CreatedAt)}
}

// attemptView is one entry of a delivery's log.
type attemptView struct {
	N          int    `json:"n"`
	At         string `json:"at"`
	StatusCode int    `json:"statusCode,omitempty"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"durationMs"`
}

// Limits of a delivery listing.
const (
	defaultDeliveryLimit = 50
	maxDeliveryLimit     = 500
)

// webhookDeliveries is GET .../deliveries: the community's deliveries,
// newest first, filtered by endpoint, session and status.
func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := idproof.WebhookDeliveryFilter{TenantID: tenantID, CommunityID: communityID, Limit: defaultDeliveryLimit,
		EndpointID: q.Get("endpoint"), SessionID: q.Get("session"), Status: strings.ToUpper(q.Get("status"))}
	if err := checkTexts("endpoint", f.EndpointID, "session", f.SessionID, "status", f.Status); err != nil {
		return err
	}
	switch {
	case f.EndpointID != "" && !idproof.IsObjectID(f.EndpointID):
		return errorf(idproof.EINVALID, "endpoint must be a webhook id (24 hex digits)")
	case f.SessionID != "" && !idproof.IsUUID(f.SessionID):
		return errorf(idproof.EINVALID, "session must be a session id (a UUID)")
	case f.Status != "" && f.Status != idproof.DeliveryPending && f.Status != idproof.DeliveryDelivered && f.Status != idproof.DeliveryFailed:
		return errorf(idproof.EINVALID, "status must be one of %s, %s, %s", idproof.DeliveryPending, idproof.DeliveryDelivered, idproof.DeliveryFailed)
	}
	if v := q.Get("limit"); v != "" {
		n, ok := smallInt(v)
		if !ok || n < 1 || n > maxDeliveryLimit {
			return errorf(idproof.EINVALID, "limit must be a number from 1 to %d", maxDeliveryLimit)
		}
		f.Limit = n
	}
	ds, err := s.store.WebhookDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		out = append(out, newDeliveryView(d))
	}
	return s.reply(w, r, http.StatusOK, map[string]any{"deliveries": out})
}

// smallInt parses a decimal of at most six digits.
func smallInt(v string) (int, bool) {
	if v == "" || len(v) > 6 || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return n, true
}

// scopedDelivery loads the path's delivery of the caller's community.
func (s *Server) scopedDelivery(r *http.Request) (*idproof.WebhookDelivery, error) {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("deliveryId")
	notFound := errorf(idproof.ENOTFOUND, "delivery %.40q not found", id)
	if !idproof.IsUUID(id) {
		return nil, notFound
	}
	d, err := s.store.WebhookDelivery(r.Context(), id)
	if idproof.IsNotFound(err) || (err == nil && (d.TenantID != tenantID || d.CommunityID != communityID)) {
		return nil, notFound
	}
	return d, err
}

// webhookDelivery is GET .../deliveries/{deliveryId}: the delivery with
// its log in "attempts" (the count is its length) and the event's payload.
func (s *Server) webhookDelivery(w http.ResponseWriter, r *http.Request) error {
	d, err := s.scopedDelivery(r)
	if err != nil {
		return err
	}
	as, err := s.store.WebhookAttempts(r.Context(), d.ID)
	if err != nil {
		return err
	}
	log := make([]attemptView, 0, len(as))
	for _, a := range as {
		log = append(log, attemptView{N: a.N, At: rfc3339(a.At), StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.Duration.Milliseconds()})
	}
	out := struct {
		deliveryView
		Attempts []attemptView `json:"attempts"`
		Event    any           `json:"event,omitempty"`
	}{deliveryView: newDeliveryView(d), Attempts: log}
	ev, err := s.store.WebhookEvent(r.Context(), d.EventID)
	switch {
	case err == nil:
		out.Event = ev.Payload
	case !idproof.IsNotFound(err):
		return err
	}
	return s.reply(w, r, http.StatusOK, out)
}

// resendWebhookDelivery is POST .../deliveries/{deliveryId}/resend: the
// delivery is due now, with a new retry window; its log stays.
func (s *Server) resendWebhookDelivery(w http.ResponseWriter, r *http.Request) error {
	d, err := s.scopedDelivery(r)
	if err != nil {
		return err
	}
	if _, err := s.store.WebhookEndpoint(r.Context(), d.EndpointID); idproof.IsNotFound(err) {
		return errorf(idproof.EINVALID, "the webhook of this delivery was deleted; there is nowhere to resend it")
	} else if err != nil {
		return err
	}
	if err := s.store.ResendWebhookDelivery(r.Context(), d.ID, s.clock.Now().UTC().Truncate(time.Millisecond)); err != nil {
		return err
	}
	if d, err = s.store.WebhookDelivery(r.Context(), d.ID); err != nil {
		return err
	}
	if s.kickHooks != nil {
		s.kickHooks()
	}
	return s.reply(w, r, http.StatusAccepted, newDeliveryView(d))
}
