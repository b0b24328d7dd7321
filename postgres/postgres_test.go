package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idproof.Store {
		return postgres.OpenTest(t)
	})
}

// TestSharedSchema opens several stores on one schema at once, as replicas
// starting together do: the migrations must be applied once and the data
// shared.
func TestSharedSchema(t *testing.T) {
	databaseURL, schema := postgres.TestSchema(t)
	const replicas = 3
	stores := make([]*postgres.Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			stores[i], errs[i] = postgres.OpenSchema(context.Background(), databaseURL, schema)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	ctx := t.Context()
	if _, err := stores[0].PutSettingIfAbsent(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	got, err := stores[replicas-1].Setting(ctx, "k")
	if err != nil || string(got) != "v" {
		t.Fatalf("Setting from another replica = %q, %v", got, err)
	}
}

// TestDatabaseURL opens a store from a URL alone, as a server process does.
func TestDatabaseURL(t *testing.T) {
	s, err := postgres.Open(t.Context(), postgres.TestDatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tenants(t.Context()); err != nil {
		t.Fatal(err)
	}
}
