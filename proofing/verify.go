package proofing

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/idproof/idproof"
)

// verifyTimeout bounds one connector call.
const verifyTimeout = 60 * time.Second

// verifyAndStore runs the connector outside any transaction (it may take
// seconds) and stores the verdict only if the session is still at the same
// attempt with no verdict, so a concurrent retry or completion wins cleanly.
func (e *Engine) verifyAndStore(ctx context.Context, s *idproof.Session, a Actor) (*idproof.Session, *Data, error) {
	d, err := e.decode(s)
	if err != nil {
		return nil, nil, err
	}
	attempt := s.Retries + 1
	v := e.runConnector(ctx, s, d, attempt)
	return e.change(ctx, s.ID, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "be validated")
		}
		if d.Verdict != nil || s.Retries+1 != attempt {
			return errNoChange // someone else verified or retried meanwhile
		}
		v.TS = ms(now)
		d.Verdict = v
		e.record(s, d, ActivityValidated, a, "", now, e.verdictDetail(v))
		return nil
	})
}

// runConnector verifies the session's evidence and turns every failure to
// verify into NOT_PERFORMED checks with a reason, never a pass.
func (e *Engine) runConnector(ctx context.Context, s *idproof.Session, d *Data, attempt int) *StoredVerdict {
	checks := d.Settings.Checks
	notPerformed := func(connector, reason, msg string) *StoredVerdict {
		v := &StoredVerdict{Attempt: attempt, Connector: connector, Document: idproof.DocumentData{DocumentType: s.DocumentType}}
		for _, c := range checks {
			v.Checks = append(v.Checks, idproof.Check{Name: c, Result: idproof.CheckNotPerformed, Reason: reason, Message: msg, Connector: connector})
		}
		v.Outcome, v.Reason, v.Message = idproof.OutcomeNotPerformed, reason, msg
		return v
	}
	raw, err := e.Keyring.Open(s.ConnectorSealed)
	if err != nil {
		return notPerformed("", ReasonConnectorError, "the session's connector configuration cannot be opened")
	}
	var spec idproof.ConnectorSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return notPerformed("", ReasonConnectorError, "the session's connector configuration is invalid")
	}
	if d.Settings.Skip {
		return notPerformed(spec.Type, ReasonNotPerformed, "verification is skipped by the configuration")
	}
	conn, err := e.Connectors.New(spec, d.Verification)
	if err != nil {
		return notPerformed(spec.Type, ReasonConnectorError, idproof.ErrorMessage(err))
	}
	images, err := e.loadImages(ctx, s, d)
	if err != nil {
		e.log().Warn("load session images", "session", s.ID, "err", err)
		return notPerformed(spec.Type, ReasonConnectorError, "the session's images cannot be read from its bucket")
	}
	var extracted json.RawMessage
	if len(d.Extracted) > 0 {
		extracted, _ = json.Marshal(d.Extracted)
	}
	ev := idproof.Evidence{
		SessionID: s.ID, DocumentType: s.DocumentType, User: s.User, Checks: checks, Attempt: attempt,
		Images: images, Extracted: extracted,
	}
	if c := d.Liveness; c != nil && c.Attempt == attempt && len(c.Frames) > 0 {
		ev.Challenge, ev.ChallengeFrames = c.Direction, c.Frames
	}
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	start := time.Now() // see Observer
	res, err := conn.Verify(ctx, ev)
	e.observer().ConnectorCalled(spec.Type, time.Since(start), err)
	if err != nil {
		e.log().Warn("connector failed", "session", s.ID, "connector", spec.Type, "err", err)
		return notPerformed(spec.Type, ReasonConnectorError, "the verification connector failed: "+err.Error())
	}
	v := &StoredVerdict{
		Attempt: attempt, Connector: spec.Type, Checks: completeChecks(checks, res.Checks, spec.Type),
		Review: res.Review, Retryable: res.Retryable, Sandbox: res.Sandbox, Document: res.Document,
	}
	if d.Settings.ReturnRawData {
		v.Raw = res.Raw
	}
	v.Outcome, v.Reason, v.Message = DeriveOutcome(v.Checks, v.Review, d.Settings.FraudDetectFailureBypass)
	return v
}

// completeChecks adds a NOT_PERFORMED entry for every requested check the
// connector did not report, so a silent connector cannot pass a check.
func completeChecks(requested []string, got []idproof.Check, connector string) []idproof.Check {
	out := append([]idproof.Check(nil), got...)
	seen := map[string]bool{}
	for _, c := range got {
		seen[c.Name] = true
	}
	for _, name := range requested {
		if !seen[name] {
			out = append(out, idproof.Check{Name: name, Result: idproof.CheckNotPerformed, Reason: ReasonNotReported, Message: Reasons[ReasonNotReported], Connector: connector})
		}
	}
	return out
}

