package proofing

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/idproof/idproof"
)

// ResultOptions are the options of the result call.
type ResultOptions struct {
	V3                 bool // the v3 shape (apiVersion "v3" or the /v3 path)
	IncludeMetadata    bool
	AlwaysReturnAssets bool
	GranularStatus     bool // false: PENDING is reported as INPROGRESS
}

// Result returns the relying party's view of a session. The license must
// see the session's community; otherwise the session does not exist.
func (e *Engine) Result(ctx context.Context, lic *idproof.License, id string, o ResultOptions) (map[string]any, error) {
	s, d, err := e.sessionFor(ctx, lic, id)
	if err != nil {
		return nil, err
	}
	if !s.Status.Terminal() {
		status := s.Status
		if status == idproof.StatusPending && !o.GranularStatus {
			status = idproof.StatusInProgress
		}
		return map[string]any{"responseStatus": status, "id": s.ID}, nil
	}
	var out map[string]any
	if o.V3 {
		out = e.resultV3(s, d, o)
		// Images go out only for a pass, unless the caller asks for them
		// whatever the outcome, and never after retention.
		if doc, ok := out["document"].(map[string]any); ok && (s.Outcome == idproof.OutcomePass || o.AlwaysReturnAssets) && !purgeDue(s, d, e.now()) {
			bioGone := biometricDue(s, d, e.now())
			for field, name := range map[string]string{"image": "document_front_image", "imageBack": "document_back_image", "face": "document_front_face"} {
				if Biometric(name) && bioGone {
					continue // its retention ended; the sweeper deletes it soon
				}
				if ref, ok := d.Images[name]; ok {
					b, err := e.readObject(ctx, s, ref.Key)
					if err != nil {
						return nil, err
					}
					doc[field] = base64.StdEncoding.EncodeToString(b)
				}
			}
		}
	} else {
		out = e.resultV1(s, d, o)
	}
	// Beyond the API document: whether the personal data is gone.
	out["redaction"] = RedactionStatus(d)
	if o.IncludeMetadata {
		events := d.Events
		if events == nil {
			events = []Event{}
		}
		meta := map[string]any{"history": d.History, "events": events, "createdTS": ms(s.CreatedAt),
			"startedTS": ms(s.StartedAt), "completedTS": ms(s.CompletedAt), "retries": s.Retries, "purged": d.Purged,
			"workflowMetadata": d.WorkflowMetadata}
		if c := d.Liveness; c != nil {
			meta["liveness"] = map[string]any{"direction": c.Direction, "attempt": c.Attempt, "received": len(c.Frames)}
		}
		out["metadata"] = meta
	}
	return out, nil
}

// sessionFor is the session id, brought up to date, if the license sees
// its community; a session it does not see does not exist.
func (e *Engine) sessionFor(ctx context.Context, lic *idproof.License, id string) (*idproof.Session, *Data, error) {
	s, d, err := e.Session(ctx, id)
	if idproof.IsNotFound(err) || (err == nil && !lic.CanAccess(s.TenantID, s.CommunityID)) {
		return nil, nil, idproof.Errorf(idproof.ENOTFOUND, "session %s not found", id)
	}
	return s, d, err
}

// document returns the verdict's document and whether one exists. Once
// retention has ended the document reads empty, even before the sweeper
// has deleted it.
func (d *Data) document(s *idproof.Session, now time.Time) (idproof.DocumentData, bool) {
	if d.Verdict == nil {
		return idproof.DocumentData{}, false
	}
	if purgeDue(s, d, now) {
		return idproof.DocumentData{DocumentType: d.Verdict.Document.DocumentType}, true
	}
	return d.Verdict.Document, true
}

// proofToken is the signed result a result shows: the one with verified
// claims while the personal data is there, the plain one once retention
// has ended (even before the sweeper has deleted the other), after a
// purge, and for a session that has no verified claims.
func (d *Data) proofToken(s *idproof.Session, now time.Time) string {
	if d.VerifiedProofJWT == "" || d.Purged || purgeDue(s, d, now) {
		return d.ProofJWT
	}
	return d.VerifiedProofJWT
}

