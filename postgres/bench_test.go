package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/storetest"
)

// BenchmarkSessions measures session listings over IDPROOF_BENCH_SESSIONS
// sessions (default 100,000) in the schema idproof_bench_<n> of the test
// database. The schema is kept so that later runs skip the seeding; drop it
// when done:
//
//	psql "$IDPROOF_TEST_DATABASE_URL" -c 'DROP SCHEMA idproof_bench_1000000 CASCADE'
func BenchmarkSessions(b *testing.B) {
	databaseURL := os.Getenv(postgres.TestDatabaseURLEnv)
	if databaseURL == "" {
		b.Skip(postgres.TestDatabaseURLEnv + " is not set; skipping a benchmark that needs PostgreSQL")
	}
	ctx := context.Background()
	n := storetest.BenchSessionCount(b)
	schema := fmt.Sprintf("idproof_bench_%d", n)

	// Seeding goes through CreateSession like any write, but on
	// connections that do not wait for each commit to reach the disk:
	// durability of generated data is worth nothing, and a million
	// fsync-bound inserts would take most of an hour on a small machine.
	seedURL, err := url.Parse(databaseURL)
	if err != nil {
		b.Fatal(err)
	}
	q := seedURL.Query()
	q.Set("synchronous_commit", "off")
	seedURL.RawQuery = q.Encode()
	seeder, err := postgres.OpenSchema(ctx, seedURL.String(), schema)
	if err != nil {
		b.Fatal(err)
	}
	created := storetest.SeedSessions(b, seeder, n, 16)
	seeder.Close()
	if created > 0 {
		// Leave the table as autovacuum eventually would: planner
		// statistics current and the visibility map set, so that plans
		// and index-only scans are those of a settled database.
		if err := vacuum(ctx, databaseURL, schema); err != nil {
			b.Fatal(err)
		}
	}

	st, err := postgres.OpenSchema(ctx, databaseURL, schema)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkSessions(b, st, n)
}

func vacuum(ctx context.Context, databaseURL, schema string) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `VACUUM ANALYZE `+pgx.Identifier{schema, "sessions"}.Sanitize())
	return err
}