// DeriveOutcome is the one rule from checks to a session outcome: any
// failure fails (a failure of fraud_detection, or of a detail check that is
// part of it, is ignored when the config bypasses it); otherwise a review request means REVIEW; otherwise any
// check not performed means NOT_PERFORMED; only all-pass passes.
func DeriveOutcome(checks []idproof.Check, review, bypassFraud bool) (idproof.Outcome, string, string) {
	if len(checks) == 0 {
		return idproof.OutcomeNotPerformed, ReasonNotPerformed, "no check was performed"
	}
	var notPerformed *idproof.Check
	for i, c := range checks {
		switch c.Result {
		case idproof.CheckFail:
			if bypassFraud && (c.Name == "fraud_detection" || c.Part == "fraud_detection") {
				continue
			}
			reason := c.Reason
			if reason == "" {
				reason = ReasonModuleFailed
			}
			return idproof.OutcomeFailed, reason, moduleFailed(c.Name)
		case idproof.CheckPass:
		default:
			if notPerformed == nil {
				notPerformed = &checks[i]
			}
		}
	}
	if review {
		return idproof.OutcomeReview, ReasonReview, Reasons[ReasonReview]
	}
	if notPerformed != nil {
		reason := notPerformed.Reason
		if reason == "" {
			reason = ReasonNotPerformed
		}
		return idproof.OutcomeNotPerformed, reason, notPerformed.Message
	}
	return idproof.OutcomePass, "", ""
}

// ProofClaims is what proof_jwt states. A completed session is signed
// twice with the same claims (and its own jti): once as they are, holding
// no personal data (the extracted document is bound by its digest), so the
// token can outlive the data's retention; and, for a passed session, once
// more with VerifiedClaims added, which holds the holder's names and
// document number and is kept sealed with the personal data. Results show
// the second while the personal data is there, the first once retention
// has ended.
type ProofClaims struct {
	Issuer         string          `json:"iss"`
	Subject        string          `json:"sub"` // the session id
	IssuedAt       int64           `json:"iat"`
	ID             string          `json:"jti"`
	TenantID       string          `json:"tenantId"`
	CommunityID    string          `json:"communityId"`
	DVCID          string          `json:"dvcID,omitempty"`
	DocumentType   string          `json:"documentType"`
	Status         string          `json:"status"`
	ResultStatus   idproof.Outcome `json:"resultStatus"`
	Reason         string          `json:"reason,omitempty"`
	Checks         []proofCheck    `json:"checks"`
	DocumentDigest string          `json:"documentDigest,omitempty"`
	// FaceDistance is the descriptor distance between the selfie and the
	// document portrait when face_compare measured one: a number, not a
	// biometric, so a relying party can apply a stricter threshold.
	FaceDistance *float64 `json:"faceDistance,omitempty"`
	Sandbox      bool     `json:"sandbox"`
	// AuditHead is the hash of the last entry of the session's audit trail
	// when the token was signed, which binds the trail to the result: an
	// exported trail whose entry has that hash is the one that led to it.
	AuditHead string `json:"auditHead,omitempty"`
	// VerifiedClaims is the OpenID Connect for Identity Assurance
	// statement of a passed session (claims.go), in the verified token
	// only.
	VerifiedClaims *VerifiedClaims `json:"verified_claims,omitempty"`
}

type proofCheck struct {
	Name   string              `json:"name"`
	Result idproof.CheckResult `json:"result"`
	Reason string              `json:"reason,omitempty"`
}

// signProofs signs the outcome of a completed session into d.ProofJWT
// and, when the session passed with a checked document, d.VerifiedProofJWT.
// It replaces both, so that a session signed again (its outcome changed)
// keeps no token that states the old one; a token that cannot be signed
// is left empty and logged.
func (e *Engine) signProofs(s *idproof.Session, d *Data, now time.Time) {
	d.ProofJWT, d.VerifiedProofJWT = "", ""
	if e.Signer == nil || s.Status != idproof.StatusCompleted {
		return
	}
	c := proofClaims(s, d, e.PublicURL, now)
	tok, err := e.Signer.Sign(c)
	if err != nil {
		e.log().Error("sign proof", "session", s.ID, "err", err)
		return
	}
	d.ProofJWT = tok
	if c.VerifiedClaims = verifiedClaims(s, d, now); c.VerifiedClaims == nil {
		return
	}
	c.ID = idproof.NewUUID()
	if tok, err = e.Signer.Sign(c); err != nil {
		e.log().Error("sign verified proof", "session", s.ID, "err", err)
		return
	}
	d.VerifiedProofJWT = tok
}

// proofClaims are the claims of the plain token of a session at now.
func proofClaims(s *idproof.Session, d *Data, issuer string, now time.Time) ProofClaims {
	c := ProofClaims{
		Issuer: issuer, Subject: s.ID, IssuedAt: now.Unix(), ID: idproof.NewUUID(),
		TenantID: s.TenantID, CommunityID: s.CommunityID, DVCID: s.DVCID, DocumentType: s.DocumentType,
		Status: string(s.Status), ResultStatus: s.Outcome, Reason: d.Reason, Checks: []proofCheck{},
		AuditHead: d.AuditHead,
	}
	if v := d.Verdict; v != nil {
		c.Sandbox = v.Sandbox
		for _, ch := range v.Checks {
			c.Checks = append(c.Checks, proofCheck{ch.Name, ch.Result, ch.Reason})
			if d, ok := ch.Details["distance"]; ok && ch.Name == "face_compare" && ch.Part == "" {
				c.FaceDistance = &d
			}
		}
		if v.Document != (idproof.DocumentData{DocumentType: v.Document.DocumentType}) {
			c.DocumentDigest = DocumentDigest(v.Document)
		}
	}
	return c
}

// DocumentDigest is base64url(SHA-256(JSON of the document data)): a
// relying party that kept the data can prove it is what was verified.
func DocumentDigest(doc idproof.DocumentData) string {
	b, _ := json.Marshal(doc)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
