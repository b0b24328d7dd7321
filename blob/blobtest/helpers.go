package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// RandomBytes returns n random bytes, different on every call, so that a
// stale object can never pass for a fresh one.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails, see crypto/rand.Read
	return b
}

// RandomReader returns a reader of n pseudo-random bytes determined by seed.
// It holds no more than its own state, so tests can stream large bodies
// without keeping them in memory, and regenerate them to compare.
func RandomReader(seed uint64, n int64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return io.LimitReader(mrand.NewChaCha8(s), n)
}

// UniquePrefix returns a key prefix, ending in "/", that no other test uses,
// and deletes whatever is stored under it when t ends.
func UniquePrefix(t testing.TB, s idproof.BlobStore) string {
	t.Helper()
	prefix := fmt.Sprintf("blobtest/%s-%s/", time.Now().UTC().Format("20060102T150405"), hex.EncodeToString(RandomBytes(6)))
	t.Cleanup(func() {
		// t.Context is already canceled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		keys, err := s.List(ctx, prefix)
		if err != nil {
			t.Logf("cleanup: List(%q): %v", prefix, err)
			return
		}
		for _, k := range keys {
			if err := s.Delete(ctx, k); err != nil {
				t.Logf("cleanup: Delete(%q): %v", k, err)
			}
		}
	})
	return prefix
}

// CheckObject fails t unless Open of key returns exactly want, with a size
// that is len(want) or -1.
func CheckObject(t testing.TB, s idproof.BlobStore, key string, want []byte) {
	t.Helper()
	rc, size, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Open(%q): read: %v", key, err)
	}
	if size != int64(len(want)) && size != -1 {
		t.Errorf("Open(%q) size = %d, want %d (or -1)", key, size, len(want))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Open(%q) returned %d bytes that differ from the %d stored", key, len(got), len(want))
	}
}

// CheckMissing fails t unless Open of key is ENOTFOUND.
func CheckMissing(t testing.TB, s idproof.BlobStore, key string) {
	t.Helper()
	rc, _, err := s.Open(t.Context(), key)
	if err == nil {
		rc.Close()
		t.Fatalf("Open(%q) of a missing object succeeded, want ENOTFOUND", key)
	}
	if code := idproof.ErrorCode(err); code != idproof.ENOTFOUND {
		t.Fatalf("Open(%q) of a missing object: code %q (%v), want %q", key, code, err, idproof.ENOTFOUND)
	}
}

// Client is the HTTP client the suite uses: its own, with a timeout, rather
// than http.DefaultClient.
var Client = &http.Client{Timeout: 2 * time.Minute}

// Response is what Do returns: the status, the headers and at most the
// first 8 MiB of the body, enough for the suite's objects.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// String describes the response for failure messages.
func (r *Response) String() string {
	body := r.Body
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Sprintf("%d %s %q", r.Status, r.Header.Get("Content-Type"), body)
}

// Do sends one request with Client. body may be nil; size is its length
// (-1 if unknown). header is added to the request as is.
func Do(t testing.TB, method, url string, header http.Header, body io.Reader, size int64) *Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if body != nil {
		req.ContentLength = size
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
