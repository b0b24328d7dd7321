// Package metrics counts and times what the server does and serves it in
// the Prometheus text format: HTTP requests by route pattern, session
// transitions, connector calls, sweeps, bucket operations, the size of the
// replay cache, and the Go runtime and process.
//
// It owns one registry for the process. The other packages do not import
// it: they take an observer (proofing.Observer, blob.Observer) or call the
// functions here, and serve wires them together.
//
// The instruments are github.com/VictoriaMetrics/metrics, not
// github.com/prometheus/client_golang: both write the same text format,
// but client_golang brings protobuf and procfs along and adds 3.6 MB to
// the idproof binary, where this library adds 0.2 MB. What the server
// needs (counters, gauges, histograms with Prometheus buckets, runtime and
// process metrics) both have.
package metrics

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
)

// set holds every instrument of this package. Label sets are bounded by
// construction: route patterns, statuses, connector types and backends
// come from the server's own tables, never from a request.
var set = vm.NewSet()

func init() {
	// # TYPE lines let a scraper tell counters from gauges without
	// guessing from the name.
	vm.ExposeMetadata(true)
	set.RegisterMetricsWriter(writeReplaySize)
}

// WritePrometheus writes every metric in the Prometheus text format.
func WritePrometheus(w io.Writer) {
	set.WritePrometheus(w)
	vm.WriteProcessMetrics(w) // go_* and process_*
	vm.WriteFDMetrics(w)      // process_open_fds, process_max_fds: connections are file descriptors
}

// Handler serves the metrics (GET /metrics on the metrics listener).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		WritePrometheus(w)
	})
}

// Serve serves /metrics on ln until ctx ends. It serves nothing else:
// the listener is meant for a scraper on a private address, apart from
// the API.
func Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	err := srv.Serve(ln)
	if ctx.Err() != nil {
		return nil // stopped, by ctx or by the listener closing as the server shuts down
	}
	return err
}

// Buckets of the latency histograms, in seconds.
var (
	// requestBuckets go to a minute: the validate and complete routes
	// wait for the connector, which may take that long.
	requestBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	// remoteBuckets are for calls to other services.
	remoteBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	// sweepBuckets: a pass is a claim and up to SweepBatch updates.
	sweepBuckets = []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30, 60}
)

// label quotes a label value for a metric name.
func label(v string) string {
	if strings.ContainsAny(v, "\"\\\n") {
		v = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
	}
	return `"` + v + `"`
}

// replaySize reports the number of entries of the replay cache.
var replaySize struct {
	sync.RWMutex
	f func() int
}

// SetReplaySize makes f the source of idproof_replay_cache_entries: the
// requestids the in-memory replay guard holds. Until it is called (a
// server whose guard is the database), the metric is absent rather than
// zero. f is called at each scrape and must be safe for concurrent use.
func SetReplaySize(f func() int) {
	replaySize.Lock()
	replaySize.f = f
	replaySize.Unlock()
}

func writeReplaySize(w io.Writer) {
	replaySize.RLock()
	f := replaySize.f
	replaySize.RUnlock()
	if f != nil {
		vm.WriteGaugeUint64(w, "idproof_replay_cache_entries", uint64(max(f(), 0)))
	}
}
