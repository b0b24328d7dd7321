package metrics

import (
	"strconv"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
)

// Unmatched is the route label of requests no route matched (404, 405):
// their paths are whatever a client sent, so they are not labels.
const Unmatched = "unmatched"

type requestKey struct {
	route string
	code  int
}

type requestInstruments struct {
	count    *vm.Counter
	duration *vm.PrometheusHistogram
}

// requests caches the instruments of each route and status, so that a
// request costs a map lookup rather than building and parsing a metric
// name.
var requests sync.Map // requestKey → *requestInstruments

// ObserveRequest counts a request answered with status after d. route is
// the pattern of the route table that matched ("GET
// /proofingsession/{sessionId}"), never the request's path: a path holds
// session ids, which are capabilities and would make a series per session.
// An empty route counts as Unmatched.
func ObserveRequest(route string, status int, d time.Duration) {
	if route == "" {
		route = Unmatched
	}
	if status < 100 || status > 999 {
		status = 200 // the handler wrote nothing: net/http sends 200
	}
	k := requestKey{route, status}
	v, ok := requests.Load(k)
	if !ok {
		v = newRequest(k)
	}
	in := v.(*requestInstruments)
	in.count.Inc()
	in.duration.Update(d.Seconds())
}

// maxRequestSeries bounds the route and status pairs counted apart, in
// case a route label ever came from a client: beyond it, new pairs count
// as route "other". The route table has under a hundred patterns.
const maxRequestSeries = 2000

var requestSeries struct {
	sync.Mutex
	n int
}

// newRequest returns the instruments of k, made once.
func newRequest(k requestKey) *requestInstruments {
	requestSeries.Lock()
	defer requestSeries.Unlock()
	if v, ok := requests.Load(k); ok {
		return v.(*requestInstruments)
	}
	if requestSeries.n >= maxRequestSeries {
		return newRequestInstruments("other", k.code) // not cached: the cache is bounded too
	}
	in := newRequestInstruments(k.route, k.code)
	requestSeries.n++
	requests.Store(k, in)
	return in
}

func newRequestInstruments(route string, status int) *requestInstruments {
	code := strconv.Itoa(status)
	return &requestInstruments{
		count: set.GetOrCreateCounter(`idproof_http_requests_total{route=` + label(route) + `,code="` + code + `"}`),
		duration: set.GetOrCreatePrometheusHistogramExt(`idproof_http_request_duration_seconds{route=`+label(route)+
			`,status_class="`+code[:1]+`xx"}`, requestBuckets),
	}
}
