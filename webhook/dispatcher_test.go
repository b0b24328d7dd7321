package webhook_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/webhook"
)

func TestDeliver(t *testing.T) {
	e := newEnv(t)
	r := e.receiver()
	ep := e.endpoint(r)
	ids := e.emit(idproof.EventSessionCompleted)

	got := e.runOnce()
	if got != (webhook.Result{FannedOut: 1, Claimed: 1, Delivered: 1}) {
		t.Fatalf("RunOnce = %+v", got)
	}
	if r.Count(ids[0]) != 1 {
		t.Fatalf("received %v, want %s once", r.Accepted(), ids[0])
	}
	d := e.only(ep.ID)
	if d.Status != idproof.DeliveryDelivered || d.Attempts != 1 || !d.NextAt.IsZero() || !d.DeliveredAt.Equal(e.clock.Now()) || d.LastStatusCode != 200 {
		t.Fatalf("delivery = %+v", d)
	}
	req := r.Requests()[0]
	if req.DeliveryID != d.ID || req.Attempt != "1" || req.EventType != idproof.EventSessionCompleted {
		t.Fatalf("request headers = %+v", req)
	}
	if as := e.attempts(d.ID); codes(as) != "1:200 " {
		t.Fatalf("log = %s", codes(as))
	}
	if got := e.runOnce(); got != (webhook.Result{}) {
		t.Fatalf("second RunOnce = %+v, want nothing to do", got)
	}
}

func TestRetrySchedule(t *testing.T) {
	e := newEnv(t)
	r := e.receiver()
	ep := e.endpoint(r)
	ids := e.emit(idproof.EventSessionStarted)
	r.FailNext(2, http.StatusInternalServerError)

	start := e.clock.Now()
	steps := []struct {
		wait    time.Duration // before the pass
		want    webhook.Result
		status  string
		nextIn  time.Duration // NextAt after the pass, from the pass
		claimed bool
	}{
		{0, webhook.Result{FannedOut: 1, Claimed: 1, Retrying: 1}, idproof.DeliveryPending, 10 * time.Second, true},
		{9 * time.Second, webhook.Result{}, idproof.DeliveryPending, time.Second, false},
		{time.Second, webhook.Result{Claimed: 1, Retrying: 1}, idproof.DeliveryPending, 20 * time.Second, true},
		{20 * time.Second, webhook.Result{Claimed: 1, Delivered: 1}, idproof.DeliveryDelivered, 0, true},
	}
	for i, s := range steps {
		e.clock.Add(s.wait)
		if got := e.runOnce(); got != s.want {
			t.Fatalf("pass %d: %+v, want %+v", i, got, s.want)
		}
		d := e.only(ep.ID)
		if d.Status != s.status {
			t.Fatalf("pass %d: status %s, want %s", i, d.Status, s.status)
		}
		if want := e.clock.Now().Add(s.nextIn); s.nextIn > 0 && !d.NextAt.Equal(want) {
			t.Fatalf("pass %d: next at %s, want %s", i, d.NextAt.Sub(start), want.Sub(start))
		}
	}
	d := e.only(ep.ID)
	if d.Attempts != 3 || d.LastError != "" || r.Count(ids[0]) != 1 {
		t.Fatalf("delivery %+v, received %v", d, r.Accepted())
	}
	as := e.attempts(d.ID)
	if codes(as) != "1:500 2:500 3:200 " || !strings.HasPrefix(as[0].Error, "HTTP 500") {
		t.Fatalf("log = %s, first error %q", codes(as), as[0].Error)
	}
	if got := []string{r.Requests()[0].Attempt, r.Requests()[2].Attempt}; got[0] != "1" || got[1] != "3" {
		t.Fatalf("attempt headers = %v", got)
	}
}

