package proofing_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// recorder is an Observer that writes down what it is told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.events = append(r.events, s)
	r.mu.Unlock()
}

func (r *recorder) SessionCreated() { r.add("created") }
func (r *recorder) SessionChanged(from, to idproof.SessionStatus, o idproof.Outcome) {
	r.add(strings.TrimSpace(string(from) + ">" + string(to) + " " + string(o)))
}
func (r *recorder) SessionPurged() { r.add("purged") }
func (r *recorder) ConnectorCalled(typ string, d time.Duration, err error) {
	r.add("connector " + typ + map[bool]string{true: " error", false: ""}[err != nil])
}
func (r *recorder) Swept(res proofing.SweepResult, d time.Duration, err error) {
	if res != (proofing.SweepResult{}) || err != nil {
		r.add("swept")
	}
}

// take returns what was recorded since the last call.
func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Join(r.events, ", ")
	r.events = nil
	return s
}

// TestObserver: each transition is told once, after it is stored, from
// whichever path made it (a user's action, an access after expiry, the
// sweeper); reads that change nothing tell nothing.
func TestObserver(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	rec := &recorder{}
	f.engine.Observer = rec
	ctx := context.Background()
	step := func(want string, do func()) {
		t.Helper()
		do()
		if got := rec.take(); got != want {
			t.Fatalf("observed %q, want %q", got, want)
		}
	}

	var id string
	step("created", func() { id = f.create(t, "u").ID })
	step("PENDING>INPROGRESS", func() { mustDo(t, f, "start", id) })
	step("", func() { mustDo(t, f, "start", id) }) // resumed: no new status
	step("", func() { mustDo(t, f, "get", id) })
	step("connector sandbox, INPROGRESS>COMPLETED COMPLETED_PASS", func() { mustDo(t, f, "complete", id) })

	step("created, PENDING>DECLINED", func() { mustDo(t, f, "decline", f.create(t, "u").ID) })
	failed := f.create(t, "sandbox-error").ID
	rec.take()
	mustDo(t, f, "start", failed)
	step("PENDING>INPROGRESS", func() {})
	step("connector sandbox error, INPROGRESS>COMPLETED COMPLETED_NOT_PERFORMED", func() { mustDo(t, f, "complete", failed) })

	pending := f.create(t, "u").ID
	rec.take()
	f.clock.Advance(61 * time.Minute)
	step("PENDING>EXPIRED", func() { mustDo(t, f, "get", pending) })
	step("", func() { mustDo(t, f, "get", pending) })

	// The sweeper: the retention of the first sessions ends.
	f.clock.Advance(proofing.DefaultRetentionMin * time.Minute)
	r, err := f.engine.Sweep(ctx, 100)
	if err != nil || r.Purged != 4 {
		t.Fatalf("sweep: %+v %v", r, err)
	}
	step("purged, purged, purged, purged, swept", func() {})

	abandoned := f.create(t, "u").ID
	mustDo(t, f, "start", abandoned)
	rec.take()
	f.clock.Advance(16 * time.Minute)
	step("INPROGRESS>ABANDONED, swept", func() {
		if _, err := f.engine.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
	})
}
