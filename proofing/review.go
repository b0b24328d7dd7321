package proofing

import (
	"context"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Review decisions.
const (
	DecisionApprove = "APPROVE"
	DecisionReject  = "REJECT"
)

// maxReviewReason bounds a reviewer's reason.
const maxReviewReason = 1000

// Review is a reviewer's decision on a session whose connector asked for
// manual review.
type Review struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Reviewer string `json:"reviewer"`
	TS       int64  `json:"ts"`
	// Previous is the outcome the decision replaced (REVIEW).
	Previous idproof.Outcome `json:"previous"`
}

// Review records a reviewer's decision on a session the license sees that
// completed with the outcome REVIEW: APPROVE makes it COMPLETED_PASS,
// REJECT COMPLETED_FAILED (IDV0035). The decision goes into the history
// and the audit trail, the signed proof is made again for the new
// outcome, and session.reviewed and session.completed are sent. A session
// not awaiting review (never asked for, or decided already) is a 400.
func (e *Engine) Review(ctx context.Context, lic *idproof.License, id, decision, reason string) (*idproof.Session, *Data, error) {
	decision = strings.ToUpper(strings.TrimSpace(decision))
	if decision != DecisionApprove && decision != DecisionReject {
		return nil, nil, invalid("decision must be APPROVE or REJECT")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, nil, invalid("reason is required: say why the session is approved or rejected")
	}
	if len(reason) > maxReviewReason {
		return nil, nil, invalid("reason is longer than %d characters", maxReviewReason)
	}
	s, d, err := e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if !lic.CanAccess(s.TenantID, s.CommunityID) {
			return idproof.Errorf(idproof.ENOTFOUND, "session %s not found", id)
		}
		if s.Status != idproof.StatusCompleted || s.Outcome != idproof.OutcomeReview {
			if r := d.Review; r != nil {
				return idproof.Errorf(idproof.ECONFLICT, "session was reviewed already: %s at %s", r.Decision, time.UnixMilli(r.TS).UTC().Format(time.RFC3339))
			}
			state := string(s.Status)
			if s.Outcome != "" {
				state += " with the outcome " + string(s.Outcome)
			}
			return invalid("session is %s: only a session completed with the outcome REVIEW awaits a decision", state)
		}
		d.Review = &Review{Decision: decision, Reason: reason, Reviewer: d.caller.Who, TS: ms(now), Previous: s.Outcome}
		if decision == DecisionApprove {
			s.Outcome, d.Reason, d.Message = idproof.OutcomePass, "", ""
		} else {
			s.Outcome, d.Reason, d.Message = idproof.OutcomeFailed, ReasonReviewRejected, Reasons[ReasonReviewRejected]
		}
		activity := "REVIEW_APPROVED"
		if decision == DecisionReject {
			activity = "REVIEW_REJECTED"
		}
		e.record(s, d, activity, Actor{}, "", now, map[string]any{
			"decision": decision, "reasonSha256": digest(reason), "previous": d.Review.Previous, "outcome": s.Outcome,
		})
		e.signProofs(s, d, now)
		e.emit(s, d, idproof.EventSessionReviewed, now)
		e.emit(s, d, idproof.EventSessionCompleted, now)
		return nil
	})
	if idproof.IsNotFound(err) {
		return nil, nil, idproof.Errorf(idproof.ENOTFOUND, "session %s not found", id)
	}
	return s, d, err
}
