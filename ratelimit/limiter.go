// Package ratelimit counts what callers do, keyed by a string (a public
// key, an address): token buckets that bound a rate, and lock-outs after
// repeated failures. Both keep a bounded number of keys and read the time
// from an injected clock.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"github.com/idproof/idproof"
)

// DefaultMaxKeys is the number of keys a Limiter or Lockout remembers
// when none is given: enough for every active caller of a busy server,
// small enough (a few MiB) that minting keys cannot exhaust memory.
const DefaultMaxKeys = 100_000

// Limiter is a token bucket per key: Burst requests at once, then Rate
// per second.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64
	clock idproof.Clock

	mu      sync.Mutex
	buckets *table[bucket]
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// NewLimiter returns a Limiter of rate requests per second with bursts of
// burst, remembering at most maxKeys keys (DefaultMaxKeys if zero). A
// nil clock is the system clock.
func NewLimiter(rate float64, burst, maxKeys int, clock idproof.Clock) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if clock == nil {
		clock = idproof.SystemClock{}
	}
	return &Limiter{rate: rate, burst: float64(max(burst, 1)), clock: clock, buckets: newTable[bucket](maxKeys)}
}

// Allow takes a token from key's bucket. When there is none it reports
// false and how long until there will be one.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// A bucket that has refilled is the same as no bucket: dropping it
	// keeps the table to the keys that are busy now.
	l.buckets.prune(2, func(b *bucket) bool { return l.level(b, now) >= l.burst })
	b := l.buckets.get(key, func() bucket { return bucket{tokens: l.burst, at: now} })
	b.tokens, b.at = l.level(b, now), now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
	return false, wait
}

// level is the bucket's tokens at now.
func (l *Limiter) level(b *bucket, now time.Time) float64 {
	if now.Before(b.at) {
		return b.tokens // the clock went back: add nothing
	}
	return min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
}

// Len is the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buckets.len()
}
