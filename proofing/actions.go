package proofing

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/idproof/idproof"
)

// Get returns a session for the end user (binding enforced).
func (e *Engine) Get(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	s, d, err := e.Session(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return s, d, authorize(s, a)
}

// Start marks the session URL used: PENDING → INPROGRESS, bound to the
// caller's key. Starting again with the same key resumes.
func (e *Engine) Start(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		switch s.Status {
		case idproof.StatusPending:
			s.Status, s.StartedAt, s.BoundKey = idproof.StatusInProgress, now, a.PublicKey
			e.record(s, d, ActivityStarted, a, "", now, nil)
			return nil
		case idproof.StatusInProgress:
			if resumes(d) >= maxResumes {
				// Still resumed, no longer recorded: a page reloaded in a
				// loop must not grow the history and the audit trail
				// without bound.
				return errNoChange
			}
			e.record(s, d, ActivityResumed, a, "", now, nil)
			return nil
		}
		return statusError(s, "be started")
	})
}

// maxResumes bounds the RESUMED entries one session records.
const maxResumes = 100

func resumes(d *Data) int {
	n := 0
	for _, h := range d.History {
		if h.Activity == ActivityResumed {
			n++
		}
	}
	return n
}

// Event stores a screen event of the capture flow.
func (e *Engine) Event(ctx context.Context, id string, a Actor, ev Event) (*idproof.Session, error) {
	if err := validEventName(ev.Name); err != nil {
		return nil, err
	}
	if err := ev.check(); err != nil {
		return nil, err
	}
	s, _, err := e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status.Terminal() {
			return statusError(s, "take events")
		}
		if len(d.Events) >= maxEvents {
			return invalid("session has reached its limit of %d events", maxEvents)
		}
		ev.TS = ms(now)
		d.Events = append(d.Events, ev)
		s.LastActivityAt = now
		return nil
	})
	return s, err
}

// maxEvents bounds what one session can store through the event endpoint.
const maxEvents = 500

// validEventName accepts short printable names: the vendor's E_IDV_* names
// and any an integrator adds.
func validEventName(name string) error {
	if name == "" || len(name) > 64 {
		return invalid("eventName must be 1 to 64 characters")
	}
	for _, r := range name {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return invalid("eventName must be printable ASCII without spaces")
		}
	}
	return nil
}

// Decline records that the user refused: PENDING/INPROGRESS → DECLINED.
func (e *Engine) Decline(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status.Terminal() {
			return statusError(s, "be declined")
		}
		e.finish(s, d, idproof.StatusDeclined, "", ReasonDeclined, Reasons[ReasonDeclined], string(idproof.StatusDeclined), a, now)
		return nil
	})
}

// Retry consumes one retry after an attempt that did not pass, so the user
// can capture again. It fails when no retry is available.
func (e *Engine) Retry(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "be retried")
		}
		if d.Verdict == nil {
			return invalid("session is %s but no retry is available: nothing has been verified yet", s.Status)
		}
		if d.Verdict.Outcome == idproof.OutcomePass || d.Verdict.Outcome == idproof.OutcomeReview {
			return invalid("session is %s but no retry is available: the last attempt did not fail", s.Status)
		}
		if s.Retries >= d.Settings.MaxRetries {
			return invalid("session is %s but no retry is available: all %d retries are used", s.Status, d.Settings.MaxRetries)
		}
		s.Retries++
		d.Verdict, d.Images, d.Extracted = nil, nil, nil
		e.record(s, d, ActivityRetry, a, "", now, map[string]int{"attempt": s.Retries + 1})
		return nil
	})
}

// RetryCancel gives up after a failed attempt: the session completes with
// the failed outcome.
func (e *Engine) RetryCancel(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "cancel a retry")
		}
		outcome, reason, msg := idproof.OutcomeFailed, ReasonRetryCancelled, Reasons[ReasonRetryCancelled]
		if v := d.Verdict; v != nil && v.Outcome == idproof.OutcomeNotPerformed {
			outcome, reason, msg = v.Outcome, v.Reason, v.Message
		}
		e.finish(s, d, idproof.StatusCompleted, outcome, reason, msg, string(idproof.StatusCompleted), a, now)
		return nil
	})
}

// Validate runs the verification of what the session has, if it has not
// run for the current attempt, and returns the session with its verdict.
func (e *Engine) Validate(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, nil, err
	}
	if s.Status != idproof.StatusInProgress {
		return s, d, statusError(s, "be validated")
	}
	if d.Verdict != nil {
		return s, d, nil
	}
	return e.verifyAndStore(ctx, s, a)
}

// Complete finishes the session and computes its outcome, verifying first
// if nothing was verified for the current attempt.
func (e *Engine) Complete(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, nil, err
	}
	if s.Status != idproof.StatusInProgress {
		return s, d, statusError(s, "be completed")
	}
	if d.Verdict == nil {
		if _, _, err := e.verifyAndStore(ctx, s, a); err != nil {
			return nil, nil, err
		}
	}
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress || d.Verdict == nil {
			return statusError(s, "be completed")
		}
		v := d.Verdict
		e.finish(s, d, idproof.StatusCompleted, v.Outcome, v.Reason, v.Message, string(idproof.StatusCompleted), a, now)
		return nil
	})
}

// trimUA keeps history entries small.
func trimUA(ua string) string {
	if len(ua) > 300 {
		return ua[:300]
	}
	return strings.TrimSpace(ua)
}

// NewActor builds an Actor from request facts, bounded for storage.
func NewActor(publicKey, ip, userAgent string) Actor {
	return Actor{PublicKey: publicKey, IPAddress: ip, UserAgent: trimUA(userAgent)}
}
