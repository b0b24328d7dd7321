package blob_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob"
	"github.com/idproof/idproof/blob/blobtest"
	"github.com/idproof/idproof/blob/local"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu   sync.Mutex
	ops  []string // backend op ok|error
	took []time.Duration
}

func (r *recorder) BlobOp(backend, op string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	result := "ok"
	if err != nil {
		result = "error"
	}
	r.ops = append(r.ops, backend+" "+op+" "+result)
	r.took = append(r.took, d)
}

func (r *recorder) seen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.ops, "\n")
}

func newLocal(t *testing.T) *local.Store {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := local.New(local.Config{Dir: filepath.Join(t.TempDir(), "blobs"), BaseURL: srv.URL, Secret: blobtest.RandomBytes(32)})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/blob/", s.Handler())
	return s
}

// TestObservedConformance: the wrapper changes nothing a caller can see.
func TestObservedConformance(t *testing.T) {
	rec := &recorder{}
	blobtest.Run(t, func(t *testing.T) idproof.BlobStore {
		return blob.Observe(newLocal(t), blob.TypeLocal, rec)
	})
	for _, want := range []string{"local presign_put ok", "local presign_get ok", "local put ok", "local get ok", "local get error", "local delete ok", "local list ok"} {
		if !strings.Contains(rec.seen(), want) {
			t.Errorf("the observer was not told %q", want)
		}
	}
}

func TestObserved(t *testing.T) {
	ctx := context.Background()
	st := newLocal(t)
	rec := &recorder{}
	calls := 0
	resolve := blob.Observed(func(context.Context, string, string) (idproof.BlobStore, error) {
		calls++
		if calls == 2 {
			return nil, errors.New("no bucket")
		}
		return st, nil
	}, rec)
	got, err := resolve(ctx, "t", "c")
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Put(ctx, "a/b", "image/png", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := got.Open(ctx, "a/missing"); !idproof.IsNotFound(err) {
		t.Fatalf("Open of a missing object: %v, want the store's ENOTFOUND unchanged", err)
	}
	if rec.seen() != "local put ok\nlocal get error" {
		t.Fatalf("observed:\n%s", rec.seen())
	}
	if _, err := resolve(ctx, "t", "c"); err == nil {
		t.Fatal("a failed resolve must fail")
	}
}

func TestBackend(t *testing.T) {
	if got := blob.Backend(newLocal(t)); got != blob.TypeLocal {
		t.Errorf("local store: %q", got)
	}
	var other struct{ idproof.BlobStore }
	if got := blob.Backend(other); got != "other" {
		t.Errorf("unknown store: %q", got)
	}
}
