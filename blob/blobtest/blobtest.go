// Package blobtest is the conformance suite for implementations of
// idproof.BlobStore. Each backend runs it from its own tests, so local, S3,
// Azure and GCS are held to one contract:
//
//   - Open returns exactly the bytes stored; its size is the object's length,
//     or -1 if the backend does not report one.
//   - A missing object is ENOTFOUND on Open; Delete of a missing object is
//     not an error; Put over an existing key replaces it.
//   - List returns every key under a prefix ending in "/", nested keys
//     included, sorted, and nothing outside it.
//   - A presigned PUT with the Content-Type it was signed for stores the
//     object; a presigned GET answers 200 with the bytes and the stored
//     Content-Type.
//   - A presigned URL that was tampered with, used with the other method,
//     pointed at another key or used after it expired is answered with a 4xx
//     status and leaves the stored object as it was.
//
// Every subtest gets a fresh store and its own key prefix, deleted when the
// subtest ends, so backends that share a real bucket can run the suite
// concurrently. Only status codes are checked, never error bodies.
package blobtest

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/idproof/idproof"
)

// Option adjusts how the suite talks to a backend.
type Option func(*options)

type options struct {
	putHeaders func(contentType string) http.Header
}

// WithPutHeaders sets the headers sent with every presigned PUT, for a
// backend whose uploads need more than a Content-Type (Azure's
// x-ms-blob-type). Whatever the function returns, Content-Type is the one
// the URL was signed for.
func WithPutHeaders(f func(contentType string) http.Header) Option {
	return func(o *options) { o.putHeaders = f }
}

// Run runs the suite. newStore must return a store that is usable by the
// calling test until it ends; each subtest asks for its own, so any of them
// can be run alone with -run.
func Run(t *testing.T, newStore func(t *testing.T) idproof.BlobStore, opts ...Option) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	groups := []struct {
		name  string
		tests []test
	}{
		{"Object", objectTests},
		{"Presign", presignTests},
		{"Refuse", refuseTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := newStore(t)
					tc.fn(t, &env{s: s, prefix: UniquePrefix(t, s), opts: o})
				})
			}
		})
	}
}

// test is one named check run against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, e *env)
}

// env is what a subtest works with: its store, a key prefix no other
// subtest uses, and the suite's options.
type env struct {
	s      idproof.BlobStore
	prefix string
	opts   options
}

// key returns name under the subtest's prefix.
func (e *env) key(name string) string { return e.prefix + name }

// put stores b under key with the store's own Put.
func (e *env) put(t *testing.T, key, contentType string, b []byte) {
	t.Helper()
	if err := e.s.Put(t.Context(), key, contentType, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

var objectTests = []test{
	{"PutOpen", func(t *testing.T, e *env) {
		b := RandomBytes(64 << 10)
		k := e.key("front.jpg")
		e.put(t, k, "image/jpeg", b)
		CheckObject(t, e.s, k, b)
	}},
	{"Empty", func(t *testing.T, e *env) {
		k := e.key("empty")
		e.put(t, k, "application/octet-stream", nil)
		CheckObject(t, e.s, k, nil)
	}},
	{"Overwrite", func(t *testing.T, e *env) {
		k := e.key("a/back.png")
		e.put(t, k, "image/png", RandomBytes(1000))
		b := RandomBytes(700)
		e.put(t, k, "image/png", b)
		CheckObject(t, e.s, k, b)
	}},
	{"OpenMissing", func(t *testing.T, e *env) {
		CheckMissing(t, e.s, e.key("missing"))
		CheckMissing(t, e.s, e.key("no/such/dir/missing"))
	}},
	{"DeleteThenOpen", func(t *testing.T, e *env) {
		k := e.key("session/selfie.jpg")
		e.put(t, k, "image/jpeg", RandomBytes(100))
		if err := e.s.Delete(t.Context(), k); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		CheckMissing(t, e.s, k)
		if keys := list(t, e.s, e.prefix); len(keys) != 0 {
			t.Errorf("List after Delete = %q, want nothing", keys)
		}
	}},
	{"DeleteMissing", func(t *testing.T, e *env) {
		for _, k := range []string{e.key("missing"), e.key("no/such/dir/missing")} {
			if err := e.s.Delete(t.Context(), k); err != nil {
				t.Errorf("Delete(%q) of a missing object: %v, want nil", k, err)
			}
		}
	}},
	{"List", func(t *testing.T, e *env) {
		inside := []string{
			e.key("dir/a.jpg"),
			e.key("dir/b-c.jpg"),
			e.key("dir/b/c.jpg"),
			e.key("dir/sub/deeper/d.png"),
		}
		outside := []string{e.key("dir.jpg"), e.key("dirx/e.jpg"), e.key("other/dir/f.jpg")}
		for _, k := range append(slices.Clone(inside), outside...) {
			e.put(t, k, "image/jpeg", []byte(k))
		}
		want := slices.Sorted(slices.Values(inside))
		if got := list(t, e.s, e.key("dir/")); !slices.Equal(got, want) {
			t.Errorf("List(%q)\n got %q\nwant %q", e.key("dir/"), got, want)
		}
		all := slices.Sorted(slices.Values(append(slices.Clone(inside), outside...)))
		if got := list(t, e.s, e.prefix); !slices.Equal(got, all) {
			t.Errorf("List(%q)\n got %q\nwant %q", e.prefix, got, all)
		}
	}},
	{"ListEmpty", func(t *testing.T, e *env) {
		e.put(t, e.key("x/a"), "image/jpeg", []byte("a"))
		if got := list(t, e.s, e.key("y/")); len(got) != 0 {
			t.Errorf("List of an empty prefix = %q, want nothing", got)
		}
	}},
}

// list calls List and fails the test on error.
func list(t *testing.T, s idproof.BlobStore, prefix string) []string {
	t.Helper()
	keys, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return keys
}
