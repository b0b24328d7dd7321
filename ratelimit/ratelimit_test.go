package ratelimit

import (
	"fmt"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

var _ idproof.Clock = (*fakeClock)(nil)

func TestLimiterBurstThenRate(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(10, 5, 0, clk)
	for i := range 5 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.Allow("k")
	if ok || wait != 100*time.Millisecond {
		t.Fatalf("after the burst: ok=%v wait=%v, want refused for 100ms", ok, wait)
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatal("another key shares the bucket")
	}
	clk.advance(100 * time.Millisecond)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("a token did not come back after 1/rate")
	}
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("two tokens came back after 1/rate")
	}
	clk.advance(time.Hour)
	for i := range 5 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("refill stopped short of the burst at %d", i)
		}
	}
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("refill went past the burst")
	}
}

func TestLimiterClockBackwards(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(1, 1, 0, clk)
	l.Allow("k")
	clk.advance(-time.Hour)
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("a clock going back refilled the bucket")
	}
}

// TestLimiterBoundedMemory: minting keys cannot grow the table past its
// cap, and refilled buckets are dropped as other keys come.
func TestLimiterBoundedMemory(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(1, 3, 100, clk)
	for i := range 10_000 {
		l.Allow(fmt.Sprint("key", i))
	}
	if n := l.Len(); n != 100 {
		t.Fatalf("remembers %d keys, want the cap 100", n)
	}
	clk.advance(time.Minute)
	for range 200 {
		l.Allow("busy")
	}
	if n := l.Len(); n != 1 {
		t.Fatalf("remembers %d keys after the others went idle, want 1", n)
	}
}

func TestLockout(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLockout(3, time.Minute, 10*time.Minute, 0, clk)
	for i := range 2 {
		if d := l.Fail("k"); d != 0 {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	if d := l.Fail("k"); d != 10*time.Minute {
		t.Fatalf("third failure locks for %v, want 10m", d)
	}
	if l.Locked("other") != 0 {
		t.Fatal("another key is locked")
	}
	clk.advance(9 * time.Minute)
	if d := l.Locked("k"); d != time.Minute {
		t.Fatalf("locked for %v more, want 1m", d)
	}
	clk.advance(time.Minute)
	if d := l.Locked("k"); d != 0 {
		t.Fatalf("still locked for %v after the lock-out", d)
	}
	if d := l.Fail("k"); d != 0 {
		t.Fatal("the count did not start again after the lock-out")
	}
}

func TestLockoutWindow(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLockout(3, time.Minute, 10*time.Minute, 0, clk)
	for range 10 {
		l.Fail("k")
		l.Fail("k")
		clk.advance(time.Minute)
	}
	if d := l.Locked("k"); d != 0 {
		t.Fatal("failures spread over windows locked the key")
	}
}

func TestLockoutBoundedMemory(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLockout(3, time.Minute, time.Minute, 50, clk)
	for i := range 5000 {
		l.Fail(fmt.Sprint("key", i))
	}
	if n := l.Len(); n != 50 {
		t.Fatalf("remembers %d keys, want the cap 50", n)
	}
	clk.advance(2 * time.Minute)
	for range 100 {
		l.Fail("one")
		clk.advance(time.Minute) // never locks: one failure per window
	}
	if n := l.Len(); n != 1 {
		t.Fatalf("remembers %d keys after the others went idle, want 1", n)
	}
}
