package proofing

import (
	"time"

	"github.com/idproof/idproof"
)

// Activities recorded in history besides status names.
const (
	ActivityCreated   = "CREATED"
	ActivityStarted   = "STARTED"
	ActivityResumed   = "RESUMED"
	ActivityEvent     = "EVENT"
	ActivityValidated = "VALIDATED"
	ActivityRetry     = "RETRY"
	ActivityPurged    = "PII_PURGED"
	// ActivityBiometricPurged: the biometric data went at the end of its
	// own retention; ActivityRedactRequested: the relying party redacted
	// a session still under way, which ended it.
	ActivityBiometricPurged = "BIOMETRIC_PURGED"
	ActivityRedactRequested = "REDACT_REQUESTED"
	// The server records these two itself, as the vendor's flow does.
	ActivityAbandoned = "E_IDV_SESSION_ABANDONED"
	ActivityExpired   = "E_IDV_SESSION_EXPIRED"
)

func statusError(s *idproof.Session, action string) error {
	if s.Status.Terminal() {
		return invalid("session is %s: it cannot %s any more", s.Status, action)
	}
	return invalid("session is %s: it cannot %s", s.Status, action)
}

// record appends a history entry, counts as activity, and appends the
// activity to the audit trail with detail (nil for none).
func (e *Engine) record(s *idproof.Session, d *Data, activity string, a Actor, screen string, now time.Time, detail any) {
	d.History = append(d.History, HistoryEntry{Activity: activity, IPAddress: a.IPAddress, UserAgent: a.UserAgent, ScreenName: screen, TS: ms(now)})
	s.LastActivityAt = now
	e.audit(s, d, activity, detail, now)
}

// authorize enforces the binding made by start: once started, a session
// answers only to the key that started it.
func authorize(s *idproof.Session, a Actor) error {
	if s.BoundKey != "" && a.PublicKey != s.BoundKey {
		return idproof.Errorf(idproof.EFORBIDDEN, "session %s is bound to the key that started it", s.ID)
	}
	return nil
}

// abandonAt is when an in-progress session counts as abandoned.
func abandonAt(s *idproof.Session, d *Data) time.Time {
	return s.LastActivityAt.Add(time.Duration(d.Settings.AbandonMin) * time.Minute)
}

// lapse applies the transitions that time alone causes: expiry, abandonment
// and the end of retention. It reports whether it changed the session's
// status. Once retention has ended, the personal data is gone from the
// session it returns, even before the sweeper has deleted it for good.
func (e *Engine) lapse(s *idproof.Session, d *Data, now time.Time) bool {
	defer func() {
		if purgeDue(s, d, now) {
			blankPersonal(s, d)
		}
	}()
	if !s.Status.Terminal() {
		expired := !now.Before(s.ExpiresAt)
		abandoned := s.Status == idproof.StatusInProgress && !now.Before(abandonAt(s, d))
		switch {
		case abandoned && (!expired || abandonAt(s, d).Before(s.ExpiresAt)):
			e.finish(s, d, idproof.StatusAbandoned, "", ReasonAbandoned, Reasons[ReasonAbandoned], ActivityAbandoned, Actor{}, now)
			return true
		case expired:
			e.finish(s, d, idproof.StatusExpired, "", ReasonExpired, Reasons[ReasonExpired], ActivityExpired, Actor{}, now)
			return true
		}
		return false
	}
	return false
}

// purgeDue reports whether the session's retention has ended with its
// personal data still there. Views hide that data from this moment on; the
// sweeper deletes it (images first) soon after.
func purgeDue(s *idproof.Session, d *Data, now time.Time) bool {
	return s.Status.Terminal() && !d.Purged && !s.PurgeAt.IsZero() && !now.Before(s.PurgeAt)
}

// finish moves s to a terminal status and starts its retention period.
func (e *Engine) finish(s *idproof.Session, d *Data, status idproof.SessionStatus, outcome idproof.Outcome, reason, msg, activity string, a Actor, now time.Time) {
	s.Status, s.Outcome, s.CompletedAt = status, outcome, now
	d.Reason, d.Message = reason, msg
	e.record(s, d, activity, a, "", now, outcomeDetail{Status: status, Outcome: outcome, Reason: reason})
	if status == idproof.StatusCompleted {
		e.signProofs(s, d, now)
	}
	// A zero retention makes the session due at once: write wakes the
	// sweeper once the change is stored.
	s.PurgeAt = now.Add(time.Duration(d.Settings.RetentionMin) * time.Minute)
}

// purge deletes the session's personal data from its record: the user
// (names, uid, username) and did, what the client and the connector
// extracted, raw vendor answers, image references (the images themselves
// are deleted from the bucket before), and the addresses and browsers in
// the history. The lookup hashes go with the names, so the session can no
// longer be found by name or uid. The outcome, checks, reasons and
// timestamps stay. cause is CauseRetention or CauseRequest; reason is the
// relying party's, kept in the audit trail only as a digest.
func (e *Engine) purge(s *idproof.Session, d *Data, now time.Time, cause, reason string) {
	if len(d.UploadTypes) > 0 {
		// Presigned upload URLs may still be used after this: look in the
		// bucket once more when the last of them has lapsed.
		d.FinalSweepTS = ms(now.Add(uploadTTL + time.Minute))
	}
	blankPersonal(s, d)
	d.Images, d.UploadTypes, d.DeleteObjects = nil, nil, false
	d.Purged, d.PurgedTS, d.PurgeCause = true, ms(now), cause
	s.PurgeAt = time.Time{}
	d.History = append(d.History, HistoryEntry{Activity: ActivityPurged, TS: ms(now)})
	detail := map[string]string{"scope": "all", "cause": cause}
	if reason != "" {
		detail["reasonSha256"] = digest(reason)
	}
	e.audit(s, d, RedactionAll, detail, now)
	e.emit(s, d, idproof.EventSessionRedacted, now)
}

// outcomeDetail is the audit detail of a terminal transition.
type outcomeDetail struct {
	Status  idproof.SessionStatus `json:"status"`
	Outcome idproof.Outcome       `json:"outcome,omitempty"`
	Reason  string                `json:"reason,omitempty"`
}

// schedule sets DueAt: the next moment time alone changes the session.
func (e *Engine) schedule(s *idproof.Session, d *Data) {
	switch {
	case !s.Status.Terminal():
		s.DueAt = s.ExpiresAt
		if s.Status == idproof.StatusInProgress {
			if a := abandonAt(s, d); a.Before(s.DueAt) {
				s.DueAt = a
			}
		}
	case d.DeleteObjects:
		s.DueAt = s.LastActivityAt
	case d.Purged:
		s.DueAt = time.Time{}
		if d.FinalSweepTS != 0 {
			s.DueAt = time.UnixMilli(d.FinalSweepTS).UTC()
		}
	default:
		s.DueAt = s.PurgeAt
		if b := biometricAt(s, d); !b.IsZero() && (s.DueAt.IsZero() || b.Before(s.DueAt)) {
			s.DueAt = b
		}
	}
}
