package local

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/blob/blobtest"
)

// pathOf returns the path and query of a presigned URL, for requests made
// with do.
func pathOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// wantError fails t unless w is a JSON error with status and a message
// containing msg.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, msg string) {
	t.Helper()
	var body struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	if w.Code != status {
		t.Fatalf("status %d %q, want %d", w.Code, w.Body, status)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if body.StatusCode != status || body.Error != http.StatusText(status) || !strings.Contains(body.Message, msg) {
		t.Errorf("body %+v, want status %d and a message containing %q", body, status, msg)
	}
}

func TestHandlerTooLarge(t *testing.T) {
	s, _ := newTestStore(t, Config{MaxObjectBytes: 1000})
	u, err := s.PresignPut(t.Context(), "big/photo.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	header := http.Header{"Content-Type": {"image/jpeg"}}
	t.Run("DeclaredLength", func(t *testing.T) {
		resp := blobtest.Do(t, http.MethodPut, u, header, bytes.NewReader(make([]byte, 1001)), 1001)
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("PUT of 1001 bytes: %s, want 413", resp)
		}
	})
	t.Run("Chunked", func(t *testing.T) {
		// No Content-Length: the limit must hold while streaming.
		resp := blobtest.Do(t, http.MethodPut, u, header, blobtest.RandomReader(1, 1<<20), -1)
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked PUT of 1 MiB: %s, want 413", resp)
		}
	})
	blobtest.CheckMissing(t, s, "big/photo.jpg")
	assertNoTemp(t, s.dir)
	resp := blobtest.Do(t, http.MethodPut, u, header, bytes.NewReader(make([]byte, 1000)), 1000)
	if resp.Status != http.StatusOK {
		t.Errorf("PUT of exactly the limit: %s, want 200", resp)
	}
}

func TestHandlerUnsafeKeys(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	for _, target := range []string{
		"/blob/",
		"/blob//etc/passwd",
		"/blob/../secret",
		"/blob/a/../../secret",
		"/blob/a/./b",
		"/blob/a//b",
		"/blob/a/",
		"/blob/a%5Cb",
		"/blob/.put-123",
		"/blob/a%00b",
		"/blob/a%0Ab",
		"/blob/%C3",
		"/blob/" + strings.Repeat("a/", 256) + "a",
		"/blob/" + strings.Repeat("a", 256),
	} {
		t.Run(target[:min(len(target), 30)], func(t *testing.T) {
			for _, m := range []string{http.MethodGet, http.MethodPut} {
				wantError(t, do(s, m, target+"?m="+m+"&exp=9999999999&sig=x", "image/jpeg", []byte("x")), http.StatusBadRequest, "key")
			}
		})
	}
}

func TestHandlerRefusals(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s, _ := newTestStore(t, Config{Now: func() time.Time { return now }})
	ctx := t.Context()
	if err := s.Put(ctx, "k.jpg", "image/jpeg", strings.NewReader("stored"), 6); err != nil {
		t.Fatal(err)
	}
	put, _ := s.PresignPut(ctx, "k.jpg", "image/jpeg", time.Minute)
	get, _ := s.PresignGet(ctx, "k.jpg", time.Minute)

	wantError(t, do(s, http.MethodPut, pathOf(t, put), "image/png", []byte("png")), http.StatusUnsupportedMediaType, `"image/jpeg"`)
	wantError(t, do(s, http.MethodPut, pathOf(t, put), "", []byte("none")), http.StatusUnsupportedMediaType, "Content-Type")
	wantError(t, do(s, http.MethodGet, pathOf(t, put), "", nil), http.StatusForbidden, "signed for PUT")
	wantError(t, do(s, http.MethodPut, pathOf(t, get), "image/jpeg", []byte("x")), http.StatusForbidden, "signed for GET")
	wantError(t, do(s, http.MethodPost, pathOf(t, put), "image/jpeg", []byte("x")), http.StatusForbidden, "not POST")
	wantError(t, do(s, http.MethodDelete, pathOf(t, get), "", nil), http.StatusForbidden, "not DELETE")
	wantError(t, do(s, http.MethodGet, pathOf(t, get)+"&exp=1", "", nil), http.StatusForbidden, "expiry")
	wantError(t, do(s, http.MethodGet, strings.Replace(pathOf(t, get), "m=GET", "m=PUT", 1), "", nil), http.StatusForbidden, "signed for PUT")
	// A signed type cannot be swapped for another, nor added to a GET URL.
	wantError(t, do(s, http.MethodPut, strings.Replace(pathOf(t, put), "image%2Fjpeg", "text%2Fhtml", 1), "text/html", []byte("<b>")), http.StatusForbidden, "signature")
	wantError(t, do(s, http.MethodGet, pathOf(t, get)+"&ct=text%2Fhtml", "", nil), http.StatusForbidden, "signature")
	blobtest.CheckObject(t, s, "k.jpg", []byte("stored"))

	// Expiry is exact to the second and uses the injected clock.
	now = now.Add(time.Minute - time.Nanosecond)
	if w := do(s, http.MethodGet, pathOf(t, get), "", nil); w.Code != http.StatusOK || w.Body.String() != "stored" {
		t.Errorf("GET just before expiry: %d %q", w.Code, w.Body)
	}
	now = now.Add(time.Nanosecond)
	wantError(t, do(s, http.MethodGet, pathOf(t, get), "", nil), http.StatusForbidden, "expired")
	wantError(t, do(s, http.MethodPut, pathOf(t, put), "image/jpeg", []byte("late")), http.StatusForbidden, "expired")
	blobtest.CheckObject(t, s, "k.jpg", []byte("stored"))
}

func TestHandlerGet(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := t.Context()
	if err := s.Put(ctx, "dir/a b+c%.png", "image/png", strings.NewReader("0123456789"), 10); err != nil {
		t.Fatal(err)
	}
	u, err := s.PresignGet(ctx, "dir/a b+c%.png", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "/blob/dir/a%20b+c%25.png?m=GET&exp=") {
		t.Errorf("URL %s does not escape the key as expected", u)
	}
	resp := blobtest.Do(t, http.MethodGet, u, http.Header{"Range": {"bytes=2-4"}}, nil, 0)
	if resp.Status != http.StatusPartialContent || string(resp.Body) != "234" {
		t.Errorf("ranged GET: %s, want 206 \"234\"", resp)
	}
	for name, want := range map[string]string{
		"Content-Type":           "image/png",
		"Cache-Control":          "private, no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	resp = blobtest.Do(t, http.MethodHead, u, nil, nil, 0)
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Length") != "10" || len(resp.Body) != 0 {
		t.Errorf("HEAD: %s, Content-Length %q", resp, resp.Header.Get("Content-Length"))
	}
}
