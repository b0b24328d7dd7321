package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/idproof/idproof"
)

// Review is a reviewer's decision on a session.
type Review struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Reviewer string `json:"reviewer"`
	TS       int64  `json:"ts"`
	Previous string `json:"previous"`
}

// Reviewed is the reply of ReviewSession.
type Reviewed struct {
	SessionID string  `json:"sessionId"`
	Status    string  `json:"status"`
	Outcome   string  `json:"outcome"`
	Reason    string  `json:"reason"`
	Review    *Review `json:"review"`
}

// ReviewSession approves or rejects a session that completed with the
// outcome REVIEW: decision is "APPROVE" or "REJECT", reason is required.
func (c *Client) ReviewSession(ctx context.Context, sessionID, decision, reason string, opts ...CallOption) (*Reviewed, error) {
	var out Reviewed
	body := map[string]string{"decision": decision, "reason": reason}
	return &out, c.Do(ctx, http.MethodPost, "/proofingsession/"+url.PathEscape(sessionID)+"/review", body, &out, opts...)
}

// Redaction is a session's redaction status.
type Redaction struct {
	Status string `json:"status"` // NONE, BIOMETRIC_REDACTED, REDACTED
	Scope  string `json:"scope,omitempty"`
	Cause  string `json:"cause,omitempty"` // request, retention
	TS     int64  `json:"ts,omitempty"`
}

// Redacted is the reply of RedactSession.
type Redacted struct {
	SessionID string    `json:"sessionId"`
	Status    string    `json:"status"`
	Redaction Redaction `json:"redaction"`
}

// RedactSession deletes a session's personal data now; reason is optional
// and kept only as a digest. Redacting twice is harmless.
func (c *Client) RedactSession(ctx context.Context, sessionID, reason string, opts ...CallOption) (*Redacted, error) {
	var out Redacted
	var body any
	if reason != "" {
		body = map[string]string{"reason": reason}
	}
	return &out, c.Do(ctx, http.MethodPost, "/proofingsession/"+url.PathEscape(sessionID)+"/redact", body, &out, opts...)
}

// AuditTrail is a session's audit trail as exported.
type AuditTrail struct {
	SessionID string                `json:"sessionId"`
	Events    []*idproof.AuditEvent `json:"events"`
	Head      struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	} `json:"head"`
	ProofJWT string `json:"proof_jwt,omitempty"`
}

// SessionAudit fetches a session's audit trail. Check it with
// idproof.VerifyAuditChain, and its head against the proof's auditHead.
func (c *Client) SessionAudit(ctx context.Context, sessionID string, opts ...CallOption) (*AuditTrail, error) {
	var out AuditTrail
	return &out, c.Do(ctx, http.MethodGet, "/proofingsession/"+url.PathEscape(sessionID)+"/audit", nil, &out, opts...)
}
