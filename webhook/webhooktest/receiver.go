// Package webhooktest provides a webhook receiver for tests: an HTTP
// server that verifies signatures as an integrator's would, can be told
// to fail, and records what it received.
package webhooktest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/idproof/idproof/webhook"
)

// Request is one verified delivery request and how it was answered.
type Request struct {
	EventID    string
	EventType  string
	DeliveryID string
	Attempt    string
	Body       []byte
	Status     int // the answer
}

// Receiver is a webhook endpoint for tests. It is safe for concurrent use.
type Receiver struct {
	// URL is where it listens.
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	secrets   []string
	tolerance time.Duration
	now       func() time.Time
	failNext  int // answer failStatus to this many more requests
	failAll   bool
	failCode  int
	held      int           // requests waiting in Hold
	release   chan struct{} // closed by Release; nil when not holding
	requests  []Request
	accepted  map[string]int // event id -> 2xx answers
	rejected  int
	changed   chan struct{} // closed and replaced on every change
}

// New starts a receiver that accepts deliveries signed with one of
// secrets (more can be set later with SetSecrets). Close stops it.
func New(secrets ...string) *Receiver {
	r := &Receiver{secrets: secrets, now: time.Now, accepted: map[string]int{}, changed: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r
}

// Close stops the server, releasing held requests first.
func (r *Receiver) Close() {
	r.Release()
	r.srv.CloseClientConnections()
	r.srv.Close()
}

// SetSecrets replaces the secrets signatures are checked with.
func (r *Receiver) SetSecrets(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = slices.Clone(secrets)
}

// SetClock sets the receiver's clock and tolerance for timestamps (default
// the wall clock and webhook.DefaultTolerance).
func (r *Receiver) SetClock(now func() time.Time, tolerance time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now, r.tolerance = now, tolerance
}

// FailNext answers status to the next n verified requests.
func (r *Receiver) FailNext(n, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failNext, r.failCode = n, status
}

// Fail answers status to every verified request until Recover.
func (r *Receiver) Fail(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failAll, r.failCode = true, status
}

// Recover ends Fail and FailNext: requests are accepted again.
func (r *Receiver) Recover() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failAll, r.failNext = false, 0
}

// Hold makes verified requests wait, unanswered, until Release.
func (r *Receiver) Hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.release == nil {
		r.release = make(chan struct{})
	}
}

// Release lets held requests go on and stops holding new ones.
func (r *Receiver) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.release != nil {
		close(r.release)
		r.release = nil
	}
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil || req.Method != http.MethodPost {
		r.reject(w, "bad request")
		return
	}
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	r.mu.Lock()
	secrets, now, tol := r.secrets, r.now(), r.tolerance
	r.mu.Unlock()
	if err := webhook.Verify(req.Header.Get(webhook.SignatureHeader), body, secrets, now, tol); err != nil {
		r.reject(w, err.Error())
		return
	}
	if json.Unmarshal(body, &ev) != nil || ev.ID == "" || ev.ID != req.Header.Get(webhook.HeaderEventID) || ev.Type != req.Header.Get(webhook.HeaderEventType) {
		r.reject(w, "the payload does not match the event headers")
		return
	}
	r.mu.Lock()
	release := r.release
	if release != nil {
		r.held++
		r.notify()
	}
	r.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-req.Context().Done():
		}
		r.mu.Lock()
		r.held--
		r.mu.Unlock()
		if req.Context().Err() != nil {
			return // the sender gave up (or died)
		}
	}
	r.mu.Lock()
	status := http.StatusOK
	switch {
	case r.failAll:
		status = r.failCode
	case r.failNext > 0:
		r.failNext--
		status = r.failCode
	}
	r.requests = append(r.requests, Request{EventID: ev.ID, EventType: ev.Type, DeliveryID: req.Header.Get(webhook.HeaderDelivery),
		Attempt: req.Header.Get(webhook.HeaderAttempt), Body: body, Status: status})
	if status/100 == 2 {
		r.accepted[ev.ID]++
	}
	r.notify()
	r.mu.Unlock()
	w.WriteHeader(status)
	if status/100 != 2 {
		io.WriteString(w, "failing on purpose\n")
	}
}

func (r *Receiver) reject(w http.ResponseWriter, msg string) {
	r.mu.Lock()
	r.rejected++
	r.notify()
	r.mu.Unlock()
	http.Error(w, msg, http.StatusBadRequest)
}

// notify wakes the waiters; r.mu is held.
func (r *Receiver) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Count is how many times the event was accepted (answered 2xx).
func (r *Receiver) Count(eventID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted[eventID]
}

// Accepted returns each accepted event id with its count.
func (r *Receiver) Accepted() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.accepted))
	for k, v := range r.accepted {
		out[k] = v
	}
	return out
}

// Requests returns every verified request answered so far, in order.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Rejected is how many requests failed verification.
func (r *Receiver) Rejected() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected
}

// WaitFor waits until every one of ids was accepted at least once.
func (r *Receiver) WaitFor(ctx context.Context, ids ...string) error {
	return r.wait(ctx, func() bool {
		for _, id := range ids {
			if r.accepted[id] == 0 {
				return false
			}
		}
		return true
	})
}

// WaitRequests waits until at least n verified requests were answered.
func (r *Receiver) WaitRequests(ctx context.Context, n int) error {
	return r.wait(ctx, func() bool { return len(r.requests) >= n })
}

// WaitHeld waits until at least n requests are held (see Hold).
func (r *Receiver) WaitHeld(ctx context.Context, n int) error {
	return r.wait(ctx, func() bool { return r.held >= n })
}

// wait polls done, under r.mu, at every change until it holds or ctx ends.
func (r *Receiver) wait(ctx context.Context, done func() bool) error {
	for {
		r.mu.Lock()
		ok, changed := done(), r.changed
		r.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}
