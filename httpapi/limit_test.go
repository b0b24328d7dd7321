package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/httpapi"
)

// fromAddress makes a client's requests come from addr, as told by a
// trusted proxy's X-Forwarded-For.
func fromAddress(addr string) client.Option {
	return client.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Forwarded-For", addr)
		return http.DefaultTransport.RoundTrip(r)
	})})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// behindProxy is the default limits, with the test's loopback peer as the
// proxy that names each client's address.
func behindProxy(edit func(*httpapi.Limits)) func(*httpapi.Config) {
	return func(c *httpapi.Config) {
		c.Limits = httpapi.DefaultLimits
		c.Limits.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		if edit != nil {
			edit(&c.Limits)
		}
	}
}

func statusOf(err error) int {
	if err == nil {
		return 200
	}
	if ae, ok := err.(*client.Error); ok {
		return ae.StatusCode
	}
	return -1
}

// TestLimitCredentialFlood: 500 wrong licenses from one key and address
// are answered 401 until the lock-out, then 429, while a well-behaved
// client elsewhere is never refused.
func TestLimitCredentialFlood(t *testing.T) {
	e := newEnv(t, storeKinds[0].open, behindProxy(nil))
	ctx := context.Background()
	attacker := e.client(t, "00000000-0000-4000-8000-000000000000", fromAddress("203.0.113.7"))
	good := e.client(t, "service", fromAddress("198.51.100.2"))

	var counts [600]atomic.Int32
	var goodRefused atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := good.Info(ctx); err != nil {
				goodRefused.Add(1)
				t.Errorf("well-behaved client refused: %v", err)
			}
		}
	})
	for range 500 {
		_, err := attacker.Info(ctx)
		counts[statusOf(err)+1].Add(1)
	}
	close(stop)
	wg.Wait()
	if n401, n429 := counts[401+1].Load(), counts[429+1].Load(); n401 != 20 || n429 != 480 {
		t.Errorf("flood answered 401 ×%d and 429 ×%d; want 20 and 480", n401, n429)
	}
	t.Logf("500 wrong licenses: 401 ×%d, 429 ×%d; well-behaved client refused %d times", counts[401+1].Load(), counts[429+1].Load(), goodRefused.Load())

	// Another key from the locked address is refused too: minting keys
	// does not get around the lock-out.
	fresh := e.client(t, "service", fromAddress("203.0.113.7"))
	if _, err := fresh.Info(ctx); statusOf(err) != 429 {
		t.Errorf("fresh key from the locked address: %v, want 429", err)
	}
	e.clock.Advance(httpapi.DefaultLimits.LockoutFor)
	if _, err := fresh.Info(ctx); err != nil {
		t.Errorf("after the lock-out: %v", err)
	}
}

// TestLimitRetryAfter: a caller over its rate gets 429 in the API's error
// format, with Retry-After.
func TestLimitRetryAfter(t *testing.T) {
	e := newEnv(t, storeKinds[0].open, behindProxy(func(l *httpapi.Limits) { l.KeyRate, l.KeyBurst = 0.5, 3 }))
	c := e.client(t, "service", fromAddress("198.51.100.3"))
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.Info(ctx); err != nil {
			t.Fatalf("request %d of the burst: %v", i, err)
		}
	}
	h, err := c.Headers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.Set("X-Forwarded-For", "198.51.100.3")
	req, _ := http.NewRequest("GET", e.url+"/info", nil)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(body), `"statusCode":429`) {
		t.Fatalf("over the rate: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := c.Info(ctx); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
}

// TestLimitAddress: one address's rate holds whatever keys it uses, and
// X-Forwarded-For counts only from a trusted proxy.
func TestLimitAddress(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		t.Run(fmt.Sprint("trusted proxy ", trusted), func(t *testing.T) {
			e := newEnv(t, storeKinds[0].open, behindProxy(func(l *httpapi.Limits) {
				l.IPRate, l.IPBurst = 1, 5
				if !trusted {
					// The claimed addresses are ignored: every request
					// comes from the loopback peer, limited like any other.
					l.TrustedProxies, l.LimitLoopback = nil, true
				}
			}))
			ctx := context.Background()
			codes := ""
			for i := range 8 {
				// A fresh key and a fresh claimed address every time.
				_, err := e.client(t, "", fromAddress(fmt.Sprintf("192.0.2.%d", i+1))).Healthz(ctx)
				codes += strconv.Itoa(statusOf(err)) + " "
			}
			want := "200 200 200 200 200 429 429 429 "
			if trusted {
				want = "200 200 200 200 200 200 200 200 "
			}
			if codes != want {
				t.Errorf("statuses %s, want %s", codes, want)
			}
		})
	}
}

