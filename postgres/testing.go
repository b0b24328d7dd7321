package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestDatabaseURLEnv names the environment variable that points tests at a
// PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/test.
const TestDatabaseURLEnv = "IDPROOF_TEST_DATABASE_URL"

// TestSchema creates an empty schema with a random name in the test
// database and drops it, with everything in it, when t ends. It returns the
// database URL and the schema, for OpenSchema, and skips t when no test
// database is configured (fails it when CI=true, so CI cannot silently skip
// the postgres tests). Several stores opened on the result share data, as
// the replicas of one deployment do.
func TestSchema(t testing.TB) (databaseURL, schema string) {
	t.Helper()
	databaseURL = os.Getenv(TestDatabaseURLEnv)
	if databaseURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(TestDatabaseURLEnv + " is required in CI")
		}
		t.Skip(TestDatabaseURLEnv + " is not set; skipping a test that needs PostgreSQL")
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema = "idproof_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := execAdmin(ctx, databaseURL, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		// t's context is done by now, so the drop gets its own.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execAdmin(ctx, databaseURL, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	return databaseURL, schema
}

// TestDatabaseURL is TestSchema returning a URL that selects the schema
// through its search_path parameter, for code that only takes a URL (Open,
// or a server process started by the test).
func TestDatabaseURL(t testing.TB) string {
	t.Helper()
	databaseURL, schema := TestSchema(t)
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("parse %s: %v", TestDatabaseURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenTest opens a store on a fresh schema of the test database, closed and
// dropped when t ends. It skips or fails t as TestSchema does.
func OpenTest(t testing.TB) *Store {
	t.Helper()
	databaseURL, schema := TestSchema(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := OpenSchema(ctx, databaseURL, schema)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// execAdmin runs one statement on a connection of its own.
func execAdmin(ctx context.Context, databaseURL, sql string) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}
