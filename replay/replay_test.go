package replay_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof/replay"
)

const window = 60 * time.Second

// use calls g.Use the way the HTTP layer does: until is ts + window + 1s.
func use(t *testing.T, g replay.Guard, pub, uuid string, ts, now time.Time) (bool, error) {
	t.Helper()
	return g.Use(context.Background(), pub, uuid, ts, now, ts.Add(window+time.Second))
}

func TestMemoryRefusesReplay(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	m := replay.NewMemory(replay.MemoryConfig{Start: start})
	now := start.Add(10 * time.Second)
	if ok, err := use(t, m, "k1", "u1", now, now); !ok || err != nil {
		t.Fatalf("first use: %v %v", ok, err)
	}
	if ok, err := use(t, m, "k1", "u1", now, now.Add(time.Second)); ok || err != nil {
		t.Fatalf("replay: %v %v, want false", ok, err)
	}
	// Another key, or another uuid, is another pair.
	for _, p := range [][2]string{{"k2", "u1"}, {"k1", "u2"}, {"k1u", "1"}} {
		if ok, err := use(t, m, p[0], p[1], now, now); !ok || err != nil {
			t.Fatalf("%v: %v %v", p, ok, err)
		}
	}
	if n := m.Len(); n != 4 {
		t.Fatalf("Len %d, want 4", n)
	}
}

func TestMemoryExpiry(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	m := replay.NewMemory(replay.MemoryConfig{Start: start})
	ts := start.Add(time.Second)
	until := ts.Add(window + time.Second)
	if ok, _ := use(t, m, "k", "u", ts, ts); !ok {
		t.Fatal("first use refused")
	}
	if ok, _ := use(t, m, "k", "u", ts, until.Add(-time.Millisecond)); ok {
		t.Fatal("replay accepted just before until")
	}
	// At until the pair is free again (the window check refuses its ts by
	// then), and the entry is gone: memory does not grow with time.
	if ok, _ := use(t, m, "k", "u", ts, until); !ok {
		t.Fatal("pair still held at until")
	}
	later := until.Add(2 * window)
	for i := range 100 {
		use(t, m, "k", fmt.Sprint(i), later, later)
	}
	// Expiry is per shard, when a shard is next used; 1000 pairs use
	// every shard.
	after := later.Add(3 * window)
	for i := range 1000 {
		if ok, _ := use(t, m, "x", fmt.Sprint(i), after, after); !ok {
			t.Fatal("fresh pair refused")
		}
	}
	if n := m.Len(); n > 1010 {
		t.Fatalf("%d pairs held, 1000 live; want the expired ones dropped", n)
	}
}

// TestMemoryFull: at the cap, new pairs are refused, not old ones forgotten;
// room comes back as pairs expire.
func TestMemoryFull(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	m := replay.NewMemory(replay.MemoryConfig{Start: start, Max: 64}) // one pair per shard
	now := start.Add(time.Second)
	var refused, accepted int
	var first string
	for i := range 1000 {
		ok, err := use(t, m, "k", fmt.Sprint(i), now, now)
		switch {
		case errors.Is(err, replay.ErrRefused):
			refused++
		case ok:
			accepted++
			if first == "" {
				first = fmt.Sprint(i)
			}
		default:
			t.Fatalf("use %d: %v %v", i, ok, err)
		}
	}
	if accepted > 64 || refused == 0 {
		t.Fatalf("accepted %d, refused %d with a cap of 64", accepted, refused)
	}
	// What was accepted is still refused as a replay.
	if ok, err := use(t, m, "k", first, now, now); ok || err != nil {
		t.Fatalf("replay when full: %v %v", ok, err)
	}
	later := now.Add(window + 2*time.Second)
	if ok, err := use(t, m, "k", "new", later, later); !ok || err != nil {
		t.Fatalf("after expiry: %v %v", ok, err)
	}
}

