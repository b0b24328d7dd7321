package httpapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkMiddleware measures what the middleware adds to a request (the
// request id, the access log to a discarding handler, the path prefix, the
// status recording) with and without counting it in the metrics
// (docs/operations.md). Each iteration serves one request of each, so
// that the load of a shared machine weighs on both alike; it reports
// each one's time and their difference, the metrics' cost per request.
func BenchmarkMiddleware(b *testing.B) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /proofingsession/{sessionId}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	h := s.middleware(mux)
	req := httptest.NewRequest(http.MethodGet, "/proofingsession/0b1c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b", nil)
	counted := observeRequest
	defer func() { observeRequest = counted }()
	none := func(string, int, time.Duration) {}

	serve := func(observe func(string, int, time.Duration)) time.Duration {
		observeRequest = observe
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), req.Clone(req.Context()))
		return time.Since(start)
	}
	var with, without time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() { // one request of each per iteration, in turns first
		if n%2 == 0 {
			with += serve(counted)
			without += serve(none)
		} else {
			without += serve(none)
			with += serve(counted)
		}
		n++
	}
	b.ReportMetric(float64(with.Nanoseconds())/float64(n), "ns/with")
	b.ReportMetric(float64(without.Nanoseconds())/float64(n), "ns/without")
	b.ReportMetric(float64((with-without).Nanoseconds())/float64(n), "ns/metrics")
}