func TestGiveUpAndResend(t *testing.T) {
	e := newEnv(t)
	e.d.Policy = webhook.Policy{Base: time.Hour, Max: time.Hour, Window: 24 * time.Hour, Rand: func() float64 { return 0.5 }}
	r := e.receiver()
	ep := e.endpoint(r)
	ids := e.emit(idproof.EventSessionExpired)
	r.Fail(http.StatusServiceUnavailable)

	// Tries at 0h, 1h, ... 24h; after the one at 24h the next would fall
	// past the window.
	for pass := 0; pass < 100; pass++ {
		e.runOnce()
		d := e.only(ep.ID)
		if d.Status != idproof.DeliveryPending {
			break
		}
		e.clock.Set(d.NextAt)
	}
	d := e.only(ep.ID)
	if d.Status != idproof.DeliveryFailed || d.Attempts != 25 || !d.NextAt.IsZero() || d.LastStatusCode != 503 {
		t.Fatalf("after the window: %+v", d)
	}
	if got := e.runOnce(); got != (webhook.Result{}) {
		t.Fatalf("a failed delivery was claimed: %+v", got)
	}

	r.Recover()
	if err := e.store.ResendWebhookDelivery(t.Context(), d.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.runOnce(); got.Delivered != 1 {
		t.Fatalf("after resend: %+v", got)
	}
	d = e.only(ep.ID)
	if d.Status != idproof.DeliveryDelivered || d.Attempts != 26 || r.Count(ids[0]) != 1 {
		t.Fatalf("after resend: %+v, received %v", d, r.Accepted())
	}
	if n := len(e.attempts(d.ID)); n != 26 {
		t.Fatalf("log has %d attempts, want 26", n)
	}
}

func TestEventTypeFilter(t *testing.T) {
	e := newEnv(t)
	rAll, rDone := e.receiver(), e.receiver()
	all := e.endpoint(rAll)
	done := e.endpoint(rDone, idproof.EventSessionCompleted, idproof.EventSessionDeclined)
	ids := e.emit(idproof.EventSessionCreated, idproof.EventSessionStarted, idproof.EventSessionCompleted)

	if got := e.runOnce(); got != (webhook.Result{FannedOut: 3, Claimed: 4, Delivered: 4}) {
		t.Fatalf("RunOnce = %+v", got)
	}
	if got := rAll.Accepted(); len(got) != 3 {
		t.Fatalf("endpoint for all events received %v", got)
	}
	if got := rDone.Accepted(); len(got) != 1 || got[ids[2]] != 1 {
		t.Fatalf("endpoint for completed received %v, want only %s", got, ids[2])
	}
	if n, m := len(e.deliveries(all.ID)), len(e.deliveries(done.ID)); n != 3 || m != 1 {
		t.Fatalf("deliveries: %d and %d, want 3 and 1", n, m)
	}
}

func TestDisabledEndpoint(t *testing.T) {
	e := newEnv(t)
	r := e.receiver()
	ep := e.endpoint(r)
	e.emit(idproof.EventSessionCreated)
	r.Fail(http.StatusInternalServerError)
	if got := e.runOnce(); got.Retrying != 1 {
		t.Fatalf("RunOnce = %+v", got)
	}

	ep.Disabled = true
	if err := e.store.UpdateWebhookEndpoint(t.Context(), ep); err != nil {
		t.Fatal(err)
	}
	r.Recover()
	e.clock.Add(time.Minute)
	later := e.emit(idproof.EventSessionStarted)
	if got := e.runOnce(); got != (webhook.Result{FannedOut: 1, Claimed: 1, Failed: 1}) {
		t.Fatalf("RunOnce after disabling = %+v", got)
	}
	d := e.only(ep.ID) // none for the later event
	if d.Status != idproof.DeliveryFailed || d.LastError != "the endpoint is disabled" {
		t.Fatalf("delivery = %+v", d)
	}
	if len(r.Requests()) != 1 || r.Count(later[0]) != 0 {
		t.Fatalf("a disabled endpoint was called: %+v", r.Requests())
	}
}

func TestSignatureChecked(t *testing.T) {
	e := newEnv(t)
	r := e.receiver()
	ep := e.endpoint(r)
	ids := e.emit(idproof.EventSessionCompleted)
	r.SetSecrets(webhook.NewSecret()) // the receiver knows another secret

	if got := e.runOnce(); got.Retrying != 1 || r.Rejected() != 1 || r.Count(ids[0]) != 0 {
		t.Fatalf("RunOnce = %+v, rejected %d", got, r.Rejected())
	}
	if d := e.only(ep.ID); d.LastStatusCode != http.StatusBadRequest {
		t.Fatalf("delivery = %+v", d)
	}

	// The right secret, among others, as during a rotation.
	s, err := e.keyring.OpenString(ep.SecretSealed)
	if err != nil {
		t.Fatal(err)
	}
	r.SetSecrets(webhook.NewSecret(), s)
	e.clock.Add(time.Hour)
	if got := e.runOnce(); got.Delivered != 1 || r.Count(ids[0]) != 1 {
		t.Fatalf("RunOnce with the right secret = %+v", got)
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	e := newEnv(t)
	r := e.receiver()
	ep := e.endpoint(r)
	r.Close()
	e.emit(idproof.EventSessionCompleted)
	if got := e.runOnce(); got.Retrying != 1 {
		t.Fatalf("RunOnce = %+v", got)
	}
	if d := e.only(ep.ID); d.LastStatusCode != 0 || d.LastError == "" || strings.Contains(d.LastError, r.URL) {
		t.Fatalf("delivery = %+v: want a short error without the URL", d)
	}
}

// TestConcurrentDispatchers: two dispatchers, as two replicas would run
// (on PostgreSQL each with its own connection pool), deliver every event
// once between them.
func TestConcurrentDispatchers(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		e := newEnv(t)
		concurrentDispatchers(t, e, e.dispatcher(), e.dispatcher())
	})
	t.Run("postgres", func(t *testing.T) {
		url, schema := postgres.TestSchema(t)
		open := func() idproof.Store {
			st, err := postgres.OpenSchema(t.Context(), url, schema)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		e := newEnvOn(t, open())
		concurrentDispatchers(t, e, e.dispatcher(), e.dispatcherOn(open()))
	})
}

func concurrentDispatchers(t *testing.T, e *env, a, b *webhook.Dispatcher) {
	r := e.receiver()
	e.endpoint(r)
	var ids []string
	for range 40 {
		ids = append(ids, e.emit(idproof.EventSessionCompleted)...)
	}
	a.Batch, b.Batch = 25, 25
	var wg sync.WaitGroup
	results := make([]webhook.Result, 4)
	for i, d := range []*webhook.Dispatcher{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := d.RunOnce(t.Context())
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	// Another pass picks up what the first ones fanned out too late to claim.
	for range 3 {
		e.runOnce()
	}
	if err := r.WaitFor(waitCtx(t), ids...); err != nil {
		t.Fatalf("not all delivered: %v", err)
	}
	for id, n := range r.Accepted() {
		if n != 1 {
			t.Errorf("event %s delivered %d times within one lease", id, n)
		}
	}
	if n := len(r.Requests()); n != len(ids) {
		t.Fatalf("%d requests for %d events", n, len(ids))
	}
}
