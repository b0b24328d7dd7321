package storetest

import (
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// oneDelivery makes one event of type typ in (tenantID, communityID),
// fans it out at now to endpoint ep (which must be the community's only
// one), and returns its delivery.
func oneDelivery(t *testing.T, s idproof.Store, ep *idproof.WebhookEndpoint, typ string, now time.Time) *idproof.WebhookDelivery {
	t.Helper()
	e := emit(t, s, ep.TenantID, ep.CommunityID, now, typ)[0]
	fanOut(t, s, now, 100)
	for _, d := range deliveries(t, s, idproof.WebhookDeliveryFilter{EndpointID: ep.ID}) {
		if d.EventID == e.ID {
			return d
		}
	}
	t.Fatalf("no delivery of event %s", e.ID)
	return nil
}

var webhookLogTests = []test{
	{"RecordAttempt", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		ep := newEndpoint(t, s, "t", "c", 0)
		d := oneDelivery(t, s, ep, idproof.EventSessionCreated, t0)
		first, a1 := failed(d, t0.Add(time.Second), t0.Add(time.Minute))
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, first, a1))
		got, err := s.WebhookDelivery(ctx, d.ID)
		must(t, "WebhookDelivery", err)
		check(t, "delivery after a failure", got, first)

		done := *first
		done.Status, done.Attempts, done.NextAt = idproof.DeliveryDelivered, 2, time.Time{}
		done.LastAttemptAt, done.LastStatusCode, done.LastError, done.DeliveredAt = t0.Add(time.Minute), 200, "", t0.Add(time.Minute)
		a2 := &idproof.WebhookAttempt{DeliveryID: d.ID, N: 2, At: t0.Add(time.Minute), StatusCode: 200, Duration: 42 * time.Millisecond}
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, &done, a2))
		got, err = s.WebhookDelivery(ctx, d.ID)
		must(t, "WebhookDelivery", err)
		check(t, "delivery after success", got, &done)

		// Durations are kept in milliseconds.
		want1 := *a1
		want1.Duration = a1.Duration.Truncate(time.Millisecond)
		attempts, err := s.WebhookAttempts(ctx, d.ID)
		must(t, "WebhookAttempts", err)
		check(t, "WebhookAttempts", attempts, []*idproof.WebhookAttempt{&want1, a2})

		// An attempt number already logged changes nothing.
		again := done
		again.Status, again.LastStatusCode = idproof.DeliveryFailed, 500
		wantCode(t, "RecordWebhookAttempt with a logged number", s.RecordWebhookAttempt(ctx, &again,
			&idproof.WebhookAttempt{DeliveryID: d.ID, N: 2, At: t0.Add(time.Hour), StatusCode: 500}), idproof.ECONFLICT)
		got, err = s.WebhookDelivery(ctx, d.ID)
		must(t, "WebhookDelivery", err)
		check(t, "delivery after a refused attempt", got, &done)

		missing := *d
		missing.ID = idproof.NewUUID()
		wantCode(t, "RecordWebhookAttempt of a missing delivery", s.RecordWebhookAttempt(ctx, &missing,
			&idproof.WebhookAttempt{DeliveryID: missing.ID, N: 1, At: t0}), idproof.ENOTFOUND)
		attempts, err = s.WebhookAttempts(ctx, missing.ID)
		must(t, "WebhookAttempts of a missing delivery", err)
		check(t, "WebhookAttempts of a missing delivery", attempts, []*idproof.WebhookAttempt(nil))
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		ep1 := newEndpoint(t, s, "t", "c", 0)
		ep2 := newEndpoint(t, s, "t", "c2", 1)
		ep3 := newEndpoint(t, s, "t2", "c", 2)
		a := oneDelivery(t, s, ep1, idproof.EventSessionCreated, t0)
		b := oneDelivery(t, s, ep2, idproof.EventSessionCreated, t0.Add(time.Minute))
		c := oneDelivery(t, s, ep1, idproof.EventSessionStarted, t0.Add(2*time.Minute))
		d := oneDelivery(t, s, ep3, idproof.EventSessionCreated, t0.Add(3*time.Minute))
		failedC, attempt := failed(c, t0.Add(3*time.Minute), time.Time{})
		failedC.Status = idproof.DeliveryFailed
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, failedC, attempt))
		for _, tc := range []struct {
			name string
			f    idproof.WebhookDeliveryFilter
			want []*idproof.WebhookDelivery
		}{
			{"all", idproof.WebhookDeliveryFilter{}, []*idproof.WebhookDelivery{d, failedC, b, a}},
			{"tenant", idproof.WebhookDeliveryFilter{TenantID: "t"}, []*idproof.WebhookDelivery{failedC, b, a}},
			{"community", idproof.WebhookDeliveryFilter{TenantID: "t", CommunityID: "c"}, []*idproof.WebhookDelivery{failedC, a}},
			{"endpoint", idproof.WebhookDeliveryFilter{EndpointID: ep2.ID}, []*idproof.WebhookDelivery{b}},
			{"session", idproof.WebhookDeliveryFilter{SessionID: a.SessionID}, []*idproof.WebhookDelivery{a}},
			{"status", idproof.WebhookDeliveryFilter{Status: idproof.DeliveryPending}, []*idproof.WebhookDelivery{d, b, a}},
			{"limit", idproof.WebhookDeliveryFilter{TenantID: "t", Limit: 2}, []*idproof.WebhookDelivery{failedC, b}},
			{"none", idproof.WebhookDeliveryFilter{SessionID: idproof.NewUUID()}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				check(t, "WebhookDeliveries", deliveries(t, s, tc.f), tc.want)
			})
		}
	}},
	{"Resend", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		ep := newEndpoint(t, s, "t", "c", 0)
		d := oneDelivery(t, s, ep, idproof.EventSessionCreated, t0)
		gaveUp, attempt := failed(d, t0.Add(time.Minute), time.Time{})
		gaveUp.Status = idproof.DeliveryFailed
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, gaveUp, attempt))
		now := t0.Add(24 * time.Hour)
		must(t, "ResendWebhookDelivery", s.ResendWebhookDelivery(ctx, d.ID, now))
		want := *gaveUp
		want.Status, want.NextAt, want.RetryFrom = idproof.DeliveryPending, now, now
		got, err := s.WebhookDelivery(ctx, d.ID)
		must(t, "WebhookDelivery", err)
		check(t, "delivery after resend", got, &want)
		attempts, err := s.WebhookAttempts(ctx, d.ID)
		must(t, "WebhookAttempts", err)
		if len(attempts) != 1 {
			t.Errorf("%d attempts logged after resend, want 1", len(attempts))
		}
		claimed, err := s.ClaimWebhookDeliveries(ctx, now, now.Add(time.Minute), 10)
		must(t, "ClaimWebhookDeliveries", err)
		check(t, "claimed after resend", ids(claimed, deliveryID), []string{d.ID})
		wantCode(t, "ResendWebhookDelivery of a missing delivery",
			s.ResendWebhookDelivery(ctx, idproof.NewUUID(), now), idproof.ENOTFOUND)
	}},
	{"Purge", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		ep := newEndpoint(t, s, "t", "c", 0)
		finish := func(d *idproof.WebhookDelivery, status string) {
			v, a := failed(d, t0.Add(time.Minute), time.Time{})
			v.Status = status
			must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, v, a))
		}
		delivered := oneDelivery(t, s, ep, idproof.EventSessionCreated, t0)
		finish(delivered, idproof.DeliveryDelivered)
		gaveUp := oneDelivery(t, s, ep, idproof.EventSessionStarted, t0.Add(time.Second))
		finish(gaveUp, idproof.DeliveryFailed)
		pending := oneDelivery(t, s, ep, idproof.EventSessionCompleted, t0.Add(2*time.Second))
		young := oneDelivery(t, s, ep, idproof.EventSessionExpired, t0.Add(time.Hour))
		finish(young, idproof.DeliveryDelivered)
		nobody := emit(t, s, "t", "nobody", t0, idproof.EventSessionCreated)[0]
		fanOut(t, s, t0, 10)
		before := t0.Add(time.Minute)
		waiting := emit(t, s, "t", "c", t0, idproof.EventSessionAbandoned)[0] // not fanned out

		n, err := s.PurgeWebhookEvents(ctx, before)
		must(t, "PurgeWebhookEvents", err)
		if n != 3 {
			t.Errorf("PurgeWebhookEvents = %d, want 3 (delivered, failed, without deliveries)", n)
		}
		for _, id := range []string{delivered.EventID, gaveUp.EventID, nobody.ID} {
			_, err := s.WebhookEvent(ctx, id)
			wantCode(t, "WebhookEvent purged", err, idproof.ENOTFOUND)
		}
		for _, d := range []*idproof.WebhookDelivery{delivered, gaveUp} {
			_, err := s.WebhookDelivery(ctx, d.ID)
			wantCode(t, "WebhookDelivery purged", err, idproof.ENOTFOUND)
			attempts, err := s.WebhookAttempts(ctx, d.ID)
			must(t, "WebhookAttempts", err)
			check(t, "WebhookAttempts of a purged delivery", attempts, []*idproof.WebhookAttempt(nil))
		}
		for _, id := range []string{pending.EventID, young.EventID, waiting.ID} {
			if _, err := s.WebhookEvent(ctx, id); err != nil {
				t.Errorf("WebhookEvent kept: %v", err)
			}
		}
		for _, d := range []*idproof.WebhookDelivery{pending, young} {
			if _, err := s.WebhookDelivery(ctx, d.ID); err != nil {
				t.Errorf("WebhookDelivery kept: %v", err)
			}
		}
		n, err = s.PurgeWebhookEvents(ctx, before)
		must(t, "PurgeWebhookEvents again", err)
		if n != 0 {
			t.Errorf("PurgeWebhookEvents again = %d, want 0", n)
		}
	}},
}
