package metrics_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/metrics"
	"github.com/idproof/idproof/proofing"
)

// The registry is the process's: tests use labels of their own, or read
// differences, so that they do not depend on each other.

// scrape returns the metrics as a map from series (name and labels, as
// written) to value, after checking each line is in the text format.
func scrape(t *testing.T) map[string]float64 {
	t.Helper()
	var b strings.Builder
	metrics.WritePrometheus(&b)
	return parse(t, b.String())
}

var sampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$`)

func parse(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	typed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name := strings.Fields(f)[0]
			if typed[name] {
				t.Errorf("family %s typed twice: its series are not grouped", name)
			}
			typed[name] = true
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a sample line: %q", line)
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("value of %q: %v", line, err)
		}
		out[m[1]] = v
	}
	return out
}

func TestObserveRequest(t *testing.T) {
	route := "GET /test/observe/{sessionId}"
	metrics.ObserveRequest(route, 200, 3*time.Millisecond)
	metrics.ObserveRequest(route, 200, 30*time.Millisecond)
	metrics.ObserveRequest(route, 404, time.Millisecond)
	metrics.ObserveRequest(route, 0, time.Millisecond) // nothing written: 200
	got := scrape(t)
	for series, want := range map[string]float64{
		`idproof_http_requests_total{route="GET /test/observe/{sessionId}",code="200"}`:                                     3,
		`idproof_http_requests_total{route="GET /test/observe/{sessionId}",code="404"}`:                                     1,
		`idproof_http_request_duration_seconds_count{route="GET /test/observe/{sessionId}",status_class="2xx"}`:             3,
		`idproof_http_request_duration_seconds_bucket{route="GET /test/observe/{sessionId}",status_class="2xx",le="0.005"}`: 2,
		`idproof_http_request_duration_seconds_bucket{route="GET /test/observe/{sessionId}",status_class="4xx",le="+Inf"}`:  1,
	} {
		if got[series] != want {
			t.Errorf("%s = %v, want %v", series, got[series], want)
		}
	}
}

func TestObserveRequestUnmatched(t *testing.T) {
	before := scrape(t)[`idproof_http_requests_total{route="unmatched",code="404"}`]
	metrics.ObserveRequest("", 404, time.Millisecond)
	if got := scrape(t)[`idproof_http_requests_total{route="unmatched",code="404"}`]; got != before+1 {
		t.Fatalf("unmatched 404: %v after %v", got, before)
	}
}

func TestLabelEscaped(t *testing.T) {
	metrics.ObserveRequest("GET /test/\"quoted\"\\back", 200, 0)
	if _, ok := scrape(t)[`idproof_http_requests_total{route="GET /test/\"quoted\"\\back",code="200"}`]; !ok {
		t.Fatal("an escaped label value is missing")
	}
}

func TestProofing(t *testing.T) {
	var o proofing.Observer = metrics.Proofing{}
	before := scrape(t)
	o.SessionCreated()
	o.SessionChanged(idproof.StatusPending, idproof.StatusInProgress, "")
	o.SessionChanged(idproof.StatusInProgress, idproof.StatusCompleted, idproof.OutcomePass)
	o.SessionChanged(idproof.StatusInProgress, idproof.StatusCompleted, idproof.OutcomeFailed)
	o.SessionChanged(idproof.StatusPending, idproof.StatusExpired, "")
	o.SessionChanged(idproof.StatusInProgress, idproof.StatusAbandoned, "")
	o.SessionChanged(idproof.StatusPending, idproof.StatusDeclined, "")
	o.SessionPurged()
	o.ConnectorCalled("test-connector", 2*time.Second, nil)
	o.ConnectorCalled("test-connector", time.Second, errors.New("timeout"))
	o.Swept(proofing.SweepResult{Expired: 2, Abandoned: 1, Purged: 3, Skipped: 1}, 20*time.Millisecond, nil)
	o.Swept(proofing.SweepResult{}, time.Millisecond, errors.New("database down"))
	after := scrape(t)
	for series, want := range map[string]float64{
		`idproof_session_transitions_total{transition="created"}`:            1,
		`idproof_session_transitions_total{transition="started"}`:            1,
		`idproof_session_transitions_total{transition="completed"}`:          2,
		`idproof_session_transitions_total{transition="expired"}`:            1,
		`idproof_session_transitions_total{transition="abandoned"}`:          1,
		`idproof_session_transitions_total{transition="declined"}`:           1,
		`idproof_session_transitions_total{transition="purged"}`:             1,
		`idproof_sessions_completed_total{outcome="COMPLETED_PASS"}`:         1,
		`idproof_sessions_completed_total{outcome="COMPLETED_FAILED"}`:       1,
		`idproof_sessions_completed_total{outcome="REVIEW"}`:                 0,
		`idproof_connector_calls_total{connector="test-connector"}`:          2,
		`idproof_connector_errors_total{connector="test-connector"}`:         1,
		`idproof_connector_duration_seconds_sum{connector="test-connector"}`: 3,
		`idproof_sweeper_runs_total`:                                         2,
		`idproof_sweeper_errors_total`:                                       1,
		`idproof_sweeper_duration_seconds_count`:                             2,
		`idproof_sweeper_sessions_total{kind="expired"}`:                     2,
		`idproof_sweeper_sessions_total{kind="abandoned"}`:                   1,
		`idproof_sweeper_sessions_total{kind="purged"}`:                      3,
		`idproof_sweeper_sessions_total{kind="skipped"}`:                     1,
	} {
		if _, ok := after[series]; !ok {
			t.Errorf("%s is missing", series)
		}
		if d := after[series] - before[series]; d != want {
			t.Errorf("%s went up by %v, want %v", series, d, want)
		}
	}
}

// TestZeroSeries: the transitions exist before they happen, so that a
// rate over them is 0 rather than no data.
func TestZeroSeries(t *testing.T) {
	got := scrape(t)
	for _, s := range []string{
		`idproof_session_transitions_total{transition="declined"}`,
		`idproof_sessions_completed_total{outcome="COMPLETED_NOT_PERFORMED"}`,
		`idproof_sweeper_runs_total`,
	} {
		if _, ok := got[s]; !ok {
			t.Errorf("%s is not written before its first event", s)
		}
	}
}

func TestBlob(t *testing.T) {
	var o metrics.Blob
	l := `{backend="test",op="get"}`
	before := scrape(t)
	o.BlobOp("test", "get", time.Millisecond, nil)
	o.BlobOp("test", "get", time.Millisecond, idproof.Errorf(idproof.ENOTFOUND, "no such object"))
	o.BlobOp("test", "get", time.Millisecond, errors.New("connection reset"))
	after := scrape(t)
	if d := after["idproof_blob_operations_total"+l] - before["idproof_blob_operations_total"+l]; d != 3 {
		t.Errorf("operations +%v, want 3", d)
	}
	if d := after["idproof_blob_errors_total"+l] - before["idproof_blob_errors_total"+l]; d != 1 {
		t.Errorf("errors +%v, want 1 (a missing object is not a fault)", d)
	}
	if after["idproof_blob_operation_duration_seconds_count"+l] < 3 {
		t.Error("durations not recorded")
	}
}

func TestReplaySize(t *testing.T) {
	if _, ok := scrape(t)["idproof_replay_cache_entries"]; ok {
		t.Fatal("replay cache size written before a source was set")
	}
	n := 41
	metrics.SetReplaySize(func() int { return n })
	defer metrics.SetReplaySize(nil)
	n++
	if got := scrape(t)["idproof_replay_cache_entries"]; got != 42 {
		t.Fatalf("replay cache entries %v, want 42 (read at scrape time)", got)
	}
}

func TestRuntimeMetrics(t *testing.T) {
	got := scrape(t)
	for _, s := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"} {
		if _, ok := got[s]; !ok {
			t.Errorf("%s is missing", s)
		}
	}
}

func TestHandler(t *testing.T) {
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), "# TYPE idproof_session_transitions_total counter\n") {
		t.Error("no TYPE line for the transitions")
	}
	rec = httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/metrics", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}

// TestServe: the listener serves /metrics and nothing else, and stops with
// its context.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- metrics.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics: %d", code)
	}
	if code, _ := get("/"); code != 404 {
		t.Fatalf("/: %d, want 404", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after its context ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	for b.Loop() {
		metrics.ObserveRequest("GET /proofingsession/{sessionId}", 200, 1500*time.Microsecond)
	}
}

func BenchmarkObserveRequestParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			metrics.ObserveRequest("GET /proofingsession/{sessionId}", 200, 1500*time.Microsecond)
		}
	})
}
