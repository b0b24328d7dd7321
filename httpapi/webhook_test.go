package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/httpapi"
)

func ptr[T any](v T) *T { return &v }

func TestWebhookValidation(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	path := "/webhooks/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
	tests := []struct {
		name string
		body any
		msg  string
	}{
		{"no url", map[string]any{"events": []string{}}, "url is required"},
		{"empty url", map[string]any{"url": ""}, "url is required"},
		{"relative url", map[string]any{"url": "/hooks"}, "url must be an absolute https URL"},
		{"ftp", map[string]any{"url": "ftp://hooks.example.com/x"}, "url must be an absolute https URL"},
		{"user info", map[string]any{"url": "https://me:pw@hooks.example.com/x"}, "url must not carry a user name"},
		{"fragment", map[string]any{"url": "https://hooks.example.com/x#y"}, "url must not have a #fragment"},
		{"plain http", map[string]any{"url": "http://hooks.example.com/x"}, "url must be an https URL"},
		{"loopback", map[string]any{"url": "https://127.0.0.1/x"}, "url must not point at a private"},
		{"private", map[string]any{"url": "https://10.1.2.3/x"}, "url must not point at a private"},
		{"localhost", map[string]any{"url": "https://localhost/x"}, "url must name a public host"},
		{"long url", map[string]any{"url": "https://hooks.example.com/" + strings.Repeat("a", 2000)}, "at most 2000"},
		{"unknown event", map[string]any{"url": "https://hooks.example.com/x", "events": []string{"session.completed", "session.exploded"}}, `events: "session.exploded" is not an event type`},
		{"events not a list", map[string]any{"url": "https://hooks.example.com/x", "events": "session.completed"}, "not valid JSON"},
		{"enabled not a bool", map[string]any{"url": "https://hooks.example.com/x", "enabled": "yes"}, "not valid JSON"},
		{"long description", map[string]any{"url": "https://hooks.example.com/x", "description": strings.Repeat("é", 501)}, "description is longer than 500"},
		{"control character", map[string]any{"url": "https://hooks.example.com/x", "description": "a\x00b"}, "description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, rp.Do(ctx, http.MethodPost, path, tt.body, nil), 400, tt.msg)
		})
	}
	t.Run("private allowed", func(t *testing.T) {
		e := newEnv(t, storeKinds[0].open, func(c *httpapi.Config) { c.AllowPrivateEndpoints = true })
		rp := e.client(t, "service")
		w, err := rp.CreateWebhook(ctx, e.creds.TenantID, e.creds.CommunityID, client.WebhookSpec{URL: ptr("http://127.0.0.1:9/hook")})
		if err != nil || w.URL != "http://127.0.0.1:9/hook" {
			t.Fatalf("CreateWebhook = %+v, %v", w, err)
		}
	})
}

func TestWebhookEndpoints(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			rp := e.client(t, "service")
			tn, cm := e.creds.TenantID, e.creds.CommunityID

			created, err := rp.CreateWebhook(ctx, tn, cm, client.WebhookSpec{URL: ptr("https://hooks.example.com/idproof"),
				Events: ptr([]string{idproof.EventSessionCompleted, idproof.EventSessionCompleted}), Description: ptr("results")})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(created.Secret, "whsec_") || len(created.Secret) != len("whsec_")+43 || !created.Enabled ||
				len(created.Events) != 1 || created.CreatedAt.IsZero() || len(created.ID) != 24 {
				t.Fatalf("created = %+v", created)
			}
			masked := "whsec_…" + created.Secret[len(created.Secret)-4:]

			// Shown once: masked in the list and when read back.
			list, err := rp.Webhooks(ctx, tn, cm)
			if err != nil || len(list) != 1 || list[0].Secret != masked || list[0].ID != created.ID {
				t.Fatalf("Webhooks = %+v, %v; want the secret as %s", list, err, masked)
			}
			got, err := rp.Webhook(ctx, tn, cm, created.ID)
			if err != nil || got.Secret != masked || got.Description != "results" {
				t.Fatalf("Webhook = %+v, %v", got, err)
			}
			var raw map[string]any
			if err := rp.Do(ctx, http.MethodGet, "/webhooks/tenant/"+tn+"/community/"+cm+"/id/"+created.ID, nil, &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"id", "url", "events", "description", "enabled", "secret", "createdAt", "updatedAt"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("view lacks %q: %v", k, raw)
				}
			}

			// Update: only the fields sent change.
			e.clock.Advance(time.Second)
			up, err := rp.UpdateWebhook(ctx, tn, cm, created.ID, client.WebhookSpec{Enabled: ptr(false), Events: ptr([]string{})})
			if err != nil || up.Enabled || len(up.Events) != 0 || up.URL != created.URL || up.Secret != masked || !up.UpdatedAt.After(created.UpdatedAt) {
				t.Fatalf("UpdateWebhook = %+v, %v", up, err)
			}
			err = rp.Do(ctx, http.MethodPatch, "/webhooks/tenant/"+tn+"/community/"+cm+"/id/"+created.ID, map[string]any{"url": "ftp://x"}, nil)
			wantAPIError(t, err, 400, "url")
			rot, err := rp.UpdateWebhook(ctx, tn, cm, created.ID, client.WebhookSpec{RotateSecret: true})
			if err != nil || !strings.HasPrefix(rot.Secret, "whsec_") || rot.Secret == created.Secret || strings.Contains(rot.Secret, "…") {
				t.Fatalf("rotated = %+v, %v", rot, err)
			}

			// Scope: another tenant's license, and ids of nothing.
			other := e.otherTenantClient(t)
			_, err = other.Webhooks(ctx, tn, cm)
			wantAPIError(t, err, 404, "community not found")
			_, err = other.Webhook(ctx, tn, cm, created.ID)
			wantAPIError(t, err, 404, "community not found")
			_, err = rp.Webhook(ctx, tn, cm, idproof.NewObjectID())
			wantAPIError(t, err, 404, "webhook")
			_, err = rp.Webhook(ctx, tn, cm, "nope")
			wantAPIError(t, err, 404, "webhook")
			err = e.client(t, "basic").Do(ctx, http.MethodGet, "/webhooks/tenant/"+tn+"/community/"+cm, nil, nil)
			wantAPIError(t, err, 403, "authLevel")

			if err := rp.DeleteWebhook(ctx, tn, cm, created.ID); err != nil {
				t.Fatal(err)
			}
			_, err = rp.Webhook(ctx, tn, cm, created.ID)
			wantAPIError(t, err, 404, "webhook")
			if list, err := rp.Webhooks(ctx, tn, cm); err != nil || len(list) != 0 {
				t.Fatalf("after delete: %+v, %v", list, err)
			}
		})
	}
}