// TestLimitLoopbackExempt: unless told otherwise, the rates spare the
// loopback address, from which the operator's load tool runs.
func TestLimitLoopbackExempt(t *testing.T) {
	e := newEnv(t, storeKinds[0].open, func(c *httpapi.Config) {
		c.Limits = httpapi.DefaultLimits
		c.Limits.IPRate, c.Limits.IPBurst, c.Limits.KeyRate, c.Limits.KeyBurst = 1, 1, 1, 1
	})
	c := e.client(t, "service")
	for i := range 20 {
		if _, err := c.Info(context.Background()); err != nil {
			t.Fatalf("request %d from loopback: %v", i, err)
		}
	}
}

// TestLimitKeyNotSpentByOthers: requests that only claim a key (its public
// half is no secret) neither spend its allowance nor lock it out.
func TestLimitKeyNotSpentByOthers(t *testing.T) {
	e := newEnv(t, storeKinds[0].open, behindProxy(nil))
	ctx := context.Background()
	victim := e.client(t, "service", fromAddress("198.51.100.4"))
	for range 50 {
		hdr := map[string]string{"publickey": victim.PublicKeyString(), "requestid": "forged", "X-Forwarded-For": "203.0.113.9"}
		if st, body := raw(t, "GET", e.url+"/info", "", hdr); st != 401 && st != 429 {
			t.Fatalf("forged requestid: %d %s", st, body)
		}
	}
	if _, err := victim.Info(ctx); err != nil {
		t.Fatalf("the key's holder after forgeries in its name: %v", err)
	}
}

// countingStore counts the requestids recorded against replay.
type countingStore struct {
	idproof.Store
	used atomic.Int32
}

func (s *countingStore) UseRequestID(ctx context.Context, pub, id string, now, until time.Time) (bool, error) {
	s.used.Add(1)
	return s.Store.UseRequestID(ctx, pub, id, now, until)
}

// TestLimitNoReplayRecordForBadCredentials: a request whose license is not
// valid leaves nothing in the database; a good one is recorded once.
func TestLimitNoReplayRecordForBadCredentials(t *testing.T) {
	var st *countingStore
	e := newEnv(t, func(t testing.TB) idproof.Store {
		st = &countingStore{Store: storeKinds[0].open(t)}
		return st
	})
	ctx := context.Background()
	for _, lic := range []string{"00000000-0000-4000-8000-000000000000", "disabled", "expired"} {
		for range 10 {
			if _, err := e.client(t, lic).Info(ctx); statusOf(err) != 401 {
				t.Fatalf("%s: %v, want 401", lic, err)
			}
		}
	}
	if n := st.used.Load(); n != 0 {
		t.Errorf("30 requests with bad licenses recorded %d requestids; want 0", n)
	}
	if _, err := e.client(t, "service").Info(ctx); err != nil {
		t.Fatal(err)
	}
	if n := st.used.Load(); n != 1 {
		t.Errorf("a good request recorded %d requestids; want 1", n)
	}
}

// TestLimitLicenseAnswersAlike: unknown, disabled and expired licenses get
// the same answer, so that a caller cannot tell which keys exist.
func TestLimitLicenseAnswersAlike(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	var first string
	for _, lic := range []string{"00000000-0000-4000-8000-000000000000", "disabled", "expired"} {
		_, err := e.client(t, lic).Info(ctx)
		got := fmt.Sprint(err)
		if first == "" {
			first = got
		}
		if got != first || statusOf(err) != 401 {
			t.Errorf("%s license: %s; want 401 like the others: %s", lic, got, first)
		}
	}
}
