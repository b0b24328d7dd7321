package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// loadtestReport is what a load test measured; --json prints it as is.
// Durations are in milliseconds.
type loadtestReport struct {
	Target            string           `json:"target"`
	Server            string           `json:"server,omitempty"` // "baseline, sqlite" in a --baseline run
	Op                string           `json:"op"`
	Workers           int              `json:"workers"`
	Seconds           float64          `json:"seconds"`
	Requests          int              `json:"requests"`
	Errors            int              `json:"errors"`
	RequestsPerSecond float64          `json:"requestsPerSecond"`
	Sessions          *sessionCounts   `json:"sessions,omitempty"`
	Endpoints         []endpointReport `json:"endpoints"`
}

// sessionCounts are the sessions of a mix: one that met an error stops
// there and counts as failed.
type sessionCounts struct {
	Completed int     `json:"completed"`
	Failed    int     `json:"failed"`
	PerSecond float64 `json:"perSecond"`
}

// endpointReport is one endpoint's requests: how many were sent, the
// failed ones by HTTP status ("transport" for a request that got no
// answer), and latency percentiles of the successful ones.
type endpointReport struct {
	Name        string            `json:"name"`
	Requests    int               `json:"requests"`
	Errors      map[string]int    `json:"errors,omitempty"`
	FirstErrors map[string]string `json:"firstErrors,omitempty"`
	P50         float64           `json:"p50Ms"`
	P95         float64           `json:"p95Ms"`
	P99         float64           `json:"p99Ms"`
	Max         float64           `json:"maxMs"`
}

// mixEndpoints is the order of a session's steps, in which they are listed.
var mixEndpoints = []string{"create", "start", "presign", "upload", "submit", "complete", "result", "fetch"}

func newReport(ws []*loadWorker, elapsed time.Duration, sessions bool) *loadtestReport {
	cnt := ws[0].counters
	r := &loadtestReport{Workers: len(ws), Seconds: elapsed.Seconds(), Requests: int(cnt.requests.Load()), Errors: int(cnt.failed.Load())}
	r.RequestsPerSecond = float64(r.Requests) / r.Seconds
	if sessions {
		ok := int(cnt.ok.Load())
		r.Sessions = &sessionCounts{Completed: ok, Failed: int(cnt.iterations.Load()) - ok, PerSecond: float64(ok) / r.Seconds}
	}
	names := map[string]bool{}
	for _, wk := range ws {
		for n := range wk.latencies {
			names[n] = true
		}
		for n := range wk.errors {
			names[n] = true
		}
	}
	ordered := slices.Sorted(maps.Keys(names))
	slices.SortStableFunc(ordered, func(a, b string) int { return rank(a) - rank(b) })
	for _, n := range ordered {
		e := endpointReport{Name: n}
		var lat []time.Duration
		for _, wk := range ws {
			lat = append(lat, wk.latencies[n]...)
			for k, c := range wk.errors[n] {
				if e.Errors == nil {
					e.Errors, e.FirstErrors = map[string]int{}, map[string]string{}
				}
				e.Errors[k] += c
				if _, ok := e.FirstErrors[k]; !ok {
					e.FirstErrors[k] = wk.samples[n][k]
				}
			}
		}
		slices.Sort(lat)
		e.Requests = len(lat)
		for _, c := range e.Errors {
			e.Requests += c
		}
		if len(lat) > 0 {
			e.P50, e.P95, e.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
			e.Max = ms(lat[len(lat)-1])
		}
		r.Endpoints = append(r.Endpoints, e)
	}
	return r
}

// rank puts a mix's endpoints in the order of a session, others after.
func rank(name string) int {
	if i := slices.Index(mixEndpoints, name); i >= 0 {
		return i
	}
	return len(mixEndpoints)
}

// percentile is the nearest-rank percentile q of sorted, in milliseconds.
func percentile(sorted []time.Duration, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return ms(sorted[max(i, 0)])
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// fmtMs writes milliseconds as a duration rounded to the microsecond.
func fmtMs(v float64) string {
	return (time.Duration(v * float64(time.Millisecond))).Round(time.Microsecond).String()
}

// print writes the report for people.
func (r *loadtestReport) print(w io.Writer) {
	server := ""
	if r.Server != "" {
		server = r.Server + ", "
	}
	fmt.Fprintf(w, "target      %s (%s%s, %d workers)\n", r.Target, server, r.Op, r.Workers)
	elapsed := (time.Duration(r.Seconds * float64(time.Second))).Round(time.Millisecond)
	if s := r.Sessions; s != nil {
		fmt.Fprintf(w, "sessions    %d completed, %d failed: %.1f sessions/s\n", s.Completed, s.Failed, s.PerSecond)
	}
	fmt.Fprintf(w, "requests    %d in %v\n", r.Requests, elapsed)
	fmt.Fprintf(w, "errors      %d", r.Errors)
	var kinds, firsts []string
	for _, e := range r.Endpoints {
		for _, k := range slices.Sorted(maps.Keys(e.Errors)) {
			label := k
			if r.Sessions != nil {
				label = e.Name + " " + k
			}
			kinds = append(kinds, fmt.Sprintf("%s: %d", label, e.Errors[k]))
			firsts = append(firsts, fmt.Sprintf("  first %s: %s", label, e.FirstErrors[k]))
		}
	}
	if len(kinds) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(kinds, ", "))
	}
	fmt.Fprintln(w)
	for _, f := range firsts {
		fmt.Fprintln(w, f)
	}
	fmt.Fprintf(w, "throughput  %.1f req/s\n", r.RequestsPerSecond)
	if r.Sessions == nil {
		if len(r.Endpoints) == 1 && r.Endpoints[0].P50 > 0 {
			e := r.Endpoints[0]
			fmt.Fprintf(w, "latency     p50 %s  p95 %s  p99 %s  max %s\n", fmtMs(e.P50), fmtMs(e.P95), fmtMs(e.P99), fmtMs(e.Max))
		}
		return
	}
	fmt.Fprintf(w, "\n%-10s %8s %7s %10s %10s %10s %10s\n", "endpoint", "requests", "errors", "p50", "p95", "p99", "max")
	for _, e := range r.Endpoints {
		nerr := 0
		for _, c := range e.Errors {
			nerr += c
		}
		fmt.Fprintf(w, "%-10s %8d %7d %10s %10s %10s %10s\n", e.Name, e.Requests, nerr, fmtMs(e.P50), fmtMs(e.P95), fmtMs(e.P99), fmtMs(e.Max))
	}
}
