package storecache_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/storecache"
	"github.com/idproof/idproof/storetest"
)

// The conformance suite through the cache: caching must change no answer.
func TestStoreSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idproof.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		c := storecache.New(s, storecache.Options{Sessions: true})
		t.Cleanup(func() { c.Close() })
		return c
	})
}

func TestStorePostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idproof.Store {
		s := postgres.OpenTest(t)
		c := storecache.New(s, storecache.Options{Feed: s})
		t.Cleanup(func() { c.Close() })
		return c
	})
}

// replicas opens two caches on one PostgreSQL schema, as two replicas of a
// deployment have, and waits until both follow the database.
func replicas(t *testing.T) (a, b *storecache.Cache, databaseURL, schema string) {
	t.Helper()
	databaseURL, schema = postgres.TestSchema(t)
	open := func() *storecache.Cache {
		s, err := postgres.OpenSchema(t.Context(), databaseURL, schema)
		if err != nil {
			t.Fatal(err)
		}
		c := storecache.New(s, storecache.Options{Feed: s})
		t.Cleanup(func() { c.Close() })
		return c
	}
	return open(), open(), databaseURL, schema
}

func license(id, hash string) *idproof.License {
	return &idproof.License{ID: id, KeyHash: hash, AuthLevel: idproof.AuthService, TenantID: "t1",
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
}

// waitFor polls until ok holds and returns how long it took, failing t
// past limit.
func waitFor(t *testing.T, limit time.Duration, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			t.Fatalf("not within %v", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// TestDisableAcrossReplicas disables a license on one replica while the
// other has it cached: the other must refuse it within the documented
// bound (MaxLag, 2s by default), and in practice within a notification's
// delay.
func TestDisableAcrossReplicas(t *testing.T) {
	a, b, _, _ := replicas(t)
	ctx := t.Context()
	l := license("l1", "h1")
	if err := a.CreateLicense(ctx, l); err != nil {
		t.Fatal(err)
	}
	// Read until b serves it from memory: once its feed is up, a read
	// caches it.
	waitFor(t, 5*time.Second, func() bool {
		got, err := b.LicenseByKeyHash(ctx, "h1")
		return err == nil && !got.Disabled && b.Cached("licenses", "h1")
	})

	l.Disabled = true
	if err := a.UpdateLicense(ctx, l); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 2*time.Second, func() bool {
		got, err := b.LicenseByKeyHash(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		return got.Disabled
	})
	t.Logf("the other replica saw the license disabled after %v", took)
	if got, err := a.LicenseByKeyHash(ctx, "h1"); err != nil || !got.Disabled {
		t.Fatalf("the writing replica still serves the license enabled (%v)", err)
	}
}

// TestWriteFromOutside changes a row with plain SQL, as an operator might:
// the triggers notify all the same.
func TestWriteFromOutside(t *testing.T) {
	b, conn, schema := tenantCachedByB(t)
	ctx := t.Context()
	if _, err := conn.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "tenants"}.Sanitize()+` SET name = 'B'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, func() bool {
		got, err := b.Tenant(ctx, "t1")
		return err == nil && got.Name == "B"
	})
}

// fakeFeed is a Feed driven by the test.
type fakeFeed struct {
	changed func(string)
	alive   func(time.Time)
	ready   chan struct{}
}

func (f *fakeFeed) Follow(ctx context.Context, changed func(string), alive func(time.Time)) {
	f.changed, f.alive = changed, alive
	close(f.ready)
	<-ctx.Done()
}

func TestFeedLapses(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_000_000, 0)
	f := &fakeFeed{ready: make(chan struct{})}
	c := storecache.New(s, storecache.Options{Feed: f, MaxLag: 2 * time.Second, Now: func() time.Time { return now }})
	defer c.Close()
	<-f.ready
	ctx := t.Context()
	if err := c.CreateTenant(ctx, &idproof.Tenant{ID: "t1", DNS: "a.example", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tenant(ctx, "t1"); err != nil || c.Cached("tenants", "t1") {
		t.Fatalf("cached before the feed confirmed (%v)", err)
	}
	f.changed("")
	f.alive(now)
	if _, err := c.Tenant(ctx, "t1"); err != nil || !c.Cached("tenants", "t1") {
		t.Fatalf("not cached with the feed alive (%v)", err)
	}
	// A write the cache does not see, reported by the feed.
	if err := s.CreateCommunity(ctx, &idproof.Community{ID: "c1", TenantID: "t1", Name: "x"}); err != nil {
		t.Fatal(err)
	}
	f.changed("tenants")
	if c.Cached("tenants", "t1") {
		t.Fatal("a reported change left the entry")
	}
	if _, err := c.Tenant(ctx, "t1"); err != nil || !c.Cached("tenants", "t1") {
		t.Fatalf("not cached again (%v)", err)
	}
	// The feed falls silent: past MaxLag, nothing is served from memory.
	now = now.Add(3 * time.Second)
	if c.Cached("tenants", "t1") {
		t.Fatal("served past MaxLag")
	}
}

// TestCopies checks that callers cannot change what the cache holds.
func TestCopies(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := storecache.New(s, storecache.Options{})
	defer c.Close()
	ctx := t.Context()
	l := license("l1", "h1")
	l.KeySealed = []byte("sealed")
	if err := c.CreateLicense(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := c.LicenseByKeyHash(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	got.Disabled = true
	got.KeySealed[0] = 'X'
	again, err := c.LicenseByKeyHash(ctx, "h1")
	if err != nil || again.Disabled || string(again.KeySealed) != "sealed" {
		t.Fatalf("a caller's change reached the cache: %+v, %v", again, err)
	}
	// A write through the cache is read back at once.
	again.Disabled = true
	if err := c.UpdateLicense(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got, err := c.LicenseByKeyHash(ctx, "h1"); err != nil || !got.Disabled {
		t.Fatalf("update not seen through the cache (%v)", err)
	}
}

// TestListenerReconnect cuts a replica's listening connection and changes
// a row meanwhile: the notice is lost, so the replica must stop serving
// from memory until it has reconnected and dropped everything.
func TestListenerReconnect(t *testing.T) {
	b, conn, schema := tenantCachedByB(t)
	ctx := t.Context()
	// Both listeners of this schema go: b's notice cannot arrive.
	_, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'idproof cache listener ' || $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "tenants"}.Sanitize()+` SET name = 'B'`); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 3*time.Second, func() bool {
		got, err := b.Tenant(ctx, "t1")
		return err == nil && got.Name == "B"
	})
	t.Logf("seen after %v", took)
	// Once reconnected, b caches again.
	waitFor(t, 5*time.Second, func() bool {
		got, err := b.Tenant(ctx, "t1")
		return err == nil && got.Name == "B" && b.Cached("tenants", "t1")
	})
}

// TestSessionsMoveForward: a kept session is replaced only by a later
// version, a failed update drops it, and what is returned is a copy.
func TestSessionsMoveForward(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := storecache.New(s, storecache.Options{Sessions: true})
	t.Cleanup(func() { c.Close() })
	ctx := t.Context()
	now := time.Now()
	v := &idproof.Session{ID: "11111111-1111-4111-8111-111111111111", TenantID: "t", CommunityID: "c",
		Status: idproof.StatusPending, CreatedAt: now, ExpiresAt: now.Add(time.Hour), Data: []byte(`{"a":1}`)}
	if err := c.CreateSession(ctx, v); err != nil {
		t.Fatal(err)
	}
	old, err := c.Session(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	old.Data[2] = 'X' // a caller's change to its copy stays its own
	v.Status = idproof.StatusInProgress
	if err := c.UpdateSession(ctx, v); err != nil {
		t.Fatal(err)
	}
	got, err := c.Session(ctx, v.ID)
	if err != nil || got.Status != idproof.StatusInProgress || got.Version != v.Version || string(got.Data) != `{"a":1}` {
		t.Fatalf("after update: %+v %v", got, err)
	}
	// A writer holding the old version loses, and the cache then asks the
	// store again rather than serve what it had.
	if err := c.UpdateSession(ctx, old); idproof.ErrorCode(err) != idproof.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	// A write from outside the cache, made directly on the store...
	got.Status = idproof.StatusCompleted
	if err := s.UpdateSession(ctx, got); err != nil {
		t.Fatal(err)
	}
	// ...is seen, because the failed update above dropped the entry.
	again, err := c.Session(ctx, v.ID)
	if err != nil || again.Status != idproof.StatusCompleted {
		t.Fatalf("after outside write: %+v %v", again, err)
	}
}

// tenantCachedByB makes two replicas, has the first create tenant t1
// (named A) and waits until the second serves it from memory; it returns
// the second, a plain connection to their database and their schema.
func tenantCachedByB(t *testing.T) (b *storecache.Cache, conn *pgx.Conn, schema string) {
	t.Helper()
	a, b, databaseURL, schema := replicas(t)
	ctx := t.Context()
	if err := a.CreateTenant(ctx, &idproof.Tenant{ID: "t1", DNS: "a.example", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool {
		got, err := b.Tenant(ctx, "t1")
		return err == nil && got.Name == "A" && b.Cached("tenants", "t1")
	})
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return b, conn, schema
}
