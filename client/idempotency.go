package client

import (
	"net/http"

	"github.com/idproof/idproof"
)

// IdempotencyKey sends key in the Idempotency-Key header, so that a
// creating call sent again with the same key and body (after a timeout or a
// lost connection) gets the first answer instead of creating twice. The
// same key with another body is refused with 409. Keys are kept 24 hours
// and are scoped to the caller's license.
// An EditHeaders given after it sees the header and may change it.
func IdempotencyKey(key string) CallOption {
	return EditHeaders(func(h http.Header) { h.Set("Idempotency-Key", key) })
}

// NewIdempotencyKey returns a fresh random key (a UUID) for one creating
// call and its retries.
func NewIdempotencyKey() string { return idproof.NewUUID() }
