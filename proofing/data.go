package proofing

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/idproof/idproof"
)

// Data is the engine's document inside idproof.Session.Data: everything a
// session keeps that listings do not filter on. Its personal parts
// (Extracted, and the verdict's document, raw answer and check messages)
// are stored sealed with the user, not in Session.Data (see personal.go);
// in memory, Data holds them in the clear.
type Data struct {
	URL              string          `json:"url"`
	Settings         Settings        `json:"settings"`
	Verification     json.RawMessage `json:"verification,omitempty"`
	WorkflowMetadata json.RawMessage `json:"workflowMetadata,omitempty"`
	History          []HistoryEntry  `json:"history"`
	Events           []Event         `json:"events,omitempty"`
	Verdict          *StoredVerdict  `json:"verdict,omitempty"`
	// Images are the checked, normalised images of the current attempt, by
	// name (document_front_image, selfie_liveness_image, ...).
	Images map[string]ImageRef `json:"images,omitempty"`
	// Extracted holds what the capture client extracted itself, by side
	// (document_front, document_back, selfie): a claim, not proof.
	Extracted map[string]json.RawMessage `json:"extracted,omitempty"`
	// UploadTypes lists the names presigned upload URLs were issued for,
	// with the Content-Type the last URL for each was bound to.
	UploadTypes map[string]string `json:"uploadTypes,omitempty"`
	// Liveness is the active liveness challenge of the current attempt.
	Liveness *LivenessChallenge `json:"liveness,omitempty"`
	// DeleteObjects asks the sweeper to delete the session's objects now,
	// ahead of retention (set by upload/cancel).
	DeleteObjects bool `json:"deleteObjects,omitempty"`
	// Reason explains the outcome or the terminal status (an IDV00nn code).
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// ProofJWT is the signed statement of the outcome, made at completion.
	ProofJWT string `json:"proofJwt,omitempty"`
	// VerifiedProofJWT is the same statement with the verified_claims of a
	// passed session added. It holds personal data: it is sealed with it
	// (personal.go) and goes with it when retention ends.
	VerifiedProofJWT string `json:"verifiedProofJwt,omitempty"`
	// Purged is set once personal data (the user, images, extracted data,
	// raw vendor responses, addresses in the history) has been deleted at
	// the end of retention.
	Purged   bool  `json:"purged,omitempty"`
	PurgedTS int64 `json:"purgedTS,omitempty"`
	// PurgeCause says why: CauseRetention ("" in older sessions) or
	// CauseRequest (redacted by the relying party).
	PurgeCause string `json:"purgeCause,omitempty"`
	// BiometricPurgedTS is when the biometric images went at the end of
	// their own retention (0: not yet, or with the rest).
	BiometricPurgedTS int64 `json:"biometricPurgedTS,omitempty"`
	// FinalSweepTS, after a purge, is when the bucket is looked at once
	// more for uploads made through presigned URLs issued before it.
	FinalSweepTS int64 `json:"finalSweepTS,omitempty"`
	// Review is a reviewer's decision on a session that completed with
	// the outcome REVIEW.
	Review *Review `json:"review,omitempty"`
	// AuditSeq and AuditHead are the sequence number and hash of the last
	// entry of the session's audit trail: the next entry chains to them.
	AuditSeq  int64  `json:"auditSeq,omitempty"`
	AuditHead string `json:"auditHead,omitempty"`

	// In memory only: who makes the change being prepared (for the audit
	// trail), and the status the session was loaded with (a write that
	// changes it puts the transition's webhook event in the outbox).
	caller Caller
	loaded idproof.SessionStatus
}

// ImageRef is a checked image stored in the community's bucket.
type ImageRef struct {
	Key         string `json:"key"`
	ContentType string `json:"contentType"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Bytes       int    `json:"bytes"`
	Source      string `json:"source"` // format received: jpeg, png, webp
	SHA256      string `json:"sha256"`
	TS          int64  `json:"ts"`
}

// HistoryEntry is one transition or notable action.
type HistoryEntry struct {
	Activity   string `json:"activity"`
	IPAddress  string `json:"ipAddress,omitempty"`
	UserAgent  string `json:"userAgent,omitempty"`
	ScreenName string `json:"screenName,omitempty"`
	TS         int64  `json:"ts"` // epoch milliseconds
}

// Event is a screen event the capture flow reported. Status and Error
// keep the JSON the client sent: the API document shows status as a
// boolean in one place and a string in another, and error as a string
// that some clients send as an object.
type Event struct {
	Name       string          `json:"name"`
	ScreenName string          `json:"screen_name,omitempty"`
	Status     json.RawMessage `json:"status,omitempty"`
	Error      json.RawMessage `json:"error,omitempty"`
	TS         int64           `json:"ts"`
}

// StoredVerdict is the last verification of the session.
type StoredVerdict struct {
	Attempt   int                  `json:"attempt"`
	Outcome   idproof.Outcome      `json:"outcome"`
	Reason    string               `json:"reason,omitempty"`
	Message   string               `json:"message,omitempty"`
	Checks    []idproof.Check      `json:"checks"`
	Review    bool                 `json:"review,omitempty"`
	Retryable bool                 `json:"retryable,omitempty"`
	Sandbox   bool                 `json:"sandbox,omitempty"`
	Connector string               `json:"connector"`
	Document  idproof.DocumentData `json:"document"`
	Raw       json.RawMessage      `json:"raw,omitempty"`
	TS        int64                `json:"ts"`
}

// uploadType is the Content-Type the upload of name was bound to.
func (d *Data) uploadType(name string) string {
	if ct, ok := d.UploadTypes[name]; ok {
		return ct
	}
	return UploadContentType(name)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func decodeData(s *idproof.Session) (*Data, error) {
	d := &Data{}
	if len(s.Data) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(s.Data, d); err != nil {
		return nil, fmt.Errorf("session %s data: %w", s.ID, err)
	}
	return d, nil
}

func encodeData(s *idproof.Session, d *Data) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	s.Data = b
	return nil
}
