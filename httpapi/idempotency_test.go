package httpapi_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
)

// headerLog is a transport that keeps the headers of the last answer, so
// that a test calling through the Go client can see Idempotent-Replayed.
type headerLog struct {
	mu   sync.Mutex
	last http.Header
}

func (h *headerLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		h.mu.Lock()
		h.last = resp.Header.Clone()
		h.mu.Unlock()
	}
	return resp, err
}

func (h *headerLog) get(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last.Get(name)
}

// loggedClient is e.client whose answers' headers are kept in the log.
func (e *env) loggedClient(t *testing.T, license string) (*client.Client, *headerLog) {
	log := &headerLog{}
	return e.client(t, license, client.WithHTTPClient(&http.Client{Transport: log, Timeout: time.Minute})), log
}

func (e *env) sessionCount(t *testing.T) int {
	t.Helper()
	_, n, err := e.store.Sessions(context.Background(), idproof.SessionFilter{TenantID: e.creds.TenantID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// serviceLicense issues another service license of the env's tenant.
func (e *env) serviceLicense(t *testing.T) string {
	t.Helper()
	key, _, err := e.admin.CreateLicense(context.Background(), admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: e.creds.TenantID})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestIdempotencyKey covers the contract on both stores: the same key and
// body gets the first answer, another body a 409, another license its own
// key, and a request without the header is served as before.
func TestIdempotencyKey(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			rp, log := e.loggedClient(t, "service")
			req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-1")}
			key := client.NewIdempotencyKey()

			first, err := rp.CreateSession(ctx, req, client.IdempotencyKey(key))
			if err != nil {
				t.Fatal(err)
			}
			if got := log.get("Idempotent-Replayed"); got != "" {
				t.Fatalf("first answer says replayed: %q", got)
			}
			again, err := rp.CreateSession(ctx, req, client.IdempotencyKey(key))
			if err != nil {
				t.Fatal(err)
			}
			if *again != *first || log.get("Idempotent-Replayed") != "true" {
				t.Fatalf("second answer %+v (replayed %q), want %+v replayed", again, log.get("Idempotent-Replayed"), first)
			}
			if n := e.sessionCount(t); n != 1 {
				t.Fatalf("%d sessions after the same request twice, want 1", n)
			}

			other := req
			other.SessionRequest = e.sessionRequest("idem-2")
			_, err = rp.CreateSession(ctx, other, client.IdempotencyKey(key))
			wantAPIError(t, err, 409, "different request")

			// The key is the caller's: under another license it is free.
			mine, err := e.client(t, e.serviceLicense(t)).CreateSession(ctx, req, client.IdempotencyKey(key))
			if err != nil || mine.SessionID == first.SessionID {
				t.Fatalf("another license's key: %+v %v", mine, err)
			}

			// Without the header nothing changes: two requests, two sessions.
			a, err := rp.CreateSession(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := rp.CreateSession(ctx, req)
			if err != nil || a.SessionID == b.SessionID || log.get("Idempotent-Replayed") != "" {
				t.Fatalf("without a key: %+v %+v %v", a, b, err)
			}
			if n := e.sessionCount(t); n != 4 {
				t.Fatalf("%d sessions, want 4", n)
			}
		})
	}
}

// TestIdempotencyKeyHeader refuses keys that are not 1 to 255 printable
// ASCII characters, and ignores the header on routes that do not create.
func TestIdempotencyKeyHeader(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-h")}
	for _, c := range []struct {
		name string
		vals []string
	}{
		{"empty", []string{""}},
		{"too long", []string{strings.Repeat("k", 256)}},
		{"not ASCII", []string{"clé"}},
		{"tab", []string{"a\tb"}},
		{"two values", []string{"a", "b"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := rp.CreateSession(ctx, req, client.EditHeaders(func(h http.Header) { h["Idempotency-Key"] = c.vals }))
			wantAPIError(t, err, 400, "Idempotency-Key header")
		})
	}
	if _, err := rp.CreateSession(ctx, req, client.IdempotencyKey(strings.Repeat("~", 255))); err != nil {
		t.Fatalf("255 characters: %v", err)
	}
	if n := e.sessionCount(t); n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
	// A route that does not create ignores the header: the same key with
	// two bodies is no conflict.
	var all, none map[string]any
	scope := map[string]any{"tenantId": e.creds.TenantID, "communityId": e.creds.CommunityID}
	if err := rp.Do(ctx, "POST", "/proofingsession/fetch", scope, &all, client.IdempotencyKey("k")); err != nil {
		t.Fatal(err)
	}
	scope["query"] = map[string]any{"uid": "nobody"}
	if err := rp.Do(ctx, "POST", "/proofingsession/fetch", scope, &none, client.IdempotencyKey("k")); err != nil {
		t.Fatalf("fetch with a reused key: %v", err)
	}
}

// TestIdempotencyKeyConcurrent sends one request from many callers of one
// license at once: exactly one session is created, and every other caller
// gets either its answer or a 409 asking it to retry.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-c")}
			const n = 8
			ids := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				c := e.client(t, "service")
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := c.CreateSession(ctx, req, client.IdempotencyKey("same"))
					ids[i], errs[i] = out.SessionID, err
				}()
			}
			wg.Wait()
			created, busy := "", 0
			for i := range n {
				var ae *client.Error
				switch {
				case errs[i] == nil && (created == "" || ids[i] == created):
					created = ids[i]
				case errors.As(errs[i], &ae) && ae.StatusCode == 409 && strings.Contains(ae.Message, "still being processed"):
					busy++
				default:
					t.Fatalf("caller %d: %q %v", i, ids[i], errs[i])
				}
			}
			if created == "" || e.sessionCount(t) != 1 {
				t.Fatalf("created %q, %d sessions, want exactly one", created, e.sessionCount(t))
			}
			t.Logf("%d of %d callers were asked to retry", busy, n)
		})
	}
}

