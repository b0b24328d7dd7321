package local

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzHandlerPath sends the handler arbitrary paths and queries, optionally
// with a valid signature for whatever key the path names, so that the key
// check is exercised on its own and not only behind the signature. The
// handler must never panic, never answer with a file outside its directory,
// and never create or change anything outside it.
func FuzzHandlerPath(f *testing.F) {
	base := f.TempDir()
	sentinel := []byte("outside the store: must never be served")
	outside := filepath.Join(base, "secret.txt")
	if err := os.WriteFile(outside, sentinel, 0o600); err != nil {
		f.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s, err := New(Config{
		Dir:     filepath.Join(base, "store"),
		BaseURL: "http://blob.test",
		Secret:  bytes.Repeat([]byte{7}, 32),
		Now:     func() time.Time { return now },
	})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Put(f.Context(), "inside.jpg", "image/jpeg", strings.NewReader("inside"), 6); err != nil {
		f.Fatal(err)
	}
	f.Add("/blob/inside.jpg", "", true, false)
	f.Add("/blob/new/photo.jpg", "", true, true)
	f.Add("/blob/../secret.txt", "", true, false)
	f.Add("/blob/../secret.txt", "", true, true)
	f.Add("/blob/a/../../secret.txt", "", true, false)
	f.Add("/blob//"+strings.TrimPrefix(outside, "/"), "", true, false)
	f.Add("/blob/..%2fsecret.txt", "", true, false)
	f.Add("/blob/.put-1", "", true, true)
	f.Add("/blob/inside.jpg/", "", true, false)
	f.Add("/blob/inside.jpg", "m=GET&exp=1&sig=AAAA", false, false)
	f.Add("/blob/x", "m=PUT&ct=%zz&exp=&sig=;", false, true)
	f.Add("/other", "", true, false)
	f.Fuzz(func(t *testing.T, path, query string, sign, put bool) {
		key := strings.TrimPrefix(path, "/blob/")
		method, ct := http.MethodGet, ""
		if put {
			method, ct = http.MethodPut, "image/jpeg"
		}
		if sign {
			exp := now.Add(time.Hour).Unix()
			query = url.Values{
				"m": {method}, "ct": {ct}, "exp": {strconv.FormatInt(exp, 10)},
				"sig": {sigEncoding.EncodeToString(s.mac(method, key, ct, exp))},
			}.Encode()
		}
		req := &http.Request{
			Method:        method,
			URL:           &url.URL{Path: path, RawQuery: query},
			Header:        http.Header{"Content-Type": {"image/jpeg"}},
			Body:          io.NopCloser(strings.NewReader("uploaded")),
			ContentLength: 8,
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)

		if bytes.Contains(w.Body.Bytes(), sentinel) {
			t.Fatalf("%s %s?%s served the file outside the store", method, path, query)
		}
		if w.Code < 300 && checkKey(key) != nil {
			t.Fatalf("%s %s?%s: %d for an unsafe key", method, path, query, w.Code)
		}
		if checkKey(key) == nil {
			rel, err := filepath.Rel(s.dir, s.path(key))
			if err != nil || rel != filepath.FromSlash(key) || strings.HasPrefix(rel, "..") {
				t.Fatalf("key %q passes the check but maps to %q outside the store", key, rel)
			}
		}
		entries, err := os.ReadDir(base)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		if !slices.Equal(names, []string{"secret.txt", "store"}) {
			t.Fatalf("%s %s?%s: directory holding the store now has %q", method, path, query, names)
		}
		if b, err := os.ReadFile(outside); err != nil || !bytes.Equal(b, sentinel) {
			t.Fatalf("%s %s?%s changed the file outside the store: %q %v", method, path, query, b, err)
		}
	})
}