func TestWebhookDeliveriesAPI(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			rp := e.client(t, "service")
			tn, cm := e.creds.TenantID, e.creds.CommunityID
			w, err := rp.CreateWebhook(ctx, tn, cm, client.WebhookSpec{URL: ptr("https://hooks.example.com/idproof")})
			if err != nil {
				t.Fatal(err)
			}
			// An event as the engine writes it, fanned out as the dispatcher does.
			now := e.clock.Now().Truncate(time.Millisecond)
			s := &idproof.Session{ID: idproof.NewUUID(), TenantID: tn, CommunityID: cm, Status: idproof.StatusPending, CreatedAt: now}
			payload := json.RawMessage(`{"id":"e-1","type":"session.created","data":{"sessionId":"` + s.ID + `"}}`)
			s.Outbox = []*idproof.WebhookEvent{{ID: idproof.NewUUID(), TenantID: tn, CommunityID: cm, SessionID: s.ID,
				Type: idproof.EventSessionCreated, Payload: payload, CreatedAt: now}}
			if err := e.store.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.FanOutWebhookEvents(ctx, now, 10); err != nil {
				t.Fatal(err)
			}

			ds, err := rp.WebhookDeliveries(ctx, tn, cm, client.WebhookDeliveryFilter{EndpointID: w.ID, SessionID: s.ID, Status: "pending"})
			if err != nil || len(ds) != 1 || ds[0].EventType != idproof.EventSessionCreated || ds[0].Status != idproof.DeliveryPending || ds[0].EndpointID != w.ID {
				t.Fatalf("WebhookDeliveries = %+v, %v", ds, err)
			}
			if none, err := rp.WebhookDeliveries(ctx, tn, cm, client.WebhookDeliveryFilter{Status: idproof.DeliveryDelivered, Limit: 500}); err != nil || len(none) != 0 {
				t.Fatalf("DELIVERED = %+v, %v", none, err)
			}
			base := "/webhooks/tenant/" + tn + "/community/" + cm + "/deliveries"
			for q, msg := range map[string]string{
				"?status=LOST": "status must be one of", "?limit=0": "limit must be", "?limit=501": "limit must be",
				"?limit=x": "limit must be", "?session=abc": "session must be", "?endpoint=abc": "endpoint must be",
			} {
				wantAPIError(t, rp.Do(ctx, http.MethodGet, base+q, nil, nil), 400, msg)
			}

			d, err := rp.WebhookDelivery(ctx, tn, cm, ds[0].ID)
			if err != nil || d.ID != ds[0].ID || d.Log == nil || len(d.Log) != 0 || string(d.Event) != string(payload) {
				t.Fatalf("WebhookDelivery = %+v, %v", d, err)
			}
			rs, err := rp.ResendWebhookDelivery(ctx, tn, cm, ds[0].ID)
			if err != nil || rs.Status != idproof.DeliveryPending || rs.NextAt.IsZero() {
				t.Fatalf("Resend = %+v, %v", rs, err)
			}

			other := e.otherTenantClient(t)
			_, err = other.WebhookDelivery(ctx, tn, cm, ds[0].ID)
			wantAPIError(t, err, 404, "community not found")
			_, err = other.WebhookDeliveries(ctx, tn, cm, client.WebhookDeliveryFilter{})
			wantAPIError(t, err, 404, "community not found")
			_, err = rp.WebhookDelivery(ctx, tn, cm, idproof.NewUUID())
			wantAPIError(t, err, 404, "delivery")
			_, err = rp.ResendWebhookDelivery(ctx, tn, cm, "not-a-uuid")
			wantAPIError(t, err, 404, "delivery")
		})
	}
}
