// Package sandbox is a connector with outcomes chosen by the caller, so an
// integrator can drive every outcome from a test. Its results are marked
// sandbox everywhere; they never pass for real verification.
//
// The outcome is chosen by a magic word in the user's uid (or, once a
// document is extracted, its document number), checked in this order:
//
//	sandbox-error          the connector fails: every check NOT_PERFORMED (IDV0020)
//	sandbox-notperformed   every check NOT_PERFORMED (IDV0021)
//	sandbox-review         checks pass, manual review requested (REVIEW)
//	sandbox-retry-pass     first attempt fails and may be retried; later attempts pass
//	sandbox-retry          every attempt fails and may be retried (IDV0010)
//	sandbox-fail           every check fails (IDV0010)
//	anything else          every check passes
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
)

// TypeID is the connector type id.
const TypeID = "sandbox"

// Version is reported in every check.
const Version = "1"

// Type registers the sandbox connector.
func Type() connector.Type {
	return connector.Type{
		ID:  TypeID,
		New: func(connector.Config) (idproof.Connector, error) { return Connector{}, nil },
		Infos: []connector.Info{
			{VerifierType: TypeID, DocType: idproof.DocDriversLicense},
			{VerifierType: TypeID, DocType: idproof.DocIDCard},
			{VerifierType: TypeID, DocType: idproof.DocPassport},
		},
	}
}

// Connector is the sandbox connector; it has no configuration.
type Connector struct{}

// Type returns TypeID.
func (Connector) Type() string { return TypeID }

// ErrSandbox is what the sandbox-error magic word produces.
var ErrSandbox = errors.New("sandbox connector error requested by sandbox-error")

// Verify answers according to the magic word; see the package comment.
func (Connector) Verify(_ context.Context, ev idproof.Evidence) (*idproof.Verdict, error) {
	word := strings.ToLower(ev.User.UID + " " + documentNumber(ev.Extracted))
	v := &idproof.Verdict{Sandbox: true, Document: document(ev)}
	result, reason, msg := idproof.CheckPass, "", "sandbox: passed"
	switch {
	case strings.Contains(word, "sandbox-error"):
		return nil, ErrSandbox
	case strings.Contains(word, "sandbox-notperformed"):
		result, reason, msg = idproof.CheckNotPerformed, "IDV0021", "sandbox: not performed as requested"
	case strings.Contains(word, "sandbox-review"):
		v.Review = true
	case strings.Contains(word, "sandbox-retry-pass") && ev.Attempt <= 1:
		result, reason, msg, v.Retryable = idproof.CheckFail, "IDV0010", "sandbox: failed, retry to pass", true
	case strings.Contains(word, "sandbox-retry-pass"):
	case strings.Contains(word, "sandbox-retry"):
		result, reason, msg, v.Retryable = idproof.CheckFail, "IDV0010", "sandbox: failed, retryable", true
	case strings.Contains(word, "sandbox-fail"):
		result, reason, msg = idproof.CheckFail, "IDV0010", "sandbox: failed as requested"
	}
	checks := ev.Checks
	if len(checks) == 0 {
		checks = []string{"document_liveness_front"}
	}
	for _, name := range checks {
		v.Checks = append(v.Checks, idproof.Check{Name: name, Result: result, Reason: reason, Message: msg, Connector: TypeID, Version: Version})
	}
	return v, nil
}

// documentNumber finds the document number the capture client extracted
// from either side.
func documentNumber(extracted json.RawMessage) string {
	var sides map[string]struct {
		DocumentNumber string `json:"documentNumber"`
	}
	_ = json.Unmarshal(extracted, &sides)
	var out []string
	for _, s := range sides {
		out = append(out, s.DocumentNumber)
	}
	return strings.Join(out, " ")
}

// document makes obviously synthetic document data from the session's user.
func document(ev idproof.Evidence) idproof.DocumentData {
	return idproof.DocumentData{
		DocumentType: ev.DocumentType,
		DocumentID:   "SANDBOX-" + strings.ToUpper(strings.SplitN(ev.SessionID, "-", 2)[0]),
		FirstName:    ev.User.Firstname,
		LastName:     ev.User.Lastname,
		FullName:     strings.TrimSpace(ev.User.Firstname + " " + ev.User.Lastname),
		Country:      "UTO",
	}
}
