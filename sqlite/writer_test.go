package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The file runs in WAL mode with synchronous=FULL: a commit is on disk
// when it returns.
func TestDurabilitySettings(t *testing.T) {
	s := openTest(t)
	var mode string
	var sync int
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 {
		t.Fatalf("journal_mode %s, synchronous %d; want wal, 2 (FULL)", mode, sync)
	}
}

func testSession(id string) *idproof.Session {
	now := time.Now()
	return &idproof.Session{ID: id, TenantID: "t", CommunityID: "c", Status: idproof.StatusPending,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
}

// TestGroupCommit: concurrent writes share transactions, and a write that
// fails in a shared transaction loses only its own work.
func TestGroupCommit(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateSession(ctx, testSession("dup")); err != nil {
		t.Fatal(err)
	}
	c0, w0 := s.w.commits.Load(), s.w.writes.Load()
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			switch i % 4 {
			case 0: // a duplicate: ECONFLICT, the others unharmed
				errs[i] = s.CreateSession(ctx, testSession("dup"))
			case 1: // writes, then fails: its row must not stay
				errs[i] = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, x'01')`, fmt.Sprint("fail", i)); err != nil {
						return err
					}
					return errors.New("changed my mind")
				})
			default:
				errs[i] = s.CreateSession(ctx, testSession(fmt.Sprint("s", i)))
			}
		})
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		switch i % 4 {
		case 0:
			if idproof.ErrorCode(err) != idproof.ECONFLICT {
				t.Errorf("%d: duplicate: %v, want ECONFLICT", i, err)
			}
		case 1:
			if err == nil || err.Error() != "changed my mind" {
				t.Errorf("%d: failing write: %v", i, err)
			}
			if _, err := s.Setting(ctx, fmt.Sprint("fail", i)); !idproof.IsNotFound(err) {
				t.Errorf("%d: the failed write's row is there: %v", i, err)
			}
		default:
			if err != nil {
				t.Errorf("%d: %v", i, err)
			} else if _, err := s.Session(ctx, fmt.Sprint("s", i)); err != nil {
				t.Errorf("%d: acknowledged session missing: %v", i, err)
			}
		}
	}
	commits, writes := s.w.commits.Load()-c0, s.w.writes.Load()-w0
	t.Logf("%d successful writes in %d commits", writes, commits)
	if writes != n/2 || commits >= writes {
		t.Errorf("%d writes in %d commits; want %d writes sharing fewer commits", writes, commits, n/2)
	}
}

// TestWriterPanicAndCancel: a panicking write fails alone; a caller whose
// context is done before its turn is answered with that and writes
// nothing; writes after Close fail.
func TestWriterPanicAndCancel(t *testing.T) {
	s := openTest(t)
	err := s.inTx(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('p', x'01')`); err != nil {
			return err
		}
		panic("boom")
	})
	if err == nil {
		t.Fatal("panicking write succeeded")
	}
	if _, err := s.Setting(t.Context(), "p"); !idproof.IsNotFound(err) {
		t.Fatalf("panicking write left its row: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.PutSetting(ctx, "c", []byte{1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled write: %v", err)
	}
	if err := s.PutSetting(t.Context(), "ok", []byte{1}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.PutSetting(t.Context(), "late", []byte{1}); !errors.Is(err, errClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

// BenchmarkCreateSession measures concurrent session creates: with group
// commit they share fsyncs.
func BenchmarkCreateSession(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "idproof.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetParallelism(16)
	var mu sync.Mutex
	i := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			i++
			id := fmt.Sprint("b", i)
			mu.Unlock()
			if err := s.CreateSession(context.Background(), testSession(id)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(s.w.writes.Load())/float64(max(1, s.w.commits.Load())), "writes/commit")
}

// TestFailedWriteAnsweredAfterCommit: a write that fails on a key an
// earlier write of its batch took is answered only once that write is
// committed, so the loser of a race reads the winner's row at once.
func TestFailedWriteAnsweredAfterCommit(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	for round := range 20 {
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				id := fmt.Sprintf("s%02d-%d", round, i)
				err := s.CreateSession(ctx, testSession(fmt.Sprintf("race-%d", round)))
				if err == nil {
					return
				}
				if idproof.ErrorCode(err) != idproof.ECONFLICT {
					t.Errorf("%s: %v", id, err)
					return
				}
				if _, err := s.Session(ctx, fmt.Sprintf("race-%d", round)); err != nil {
					t.Errorf("%s lost the race, then could not read the winner's session: %v", id, err)
				}
			})
		}
		wg.Wait()
	}
}