// TestIdempotencyKeyEnveloped sends the same plain body in envelopes of two
// key pairs: the second gets the first answer, sealed for itself.
func TestIdempotencyKeyEnveloped(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	front := base64.StdEncoding.EncodeToString(pngBytes(t, 640, 400))
	body := map[string]any{
		"connector":    map[string]any{"id": "c", "type": "sandbox", "config": map[string]any{}},
		"verification": map[string]any{"id": "v", "tag": "t", "type": "dl_authenticate", "config": map[string]any{"verifier": "sandbox"}},
		"document":     map[string]any{"id": "doc-1", "type": "DL", "front_image": front},
	}
	a, _ := e.loggedClient(t, "service")
	b, logB := e.loggedClient(t, "service")
	var first, second map[string]any
	if err := a.Do(ctx, "POST", "/verify", body, &first, client.Envelope(), client.IdempotencyKey("verify-1")); err != nil {
		t.Fatal(err)
	}
	if err := b.Do(ctx, "POST", "/verify", body, &second, client.Envelope(), client.IdempotencyKey("verify-1")); err != nil {
		t.Fatal(err)
	}
	if first["verified"] != true || second["proof_jwt"] != first["proof_jwt"] || logB.get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay to the second key pair: %v, want %v", second, first)
	}
	// Sent plain, the same request gets the same answer, plain.
	var plain map[string]any
	if err := b.Do(ctx, "POST", "/verify", body, &plain, client.IdempotencyKey("verify-1")); err != nil || plain["proof_jwt"] != first["proof_jwt"] {
		t.Fatalf("plain replay: %v %v", plain, err)
	}

	// Sessions: two envelopes of one plain body are one request.
	req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-env")}
	s1, err := a.CreateSession(ctx, req, client.Envelope(), client.IdempotencyKey("env"))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.CreateSession(ctx, req, client.Envelope(), client.IdempotencyKey("env"))
	if err != nil || *s2 != *s1 || e.sessionCount(t) != 1 {
		t.Fatalf("enveloped replay %+v of %+v: %v, %d sessions", s2, s1, err, e.sessionCount(t))
	}
}

// TestIdempotencyKeyErrors keeps the answer of a request that fails on its
// own terms and forgets one the server failed.
func TestIdempotencyKeyErrors(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	sys, log := e.loggedClient(t, "system")

	// A 4xx is the answer to that request: it is repeated.
	bad := map[string]any{"dns": "", "name": "x"}
	err := sys.Do(ctx, "POST", "/admin/tenants", bad, nil, client.IdempotencyKey("t-bad"))
	var first *client.Error
	if !errors.As(err, &first) || first.StatusCode != 400 {
		t.Fatalf("invalid tenant: %v", err)
	}
	err = sys.Do(ctx, "POST", "/admin/tenants", bad, nil, client.IdempotencyKey("t-bad"))
	var again *client.Error
	if !errors.As(err, &again) || *again != *first || log.get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeated 4xx %v (replayed %q), want %v", err, log.get("Idempotent-Replayed"), first)
	}

	// A request without a body is its method and path: the answer to it
	// is kept as well.
	for i, want := range []string{"", "true"} {
		err := sys.Do(ctx, "POST", "/admin/tenants", nil, nil, client.IdempotencyKey("t-none"))
		wantAPIError(t, err, 400, "empty")
		if got := log.get("Idempotent-Replayed"); got != want {
			t.Fatalf("bodiless request %d: replayed %q, want %q", i, got, want)
		}
	}

	// Creating under the system license is kept the same way.
	var t1, t2 admin.TenantView
	good := map[string]any{"dns": "idem.example", "name": "Idem"}
	if err := sys.Do(ctx, "POST", "/admin/tenants", good, &t1, client.IdempotencyKey("t-good")); err != nil {
		t.Fatal(err)
	}
	if err := sys.Do(ctx, "POST", "/admin/tenants", good, &t2, client.IdempotencyKey("t-good")); err != nil || t2 != t1 {
		t.Fatalf("tenant replay %+v of %+v: %v", t2, t1, err)
	}
	// Without the key, the second is the handler's own 409.
	err = sys.Do(ctx, "POST", "/admin/tenants", good, nil)
	wantAPIError(t, err, 409, "")
}

