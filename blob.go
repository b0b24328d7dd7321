package idproof

import (
	"context"
	"io"
	"time"
)

// BlobStore keeps session images. The capture page uploads and the relying
// party downloads through presigned URLs, so image bytes need not pass
// through this server's API; the server reads objects back to check and
// verify them, and deletes them when retention ends.
//
// Keys are slash-separated paths without a leading slash. Every
// implementation (local, s3, azure, gcs) passes the suite in blob/blobtest.
type BlobStore interface {
	// PresignPut returns a URL that accepts an HTTP PUT of the object key
	// with the given Content-Type until expires has passed.
	PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error)
	// PresignGet returns a URL that serves the object key by HTTP GET until
	// expires has passed.
	PresignGet(ctx context.Context, key string, expires time.Duration) (string, error)
	// Put stores an object from r.
	Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error
	// Open reads an object. A missing object is ENOTFOUND. The size is -1
	// when the backend does not say.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes an object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the keys under prefix, sorted.
	List(ctx context.Context, prefix string) ([]string, error)
}
