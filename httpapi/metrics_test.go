package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/idproof/idproof/metrics"
)

// TestMetricsRoutePattern: requests are counted under the route pattern
// that matched, with or without the path prefix, never under their path;
// requests no route matched are counted together; and the API does not
// serve /metrics.
func TestMetricsRoutePattern(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	e.engine.Observer = metrics.Proofing{}
	ctx := context.Background()
	before := scrapeMetrics(t)
	browser, id := e.startedSession(t, "metrics")
	if err := browser.Do(ctx, http.MethodGet, "/idproofingapi/proofingsession/"+id, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := browser.Do(ctx, http.MethodGet, "/proofingsession/"+id+"/no-such-action", nil, nil); err == nil {
		t.Fatal("an unknown action succeeded")
	}
	for _, p := range []string{"/metrics", "/idproofingapi/metrics"} {
		resp, err := http.Get(e.url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s on the API: %d, want 404", p, resp.StatusCode)
		}
	}

	var text strings.Builder
	metrics.WritePrometheus(&text)
	after := parseMetrics(text.String())
	for series, want := range map[string]float64{
		`idproof_http_requests_total{route="POST /document_share_session/create",code="200"}`:    1,
		`idproof_http_requests_total{route="GET /proofingsession/{sessionId}/start",code="200"}`: 1,
		`idproof_http_requests_total{route="GET /proofingsession/{sessionId}",code="200"}`:       1,
		`idproof_http_requests_total{route="unmatched",code="405"}`:                              1,
		`idproof_http_requests_total{route="unmatched",code="404"}`:                              2,
		`idproof_session_transitions_total{transition="created"}`:                                1,
		`idproof_session_transitions_total{transition="started"}`:                                1,
	} {
		if d := after[series] - before[series]; d < want {
			t.Errorf("%s went up by %v, want ≥ %v", series, d, want)
		}
	}
	if strings.Contains(text.String(), id) {
		t.Error("a session id is in the metrics")
	}
}

func scrapeMetrics(t *testing.T) map[string]float64 {
	t.Helper()
	var b strings.Builder
	metrics.WritePrometheus(&b)
	return parseMetrics(b.String())
}

// parseMetrics maps each series of the text format to its value.
func parseMetrics(text string) map[string]float64 {
	out := map[string]float64{}
	for _, l := range strings.Split(text, "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			v = -1
		}
		out[l[:i]] = v
	}
	return out
}
