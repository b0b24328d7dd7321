package httpapi

import (
	"net/http"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// The relying party's operations on a session beyond the API document:
// a reviewer's decision, redaction on request, and the audit trail.

type reviewRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// reviewView answers a review: the session's new state and the decision.
type reviewView struct {
	SessionID string                `json:"sessionId"`
	Status    idproof.SessionStatus `json:"status"`
	Outcome   idproof.Outcome       `json:"outcome"`
	Reason    string                `json:"reason"`
	Review    *proofing.Review      `json:"review"`
}

func (s *Server) reviewSession(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var req reviewRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if err := checkTexts("decision", req.Decision); err != nil {
		return err
	}
	sess, d, err := s.engine.Review(r.Context(), callerFrom(r.Context()).License, id, req.Decision, req.Reason)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, reviewView{SessionID: sess.ID, Status: sess.Status, Outcome: sess.Outcome, Reason: d.Reason, Review: d.Review})
}

type redactRequest struct {
	Reason string `json:"reason"`
}

type redactView struct {
	SessionID string                `json:"sessionId"`
	Status    idproof.SessionStatus `json:"status"`
	Redaction proofing.Redaction    `json:"redaction"`
}

func (s *Server) redactSession(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var req redactRequest
	if r.ContentLength != 0 {
		// The body is optional: a reason, kept only as a digest.
		if err := s.decode(r, &req); err != nil {
			return err
		}
	}
	sess, d, err := s.engine.Redact(r.Context(), callerFrom(r.Context()).License, id, req.Reason)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, redactView{SessionID: sess.ID, Status: sess.Status, Redaction: proofing.RedactionStatus(d)})
}

func (s *Server) sessionAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	out, err := s.engine.Audit(r.Context(), callerFrom(r.Context()).License, id)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, out)
}
