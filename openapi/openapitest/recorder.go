package openapitest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Exchange is one request and its answer as the wire carried them.
type Exchange struct {
	Method      string
	Path        string // escaped, without the query
	Status      int
	ContentType string
	Body        []byte
}

// Recorder is an http.RoundTripper that keeps every exchange, so that a
// test calling a server through a client library can check the raw
// answers the library has already decoded.
type Recorder struct {
	// Transport makes the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper

	mu  sync.Mutex
	log []Exchange
}

// RoundTrip makes the request and records it with its answer's body.
func (rc *Recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	tr := rc.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	resp, err := tr.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rc.mu.Lock()
	rc.log = append(rc.log, Exchange{Method: r.Method, Path: r.URL.EscapedPath(), Status: resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"), Body: body})
	rc.mu.Unlock()
	return resp, nil
}

// Len is the number of exchanges recorded so far.
func (rc *Recorder) Len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.log)
}

// Since returns the first exchange of method and path (escaped; a query
// is ignored) from the n-th on. A client may make other requests in
// between, such as fetching the server's key.
func (rc *Recorder) Since(n int, method, path string) (Exchange, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	path, _, _ = strings.Cut(path, "?")
	for _, ex := range rc.log[min(n, len(rc.log)):] {
		if ex.Method == method && ex.Path == path {
			return ex, true
		}
	}
	return Exchange{}, false
}
