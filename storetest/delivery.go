package storetest

import (
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// pendingDelivery is what the fan-out makes of event e for endpoint ep at
// now, with the id the store gave it.
func pendingDelivery(id string, e *idproof.WebhookEvent, ep *idproof.WebhookEndpoint, now time.Time) *idproof.WebhookDelivery {
	return &idproof.WebhookDelivery{
		ID: id, EventID: e.ID, EndpointID: ep.ID,
		TenantID: e.TenantID, CommunityID: e.CommunityID, SessionID: e.SessionID, EventType: e.Type,
		Status: idproof.DeliveryPending, NextAt: now, RetryFrom: now, CreatedAt: now,
	}
}

// byEventEndpoint indexes deliveries by event and endpoint.
func byEventEndpoint(list []*idproof.WebhookDelivery) map[[2]string]*idproof.WebhookDelivery {
	m := map[[2]string]*idproof.WebhookDelivery{}
	for _, d := range list {
		m[[2]string{d.EventID, d.EndpointID}] = d
	}
	return m
}

// failed returns d after a failed attempt at at, due again at next.
func failed(d *idproof.WebhookDelivery, at, next time.Time) (*idproof.WebhookDelivery, *idproof.WebhookAttempt) {
	v := *d
	v.Attempts++
	v.NextAt, v.LastAttemptAt, v.LastStatusCode, v.LastError = next, at, 503, "service unavailable"
	return &v, &idproof.WebhookAttempt{DeliveryID: d.ID, N: v.Attempts, At: at, StatusCode: 503,
		Error: "service unavailable", Duration: 1500*time.Millisecond + 999*time.Microsecond}
}

var webhookDeliveryTests = []test{
	{"FanOut", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		all := newEndpoint(t, s, "t", "c", 0)
		completed := newEndpoint(t, s, "t", "c", 1, idproof.EventSessionCompleted)
		disabled := newEndpoint(t, s, "t", "c", 2)
		disabled.Disabled = true
		must(t, "UpdateWebhookEndpoint", s.UpdateWebhookEndpoint(ctx, disabled))
		newEndpoint(t, s, "t", "other", 3)
		newEndpoint(t, s, "other", "c", 4)
		events := emit(t, s, "t", "c", t0, idproof.EventSessionCreated, idproof.EventSessionCompleted)
		lonely := emit(t, s, "t", "nobody", t0.Add(time.Second), idproof.EventSessionCreated)

		now := t0.Add(time.Minute)
		if n := fanOut(t, s, now, 10); n != 3 {
			t.Fatalf("FanOutWebhookEvents = %d, want 3", n)
		}
		got := byEventEndpoint(deliveries(t, s, idproof.WebhookDeliveryFilter{}))
		if len(got) != 3 {
			t.Fatalf("%d deliveries, want 3", len(got))
		}
		for _, w := range []struct {
			e  *idproof.WebhookEvent
			ep *idproof.WebhookEndpoint
		}{{events[0], all}, {events[1], all}, {events[1], completed}} {
			d := got[[2]string{w.e.ID, w.ep.ID}]
			if d == nil {
				t.Fatalf("no delivery of %s to endpoint %s", w.e.Type, w.ep.Description)
			}
			if !idproof.IsUUID(d.ID) {
				t.Errorf("delivery id %q is not a UUID", d.ID)
			}
			want := pendingDelivery(d.ID, w.e, w.ep, now)
			check(t, "delivery", d, want)
			one, err := s.WebhookDelivery(ctx, d.ID)
			must(t, "WebhookDelivery", err)
			check(t, "WebhookDelivery", one, want)
		}
		_, err := s.WebhookDelivery(ctx, idproof.NewUUID())
		wantCode(t, "WebhookDelivery", err, idproof.ENOTFOUND)
		// Every event is taken once, the one without endpoints too.
		if n := fanOut(t, s, now, 10); n != 0 {
			t.Errorf("second FanOutWebhookEvents = %d, want 0", n)
		}
		if _, err := s.WebhookEvent(ctx, lonely[0].ID); err != nil {
			t.Errorf("WebhookEvent after fan-out: %v", err)
		}
	}},
	{"FanOutOldestFirst", func(t *testing.T, s idproof.Store) {
		ep := newEndpoint(t, s, "t", "c", 0)
		late := emit(t, s, "t", "c", t0.Add(time.Hour), idproof.EventSessionCreated)
		early := emit(t, s, "t", "c", t0, idproof.EventSessionCreated, idproof.EventSessionStarted)
		if n := fanOut(t, s, t0, 2); n != 2 {
			t.Fatalf("FanOutWebhookEvents = %d, want 2", n)
		}
		got := byEventEndpoint(deliveries(t, s, idproof.WebhookDeliveryFilter{}))
		if len(got) != 2 || got[[2]string{early[0].ID, ep.ID}] == nil || got[[2]string{early[1].ID, ep.ID}] == nil {
			t.Fatalf("the first fan-out did not take the two oldest events: %v", got)
		}
		if n := fanOut(t, s, t0, 2); n != 1 {
			t.Fatalf("FanOutWebhookEvents = %d, want 1", n)
		}
		if got := byEventEndpoint(deliveries(t, s, idproof.WebhookDeliveryFilter{})); got[[2]string{late[0].ID, ep.ID}] == nil {
			t.Fatal("the second fan-out did not take the last event")
		}
	}},
	{"SameMillisecond", func(t *testing.T, s idproof.Store) {
		// One change may write several events in one millisecond: they
		// are listed, and fanned out, in the order written.
		ep := newEndpoint(t, s, "t", "c", 0)
		v := newSessionValue("t", "c", 0)
		for _, typ := range []string{idproof.EventSessionCompleted, idproof.EventSessionReview, idproof.EventSessionCreated} {
			v.Outbox = append(v.Outbox, outboxEvents(v, typ, t0, 1)...)
		}
		must(t, "CreateSession", s.CreateSession(t.Context(), v))
		got, err := s.WebhookEvents(t.Context(), v.ID)
		must(t, "WebhookEvents", err)
		check(t, "WebhookEvents of one change", ids(got, webhookEventID), ids(v.Outbox, webhookEventID))
		for i, e := range v.Outbox {
			if n := fanOut(t, s, t0, 1); n != 1 {
				t.Fatalf("FanOutWebhookEvents = %d, want 1", n)
			}
			if byEventEndpoint(deliveries(t, s, idproof.WebhookDeliveryFilter{}))[[2]string{e.ID, ep.ID}] == nil {
				t.Fatalf("fan-out %d did not take event %d of the change", i+1, i+1)
			}
		}
	}},
	{"FanOutConcurrent", func(t *testing.T, s idproof.Store) {
		eps := []*idproof.WebhookEndpoint{newEndpoint(t, s, "t", "c", 0), newEndpoint(t, s, "t", "c", 1)}
		const sessions, perSession = 20, 2
		for i := range sessions {
			emit(t, s, "t", "c", t0.Add(time.Duration(i)*time.Second), idproof.EventSessionCreated, idproof.EventSessionStarted)
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			taken int
		)
		for range 4 {
			wg.Go(func() {
				for {
					n, err := s.FanOutWebhookEvents(t.Context(), t0, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
					mu.Lock()
					taken += n
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if taken != sessions*perSession {
			t.Errorf("fan-outs took %d events, want %d", taken, sessions*perSession)
		}
		list := deliveries(t, s, idproof.WebhookDeliveryFilter{})
		if got, want := len(byEventEndpoint(list)), sessions*perSession*len(eps); len(list) != want || got != want {
			t.Errorf("%d deliveries (%d distinct), want %d", len(list), got, want)
		}
	}},
	{"Claim", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		newEndpoint(t, s, "t", "c", 0)
		emit(t, s, "t", "c", t0, idproof.EventSessionCreated)
		fanOut(t, s, at(10), 10)
		emit(t, s, "t", "c", t0, idproof.EventSessionStarted)
		fanOut(t, s, at(20), 10)
		emit(t, s, "t", "c", t0, idproof.EventSessionCompleted)
		fanOut(t, s, at(50), 10)
		emit(t, s, "t", "c", t0, idproof.EventSessionExpired)
		fanOut(t, s, at(5), 10)
		// A delivered one is never claimed, whatever its NextAt.
		// (It is the oldest, made at 5.)
		list := deliveries(t, s, idproof.WebhookDeliveryFilter{})
		done := list[len(list)-1]
		if done.EventType != idproof.EventSessionExpired {
			t.Fatalf("oldest delivery is %s, want %s", done.EventType, idproof.EventSessionExpired)
		}
		done.Status, done.Attempts, done.DeliveredAt, done.LastAttemptAt = idproof.DeliveryDelivered, 1, at(5), at(5)
		must(t, "RecordWebhookAttempt", s.RecordWebhookAttempt(ctx, done, &idproof.WebhookAttempt{N: 1, At: at(5), StatusCode: 204}))

		got, err := s.ClaimWebhookDeliveries(ctx, at(20), at(25), 10)
		must(t, "ClaimWebhookDeliveries", err)
		if types := eventTypesOf(got); len(types) != 2 || types[0] != idproof.EventSessionCreated || types[1] != idproof.EventSessionStarted {
			t.Fatalf("claimed %v, want the created and started deliveries", types)
		}
		for _, d := range got {
			want, err := s.WebhookDelivery(ctx, d.ID)
			must(t, "WebhookDelivery", err)
			check(t, "claimed delivery", d, want)
			if !sameMillis(d.NextAt, at(25)) {
				t.Errorf("claimed delivery due at %v, want the lease's end %v", d.NextAt, at(25))
			}
		}
		got, err = s.ClaimWebhookDeliveries(ctx, at(24), at(30), 10)
		must(t, "ClaimWebhookDeliveries during lease", err)
		check(t, "ClaimWebhookDeliveries during lease", got, []*idproof.WebhookDelivery(nil))
		got, err = s.ClaimWebhookDeliveries(ctx, at(60), at(70), 2)
		must(t, "ClaimWebhookDeliveries after lease", err)
		if types := eventTypesOf(got); len(types) != 2 || types[0] != idproof.EventSessionCreated || types[1] != idproof.EventSessionStarted {
			t.Fatalf("after lease claimed %v, want the earliest due, created and started", types)
		}
		got, err = s.ClaimWebhookDeliveries(ctx, at(60), at(70), 10)
		must(t, "ClaimWebhookDeliveries last", err)
		if types := eventTypesOf(got); len(types) != 1 || types[0] != idproof.EventSessionCompleted {
			t.Fatalf("last claim took %v, want the completed delivery", types)
		}
	}},
	{"ClaimConcurrent", func(t *testing.T, s idproof.Store) {
		const n = 60
		newEndpoint(t, s, "t", "c", 0)
		newEndpoint(t, s, "t", "c", 1)
		for i := range n / 2 {
			emit(t, s, "t", "c", t0.Add(time.Duration(i)*time.Second), idproof.EventSessionCreated)
		}
		fanOut(t, s, t0, n)
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					got, err := s.ClaimWebhookDeliveries(t.Context(), t0, t0.Add(time.Hour), 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						seen[d.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct deliveries, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("delivery %s claimed %d times", id, c)
			}
		}
	}},
}

func webhookEventID(e *idproof.WebhookEvent) string { return e.ID }

// eventTypesOf returns the event types of deliveries, in the order of a
// session's life.
func eventTypesOf(list []*idproof.WebhookDelivery) []string {
	order := map[string]int{}
	for i, typ := range idproof.WebhookEventTypes() {
		order[typ] = i
	}
	var out []string
	for _, d := range list {
		out = append(out, d.EventType)
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}
