package local

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/blobtest"
)

// newTestStore returns a store in a fresh directory whose URLs point at an
// httptest server that mounts its handler at /blob/, as the server does.
// Config fields left zero get test values.
func newTestStore(t testing.TB, cfg Config) (*Store, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(t.TempDir(), "blobs")
	}
	cfg.BaseURL = srv.URL
	if cfg.Secret == nil {
		cfg.Secret = blobtest.RandomBytes(32)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/blob/", s.Handler())
	return s, srv
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) idproof.BlobStore {
		s, _ := newTestStore(t, Config{})
		return s
	})
}

func TestNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	good := Config{Dir: dir, BaseURL: "https://idproof.example.com/", Secret: make([]byte, 32)}
	s, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if s.base != "https://idproof.example.com" || s.max != DefaultMaxObjectBytes {
		t.Errorf("base %q, max %d", s.base, s.max)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("Dir: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	for name, mod := range map[string]func(*Config){
		"NoDir":        func(c *Config) { c.Dir = "" },
		"ShortSecret":  func(c *Config) { c.Secret = make([]byte, 31) },
		"NegativeMax":  func(c *Config) { c.MaxObjectBytes = -1 },
		"RelativeBase": func(c *Config) { c.BaseURL = "/idproof" },
		"FTPBase":      func(c *Config) { c.BaseURL = "ftp://example.com" },
		"QueryBase":    func(c *Config) { c.BaseURL = "https://example.com/?x=1" },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := good
			mod(&cfg)
			if _, err := New(cfg); err == nil {
				t.Errorf("New accepted %+v", cfg)
			}
		})
	}
}

func TestFileLayout(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := t.Context()
	if err := s.Put(ctx, "t1/s1/front.jpg", "image/jpeg", strings.NewReader("jpeg"), 4); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{
		"t1":              0o700 | fs.ModeDir,
		"t1/s1":           0o700 | fs.ModeDir,
		"t1/s1/front.jpg": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(s.dir, path))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	b, _ := os.ReadFile(filepath.Join(s.dir, "t1/s1/front.jpg"))
	if string(b) != magic+"image/jpeg\njpeg" {
		t.Errorf("file holds %q", b)
	}

	// Deleting the last object removes the directories it leaves empty.
	if err := s.Put(ctx, "t1/other.jpg", "image/jpeg", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "t1/s1/front.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "t1/s1")); !os.IsNotExist(err) {
		t.Errorf("t1/s1 after its last object went: %v, want it removed", err)
	}
	if err := s.Delete(ctx, "t1/other.jpg"); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(s.dir); err != nil || len(entries) != 0 {
		t.Errorf("Dir after deleting everything: %v %v, want empty", entries, err)
	}
}

func TestPutSizeMismatch(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	for _, size := range []int64{3, 5} {
		err := s.Put(t.Context(), "k", "image/jpeg", strings.NewReader("four"), size)
		if idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("Put of 4 bytes with size %d: %v, want EINVALID", size, err)
		}
		blobtest.CheckMissing(t, s, "k")
	}
	if err := s.Put(t.Context(), "k", "image/jpeg", strings.NewReader("four"), -1); err != nil {
		t.Errorf("Put with unknown size: %v", err)
	}
	assertNoTemp(t, s.dir)
}

func TestKeyConflict(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := t.Context()
	put := func(key string) error {
		return s.Put(ctx, key, "image/jpeg", strings.NewReader("x"), 1)
	}
	if err := put("a"); err != nil {
		t.Fatal(err)
	}
	if err := put("a/b"); idproof.ErrorCode(err) != idproof.ECONFLICT {
		t.Errorf("Put a/b over object a: %v, want ECONFLICT", err)
	}
	if err := put("c/d"); err != nil {
		t.Fatal(err)
	}
	if err := put("c"); idproof.ErrorCode(err) != idproof.ECONFLICT {
		t.Errorf("Put c over directory c: %v, want ECONFLICT", err)
	}
	blobtest.CheckMissing(t, s, "a/b")
	blobtest.CheckMissing(t, s, "c")
	if err := s.Delete(ctx, "c"); err != nil {
		t.Errorf("Delete of a directory: %v, want nil", err)
	}
	blobtest.CheckObject(t, s, "c/d", []byte("x"))
	assertNoTemp(t, s.dir)
}

func TestInvalidArguments(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := t.Context()
	check := func(what string, err error) {
		t.Helper()
		if idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("%s: %v, want EINVALID", what, err)
		}
	}
	_, err := s.PresignPut(ctx, "../x", "image/jpeg", time.Minute)
	check("PresignPut ../x", err)
	_, err = s.PresignPut(ctx, "x", "image/jpeg\nx: y", time.Minute)
	check("PresignPut with a newline in the type", err)
	_, err = s.PresignPut(ctx, "x", "", time.Minute)
	check("PresignPut without a type", err)
	_, err = s.PresignGet(ctx, "x", 0)
	check("PresignGet for 0s", err)
	_, err = s.PresignGet(ctx, "/x", time.Minute)
	check("PresignGet /x", err)
	check("Put .put-x", s.Put(ctx, ".put-x", "image/jpeg", strings.NewReader(""), 0))
	_, _, err = s.Open(ctx, "a//b")
	check("Open a//b", err)
	check("Delete ../x", s.Delete(ctx, "../x"))
	_, err = s.List(ctx, "../")
	check("List ../", err)
}

// assertNoTemp fails t if an upload's temporary file is left under dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".put-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// do serves one request with the store's handler directly, so that paths
// no ServeMux would pass on reach it too.
func do(s *Store, method, target, contentType string, body []byte) *httptest.ResponseRecorder {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return w
}
