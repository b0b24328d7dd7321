package proofing_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/proofing"
)

// TestSweepAcrossReplicas: two engines, each with its own connection pool
// on one PostgreSQL schema, sweep 10,000 expiring sessions at once. Every
// session must move to EXPIRED exactly once.
func TestSweepAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,000 sessions")
	}
	const n = 10000
	ctx := context.Background()
	url, schema := postgres.TestSchema(t)
	open := func() idproof.Store {
		st, err := postgres.OpenSchema(ctx, url, schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a := newFixture(t, open())
	// The second replica: same database and keys, its own pool.
	b := proofing.Engine{Store: open(), Keyring: a.engine.Keyring, Connectors: a.engine.Connectors,
		Signer: a.engine.Signer, Clock: a.clock, PublicURL: a.engine.PublicURL}

	// Create the sessions from a few goroutines to keep the setup short.
	var wg sync.WaitGroup
	const workers = 8
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				a.create(t, "u")
			}
		}()
	}
	wg.Wait()
	a.clock.Advance(2 * time.Hour)

	var mu sync.Mutex
	var total proofing.SweepResult
	for _, e := range []*proofing.Engine{a.engine, &b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r, err := e.Sweep(ctx, proofing.SweepBatch)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total.Expired += r.Expired
				total.Skipped += r.Skipped
				mu.Unlock()
				if r.Expired+r.Skipped == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if total.Expired != n {
		t.Fatalf("expired %d sessions, want %d (skipped %d)", total.Expired, n, total.Skipped)
	}
	t.Logf("replicas expired %d sessions; %d collisions skipped", total.Expired, total.Skipped)

	list, count, err := a.store.Sessions(ctx, idproof.SessionFilter{TenantID: a.creds.TenantID})
	if err != nil || count != n {
		t.Fatalf("list: %d %v", count, err)
	}
	for _, s := range list {
		if s.Status != idproof.StatusExpired {
			t.Fatalf("session %s is %s", s.ID, s.Status)
		}
		_, d, err := a.engine.Session(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, h := range d.History {
			if h.Activity == proofing.ActivityExpired {
				seen++
			}
		}
		if seen != 1 {
			t.Fatalf("session %s expired %d times", s.ID, seen)
		}
	}
}
