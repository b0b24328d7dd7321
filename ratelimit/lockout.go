package ratelimit

import (
	"sync"
	"time"

	"github.com/idproof/idproof"
)

// Lockout locks a key out for a while once it has failed Max times within
// Window: the answer to guessing credentials, where every guess is cheap
// to the guesser and each one tells something.
type Lockout struct {
	max    int
	window time.Duration
	lock   time.Duration
	clock  idproof.Clock

	mu   sync.Mutex
	keys *table[failures]
}

type failures struct {
	since time.Time // start of the current window
	count int
	until time.Time // locked until then; zero if not locked
}

// NewLockout returns a Lockout that locks a key for lock after max
// failures within window, remembering at most maxKeys keys
// (DefaultMaxKeys if zero). A nil clock is the system clock.
func NewLockout(max int, window, lock time.Duration, maxKeys int, clock idproof.Clock) *Lockout {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if clock == nil {
		clock = idproof.SystemClock{}
	}
	return &Lockout{max: max, window: window, lock: lock, clock: clock, keys: newTable[failures](maxKeys)}
}

// Locked reports how long key stays locked out; zero if it is not.
func (l *Lockout) Locked(key string) time.Duration {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.keys.peek(key)
	if !ok || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// Fail counts a failure of key and reports how long it is now locked out
// (zero if it is not).
func (l *Lockout) Fail(key string) time.Duration {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.keys.prune(2, func(f *failures) bool { return l.idle(f, now) })
	f := l.keys.get(key, func() failures { return failures{since: now} })
	if now.Before(f.until) {
		return f.until.Sub(now)
	}
	if !now.Before(f.since.Add(l.window)) {
		f.since, f.count = now, 0
	}
	f.count++
	if f.count < l.max {
		return 0
	}
	// The count starts again once the lock-out ends.
	f.until, f.since, f.count = now.Add(l.lock), now.Add(l.lock), 0
	return l.lock
}

// idle reports whether f no longer matters: not locked, and its window
// over.
func (l *Lockout) idle(f *failures, now time.Time) bool {
	return !now.Before(f.until) && !now.Before(f.since.Add(l.window))
}

// Len is the number of keys remembered.
func (l *Lockout) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.keys.len()
}
