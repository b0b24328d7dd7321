package postgres_test

import (
	"context"
	"crypto/rand"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof/postgres"
)

// TestReplayAfterCrash simulates what crash recovery does to the replay
// records: the unlogged guard is emptied and the records written last are
// gone. A lost pair must then be refused, on every replica, and fresh ones
// accepted again once past the horizon.
func TestReplayAfterCrash(t *testing.T) {
	databaseURL, schema := postgres.TestSchema(t)
	ctx := t.Context()
	open := func() *postgres.Store {
		s, err := postgres.OpenSchema(ctx, databaseURL, schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	now := time.Now().UTC().Truncate(time.Millisecond)
	exp := now.Add(61 * time.Second)
	use := func(s *postgres.Store, uuid string, now, exp time.Time) bool {
		t.Helper()
		ok, err := s.UseRequestID(ctx, "k", uuid, now, exp)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !use(a, "lost", now, exp) || !use(a, "kept", now, exp) {
		t.Fatal("first use refused")
	}

	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, q := range []string{
		`TRUNCATE ` + pgx.Identifier{schema, "replay_epoch"}.Sanitize(),
		`DELETE FROM ` + pgx.Identifier{schema, "request_ids"}.Sanitize() + ` WHERE uuid = 'lost'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}

	later := now.Add(time.Second)
	if use(b, "lost", later, exp) {
		t.Fatal("a replay of a lost record was accepted after the crash")
	}
	if use(a, "lost", later, exp) {
		t.Fatal("a replay of a lost record was accepted by the other replica")
	}
	if use(a, "kept", later, exp) {
		t.Fatal("a replay of a kept record was accepted")
	}
	// A fresh request whose expiry is past the horizon passes.
	if !use(b, "fresh", later, exp.Add(time.Minute)) {
		t.Fatal("a fresh request id past the horizon was refused")
	}
	if use(a, "fresh", later, exp.Add(time.Minute)) {
		t.Fatal("replay of the fresh request id accepted")
	}
}

// BenchmarkUseRequestID measures UseRequestID from 32 goroutines, as the
// authentication of concurrent requests calls it.
func BenchmarkUseRequestID(b *testing.B) {
	s := postgres.OpenTest(b)
	now := time.Now()
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		key := rand.Text()
		for pb.Next() {
			ok, err := s.UseRequestID(context.Background(), key, rand.Text(), now, now.Add(time.Minute))
			if err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}
