package webhook

import (
	"math/rand/v2"
	"time"
)

// Defaults of Policy.
const (
	DefaultRetryBase   = 10 * time.Second
	DefaultRetryMax    = time.Hour
	DefaultRetryWindow = 72 * time.Hour
)

// jitter spreads retries by up to this fraction either way, so that the
// deliveries of an endpoint that was down do not all come back at once.
const jitter = 0.2

// Policy is the retry schedule of failed deliveries: exponential backoff
// from Base, capped at Max, with ±20% jitter, for as long as the next try
// falls within Window of the delivery's creation (or last resend).
type Policy struct {
	Base   time.Duration // delay after the first failure (default 10 s)
	Max    time.Duration // longest delay (default 1 h)
	Window time.Duration // how long retries go on (default 72 h)
	// Rand returns a number in [0, 1) for the jitter; nil uses
	// math/rand/v2. Tests fix it.
	Rand func() float64
}

func (p Policy) withDefaults() Policy {
	if p.Base <= 0 {
		p.Base = DefaultRetryBase
	}
	if p.Max <= 0 {
		p.Max = DefaultRetryMax
	}
	if p.Max < p.Base {
		p.Max = p.Base
	}
	if p.Window <= 0 {
		p.Window = DefaultRetryWindow
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// Delay is the wait after the n-th failed attempt (n >= 1):
// min(Base * 2^(n-1), Max), then ±20%.
func (p Policy) Delay(n int) time.Duration {
	p = p.withDefaults()
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	f := 1 - jitter + 2*jitter*p.Rand()
	return time.Duration(float64(d) * f)
}

// Next returns when to try again after the n-th attempt failed at now, or
// false when that would fall past the retry window opened at retryFrom:
// the delivery has then failed for good.
func (p Policy) Next(n int, now, retryFrom time.Time) (time.Time, bool) {
	p = p.withDefaults()
	next := now.Add(p.Delay(n))
	if next.After(retryFrom.Add(p.Window)) {
		return time.Time{}, false
	}
	return next, true
}