// TestMemoryRestart: a new Memory (a restarted server) refuses requestids
// whose ts is before its start, as it cannot know whether the old one
// accepted them.
func TestMemoryRestart(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	old := replay.NewMemory(replay.MemoryConfig{Start: t0})
	ts := t0.Add(5 * time.Second)
	if ok, _ := use(t, old, "k", "u", ts, ts); !ok {
		t.Fatal("first use refused")
	}
	restart := ts.Add(1500 * time.Millisecond)
	m := replay.NewMemory(replay.MemoryConfig{Start: restart})
	ok, err := use(t, m, "k", "u", ts, restart.Add(time.Second))
	if ok || !errors.Is(err, replay.ErrRefused) {
		t.Fatalf("replay after restart: %v %v, want ErrRefused", ok, err)
	}
	// Within the same second as the start, too.
	ok, err = use(t, m, "k", "u2", restart.Truncate(time.Second), restart.Add(time.Second))
	if ok || !errors.Is(err, replay.ErrRefused) {
		t.Fatalf("ts in the start's second: %v %v, want ErrRefused", ok, err)
	}
	// The client retries with a fresh ts.
	fresh := restart.Truncate(time.Second).Add(time.Second)
	if ok, err := use(t, m, "k", "u3", fresh, fresh); !ok || err != nil {
		t.Fatalf("fresh ts after restart: %v %v", ok, err)
	}
	// Default start: now.
	d := replay.NewMemory(replay.MemoryConfig{})
	if ok, _ := use(t, d, "k", "u", time.Now().Add(-time.Second), time.Now()); ok {
		t.Fatal("default start accepted a ts before it")
	}
}

// mapGuard is a durable guard for tests: a map shared by "processes".
type mapGuard struct {
	mu    sync.Mutex
	seen  map[string]bool
	calls int
}

func (g *mapGuard) Use(_ context.Context, pub, uuid string, _, _, _ time.Time) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if g.seen[pub+"/"+uuid] {
		return false, nil
	}
	g.seen[pub+"/"+uuid] = true
	return true, nil
}

// TestMemoryRestartFutureTS: a requestid dated after the server's clock
// (the client's clock is ahead) can be accepted by the old process and
// still be after the new one's start; Durable closes that gap, and is
// not written to for ordinary requests.
func TestMemoryRestartFutureTS(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	durable := &mapGuard{seen: map[string]bool{}}
	cfg := replay.MemoryConfig{Start: t0, Durable: durable, Window: window}
	old := replay.NewMemory(cfg)
	now := t0.Add(2 * window) // well after the start
	ts := now.Add(20 * time.Second)
	if ok, _ := use(t, old, "k", "ahead", ts, now); !ok {
		t.Fatal("first use refused")
	}
	if ok, _ := use(t, old, "k", "ahead", ts, now.Add(21*time.Second)); ok {
		t.Fatal("replay in the same process accepted once ts is past")
	}
	if ok, _ := use(t, old, "k", "plain", now, now); !ok {
		t.Fatal("plain request refused")
	}
	if durable.calls != 1 {
		t.Fatalf("durable guard called %d times, want 1 (the future-dated requestid only)", durable.calls)
	}
	cfg.Start = now.Add(time.Second)
	m := replay.NewMemory(cfg)
	if ok, err := use(t, m, "k", "ahead", ts, now.Add(5*time.Second)); ok || err != nil {
		t.Fatalf("future-dated replay after restart: %v %v, want false", ok, err)
	}
	if ok, err := use(t, m, "k", "other", ts, now.Add(5*time.Second)); !ok || err != nil {
		t.Fatalf("fresh pair after restart: %v %v", ok, err)
	}
}

// TestMemoryConcurrent: of N concurrent uses of one pair, exactly one wins.
func TestMemoryConcurrent(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	m := replay.NewMemory(replay.MemoryConfig{Start: start})
	now := start.Add(time.Second)
	for round := range 50 {
		var wins atomic.Int32
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for range 32 {
			wg.Go(func() {
				<-gate
				ok, err := use(t, m, "k", fmt.Sprint(round), now, now)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			})
		}
		close(gate)
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d of 32 concurrent uses won, want 1", round, n)
		}
	}
}

type storeStub struct{ until time.Time }

func (s *storeStub) UseRequestID(_ context.Context, _, _ string, _, until time.Time) (bool, error) {
	s.until = until
	return true, nil
}
func (s *storeStub) PurgeRequestIDs(context.Context, time.Time) (int, error) { return 0, nil }

func TestStoreGuard(t *testing.T) {
	st := &storeStub{}
	now := time.Unix(1_700_000_000, 0)
	if ok, err := use(t, replay.Store{Store: st}, "k", "u", now, now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if !st.until.Equal(now.Add(window + time.Second)) {
		t.Fatalf("until %v", st.until)
	}
}

func BenchmarkMemory(b *testing.B) {
	m := replay.NewMemory(replay.MemoryConfig{Start: time.Unix(0, 0)})
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			now := time.Now()
			m.Use(context.Background(), "BJ8vXtmdBWpmU0sEXV7A0n6pHxfJ7rL9jHQvQ2fPq0bWm3s3Ytq8PZx1", fmt.Sprint(n.Add(1)), now, now, now.Add(time.Second))
		}
	})
}
