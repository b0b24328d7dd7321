package storecache

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/idproof/idproof"
)

// sessionCache keeps the sessions read through the cache, for a store this
// process alone writes (Options.Sessions). Every session endpoint reads its
// session first, and a relying party polls results: kept here, a read
// costs a copy instead of a query.
//
// Only what the store returned is kept, never what a caller wrote (the
// store normalises times and bytes as it stores them). A write through
// the cache drops the session's entry, whether it succeeded or not, and
// moves a generation that a read racing it checks before keeping what it
// read, so a read that began before a write never puts back what the
// write replaced. MaxAge bounds what a write from outside the process
// could leave stale; optimistic concurrency still guards every update.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]sessionEntry
	gens    [256]uint64 // write generations, by a hash of the session id
	max     int
}

type sessionEntry struct {
	s  *idproof.Session
	at time.Time
}

// cloneSession copies s for the cache or a caller. The copy carries no
// Outbox or Audit: those belong to the write that set them, and a copy
// handed out again must not bring them to the next UpdateSession.
func cloneSession(s *idproof.Session) *idproof.Session {
	v := *s
	v.Outbox, v.Audit = nil, nil
	v.ConnectorSealed = bytes.Clone(s.ConnectorSealed)
	v.PersonalSealed = bytes.Clone(s.PersonalSealed)
	v.Data = json.RawMessage(bytes.Clone(s.Data))
	return &v
}

func stripe(id string) int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return int(h % 256)
}

// gen is the write generation of id's stripe, taken before reading it.
func (sc *sessionCache) gen(id string) uint64 {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.gens[stripe(id)]
}

// keep stores a copy of s, read from the store, unless a write to its
// stripe happened since gen was taken.
func (sc *sessionCache) keep(s *idproof.Session, gen uint64, now time.Time) {
	c := cloneSession(s)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.gens[stripe(s.ID)] != gen {
		return
	}
	if len(sc.entries) >= sc.max {
		clear(sc.entries)
	}
	sc.entries[s.ID] = sessionEntry{s: c, at: now}
}

// wrote drops id's entry after a write to it, and moves its generation.
func (sc *sessionCache) wrote(id string) {
	sc.mu.Lock()
	sc.gens[stripe(id)]++
	delete(sc.entries, id)
	sc.mu.Unlock()
}

func (sc *sessionCache) lookup(id string, now time.Time, maxAge time.Duration) (*idproof.Session, bool) {
	sc.mu.Lock()
	e, ok := sc.entries[id]
	sc.mu.Unlock()
	if !ok || now.Sub(e.at) >= maxAge {
		return nil, false
	}
	return cloneSession(e.s), true
}

// Session returns the session with the given ID.
func (c *Cache) Session(ctx context.Context, id string) (*idproof.Session, error) {
	if c.sessions == nil {
		return c.Store.Session(ctx, id)
	}
	now := c.opts.Now()
	if s, ok := c.sessions.lookup(id, now, c.opts.MaxAge); ok {
		return s, nil
	}
	gen := c.sessions.gen(id)
	s, err := c.Store.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	c.sessions.keep(s, gen, now)
	return s, nil
}

// CreateSession stores a new session.
func (c *Cache) CreateSession(ctx context.Context, s *idproof.Session) error {
	err := c.Store.CreateSession(ctx, s)
	if c.sessions != nil {
		c.sessions.wrote(s.ID)
	}
	return err
}

// UpdateSession writes s if its stored Version is s.Version.
func (c *Cache) UpdateSession(ctx context.Context, s *idproof.Session) error {
	err := c.Store.UpdateSession(ctx, s)
	if c.sessions != nil {
		c.sessions.wrote(s.ID)
	}
	return err
}

// ClaimSessionsDue claims the sessions due at now, which changes them:
// what is kept of them is dropped.
func (c *Cache) ClaimSessionsDue(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*idproof.Session, error) {
	ss, err := c.Store.ClaimSessionsDue(ctx, now, leaseUntil, limit)
	if c.sessions != nil {
		if err != nil {
			// Which sessions it changed is unknown: forget them all.
			c.sessions.mu.Lock()
			for i := range c.sessions.gens {
				c.sessions.gens[i]++
			}
			clear(c.sessions.entries)
			c.sessions.mu.Unlock()
		}
		for _, s := range ss {
			c.sessions.wrote(s.ID)
		}
	}
	return ss, err
}
