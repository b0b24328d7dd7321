// Package replay decides whether a requestid is seen for the first time, so
// that each (public key, uuid) pair is accepted once within the time window
// (../spec WIRE.md, "requestid rules").
//
// Two guards exist. Store records every pair in the database through
// idproof.ReplayStore: replicas sharing the database then agree, at the cost
// of one write per request. Memory keeps the pairs in this process only, for
// a server that is the only one using its database (the embedded SQLite
// store): no write at all on the request path.
package replay

import (
	"context"
	"errors"
	"time"

	"github.com/idproof/idproof"
)

// Guard accepts each (pub, uuid) pair once. ts is the requestid's own time,
// now the server's, and until the time after which ts can no longer pass
// the window, so the pair need not be remembered past it.
//
// Use returns true for a pair it has not seen, false for a replay. It may
// also refuse a pair it cannot vouch for with an error wrapping ErrRefused;
// the client should retry with a new requestid.
type Guard interface {
	Use(ctx context.Context, pub, uuid string, ts, now, until time.Time) (bool, error)
}

// ErrRefused is wrapped by the errors of requestids a guard cannot vouch
// for: the caller should answer 401 and the client send a new requestid.
var ErrRefused = errors.New("requestid refused")

// Store is the Guard of a database shared by every replica: the check and
// the record are one statement of idproof.ReplayStore.UseRequestID.
type Store struct {
	Store idproof.ReplayStore
}

// Use records the pair until until; ts plays no part.
func (g Store) Use(ctx context.Context, pub, uuid string, ts, now, until time.Time) (bool, error) {
	return g.Store.UseRequestID(ctx, pub, uuid, now, until)
}
