package blob

import (
	"context"
	"io"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/azure"
	"github.com/idproof/idproof/blob/gcs"
	"github.com/idproof/idproof/blob/local"
	"github.com/idproof/idproof/blob/s3"
)

// Operations an Observer is told of.
const (
	OpPresignPut = "presign_put"
	OpPresignGet = "presign_get"
	OpPut        = "put"
	OpGet        = "get" // BlobStore.Open: until the object's body starts, not until it is read
	OpDelete     = "delete"
	OpList       = "list"
)

// Observer is told of each operation on a bucket, so that it can be
// measured. Its method must be quick and safe for concurrent use.
type Observer interface {
	BlobOp(backend, op string, d time.Duration, err error)
}

// ResolveFunc returns the bucket of a community, as Resolver.Resolve does.
type ResolveFunc func(ctx context.Context, tenantID, communityID string) (idproof.BlobStore, error)

// Observed returns resolve with every store it returns telling obs of
// its operations. The wrapping is per call, so the Resolver's cache of
// opened stores holds the stores themselves.
func Observed(resolve ResolveFunc, obs Observer) ResolveFunc {
	return func(ctx context.Context, tenantID, communityID string) (idproof.BlobStore, error) {
		st, err := resolve(ctx, tenantID, communityID)
		if err != nil {
			return nil, err
		}
		return Observe(st, Backend(st), obs), nil
	}
}

// Observe returns st telling obs of its operations, under the name backend.
func Observe(st idproof.BlobStore, backend string, obs Observer) idproof.BlobStore {
	return &observed{st: st, backend: backend, obs: obs}
}

// Backend names the kind of st as bucket configurations do (aws, gcp,
// azure, local), or "other" for a store of none of these packages.
func Backend(st idproof.BlobStore) string {
	switch st.(type) {
	case *s3.Store:
		return TypeAWS
	case *gcs.Store:
		return TypeGCP
	case *azure.Store:
		return TypeAzure
	case *local.Store:
		return TypeLocal
	}
	return "other"
}

// observed is a BlobStore that times each call of the one it wraps.
type observed struct {
	st      idproof.BlobStore
	backend string
	obs     Observer
}

var _ idproof.BlobStore = (*observed)(nil)

// done tells the observer of op begun at start. Durations are measured on
// the process's monotonic clock: they are about this process's calls.
func (o *observed) done(op string, start time.Time, err error) {
	o.obs.BlobOp(o.backend, op, time.Since(start), err)
}

func (o *observed) PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error) {
	start := time.Now()
	u, err := o.st.PresignPut(ctx, key, contentType, expires)
	o.done(OpPresignPut, start, err)
	return u, err
}

func (o *observed) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	start := time.Now()
	u, err := o.st.PresignGet(ctx, key, expires)
	o.done(OpPresignGet, start, err)
	return u, err
}

func (o *observed) Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	start := time.Now()
	err := o.st.Put(ctx, key, contentType, r, size)
	o.done(OpPut, start, err)
	return err
}

func (o *observed) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	start := time.Now()
	rc, n, err := o.st.Open(ctx, key)
	o.done(OpGet, start, err)
	return rc, n, err
}

func (o *observed) Delete(ctx context.Context, key string) error {
	start := time.Now()
	err := o.st.Delete(ctx, key)
	o.done(OpDelete, start, err)
	return err
}

func (o *observed) List(ctx context.Context, prefix string) ([]string, error) {
	start := time.Now()
	keys, err := o.st.List(ctx, prefix)
	o.done(OpList, start, err)
	return keys, err
}