// TestIdempotencyKeyExpiry forgets keys after 24 hours.
func TestIdempotencyKeyExpiry(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-x")}
	first, err := rp.CreateSession(ctx, req, client.IdempotencyKey("day"))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(23 * time.Hour)
	again, err := rp.CreateSession(ctx, req, client.IdempotencyKey("day"))
	if err != nil || again.SessionID != first.SessionID {
		t.Fatalf("within 24 h: %+v %v", again, err)
	}
	e.clock.Advance(time.Hour + time.Second)
	later, err := rp.CreateSession(ctx, req, client.IdempotencyKey("day"))
	if err != nil || later.SessionID == first.SessionID {
		t.Fatalf("after 24 h: %+v %v", later, err)
	}
	other := req
	other.SessionRequest = e.sessionRequest("idem-y")
	_, err = rp.CreateSession(ctx, other, client.IdempotencyKey("day"))
	wantAPIError(t, err, 409, "different request")
	if n := e.sessionCount(t); n != 2 {
		t.Fatalf("%d sessions, want 2", n)
	}
}

// gatedStore makes CreateSession fail, panic or wait, to show what a
// request the server could not finish does to its key.
type gatedStore struct {
	idproof.Store
	mu      sync.Mutex
	next    string        // "fail", "panic" or "wait" for the next call
	entered chan struct{} // "wait": closed when the call arrives
	release chan struct{} // "wait": the call goes on when this closes
}

func (g *gatedStore) CreateSession(ctx context.Context, s *idproof.Session) error {
	g.mu.Lock()
	next := g.next
	g.next = ""
	g.mu.Unlock()
	switch next {
	case "fail":
		return fmt.Errorf("disk full")
	case "panic":
		panic("store broke")
	case "wait":
		close(g.entered)
		<-g.release
	}
	return g.Store.CreateSession(ctx, s)
}

func (g *gatedStore) arm(next string) {
	g.mu.Lock()
	g.next = next
	g.entered, g.release = make(chan struct{}), make(chan struct{})
	g.mu.Unlock()
}

func TestIdempotencyKeyServerFailure(t *testing.T) {
	g := &gatedStore{}
	e := newEnv(t, func(t testing.TB) idproof.Store { g.Store = storeKinds[0].open(t); return g })
	ctx := context.Background()
	rp, log := e.loggedClient(t, "service")
	req := client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("idem-f")}

	// A 500, or a panic, gives the key back: the retry runs and creates.
	for _, fault := range []string{"fail", "panic"} {
		key := "retry-" + fault
		g.arm(fault)
		_, err := rp.CreateSession(ctx, req, client.IdempotencyKey(key))
		wantAPIError(t, err, 500, "internal error")
		out, err := rp.CreateSession(ctx, req, client.IdempotencyKey(key))
		if err != nil || out.SessionID == "" || log.get("Idempotent-Replayed") != "" {
			t.Fatalf("%s: retry %+v %v (replayed %q)", fault, out, err, log.get("Idempotent-Replayed"))
		}
	}

	// While the first request runs, the same request is asked to retry.
	g.arm("wait")
	done := make(chan *client.CreatedSession)
	go func() {
		out, err := rp.CreateSession(ctx, req, client.IdempotencyKey("slow"))
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	<-g.entered
	_, err := rp.CreateSession(ctx, req, client.IdempotencyKey("slow"))
	wantAPIError(t, err, 409, "still being processed")
	if log.get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", log.get("Retry-After"))
	}
	close(g.release)
	first := <-done
	again, err := rp.CreateSession(ctx, req, client.IdempotencyKey("slow"))
	if err != nil || first == nil || *again != *first {
		t.Fatalf("after the first finished: %+v of %+v: %v", again, first, err)
	}
	if n := e.sessionCount(t); n != 3 {
		t.Fatalf("%d sessions, want 3", n)
	}
}
