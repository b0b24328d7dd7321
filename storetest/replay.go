package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// use calls UseRequestID and fails t on an error.
func use(t *testing.T, s idproof.Store, key, id string, now, expires time.Time) bool {
	t.Helper()
	ok, err := s.UseRequestID(t.Context(), key, id, now, expires)
	must(t, "UseRequestID", err)
	return ok
}

var replayTests = []test{
	{"Once", func(t *testing.T, s idproof.Store) {
		exp := t0.Add(5 * time.Minute)
		if !use(t, s, "k1", "r1", t0, exp) {
			t.Fatal("first use rejected")
		}
		if use(t, s, "k1", "r1", t0, exp) {
			t.Fatal("replay accepted")
		}
		if use(t, s, "k1", "r1", t0.Add(time.Minute), exp.Add(time.Minute)) {
			t.Fatal("replay before expiry accepted")
		}
		if !use(t, s, "k2", "r1", t0, exp) {
			t.Fatal("same id under another key rejected")
		}
		if !use(t, s, "k1", "r2", t0, exp) {
			t.Fatal("another id under the same key rejected")
		}
	}},
	{"Expiry", func(t *testing.T, s idproof.Store) {
		exp := t0.Add(5 * time.Minute)
		if !use(t, s, "k", "r", t0, exp) {
			t.Fatal("first use rejected")
		}
		if use(t, s, "k", "r", exp.Add(-time.Millisecond), exp.Add(time.Hour)) {
			t.Fatal("use a millisecond before expiry accepted")
		}
		// At expiresAt the record has expired.
		if !use(t, s, "k", "r", exp, exp.Add(5*time.Minute)) {
			t.Fatal("use at expiry rejected")
		}
		// The renewed record holds until its new expiry.
		if use(t, s, "k", "r", exp.Add(time.Minute), exp.Add(time.Hour)) {
			t.Fatal("replay of the renewed record accepted")
		}
		if !use(t, s, "k", "r", exp.Add(time.Hour), exp.Add(2*time.Hour)) {
			t.Fatal("use after the renewed expiry rejected")
		}
	}},
	{"Concurrent", func(t *testing.T, s idproof.Store) {
		const n = 20
		var (
			wg       sync.WaitGroup
			start    = make(chan struct{})
			mu       sync.Mutex
			accepted int
			errs     []error
		)
		for range n {
			wg.Go(func() {
				<-start
				ok, err := s.UseRequestID(t.Context(), "k", "r", t0, t0.Add(time.Minute))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if ok {
					accepted++
				}
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("UseRequestID: %v", err)
		}
		if accepted != 1 {
			t.Fatalf("%d of %d concurrent uses accepted, want 1", accepted, n)
		}
	}},
	{"Purge", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		n, err := s.PurgeRequestIDs(ctx, t0)
		must(t, "PurgeRequestIDs empty", err)
		if n != 0 {
			t.Errorf("PurgeRequestIDs of an empty store = %d, want 0", n)
		}
		for i := range 5 {
			use(t, s, "k", fmt.Sprint("old", i), t0, t0.Add(time.Duration(i+1)*time.Minute))
		}
		for i := range 3 {
			use(t, s, "k", fmt.Sprint("new", i), t0, t0.Add(time.Hour))
		}
		now := t0.Add(5*time.Minute + time.Second)
		n, err = s.PurgeRequestIDs(ctx, now)
		must(t, "PurgeRequestIDs", err)
		if n != 5 {
			t.Errorf("PurgeRequestIDs = %d, want 5", n)
		}
		n, err = s.PurgeRequestIDs(ctx, now)
		must(t, "PurgeRequestIDs again", err)
		if n != 0 {
			t.Errorf("PurgeRequestIDs again = %d, want 0", n)
		}
		// Live records survive the purge.
		if use(t, s, "k", "new0", now, t0.Add(2*time.Hour)) {
			t.Error("a live request id was purged")
		}
		if !use(t, s, "k", "old0", now, t0.Add(2*time.Hour)) {
			t.Error("a purged request id is still refused")
		}
	}},
}
