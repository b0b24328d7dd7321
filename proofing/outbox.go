package proofing

import (
	"encoding/json"
	"time"

	"github.com/idproof/idproof"
)

// Webhook events. The engine puts them in the outbox with the change they
// report (Session.Outbox, stored in the change's transaction); the webhook
// dispatcher delivers them. Transitions are found by comparing the status
// a session was loaded with and the one it is written with; the events
// that are not transitions (a review's decision, a redaction) are put
// there by the code making them.

// webhookPayload is the body delivered to endpoints: ids and statuses,
// never personal data. A receiver fetches the result for the rest.
type webhookPayload struct {
	ID      string      `json:"id"`
	Type    string      `json:"type"`
	Created int64       `json:"created"` // Unix seconds
	Data    webhookData `json:"data"`
}

type webhookData struct {
	SessionID    string                `json:"sessionId"`
	TenantID     string                `json:"tenantId"`
	CommunityID  string                `json:"communityId"`
	DVCID        string                `json:"dvcID,omitempty"`
	DocumentType string                `json:"documentType"`
	Status       idproof.SessionStatus `json:"status"`
	Outcome      idproof.Outcome       `json:"outcome,omitempty"`
	Reason       string                `json:"reason,omitempty"`
	Review       *reviewEvent          `json:"review,omitempty"`
	Redaction    *Redaction            `json:"redaction,omitempty"`
}

// reviewEvent is what session.reviewed says of the decision; the
// reviewer's words stay out (they may name the person).
type reviewEvent struct {
	Decision string `json:"decision"`
}

// emit puts an event of type typ about s in the outbox.
func (e *Engine) emit(s *idproof.Session, d *Data, typ string, now time.Time) {
	if ev := e.webhookEvent(s, d, typ, now); ev != nil {
		s.Outbox = append(s.Outbox, ev)
	}
}

// webhookEvent is the event of type typ about s as it is now.
func (e *Engine) webhookEvent(s *idproof.Session, d *Data, typ string, now time.Time) *idproof.WebhookEvent {
	p := webhookPayload{ID: idproof.NewUUID(), Type: typ, Created: now.Unix(), Data: webhookData{
		SessionID: s.ID, TenantID: s.TenantID, CommunityID: s.CommunityID, DVCID: s.DVCID,
		DocumentType: s.DocumentType, Status: s.Status, Outcome: s.Outcome, Reason: d.Reason,
	}}
	switch typ {
	case idproof.EventSessionReviewed:
		if d.Review != nil {
			p.Data.Review = &reviewEvent{Decision: d.Review.Decision}
		}
	case idproof.EventSessionRedacted:
		p.Data.Redaction = d.redaction()
	}
	b, err := json.Marshal(p)
	if err != nil {
		e.log().Error("webhook payload", "session", s.ID, "err", err)
		return nil
	}
	return &idproof.WebhookEvent{
		ID: p.ID, TenantID: s.TenantID, CommunityID: s.CommunityID, SessionID: s.ID,
		Type: typ, Payload: b, CreatedAt: now,
	}
}

// transitionEvent is the event type of moving to s's status from the
// status it was loaded with, or "" when the status did not change.
func transitionEvent(s *idproof.Session, d *Data, create bool) string {
	if create {
		return idproof.EventSessionCreated
	}
	if s.Status == d.loaded {
		return ""
	}
	switch s.Status {
	case idproof.StatusInProgress:
		return idproof.EventSessionStarted
	case idproof.StatusCompleted:
		if s.Outcome == idproof.OutcomeReview {
			return idproof.EventSessionReview
		}
		return idproof.EventSessionCompleted
	case idproof.StatusExpired:
		return idproof.EventSessionExpired
	case idproof.StatusAbandoned:
		return idproof.EventSessionAbandoned
	case idproof.StatusDeclined:
		return idproof.EventSessionDeclined
	}
	return ""
}
