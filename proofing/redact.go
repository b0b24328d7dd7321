package proofing

import (
	"context"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Redaction deletes a session's personal data: on request (Redact), at the
// end of its retention (the sweeper), and for biometric data alone at the
// end of the biometric retention, which may be shorter. Images go from the
// bucket first, then the record is blanked (purge): a record marked
// redacted never points at images still there. Face descriptors are never
// stored: they are computed in memory for each comparison.

// Redaction states, as the session shows them.
const (
	RedactionNone      = "NONE"
	RedactionBiometric = "BIOMETRIC_REDACTED" // the selfie, frames and portrait are gone
	RedactionAll       = "REDACTED"           // all personal data is gone
)

// Causes of a redaction.
const (
	CauseRequest   = "request"
	CauseRetention = "retention"
)

// Redaction is the redaction status of a session.
type Redaction struct {
	Status string `json:"status"`
	Scope  string `json:"scope,omitempty"` // all, biometric
	Cause  string `json:"cause,omitempty"` // request, retention
	TS     int64  `json:"ts,omitempty"`
}

// redaction is the session's redaction status, nil when none happened.
func (d *Data) redaction() *Redaction {
	switch {
	case d.Purged:
		cause := d.PurgeCause
		if cause == "" {
			cause = CauseRetention
		}
		return &Redaction{Status: RedactionAll, Scope: "all", Cause: cause, TS: d.PurgedTS}
	case d.BiometricPurgedTS != 0:
		return &Redaction{Status: RedactionBiometric, Scope: "biometric", Cause: CauseRetention, TS: d.BiometricPurgedTS}
	}
	return nil
}

// RedactionStatus is the redaction status every session view shows.
func RedactionStatus(d *Data) Redaction {
	if r := d.redaction(); r != nil {
		return *r
	}
	return Redaction{Status: RedactionNone}
}

// Biometric reports whether an image is biometric data: the selfie, the
// liveness frames and the portrait cut from the document.
func Biometric(name string) bool {
	return name == "selfie_liveness_image" || name == "document_front_face" || strings.HasPrefix(name, "selfie_liveness_frame_")
}

// maxRedactReason bounds the reason a relying party gives.
const maxRedactReason = 1000

// Redact deletes the personal data of a session the license sees, now:
// the images in the bucket, then the user, the extracted data, the raw
// vendor answers and the addresses in the history. A session still under
// way is ended first (DECLINED, IDV0034). Redacting a redacted session
// changes nothing. The outcome, checks, reasons, the audit trail and the
// proof without personal data stay.
func (e *Engine) Redact(ctx context.Context, lic *idproof.License, id, reason string) (*idproof.Session, *Data, error) {
	if len(reason) > maxRedactReason {
		return nil, nil, invalid("reason is longer than %d characters", maxRedactReason)
	}
	s, d, err := e.sessionFor(ctx, lic, id)
	if err != nil || d.Purged {
		return s, d, err
	}
	if !s.Status.Terminal() {
		s, _, err = e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
			if s.Status.Terminal() {
				return errNoChange
			}
			e.finish(s, d, idproof.StatusDeclined, "", ReasonRedacted, Reasons[ReasonRedacted], ActivityRedactRequested, Actor{}, now)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	// Images first; a racing upload that lands after this is removed by
	// its own failed submission or by the final sweep (purge).
	if err := e.deleteObjects(ctx, s); err != nil {
		// Logged, not shown: the bucket's error may name its endpoint.
		e.log().Warn("redact: delete session objects", "session", id, "err", err)
		return nil, nil, idproof.Errorf(idproof.EUNAVAILABLE, "the session's images could not be deleted from its bucket, so its personal data is kept until a redaction succeeds: try again")
	}
	return e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if d.Purged {
			return errNoChange
		}
		e.purge(s, d, now, CauseRequest, reason)
		return nil
	})
}

// biometricAt is when the session's biometric data is due for deletion,
// zero when it is not (still under way, gone already, or kept as long as
// the rest).
func biometricAt(s *idproof.Session, d *Data) time.Time {
	b := d.Settings.BiometricRetentionMin
	if !s.Status.Terminal() || d.Purged || d.BiometricPurgedTS != 0 || b == nil || *b >= d.Settings.RetentionMin {
		return time.Time{}
	}
	return s.CompletedAt.Add(time.Duration(*b) * time.Minute)
}

// biometricDue reports whether the biometric data's retention has ended
// with the data still there.
func biometricDue(s *idproof.Session, d *Data, now time.Time) bool {
	b := biometricAt(s, d)
	return !b.IsZero() && !now.Before(b)
}

// purgeBiometric deletes the session's biometric images from its bucket
// and from the record.
func (e *Engine) purgeBiometric(ctx context.Context, s *idproof.Session, d *Data, now time.Time) error {
	var names []string
	for n := range d.Images {
		if Biometric(n) {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := store.Delete(ctx, d.Images[n].Key); err != nil && !idproof.IsNotFound(err) {
				return err
			}
		}
	}
	for _, n := range names {
		delete(d.Images, n)
	}
	if d.Liveness != nil {
		d.Liveness.Frames = nil
	}
	d.BiometricPurgedTS = ms(now)
	d.History = append(d.History, HistoryEntry{Activity: ActivityBiometricPurged, TS: ms(now)})
	e.audit(s, d, RedactionBiometric, map[string]any{"scope": "biometric", "cause": CauseRetention, "images": len(names)}, now)
	e.emit(s, d, idproof.EventSessionRedacted, now)
	return nil
}
