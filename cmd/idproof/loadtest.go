package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idproof/idproof/client"
)

const loadtestUsage = `usage: idproof loadtest [flags]

Measures a running server: sessions created, results read or health checks
answered per second. Each of --concurrency workers acts as a separate
integrator, with its own key pair and connections, and sends one request
after another. The run stops after --requests requests or --duration,
whichever comes first. Only a server on this machine is accepted unless
--allow-remote is given. Flags:`

// loadOp is one request of a load test, sent by worker w as its i-th.
type loadOp func(ctx context.Context, c *client.Client, w, i int) error

func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	set := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() {
		fmt.Fprintln(stderr, loadtestUsage)
		set.PrintDefaults()
	}
	var cf clientFlags
	cf.register(set)
	// Creating sessions and reading results is what a tenant's service
	// license is for.
	cf.license = "service"
	set.Lookup("license").DefValue = "service"
	opName := set.String("op", "create", "what to send: create, result or healthz")
	workers := set.Int("concurrency", 4, "number of workers sending requests at once")
	duration := set.Duration("duration", 10*time.Second, "stop after this long")
	maxRequests := set.Int("requests", 10000, "stop after this many requests in all")
	dvc := set.String("dvc", "", "dvcID of the sessions created (default: the credentials file's, the sandbox configuration)")
	allowRemote := set.Bool("allow-remote", false, "allow a target that is not this machine")
	if err := cf.parse(set, args); err != nil {
		return err
	}
	switch {
	case set.NArg() != 0:
		set.Usage()
		return usageError{"loadtest takes no arguments"}
	case *workers < 1 || *duration <= 0 || *maxRequests < 1:
		return usageError{"--concurrency, --duration and --requests must be positive"}
	case *opName != "create" && *opName != "result" && *opName != "healthz":
		return usageError{"--op must be create, result or healthz"}
	case cf.key != "":
		return usageError{"loadtest gives each worker a key pair of its own: --key does not apply"}
	}
	if err := loopbackTarget(cf.url); err != nil && !*allowRemote {
		return usageError{err.Error()}
	}

	clients := make([]*client.Client, *workers)
	for w := range clients {
		c, err := loadClient(&cf)
		if err != nil {
			return err
		}
		// Fetch the server key now, so that it is not part of a measurement.
		if _, err := c.Headers(ctx); err != nil {
			return err
		}
		clients[w] = c
	}
	op := func(ctx context.Context, c *client.Client, _, _ int) error { _, err := c.Healthz(ctx); return err }
	if *opName != "healthz" {
		creds, err := cf.readCredentials()
		if err != nil {
			return err
		}
		if *dvc == "" {
			*dvc = creds.DVCID
		}
		create := func(ctx context.Context, c *client.Client, w, i int) (*client.CreatedSession, error) {
			return c.CreateSession(ctx, client.CreateSessionRequest{DVCID: *dvc, SessionRequest: client.SessionRequest{
				TenantID: creds.TenantID, CommunityID: creds.CommunityID, DocumentType: "dl_object",
				User: &client.SessionUser{UID: fmt.Sprintf("loadtest-%d-%d", w, i), Firstname: "Load", Lastname: "Test"}}})
		}
		op = func(ctx context.Context, c *client.Client, w, i int) error {
			_, err := create(ctx, c, w, i)
			return err
		}
		if *opName == "result" {
			s, err := create(ctx, clients[0], len(clients), 0)
			if err != nil {
				return fmt.Errorf("create the session to read: %w", err)
			}
			op = func(ctx context.Context, c *client.Client, _, _ int) error {
				_, err := c.SessionResult(ctx, client.ResultRequest{SessionID: s.SessionID}, false)
				return err
			}
		}
	}

	fmt.Fprintf(stderr, "loadtest: %s on %s, %d workers, up to %d requests or %v\n", *opName, cf.url, *workers, *maxRequests, *duration)
	r := runLoad(ctx, clients, op, *maxRequests, *duration, stderr)
	// An interrupted run still reports what it measured.
	r.print(stdout, *opName, cf.url, *workers)
	return nil
}

