package blobtest

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// urlTTL is how long the suite's presigned URLs are valid, unless a test is
// about expiry.
const urlTTL = 5 * time.Minute

// presignPut returns a presigned PUT URL for key, failing t on error.
func (e *env) presignPut(t *testing.T, key, contentType string, ttl time.Duration) string {
	t.Helper()
	u, err := e.s.PresignPut(t.Context(), key, contentType, ttl)
	if err != nil {
		t.Fatalf("PresignPut(%q): %v", key, err)
	}
	return u
}

// presignGet returns a presigned GET URL for key, failing t on error.
func (e *env) presignGet(t *testing.T, key string, ttl time.Duration) string {
	t.Helper()
	u, err := e.s.PresignGet(t.Context(), key, ttl)
	if err != nil {
		t.Fatalf("PresignGet(%q): %v", key, err)
	}
	return u
}

// putHeader returns the headers of an upload signed for contentType.
func (e *env) putHeader(contentType string) http.Header {
	h := http.Header{}
	if e.opts.putHeaders != nil {
		h = e.opts.putHeaders(contentType).Clone()
	}
	h.Set("Content-Type", contentType)
	return h
}

// httpPut sends b by PUT to u with the headers of an upload signed for
// contentType.
func (e *env) httpPut(t *testing.T, u, contentType string, b []byte) *Response {
	t.Helper()
	return Do(t, http.MethodPut, u, e.putHeader(contentType), bytes.NewReader(b), int64(len(b)))
}

// httpGet sends a GET to u.
func httpGet(t *testing.T, u string) *Response {
	t.Helper()
	return Do(t, http.MethodGet, u, nil, nil, 0)
}

// wantOK fails t unless resp has a 2xx status.
func wantOK(t *testing.T, what string, resp *Response) {
	t.Helper()
	if resp.Status < 200 || resp.Status > 299 {
		t.Fatalf("%s: got %s, want 2xx", what, resp)
	}
}

// wantRefused fails t unless resp has a 4xx status: the request was refused
// as the client's fault, and neither accepted nor mistaken for a failure of
// the server.
func wantRefused(t *testing.T, what string, resp *Response) {
	t.Helper()
	if resp.Status < 400 || resp.Status > 499 {
		t.Errorf("%s: got %s, want 4xx", what, resp)
	}
}

// wantBody fails t unless resp is a 200 carrying b as contentType.
func wantBody(t *testing.T, what string, resp *Response, contentType string, b []byte) {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("%s: got %s, want 200", what, resp)
	}
	if !bytes.Equal(resp.Body, b) {
		t.Errorf("%s: got %d bytes that differ from the %d stored", what, len(resp.Body), len(b))
	}
	if ct := resp.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("%s: Content-Type %q, want %q", what, ct, contentType)
	}
}

var presignTests = []test{
	{"KeyInURL", func(t *testing.T, e *env) {
		// Clients tell an upload URL's Content-Type by the extension the
		// object name ends in, so the URL's path must end in the key.
		k := e.key("upload/document_front_image.png")
		for _, u := range []string{e.presignPut(t, k, "image/png", urlTTL), e.presignGet(t, k, urlTTL)} {
			pu, err := url.Parse(u)
			if err != nil || !strings.HasSuffix(pu.Path, "/"+k) {
				t.Errorf("presigned URL %s does not end in /%s", u, k)
			}
		}
	}},
	{"Put", func(t *testing.T, e *env) {
		k := e.key("upload/front.jpg")
		b := RandomBytes(32 << 10)
		wantOK(t, "presigned PUT", e.httpPut(t, e.presignPut(t, k, "image/jpeg", urlTTL), "image/jpeg", b))
		CheckObject(t, e.s, k, b)
		wantBody(t, "GET after presigned PUT", httpGet(t, e.presignGet(t, k, urlTTL)), "image/jpeg", b)
	}},
	{"Get", func(t *testing.T, e *env) {
		k := e.key("download/back.png")
		b := RandomBytes(20000)
		e.put(t, k, "image/png", b)
		wantBody(t, "presigned GET", httpGet(t, e.presignGet(t, k, urlTTL)), "image/png", b)
	}},
	{"GetMissing", func(t *testing.T, e *env) {
		wantRefused(t, "presigned GET of a missing object", httpGet(t, e.presignGet(t, e.key("missing"), urlTTL)))
	}},
	{"Large", func(t *testing.T, e *env) {
		k := e.key("large.jpg")
		b := RandomBytes(5 << 20)
		wantOK(t, "presigned PUT of 5 MiB", e.httpPut(t, e.presignPut(t, k, "image/jpeg", urlTTL), "image/jpeg", b))
		wantBody(t, "presigned GET of 5 MiB", httpGet(t, e.presignGet(t, k, urlTTL)), "image/jpeg", b)
		CheckObject(t, e.s, k, b)
	}},
}
