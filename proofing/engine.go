// Package proofing is the session engine: the lifecycle of a proofing
// session (statuses, expiry, abandonment, retries, history), running its
// connector, deriving the outcome, signing the result and deleting personal
// data when retention ends. Handlers and stores hold no such rules.
package proofing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
)

// Engine runs proofing sessions.
type Engine struct {
	Store      idproof.Store
	Keyring    *secret.Keyring
	Connectors *connector.Registry
	Signer     *signing.Signer
	Clock      idproof.Clock
	// Blobs returns the bucket of a community (its configured one, or the
	// embedded local bucket).
	Blobs func(ctx context.Context, tenantID, communityID string) (idproof.BlobStore, error)
	// PublicURL is the base of session URLs and the issuer of proofs.
	PublicURL string
	// ServerPublicKey is reported in results (the wire protocol key).
	ServerPublicKey string
	Log             *slog.Logger
	// Observer, if set, is told of session transitions, connector calls
	// and sweeps (metrics).
	Observer Observer
	// Version is the server's version, recorded in the audit trail with
	// each verification.
	Version string
	// OnOutbox, if set, is called after a change that put webhook events
	// in the outbox is stored (to wake the dispatcher).
	OnOutbox func()

	kickOnce sync.Once
	kick     chan struct{} // wakes the sweeper early (see Kick)
}

func (e *Engine) kickChan() chan struct{} {
	e.kickOnce.Do(func() { e.kick = make(chan struct{}, 1) })
	return e.kick
}

// Kick asks a running sweeper to run now, for work that should not wait for
// its next tick (deleting images at the end of a zero retention).
func (e *Engine) Kick() {
	select {
	case e.kickChan() <- struct{}{}:
	default:
	}
}

// Actor is who acts on a session: the caller's key and, for history, where
// the request came from.
type Actor struct {
	PublicKey string
	IPAddress string
	UserAgent string
}

func (e *Engine) now() time.Time { return e.Clock.Now().UTC().Truncate(time.Millisecond) }

func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

// SessionURL is where the user goes to do the proofing.
func (e *Engine) SessionURL(id string) string { return e.PublicURL + "/idproofing/session/" + id }

// maxAttempts bounds the optimistic-concurrency retry loop of one change.
const maxAttempts = 5

// change loads session id, brings its status up to date (expiry and
// abandonment are enforced on every access), lets fn change it, and saves
// it with a version check, retrying on a concurrent change. fn returns
// errNoChange to leave the session as loaded.
func (e *Engine) change(ctx context.Context, id string, fn func(s *idproof.Session, d *Data, now time.Time) error) (*idproof.Session, *Data, error) {
	for attempt := 0; ; attempt++ {
		s, err := e.Store.Session(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		d, err := e.decode(s)
		if err != nil {
			return nil, nil, err
		}
		d.caller = callerFrom(ctx)
		from, now := s.Status, e.now()
		lapsed := e.lapse(s, d, now)
		ferr := fn(s, d, now)
		if ferr == errNoChange {
			ferr = nil
			if !lapsed {
				return s, d, nil
			}
		}
		if ferr != nil && !lapsed {
			return s, d, ferr
		}
		e.schedule(s, d)
		err = e.write(ctx, s, d, false)
		if idproof.ErrorCode(err) == idproof.ECONFLICT && attempt < maxAttempts {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		e.observeChange(from, s)
		if ferr != nil {
			// The session lapsed on this access: the transition is saved,
			// and the caller learns why its action could not happen.
			return s, d, ferr
		}
		return s, d, nil
	}
}

type noChange struct{}

func (noChange) Error() string { return "no change" }

// errNoChange tells change that fn left the session alone.
var errNoChange error = noChange{}

// Session returns the session with its status brought up to date.
func (e *Engine) Session(ctx context.Context, id string) (*idproof.Session, *Data, error) {
	return e.change(ctx, id, func(*idproof.Session, *Data, time.Time) error { return errNoChange })
}
