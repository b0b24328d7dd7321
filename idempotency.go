package idproof

import (
	"context"
	"time"
)

// IdempotencyRecord remembers a creating request sent with an
// Idempotency-Key, so that the same request sent again gets the first
// answer instead of creating twice.
type IdempotencyRecord struct {
	// Key identifies the key within its caller's scope (a keyed hash of the
	// caller's license and the key the caller sent).
	Key string
	// RequestHash is the SHA-256 of the method, path and plain body of the
	// first request: the same key with another request is a conflict.
	RequestHash string
	// Status is the HTTP status of the first answer; 0 while it runs.
	Status int
	// Response is the first answer's body, sealed.
	Response  []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// IdempotencyStore keeps idempotency records.
type IdempotencyStore interface {
	// ClaimIdempotencyKey stores r unless its Key is held, and returns nil:
	// the caller now runs the request. If the Key is held it returns the
	// record holding it and stores nothing, unless that record has expired
	// (ExpiresAt not after now) or is still running (Status 0) and was
	// created before staleBefore (its request died): then r replaces it.
	ClaimIdempotencyKey(ctx context.Context, r *IdempotencyRecord, now, staleBefore time.Time) (*IdempotencyRecord, error)
	// FinishIdempotencyKey stores the answer of the request holding key.
	FinishIdempotencyKey(ctx context.Context, key string, status int, response []byte) error
	// ReleaseIdempotencyKey forgets key, whose request failed without an
	// answer worth repeating, so that it can be sent again.
	ReleaseIdempotencyKey(ctx context.Context, key string) error
	// PurgeIdempotencyKeys deletes the records expired at now and returns
	// how many.
	PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error)
}
