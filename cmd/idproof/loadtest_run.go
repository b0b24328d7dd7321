package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idproof/idproof/client"
)

// loadOp is one iteration of a worker: a single request, or with --op mix
// a whole session. It sends each request through wk.call, which times it.
type loadOp func(wk *loadWorker, i int) error

// loadWorker is one integrator of a load test: its own key pair (in c),
// its own connections (hc), and what it measured. Only its goroutine
// touches it until the run is over, so recording takes no lock.
type loadWorker struct {
	id  int
	ctx context.Context
	c   *client.Client
	hc  *http.Client

	counters  *loadCounters
	latencies map[string][]time.Duration   // of successful requests, by endpoint
	errors    map[string]map[string]int    // by endpoint, then HTTP status or "transport"
	samples   map[string]map[string]string // the first error message of each kind
}

// loadCounters is what the progress line reads while the run goes on.
type loadCounters struct {
	requests, failed atomic.Int64
	iterations, ok   atomic.Int64
}

// call sends one request to endpoint with send and records its time or its
// error. A request cut short by the end of the run is not recorded.
func (wk *loadWorker) call(endpoint string, send func() error) error {
	t0 := time.Now()
	err := send()
	d := time.Since(t0)
	if wk.ctx.Err() != nil {
		return wk.ctx.Err()
	}
	wk.counters.requests.Add(1)
	if err == nil {
		wk.latencies[endpoint] = append(wk.latencies[endpoint], d)
		return nil
	}
	wk.counters.failed.Add(1)
	kind := "transport"
	var ce *client.Error
	if errors.As(err, &ce) {
		kind = strconv.Itoa(ce.StatusCode)
	}
	if wk.errors[endpoint] == nil {
		wk.errors[endpoint], wk.samples[endpoint] = map[string]int{}, map[string]string{}
	}
	wk.errors[endpoint][kind]++
	if _, ok := wk.samples[endpoint][kind]; !ok {
		wk.samples[endpoint][kind] = err.Error()
	}
	return err
}

// newWorkers makes the workers of a run, one per client.
func newWorkers(ctx context.Context, clients []*client.Client, hcs []*http.Client) []*loadWorker {
	counters := &loadCounters{}
	ws := make([]*loadWorker, len(clients))
	for i := range ws {
		ws[i] = &loadWorker{id: i, ctx: ctx, c: clients[i], hc: hcs[i], counters: counters,
			latencies: map[string][]time.Duration{}, errors: map[string]map[string]int{}, samples: map[string]map[string]string{}}
	}
	return ws
}

// runLoad runs op on every worker until maxIter iterations have been
// started or duration has passed, reporting progress every second.
// Iterations cut short by ctx are not counted.
func runLoad(ctx context.Context, ws []*loadWorker, op loadOp, maxIter int, duration time.Duration, sessions bool, progress io.Writer) *loadtestReport {
	cnt := ws[0].counters
	var (
		issued         atomic.Int64
		wg             sync.WaitGroup
		start          = time.Now()
		deadline       = start.Add(duration)
		finished       = make(chan struct{})
		reporterExited = make(chan struct{})
	)
	go func() {
		defer close(reporterExited)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var last int64
		for {
			select {
			case <-finished:
				return
			case now := <-tick.C:
				d := cnt.requests.Load()
				line := fmt.Sprintf("%6.0fs %8d requests %6d errors %8d req/s", now.Sub(start).Seconds(), d, cnt.failed.Load(), d-last)
				if sessions {
					line += fmt.Sprintf(" %7d sessions", cnt.ok.Load())
				}
				fmt.Fprintln(progress, line)
				last = d
			}
		}
	}()
	for _, wk := range ws {
		wg.Go(func() {
			for i := 0; issued.Add(1) <= int64(maxIter) && time.Now().Before(deadline); i++ {
				err := op(wk, i)
				if ctx.Err() != nil {
					break
				}
				cnt.iterations.Add(1)
				if err == nil {
					cnt.ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(finished)
	<-reporterExited
	return newReport(ws, elapsed, sessions)
}
