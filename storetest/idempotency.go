package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newIdempotency returns a running record for key, created at created and
// held for a day.
func newIdempotency(key, requestHash string, created time.Time) *idproof.IdempotencyRecord {
	return &idproof.IdempotencyRecord{Key: key, RequestHash: requestHash, CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour)}
}

// claim calls ClaimIdempotencyKey and fails t on an error.
func claim(t *testing.T, s idproof.Store, r *idproof.IdempotencyRecord, now, staleBefore time.Time) *idproof.IdempotencyRecord {
	t.Helper()
	held, err := s.ClaimIdempotencyKey(t.Context(), r, now, staleBefore)
	must(t, "ClaimIdempotencyKey", err)
	return held
}

// staleNever is a staleBefore no record was created before.
var staleNever = time.Time{}

var idempotencyTests = []test{
	{"ClaimOnce", func(t *testing.T, s idproof.Store) {
		first := newIdempotency("k", "hash-1", t0)
		if held := claim(t, s, first, t0, staleNever); held != nil {
			t.Fatalf("first claim: held by %+v", held)
		}
		// The same key again, with any request, gets the running record.
		held := claim(t, s, newIdempotency("k", "hash-2", t0.Add(time.Second)), t0.Add(time.Second), staleNever)
		check(t, "held record", held, first)
		// Another key is free.
		if held := claim(t, s, newIdempotency("k2", "hash-1", t0), t0, staleNever); held != nil {
			t.Fatalf("other key: held by %+v", held)
		}
	}},
	{"Finish", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		first := newIdempotency("k", "hash-1", t0)
		claim(t, s, first, t0, staleNever)
		answer := []byte{0, 0xff, 'o', 'k', 0}
		must(t, "FinishIdempotencyKey", s.FinishIdempotencyKey(ctx, "k", 201, answer))
		want := *first
		want.Status, want.Response = 201, answer
		// A finished record is never stale: only expiry frees it.
		held := claim(t, s, newIdempotency("k", "hash-1", t0.Add(time.Hour)), t0.Add(time.Hour), t0.Add(time.Hour))
		check(t, "finished record", held, &want)
		wantCode(t, "FinishIdempotencyKey of a key not held", s.FinishIdempotencyKey(ctx, "missing", 200, nil), idproof.ENOTFOUND)
	}},
	{"Expired", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		first := newIdempotency("k", "hash-1", t0)
		claim(t, s, first, t0, staleNever)
		must(t, "FinishIdempotencyKey", s.FinishIdempotencyKey(ctx, "k", 200, []byte("first")))
		if held := claim(t, s, newIdempotency("k", "hash-2", t0), first.ExpiresAt.Add(-time.Millisecond), staleNever); held == nil {
			t.Fatal("claim a millisecond before expiry replaced the record")
		}
		// At ExpiresAt the record has expired, and the claim replaces it.
		second := newIdempotency("k", "hash-2", first.ExpiresAt)
		if held := claim(t, s, second, first.ExpiresAt, staleNever); held != nil {
			t.Fatalf("claim at expiry: held by %+v", held)
		}
		held := claim(t, s, newIdempotency("k", "hash-3", first.ExpiresAt), first.ExpiresAt.Add(time.Second), staleNever)
		check(t, "replacing record", held, second)
	}},
	{"Stale", func(t *testing.T, s idproof.Store) {
		first := newIdempotency("k", "hash-1", t0)
		claim(t, s, first, t0, staleNever)
		// Created exactly at staleBefore is not before it: still held.
		later := t0.Add(10 * time.Minute)
		held := claim(t, s, newIdempotency("k", "hash-2", later), later, t0)
		check(t, "running record at staleBefore", held, first)
		// Created before staleBefore and still running: its request died.
		second := newIdempotency("k", "hash-2", later)
		if held := claim(t, s, second, later, t0.Add(time.Millisecond)); held != nil {
			t.Fatalf("claim of a stale key: held by %+v", held)
		}
		held = claim(t, s, newIdempotency("k", "hash-3", later), later, t0.Add(time.Millisecond))
		check(t, "replacing record", held, second)
	}},
	{"Release", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		claim(t, s, newIdempotency("k", "hash-1", t0), t0, staleNever)
		must(t, "ReleaseIdempotencyKey", s.ReleaseIdempotencyKey(ctx, "k"))
		second := newIdempotency("k", "hash-2", t0)
		if held := claim(t, s, second, t0, staleNever); held != nil {
			t.Fatalf("claim after release: held by %+v", held)
		}
		must(t, "ReleaseIdempotencyKey of a key not held", s.ReleaseIdempotencyKey(ctx, "missing"))
		must(t, "ReleaseIdempotencyKey", s.ReleaseIdempotencyKey(ctx, "k"))
		wantCode(t, "FinishIdempotencyKey after release", s.FinishIdempotencyKey(ctx, "k", 200, nil), idproof.ENOTFOUND)
	}},
	{"Purge", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		for i := range 4 {
			r := newIdempotency(fmt.Sprint("old", i), "h", t0)
			r.ExpiresAt = t0.Add(time.Duration(i+1) * time.Minute)
			claim(t, s, r, t0, staleNever)
		}
		live := newIdempotency("live", "h", t0)
		claim(t, s, live, t0, staleNever)
		n, err := s.PurgeIdempotencyKeys(ctx, t0.Add(4*time.Minute))
		must(t, "PurgeIdempotencyKeys", err)
		if n != 4 {
			t.Errorf("PurgeIdempotencyKeys = %d, want 4", n)
		}
		n, err = s.PurgeIdempotencyKeys(ctx, t0.Add(4*time.Minute))
		must(t, "PurgeIdempotencyKeys again", err)
		if n != 0 {
			t.Errorf("PurgeIdempotencyKeys again = %d, want 0", n)
		}
		held := claim(t, s, newIdempotency("live", "h2", t0), t0.Add(time.Minute), staleNever)
		check(t, "live record after purge", held, live)
		if held := claim(t, s, newIdempotency("old0", "h2", t0), t0.Add(time.Minute), staleNever); held != nil {
			t.Errorf("purged key still held by %+v", held)
		}
	}},
	{"ClaimConcurrent", func(t *testing.T, s idproof.Store) {
		testClaimConcurrent(t, s, false)
	}},
	{"ReplaceConcurrent", func(t *testing.T, s idproof.Store) {
		testClaimConcurrent(t, s, true)
	}},
}

// testClaimConcurrent lets several callers claim one key at once, free or
// (stale) held by a request that died: exactly one must get nil, and every
// other the winner's record.
func testClaimConcurrent(t *testing.T, s idproof.Store, stale bool) {
	const claimers = 12
	now, staleBefore := t0, staleNever
	if stale {
		claim(t, s, newIdempotency("k", "dead", t0), t0, staleNever)
		now, staleBefore = t0.Add(time.Hour), t0.Add(time.Minute)
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		wins  []string
		held  []*idproof.IdempotencyRecord
	)
	for i := range claimers {
		r := newIdempotency("k", fmt.Sprint("hash-", i), now)
		wg.Go(func() {
			<-start
			h, err := s.ClaimIdempotencyKey(t.Context(), r, now, staleBefore)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("ClaimIdempotencyKey: %v", err)
			case h == nil:
				wins = append(wins, r.RequestHash)
			default:
				held = append(held, h)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(wins) != 1 {
		t.Fatalf("%d of %d concurrent claims won (%v), want 1", len(wins), claimers, wins)
	}
	for _, h := range held {
		if h.RequestHash != wins[0] {
			t.Errorf("a losing claim saw the record of %q, the winner was %q", h.RequestHash, wins[0])
		}
	}
}
