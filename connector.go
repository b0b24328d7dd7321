package idproof

import (
	"context"
	"encoding/json"
)

// CheckResult is the result of one verification check.
type CheckResult string

// Check results. NOT_PERFORMED always says why in the check's reason; it is
// never counted as a pass.
const (
	CheckPass         CheckResult = "PASS"
	CheckFail         CheckResult = "FAIL"
	CheckNotPerformed CheckResult = "NOT_PERFORMED"
)

// Check is one verification check as every connector reports it, so the
// session outcome is derived the same way whichever connector ran.
type Check struct {
	Name   string      `json:"name"`
	Result CheckResult `json:"result"`
	// Part names the session check (document_liveness_front, ...) a
	// connector's detail check belongs to: the side it was made on. It is
	// empty on the session checks themselves.
	Part    string   `json:"part,omitempty"`
	Score   *float64 `json:"score,omitempty"`
	Reason  string   `json:"reason,omitempty"` // an IDV00nn code
	Message string   `json:"message,omitempty"`
	// Details are the measures the check was decided on (sharpness,
	// glare, read confidence, face size...), so an integrator can see why.
	Details   map[string]float64 `json:"details,omitempty"`
	Connector string             `json:"connector"`
	Version   string             `json:"version,omitempty"`
}

// DocumentData is what a verification extracted from the document. It is
// personal data: the engine deletes it when the session's retention ends.
type DocumentData struct {
	DocumentType   string `json:"documentType,omitempty"`
	DocumentID     string `json:"documentId,omitempty"`
	FirstName      string `json:"firstName,omitempty"`
	MiddleName     string `json:"middleName,omitempty"`
	LastName       string `json:"lastName,omitempty"`
	FullName       string `json:"fullName,omitempty"`
	DOB            string `json:"dob,omitempty"` // YYYY-MM-DD
	DOE            string `json:"doe,omitempty"`
	DOI            string `json:"doi,omitempty"`
	Gender         string `json:"gender,omitempty"`
	Country        string `json:"country,omitempty"`
	State          string `json:"state,omitempty"`
	Address        string `json:"address,omitempty"`
	ComplianceType string `json:"complianceType,omitempty"`
	MRZ            string `json:"mrz,omitempty"`
}

// Evidence is what a session gives a connector to verify.
type Evidence struct {
	SessionID    string
	DocumentType string
	User         SessionUser
	Checks       []string // the checks the verification config asks for
	Attempt      int      // 1 for the first verification, +1 per retry
	// Images by name (document_front_image, document_back_image,
	// selfie_liveness_image, ...), already checked and normalised.
	Images map[string][]byte
	// Extracted is the capture client's own extraction result, if any. It
	// is a claim to cross-check, never proof on its own.
	Extracted json.RawMessage
	// Challenge is the head movement the server asked for in this attempt
	// (turn_left, turn_right), and ChallengeFrames the names of the
	// images, in Images, of the burst filmed while the person made it;
	// both empty when no active liveness challenge was taken.
	Challenge       string
	ChallengeFrames []string
}

// Verdict is a connector's answer.
type Verdict struct {
	Checks []Check
	// Review means the connector asks for a human decision.
	Review bool
	// Retryable means a new capture might succeed (blur, glare, cut-off).
	Retryable bool
	Document  DocumentData
	Raw       json.RawMessage // the vendor's response, kept when returnRawData is set
	// Sandbox marks results that come from the sandbox connector; they can
	// never pass for real verification.
	Sandbox bool
}

// Connector checks evidence. Implementations are built from a session's
// connector and verification objects by the connector registry.
type Connector interface {
	// Type is the connector type id (sandbox, native, microblink, ...).
	Type() string
	// Verify checks the evidence. An error means the check could not be
	// performed (vendor down, bad credentials); the engine reports it as
	// NOT_PERFORMED, never as a pass.
	Verify(ctx context.Context, ev Evidence) (*Verdict, error)
}

// ConnectorSpec is the connector object of a session or verification
// configuration: {id, type, config}.
type ConnectorSpec struct {
	ID     string          `json:"id,omitempty"`
	Type   string          `json:"type"`
	Config json.RawMessage `json:"config,omitempty"`
}
