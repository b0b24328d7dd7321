package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/idproof/idproof"
)

// Defaults of Dispatcher.
const (
	DefaultBatch     = 100
	DefaultWorkers   = 8
	DefaultLease     = 2 * time.Minute
	DefaultTimeout   = 10 * time.Second
	DefaultRetention = 30 * 24 * time.Hour
	// purgeEvery is how often Run deletes events past Retention.
	purgeEvery = time.Hour
)

// Dispatcher delivers the outbox's events to the endpoints that want them.
// Delivery is at least once: a delivery is marked DELIVERED only after
// the receiver answered 2xx, and one claimed by a dispatcher that dies is
// due again when its lease ends. Several dispatchers (one per replica) may
// share a store: they claim disjoint sets of deliveries.
type Dispatcher struct {
	Store idproof.WebhookStore
	// Open opens an endpoint's SecretSealed (the master keyring's Open).
	Open func(sealed []byte) ([]byte, error)
	// HTTP sends the deliveries. Endpoint URLs are tenants' input: the
	// client must refuse private destinations (see netguard) unless the
	// server allows them. Redirects are not followed whatever it says.
	HTTP  *http.Client
	Clock idproof.Clock
	Log   *slog.Logger
	// Policy is the retry schedule.
	Policy Policy
	// Batch is how many events one pass fans out and how many deliveries
	// it claims (default 100).
	Batch int
	// Workers bounds the deliveries in flight (default 8).
	Workers int
	// Lease is how long claimed deliveries stay out of other dispatchers'
	// way (default 2 min); it must exceed Timeout by far.
	Lease time.Duration
	// Timeout bounds one attempt, answer included (default 10 s).
	Timeout time.Duration
	// Retention is how long events stay, with their deliveries and log,
	// once delivered or failed (default 30 days).
	Retention time.Duration

	initOnce sync.Once
	kick     chan struct{}
	client   *http.Client
}

// Result counts what one pass did.
type Result struct {
	FannedOut int // events turned into deliveries
	Claimed   int // deliveries attempted
	Delivered int // answered 2xx
	Retrying  int // failed, due again later
	Failed    int // failed for good
}

func (d *Dispatcher) init() {
	d.initOnce.Do(func() {
		d.kick = make(chan struct{}, 1)
		if d.Batch <= 0 {
			d.Batch = DefaultBatch
		}
		if d.Workers <= 0 {
			d.Workers = DefaultWorkers
		}
		if d.Lease <= 0 {
			d.Lease = DefaultLease
		}
		if d.Timeout <= 0 {
			d.Timeout = DefaultTimeout
		}
		if d.Retention <= 0 {
			d.Retention = DefaultRetention
		}
		if d.Clock == nil {
			d.Clock = idproof.SystemClock{}
		}
		if d.Log == nil {
			d.Log = slog.New(slog.DiscardHandler)
		}
		d.Policy = d.Policy.withDefaults()
		c := http.Client{Timeout: d.Timeout}
		if d.HTTP != nil {
			c = *d.HTTP
		}
		// A redirect would turn the POST into a GET elsewhere; the
		// receiver must give its final URL.
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		d.client = &c
	})
}

// now is the clock's time at the stores' precision.
func (d *Dispatcher) now() time.Time { return d.Clock.Now().UTC().Truncate(time.Millisecond) }

// Kick asks a running Run to make a pass now (an event was written), not
// at its next tick. It never blocks.
func (d *Dispatcher) Kick() {
	d.init()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// RunOnce fans out new events, claims the deliveries that are due and
// attempts each of them, at most Workers at a time.
func (d *Dispatcher) RunOnce(ctx context.Context) (Result, error) {
	d.init()
	var r Result
	n, err := d.Store.FanOutWebhookEvents(ctx, d.now(), d.Batch)
	r.FannedOut = n
	if err != nil {
		return r, err
	}
	now := d.now()
	due, err := d.Store.ClaimWebhookDeliveries(ctx, now, now.Add(d.Lease), d.Batch)
	if err != nil {
		return r, err
	}
	r.Claimed = len(due)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, d.Workers)
	for _, dl := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			status := d.deliver(ctx, dl)
			mu.Lock()
			defer mu.Unlock()
			switch status {
			case idproof.DeliveryDelivered:
				r.Delivered++
			case idproof.DeliveryPending:
				r.Retrying++
			case idproof.DeliveryFailed:
				r.Failed++
			}
		}()
	}
	wg.Wait()
	return r, ctx.Err()
}

// Run makes a pass every interval and whenever kicked, until ctx ends;
// while passes come back full it goes on at once. Once an hour it deletes
// the events past Retention.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	d.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastPurge time.Time
	for {
		for {
			r, err := d.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					d.Log.Warn("webhook dispatch", "err", err)
				}
				break
			}
			if r.FannedOut < d.Batch && r.Claimed < d.Batch {
				break
			}
		}
		if now := d.now(); now.Sub(lastPurge) >= purgeEvery {
			lastPurge = now
			n, err := d.Store.PurgeWebhookEvents(ctx, now.Add(-d.Retention))
			if err != nil && ctx.Err() == nil {
				d.Log.Warn("purge webhook events", "err", err)
			} else if n > 0 {
				d.Log.Debug("purged webhook events", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.kick:
		}
	}
}
