package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/storetest"
)

// BenchmarkSessions measures session listings over IDPROOF_BENCH_SESSIONS
// sessions (default 100,000). Seeding a million takes minutes, so the
// database file can be kept: set IDPROOF_BENCH_SQLITE to a path and a later
// run with the same size reuses it.
//
//	IDPROOF_BENCH_SESSIONS=1000000 IDPROOF_BENCH_SQLITE=/tmp/idproof-bench-1m.db \
//	  go test -run '^$' -bench Sessions -timeout 2h ./sqlite/
func BenchmarkSessions(b *testing.B) {
	n := storetest.BenchSessionCount(b)
	path := os.Getenv("IDPROOF_BENCH_SQLITE")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkSessions(b, st, n)
}
