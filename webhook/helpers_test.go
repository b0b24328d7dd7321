package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/webhook"
	"github.com/idproof/idproof/webhook/webhooktest"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// env is a dispatcher on a real store (SQLite unless said otherwise),
// with a fake clock.
type env struct {
	t       testing.TB
	store   idproof.Store
	keyring *secret.Keyring
	clock   *clock
	d       *webhook.Dispatcher
}

const tenant, community = "0123456789abcdef01234567", "89abcdef0123456789abcdef"

func newEnv(t testing.TB) *env {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st)
}

// newEnvOn is newEnv on the store st.
func newEnvOn(t testing.TB, st idproof.Store) *env {
	t.Helper()
	kr, err := secret.New(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	// The wall clock's second, so that receivers on the real clock agree.
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	e := &env{t: t, store: st, keyring: kr, clock: c}
	e.d = e.dispatcher()
	return e
}

// dispatcher returns a dispatcher on e's store, without jitter.
func (e *env) dispatcher() *webhook.Dispatcher { return e.dispatcherOn(e.store) }

// dispatcherOn returns a dispatcher on st (another replica's connection to
// e's database), without jitter.
func (e *env) dispatcherOn(st idproof.Store) *webhook.Dispatcher {
	return &webhook.Dispatcher{Store: st, Open: e.keyring.Open, Clock: e.clock,
		Policy: webhook.Policy{Rand: func() float64 { return 0.5 }}}
}

// receiver starts a receiver on e's clock.
func (e *env) receiver() *webhooktest.Receiver {
	r := webhooktest.New()
	r.SetClock(e.clock.Now, 0)
	e.t.Cleanup(r.Close)
	return r
}

// endpoint configures an endpoint at url for events (none: all) and
// tells r its secret.
func (e *env) endpoint(r *webhooktest.Receiver, events ...string) *idproof.WebhookEndpoint {
	e.t.Helper()
	s := webhook.NewSecret()
	now := e.clock.Now()
	ep := &idproof.WebhookEndpoint{ID: idproof.NewObjectID(), TenantID: tenant, CommunityID: community, URL: r.URL,
		Events: events, SecretSealed: e.keyring.SealString(s), CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateWebhookEndpoint(e.t.Context(), ep); err != nil {
		e.t.Fatal(err)
	}
	r.SetSecrets(s)
	return ep
}

// emit writes a session whose creation carries events of the types, as
// the engine does, and returns their ids.
func (e *env) emit(types ...string) []string {
	e.t.Helper()
	now := e.clock.Now()
	s := &idproof.Session{ID: idproof.NewUUID(), TenantID: tenant, CommunityID: community, Status: idproof.StatusPending, CreatedAt: now}
	var ids []string
	for _, typ := range types {
		id := idproof.NewUUID()
		payload, _ := json.Marshal(map[string]any{"id": id, "type": typ, "created": now.Unix(),
			"data": map[string]string{"sessionId": s.ID, "tenantId": tenant, "communityId": community}})
		s.Outbox = append(s.Outbox, &idproof.WebhookEvent{ID: id, TenantID: tenant, CommunityID: community, SessionID: s.ID,
			Type: typ, Payload: payload, CreatedAt: now})
		ids = append(ids, id)
	}
	if err := e.store.CreateSession(e.t.Context(), s); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func (e *env) runOnce() webhook.Result {
	e.t.Helper()
	r, err := e.d.RunOnce(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// deliveries lists the deliveries of an endpoint, oldest first.
func (e *env) deliveries(endpointID string) []*idproof.WebhookDelivery {
	e.t.Helper()
	ds, err := e.store.WebhookDeliveries(e.t.Context(), idproof.WebhookDeliveryFilter{EndpointID: endpointID})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
		ds[i], ds[j] = ds[j], ds[i]
	}
	return ds
}

func (e *env) attempts(deliveryID string) []*idproof.WebhookAttempt {
	e.t.Helper()
	as, err := e.store.WebhookAttempts(e.t.Context(), deliveryID)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

// only returns the one delivery of an endpoint.
func (e *env) only(endpointID string) *idproof.WebhookDelivery {
	e.t.Helper()
	ds := e.deliveries(endpointID)
	if len(ds) != 1 {
		e.t.Fatalf("%d deliveries, want 1", len(ds))
	}
	return ds[0]
}

func codes(as []*idproof.WebhookAttempt) string {
	var s string
	for _, a := range as {
		s += fmt.Sprintf("%d:%d ", a.N, a.StatusCode)
	}
	return s
}

// waitCtx bounds a wait on a receiver; a failure then means something
// never arrived, not that it was slow.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
