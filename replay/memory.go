package replay

import (
	"container/heap"
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"time"
)

// DefaultMax is the number of pairs a Memory holds when MemoryConfig.Max is
// zero. A pair is held until its ts leaves the window, about a minute with
// the default window, so this covers some 17,000 requests a second, well
// above what one server answers; each pair costs about 70 bytes.
const DefaultMax = 1 << 20

// shards spreads the pairs over this many locks, so that concurrent
// requests rarely wait for each other.
const shards = 64

// MemoryConfig configures a Memory.
type MemoryConfig struct {
	// Start is when this process began accepting requestids (default: when
	// NewMemory is called). Memory does not know what an earlier process
	// accepted, so it refuses every requestid whose ts is before Start.
	Start time.Time
	// Max bounds the pairs held at once (default DefaultMax). When it is
	// reached, new requestids are refused until older ones leave the
	// window: forgetting a pair still inside it would let it be replayed.
	Max int
	// Durable, when set, also records the pairs that a later process
	// could not tell apart from fresh ones (see Memory), so that a restart
	// does not open a window for replays. It is the Store guard of the
	// same database.
	Durable Guard
	// Window is the largest accepted |now - ts| (the server's allowed time
	// span). It only matters with Durable.
	Window time.Duration
}

// Memory is a Guard that keeps the pairs in this process. It is only
// correct when no other process accepts requestids for the same keys: one
// server on its own database.
//
// Across a restart: the pairs an earlier process accepted are lost, so a
// requestid whose ts is before Start is refused (ErrRefused, which the
// API answers 429); the client sends a new requestid with a current ts.
// With clocks in step that refuses the requests of the first second after
// a start; a client whose clock is d behind the server's is refused for d.
//
// A requestid whose ts is after the server's clock (the client's clock is
// ahead) is not covered by that rule: the earlier process may have accepted
// it before Start. With Durable set, such requestids are also recorded
// there, and requestids whose ts is less than Window after Start (the only
// ones an earlier process could have accepted that way) are checked there
// too; so for about a minute after a start, and for clients ahead of the
// server's clock, every request costs a database write, as with Store.
//
// Memory is bounded: at most Max pairs, each dropped once its until has
// passed; when full, Use refuses (ErrRefused) rather than forget a pair
// that could still be replayed.
type Memory struct {
	start   time.Time
	max     int // per shard
	durable Guard
	window  time.Duration
	seeds   [2]maphash.Seed
	shards  [shards]shard
}

type shard struct {
	mu   sync.Mutex
	seen map[pairKey]int64 // until, unix nanoseconds
	exp  expiries
}

// pairKey is a 128-bit keyed hash of (pub, uuid): fixed size whatever the
// client sends, and with a random seed no caller can make two pairs
// collide (a collision would only refuse a request, never admit a replay).
type pairKey [2]uint64

var _ Guard = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory(cfg MemoryConfig) *Memory {
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	m := &Memory{start: cfg.Start, max: max(1, cfg.Max/shards), durable: cfg.Durable, window: cfg.Window,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for i := range m.shards {
		m.shards[i].seen = make(map[pairKey]int64)
	}
	return m
}

// Use records (pub, uuid) until until and reports whether it was free:
// never seen, or seen with an until that has passed at now.
func (m *Memory) Use(ctx context.Context, pub, uuid string, ts, now, until time.Time) (bool, error) {
	if ts.Before(m.start) {
		return false, fmt.Errorf("%w: its ts is before this server started; send a new requestid with the current time", ErrRefused)
	}
	k := m.key(pub, uuid)
	sh := &m.shards[k[0]%shards]
	n, u := now.UnixNano(), until.UnixNano()
	sh.mu.Lock()
	sh.expire(n)
	if _, ok := sh.seen[k]; ok {
		sh.mu.Unlock()
		return false, nil
	}
	if len(sh.seen) >= m.max {
		sh.mu.Unlock()
		return false, fmt.Errorf("%w: too many requests in the time window; try again with a new requestid", ErrRefused)
	}
	sh.seen[k] = u
	heap.Push(&sh.exp, expiry{until: u, key: k})
	sh.mu.Unlock()

	if m.durable == nil || !(ts.After(now) || ts.Before(m.start.Add(m.window))) {
		return true, nil
	}
	fresh, err := m.durable.Use(ctx, pub, uuid, ts, now, until)
	if err != nil {
		// Not accepted: let a retry of the same pair be judged afresh.
		sh.mu.Lock()
		if sh.seen[k] == u {
			delete(sh.seen, k)
		}
		sh.mu.Unlock()
	}
	return fresh, err
}

// Len returns the number of pairs held.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.seen)
		sh.mu.Unlock()
	}
	return n
}

func (m *Memory) key(pub, uuid string) pairKey {
	var k pairKey
	for i, seed := range m.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(pub)
		h.WriteByte(0)
		h.WriteString(uuid)
		k[i] = h.Sum64()
	}
	return k
}

// expire drops the pairs whose until is not after now. An entry of the
// heap whose pair was dropped already (see Use) is skipped.
func (sh *shard) expire(now int64) {
	for len(sh.exp) > 0 && sh.exp[0].until <= now {
		e := heap.Pop(&sh.exp).(expiry)
		if u, ok := sh.seen[e.key]; ok && u == e.until {
			delete(sh.seen, e.key)
		}
	}
}

type expiry struct {
	until int64
	key   pairKey
}

// expiries is a min-heap on until.
type expiries []expiry

func (h expiries) Len() int           { return len(h) }
func (h expiries) Less(i, j int) bool { return h[i].until < h[j].until }
func (h expiries) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiries) Push(x any)        { *h = append(*h, x.(expiry)) }
func (h *expiries) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