func (e *Engine) resultV1(s *idproof.Session, d *Data, o ResultOptions) map[string]any {
	out := map[string]any{
		"responseStatus": s.Status, "sessionId": s.ID, "resultStatus": s.Outcome,
		"token": d.proofToken(s, e.now()), "publicKey": e.ServerPublicKey, "reason": d.Reason, "message": d.Message,
	}
	if doc, ok := d.document(s, e.now()); ok {
		v := d.Verdict
		obj := map[string]any{
			"type": s.DocumentType, "documentType": doc.DocumentType, "documentId": doc.DocumentID,
			"firstName": doc.FirstName, "middleName": doc.MiddleName, "lastName": doc.LastName, "fullName": doc.FullName,
			"dob": doc.DOB, "doe": doc.DOE, "doi": doc.DOI, "gender": doc.Gender, "country": doc.Country,
			"state": doc.State, "address": doc.Address, "verified": s.Outcome == idproof.OutcomePass,
			"result": s.Outcome, "checks": v.Checks, "connector": v.Connector, "sandbox": v.Sandbox, "proof_jwt": d.proofToken(s, e.now()),
		}
		out[s.DocumentType] = obj
		out["liveid_object"] = map[string]any{"checks": selfieChecks(v.Checks), "sandbox": v.Sandbox}
		if len(v.Raw) > 0 {
			out["raw_data"] = v.Raw
		}
		out["sandbox"] = v.Sandbox
	}
	return out
}

func selfieChecks(checks []idproof.Check) []idproof.Check {
	out := []idproof.Check{}
	for _, c := range checks {
		if c.Name == "selfie_liveness" || c.Name == "face_compare" {
			out = append(out, c)
		}
	}
	return out
}

// resultV3 is the shape the vendor's current clients read.
func (e *Engine) resultV3(s *idproof.Session, d *Data, _ ResultOptions) map[string]any {
	sessionResult := "FAILED"
	if s.Status == idproof.StatusCompleted && s.Outcome == idproof.OutcomePass {
		sessionResult = "SUCCESS"
	}
	doc, _ := d.document(s, e.now())
	out := map[string]any{
		"sessionResult": sessionResult, "sessionId": s.ID, "resultStatus": s.Outcome, "status": s.Status,
		"sessionData": map[string]any{"user": s.User, "documentType": s.DocumentType},
		"extractedInfo": map[string]any{"documentType": s.DocumentType, "documentId": doc.DocumentID,
			"firstName": doc.FirstName, "lastName": doc.LastName, "doe": doc.DOE},
	}
	sandbox := d.Verdict != nil && d.Verdict.Sandbox
	if d.Verdict != nil {
		out["document"] = map[string]any{
			"category": "identity_document", "proofedBy": d.Verdict.Connector, "documentType": s.DocumentType,
			"type": s.DocumentType, "country": doc.Country, "state": doc.State, "image": "", "imageBack": "", "face": "",
			"documentId": doc.DocumentID, "id": doc.DocumentID, "firstName": doc.FirstName, "familyName": doc.LastName,
			"lastName": doc.LastName, "fullName": doc.FullName, "complianceType": doc.ComplianceType, "mrzResult": doc.MRZ,
			"dob": doc.DOB, "doe": doc.DOE, "doi": doc.DOI, "gender": doc.Gender, "proof_jwt": d.proofToken(s, e.now()),
			"sandbox": sandbox,
		}
	}
	out["sandbox"] = sandbox
	if sessionResult != "SUCCESS" {
		status := string(s.Status)
		if s.Status == idproof.StatusCompleted && s.Outcome != "" {
			status = string(s.Outcome)
		}
		out["errorInfo"] = map[string]any{
			"status": status, "message": d.Message, "reason": Reasons[d.Reason], "reason_code": d.Reason,
			"type": s.DocumentType, "docType": s.DocumentType, "docId": doc.DocumentID, "ts": ms(s.CompletedAt),
		}
	}
	return out
}
