package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newEndpointValue returns an endpoint of (tenantID, communityID), created
// i minutes after t0, not stored yet; no types means all.
func newEndpointValue(tenantID, communityID string, i int, types ...string) *idproof.WebhookEndpoint {
	at := t0.Add(time.Duration(i) * time.Minute)
	return &idproof.WebhookEndpoint{
		ID:           idproof.NewObjectID(),
		TenantID:     tenantID,
		CommunityID:  communityID,
		URL:          fmt.Sprintf("https://rp.example.com/hooks/%d", i),
		Events:       types,
		SecretSealed: []byte{0, 's', 'e', 'c', 0xff},
		Description:  fmt.Sprint("endpoint ", i),
		CreatedAt:    at,
		UpdatedAt:    at,
	}
}

// newEndpoint stores newEndpointValue(tenantID, communityID, i, types...).
func newEndpoint(t *testing.T, s idproof.Store, tenantID, communityID string, i int, types ...string) *idproof.WebhookEndpoint {
	t.Helper()
	e := newEndpointValue(tenantID, communityID, i, types...)
	must(t, "CreateWebhookEndpoint", s.CreateWebhookEndpoint(t.Context(), e))
	return e
}

var webhookEndpointTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		all := newEndpoint(t, s, "t", "c", 0)
		some := newEndpoint(t, s, "t", "c", 1, idproof.EventSessionCompleted, idproof.EventSessionReview)
		some.Disabled = true
		must(t, "UpdateWebhookEndpoint", s.UpdateWebhookEndpoint(ctx, some))
		for _, want := range []*idproof.WebhookEndpoint{all, some} {
			got, err := s.WebhookEndpoint(ctx, want.ID)
			must(t, "WebhookEndpoint", err)
			check(t, "WebhookEndpoint", got, want)
		}
		_, err := s.WebhookEndpoint(ctx, idproof.NewObjectID())
		wantCode(t, "WebhookEndpoint", err, idproof.ENOTFOUND)
		dup := newEndpointValue("t2", "c2", 5)
		dup.ID = all.ID
		wantCode(t, "CreateWebhookEndpoint", s.CreateWebhookEndpoint(ctx, dup), idproof.ECONFLICT)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c2 := newEndpoint(t, s, "t", "c2", 3)
		late := newEndpoint(t, s, "t", "c", 2)
		early := newEndpoint(t, s, "t", "c", 1)
		newEndpoint(t, s, "other", "c", 0)
		got, err := s.WebhookEndpoints(ctx, "t", "c")
		must(t, "WebhookEndpoints", err)
		check(t, "WebhookEndpoints of a community", got, []*idproof.WebhookEndpoint{early, late})
		got, err = s.WebhookEndpoints(ctx, "t", "")
		must(t, "WebhookEndpoints", err)
		check(t, "WebhookEndpoints of a tenant", got, []*idproof.WebhookEndpoint{early, late, c2})
		got, err = s.WebhookEndpoints(ctx, "none", "")
		must(t, "WebhookEndpoints", err)
		check(t, "WebhookEndpoints of an unknown tenant", got, []*idproof.WebhookEndpoint(nil))
	}},
	{"Update", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		orig := newEndpoint(t, s, "t", "c", 0, idproof.EventSessionCreated)
		upd := *orig
		upd.URL = "https://rp.example.com/other"
		upd.Events = nil
		upd.SecretSealed = []byte{9, 8, 7}
		upd.Description = "changed"
		upd.Disabled = true
		upd.UpdatedAt = t0.Add(time.Hour)
		want := upd
		upd.TenantID, upd.CommunityID, upd.CreatedAt = "x", "y", t0.Add(-time.Hour)
		must(t, "UpdateWebhookEndpoint", s.UpdateWebhookEndpoint(ctx, &upd))
		got, err := s.WebhookEndpoint(ctx, orig.ID)
		must(t, "WebhookEndpoint", err)
		check(t, "WebhookEndpoint after update", got, &want)
		wantCode(t, "UpdateWebhookEndpoint of a missing endpoint",
			s.UpdateWebhookEndpoint(ctx, newEndpointValue("t", "c", 1)), idproof.ENOTFOUND)
	}},
	{"Delete", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		e := newEndpoint(t, s, "t", "c", 0)
		keep := newEndpoint(t, s, "t", "c", 1)
		emit(t, s, "t", "c", t0, idproof.EventSessionCreated, idproof.EventSessionStarted)
		fanOut(t, s, t0, 10)
		ds := deliveries(t, s, idproof.WebhookDeliveryFilter{EndpointID: e.ID})
		if len(ds) != 2 {
			t.Fatalf("%d deliveries to the endpoint, want 2", len(ds))
		}
		delivered := ds[0]
		delivered.Status, delivered.Attempts, delivered.NextAt = idproof.DeliveryDelivered, 1, time.Time{}
		delivered.LastAttemptAt, delivered.DeliveredAt, delivered.LastStatusCode = t0, t0, 200
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, delivered,
			&idproof.WebhookAttempt{DeliveryID: delivered.ID, N: 1, At: t0, StatusCode: 200, Duration: time.Second}))

		must(t, "DeleteWebhookEndpoint", s.DeleteWebhookEndpoint(ctx, e.ID))
		_, err := s.WebhookEndpoint(ctx, e.ID)
		wantCode(t, "WebhookEndpoint after delete", err, idproof.ENOTFOUND)
		wantCode(t, "DeleteWebhookEndpoint again", s.DeleteWebhookEndpoint(ctx, e.ID), idproof.ENOTFOUND)
		// The pending delivery went with it; the delivered one's log stays.
		got := deliveries(t, s, idproof.WebhookDeliveryFilter{EndpointID: e.ID})
		check(t, "deliveries after delete", ids(got, deliveryID), []string{delivered.ID})
		attempts, err := s.WebhookAttempts(ctx, delivered.ID)
		must(t, "WebhookAttempts", err)
		if len(attempts) != 1 {
			t.Errorf("%d attempts logged after delete, want 1", len(attempts))
		}
		if got := deliveries(t, s, idproof.WebhookDeliveryFilter{EndpointID: keep.ID}); len(got) != 2 {
			t.Errorf("%d deliveries to the other endpoint, want 2", len(got))
		}
	}},
}

// emit stores a new session of (tenantID, communityID) with an outbox
// event of each type, created a millisecond apart from at on.
func emit(t *testing.T, s idproof.Store, tenantID, communityID string, at time.Time, types ...string) []*idproof.WebhookEvent {
	t.Helper()
	v := newSessionValue(tenantID, communityID, 0)
	for i, typ := range types {
		v.Outbox = append(v.Outbox, outboxEvents(v, typ, at.Add(time.Duration(i)*time.Millisecond), 1)...)
	}
	must(t, "CreateSession", s.CreateSession(t.Context(), v))
	return v.Outbox
}

// fanOut calls FanOutWebhookEvents and fails t on an error.
func fanOut(t *testing.T, s idproof.Store, now time.Time, limit int) int {
	t.Helper()
	n, err := s.FanOutWebhookEvents(t.Context(), now, limit)
	must(t, "FanOutWebhookEvents", err)
	return n
}

// deliveries calls WebhookDeliveries and fails t on an error.
func deliveries(t *testing.T, s idproof.Store, f idproof.WebhookDeliveryFilter) []*idproof.WebhookDelivery {
	t.Helper()
	list, err := s.WebhookDeliveries(t.Context(), f)
	must(t, "WebhookDeliveries", err)
	return list
}

func deliveryID(d *idproof.WebhookDelivery) string { return d.ID }
