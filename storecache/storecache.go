// Package storecache keeps the rows read on every request (licenses by key
// hash, tenants, communities, verification configs) in memory in front of
// an idproof.Store, so that a request costs no database round trip for
// them.
//
// Entries are dropped on every write made through the cache, and, when a
// Feed is given, on every write any process sharing the database commits
// (postgres.Store is a Feed: its tables notify on each write). With a Feed
// the cache serves entries only while the Feed has confirmed within MaxLag
// that it is delivering, so a write made on another replica stops being
// served stale here at most MaxLag after it commits, and in practice after
// one notification's delay. Without a Feed only writes through the cache
// are seen at once; MaxAge bounds the rest.
//
// With Options.Sessions, for a database this process alone writes, the
// sessions read and written through it are kept too (see sessionCache).
//
// Only found rows are cached: a look-up of what does not exist always asks
// the store, so a row created by another process is found at once.
// Listings pass through, as does everything else the Store does.
package storecache

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idproof/idproof"
)

// Feed reports writes made by every process sharing the store's database.
// postgres.Store implements it.
type Feed interface {
	// Follow runs until ctx ends. It calls changed with a table's name
	// ("tenants", "communities", "licenses", "verification_configs")
	// after each committed write to it, and with "" when writes may have
	// gone unreported (on connecting and reconnecting). It calls alive(t)
	// whenever every write committed before t has been reported, and
	// alive with the zero time when it knows it can no longer report.
	// Calls come from one goroutine at a time.
	Follow(ctx context.Context, changed func(table string), alive func(time.Time))
}

// Options tune a Cache; the zero value means the defaults.
type Options struct {
	// Feed reports other processes' writes; nil when the cache's process
	// is the only writer (SQLite).
	Feed Feed
	// MaxLag is how long after the Feed's last confirmation entries are
	// still served; past it the cache asks the store. Default 2s.
	MaxLag time.Duration
	// MaxAge is the longest an entry is served, the bound for writes no
	// one reports (an operator editing the database without a Feed).
	// Default 10s.
	MaxAge time.Duration
	// MaxEntries bounds each table's entries; a full table is emptied.
	// Default 10000.
	MaxEntries int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Sessions keeps sessions too, read and written through the cache.
	// Only for a database this process alone writes (SQLite); it is
	// ignored with a Feed, since other replicas write sessions.
	Sessions bool
}

// The tables a Cache keeps, named as the Feed names them.
const (
	tenants       = "tenants"
	communities   = "communities"
	licenses      = "licenses"
	configs       = "verification_configs"
	numberOfTable = 4
)

var tableIndex = map[string]int{tenants: 0, communities: 1, licenses: 2, configs: 3}

// Cache is an idproof.Store that caches look-ups of licenses, tenants,
// communities and verification configs. It is safe for concurrent use.
type Cache struct {
	idproof.Store
	opts Options

	mu     sync.RWMutex
	tables [numberOfTable]table

	// aliveAt is the Feed's last confirmation (Unix nanoseconds); 0
	// before the first.
	aliveAt atomic.Int64
	// sessions is nil unless Options.Sessions applies.
	sessions *sessionCache
	stop     context.CancelFunc
	done     chan struct{}
}

var _ idproof.Store = (*Cache)(nil)

// table holds one table's entries. gen counts the times they were dropped:
// a value read from the store is kept only if gen did not move while it was
// read, so a read racing a write never caches what the write replaced.
type table struct {
	gen     uint64
	entries map[string]entry
}

type entry struct {
	value any // owned by the cache: callers get copies
	at    time.Time
}

// New returns a cache in front of store. With a Feed it starts following
// it, and serves nothing from memory until the Feed first confirms; Close
// stops it (and closes store).
func New(store idproof.Store, opts Options) *Cache {
	if opts.MaxLag <= 0 {
		opts.MaxLag = 2 * time.Second
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 10 * time.Second
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 10000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cache{Store: store, opts: opts}
	if opts.Sessions && opts.Feed == nil {
		c.sessions = &sessionCache{entries: map[string]sessionEntry{}, max: opts.MaxEntries}
	}
	for i := range c.tables {
		c.tables[i].entries = map[string]entry{}
	}
	if opts.Feed != nil {
		ctx, cancel := context.WithCancel(context.Background())
		c.stop, c.done = cancel, make(chan struct{})
		go func() {
			defer close(c.done)
			opts.Feed.Follow(ctx, c.changed, c.alive)
		}()
	}
	return c
}

// Close stops following the Feed and closes the store.
func (c *Cache) Close() error {
	if c.stop != nil {
		c.stop()
		<-c.done
	}
	return c.Store.Close()
}

// changed drops the entries of a table, or of all of them for "".
func (c *Cache) changed(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name == "" {
		for i := range c.tables {
			c.tables[i].drop()
		}
		return
	}
	if i, ok := tableIndex[name]; ok {
		c.tables[i].drop()
	}
}

func (t *table) drop() {
	t.gen++
	clear(t.entries)
}

// alive records the Feed's confirmation; the zero time withdraws it.
func (c *Cache) alive(t time.Time) {
	if t.IsZero() {
		c.aliveAt.Store(0)
		return
	}
	c.aliveAt.Store(t.UnixNano())
}

// serving reports whether entries may be served at now.
func (c *Cache) serving(now time.Time) bool {
	if c.opts.Feed == nil {
		return true
	}
	at := c.aliveAt.Load()
	return at != 0 && now.Sub(time.Unix(0, at)) < c.opts.MaxLag
}

// wrote drops a table's entries after a write through the cache, whether
// or not it reported success: a write that failed late may have committed.
func (c *Cache) wrote(name string) { c.changed(name) }

// get returns a copy of the entry under key in table name, or reads it
// with load and keeps a copy.
func get[T any](ctx context.Context, c *Cache, name, key string, load func(context.Context) (*T, error), clone func(*T) *T) (*T, error) {
	now := c.opts.Now()
	if !c.serving(now) {
		return load(ctx)
	}
	t := &c.tables[tableIndex[name]]
	c.mu.RLock()
	e, ok := t.entries[key]
	gen := t.gen
	c.mu.RUnlock()
	if ok && now.Sub(e.at) < c.opts.MaxAge {
		return clone(e.value.(*T)), nil
	}
	v, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Kept only if nothing was dropped meanwhile and the Feed still
	// vouches: a Feed that reconnected during the read dropped everything.
	if t.gen == gen && c.serving(c.opts.Now()) {
		if len(t.entries) >= c.opts.MaxEntries {
			clear(t.entries)
		}
		t.entries[key] = entry{value: clone(v), at: now}
	}
	return v, nil
}
