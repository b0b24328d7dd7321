package webhook

import (
	"testing"
	"time"
)

func TestPolicyDelay(t *testing.T) {
	fixed := func(f float64) func() float64 { return func() float64 { return f } }
	tests := []struct {
		name string
		p    Policy
		n    int
		want time.Duration
	}{
		{"first, no jitter", Policy{Rand: fixed(0.5)}, 1, 10 * time.Second},
		{"second doubles", Policy{Rand: fixed(0.5)}, 2, 20 * time.Second},
		{"ninth", Policy{Rand: fixed(0.5)}, 9, 2560 * time.Second},
		{"capped at max", Policy{Rand: fixed(0.5)}, 10, time.Hour},
		{"far past the cap", Policy{Rand: fixed(0.5)}, 1000, time.Hour},
		{"jitter low end", Policy{Rand: fixed(0)}, 1, 8 * time.Second},
		{"jitter high end", Policy{Rand: fixed(1)}, 1, 12 * time.Second},
		{"custom base and max", Policy{Base: time.Second, Max: 5 * time.Second, Rand: fixed(0.5)}, 4, 5 * time.Second},
		{"max below base", Policy{Base: time.Minute, Max: time.Second, Rand: fixed(0.5)}, 3, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Delay(tt.n); got != tt.want {
				t.Fatalf("Delay(%d) = %s, want %s", tt.n, got, tt.want)
			}
		})
	}
}

func TestPolicyDelayJitterBounds(t *testing.T) {
	var p Policy
	for range 1000 {
		if d := p.Delay(3); d < 32*time.Second || d > 48*time.Second {
			t.Fatalf("Delay(3) = %s, outside 40s ±20%%", d)
		}
	}
}

func TestPolicyNext(t *testing.T) {
	p := Policy{Base: time.Hour, Max: time.Hour, Window: 24 * time.Hour, Rand: func() float64 { return 0.5 }}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		failed time.Duration // after from
		ok     bool
	}{
		{"early", 0, true},
		{"next lands on the window's end", 23 * time.Hour, true},
		{"next falls past it", 23*time.Hour + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, ok := p.Next(5, from.Add(tt.failed), from)
			if ok != tt.ok {
				t.Fatalf("Next: ok = %v, want %v", ok, tt.ok)
			}
			if ok && !next.Equal(from.Add(tt.failed+time.Hour)) {
				t.Fatalf("Next = %s", next)
			}
		})
	}
	if DefaultRetryWindow < 24*time.Hour {
		t.Fatal("the default retry window must be at least a day")
	}
}