// loopbackTarget returns an error unless base names this machine. A load
// test makes thousands of sessions: pointed at someone else's server by
// mistake it is an attack, hence the explicit --allow-remote.
func loopbackTarget(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--url %q is not an absolute URL", base)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to load %s: it is not this machine (127.0.0.0/8, ::1, localhost); pass --allow-remote for a server of yours elsewhere", host)
}

// loadClient is clientFlags.client with connections of its own: the shared
// default transport keeps two idle connections per host, so more workers
// would keep reconnecting, which separate integrators do not.
func loadClient(cf *clientFlags) (*client.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	opts := []client.Option{client.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: tr})}
	// Health checks need no license; the other operations stop earlier,
	// when they look for the tenant.
	lic, err := cf.licenseKey()
	if err != nil {
		return nil, err
	}
	if lic != "" {
		opts = append(opts, client.WithLicense(lic))
	}
	return client.New(cf.url, opts...)
}

// loadResult is what a load test measured.
type loadResult struct {
	elapsed   time.Duration
	requests  int
	latencies []time.Duration // of the successful requests
	errors    map[string]int  // by HTTP status, or "transport"
	samples   map[string]string
}

// runLoad sends requests with op from one worker per client until
// maxRequests have been sent or duration has passed. It reports progress
// to progress every second. Requests cut short by ctx are not counted.
func runLoad(ctx context.Context, clients []*client.Client, op loadOp, maxRequests int, duration time.Duration, progress io.Writer) *loadResult {
	res := &loadResult{errors: map[string]int{}, samples: map[string]string{}}
	var (
		mu             sync.Mutex
		issued         atomic.Int64
		done, failed   atomic.Int64
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
				d := done.Load()
				fmt.Fprintf(progress, "%6.0fs %8d requests %6d errors %8d req/s\n", now.Sub(start).Seconds(), d, failed.Load(), d-last)
				last = d
			}
		}
	}()
	for w, c := range clients {
		wg.Go(func() {
			var lat []time.Duration
			for i := 0; issued.Add(1) <= int64(maxRequests) && time.Now().Before(deadline); i++ {
				t0 := time.Now()
				err := op(ctx, c, w, i)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				done.Add(1)
				if err == nil {
					lat = append(lat, d)
					continue
				}
				failed.Add(1)
				key := "transport"
				var ce *client.Error
				if errors.As(err, &ce) {
					key = strconv.Itoa(ce.StatusCode)
				}
				mu.Lock()
				res.errors[key]++
				if _, ok := res.samples[key]; !ok {
					res.samples[key] = err.Error()
				}
				mu.Unlock()
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	close(finished)
	<-reporterExited
	res.requests = int(done.Load())
	slices.Sort(res.latencies)
	return res
}

// print writes the summary: counts, throughput and latency percentiles.
func (r *loadResult) print(w io.Writer, op, target string, workers int) {
	nerr := 0
	var kinds []string
	for k, n := range r.errors {
		nerr += n
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	fmt.Fprintf(w, "target      %s (%s, %d workers)\n", target, op, workers)
	fmt.Fprintf(w, "requests    %d in %v\n", r.requests, r.elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "errors      %d", nerr)
	if nerr > 0 {
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s: %d", k, r.errors[k]))
		}
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	for _, k := range kinds {
		fmt.Fprintf(w, "  first %s: %s\n", k, r.samples[k])
	}
	fmt.Fprintf(w, "throughput  %.1f req/s\n", float64(r.requests)/r.elapsed.Seconds())
	if len(r.latencies) == 0 {
		return
	}
	fmt.Fprintf(w, "latency     p50 %v  p90 %v  p99 %v  max %v\n",
		r.percentile(0.50), r.percentile(0.90), r.percentile(0.99), r.latencies[len(r.latencies)-1].Round(time.Microsecond))
}

// percentile is the nearest-rank percentile q of the sorted latencies.
func (r *loadResult) percentile(q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(r.latencies)))) - 1
	return r.latencies[max(i, 0)].Round(time.Microsecond)
}
