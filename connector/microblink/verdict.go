package microblink

import (
	"fmt"
	"strings"

	"github.com/idproof/idproof"
)

// Reason codes this connector reports; the catalog is proofing/reasons.go.
const (
	reasonModuleFailed = "IDV0010"
	reasonNoImages     = "IDV0016"
	reasonNotPerformed = "IDV0021"
	reasonNotAvailable = "IDV0022"
	reasonReview       = "IDV0023"
)

// decision is the vendor's overall answer, whichever API version gave it.
type decision int

const (
	accept       decision = iota // v2 Accept, v1 PASS
	reject                       // v2 Reject, v1 FAIL
	retry                        // v2 Retry
	review                       // v2 ManuallyReview or Undeterminable
	notPerformed                 // v1 NOT_PERFORMED
)

// result is a parsed vendor answer.
type result struct {
	decision decision
	word     string              // the vendor's own outcome word, for messages
	overall  idproof.CheckResult // the overall fraud verdict, "" if not given
	liveness idproof.CheckResult // the document liveness check, "" if not given
	details  []detail            // the vendor's top-level checks
	failed   []string            // every failed vendor check, as a dotted path
	messages []string            // the vendor's messages, "code: text"
	// retryHint means the vendor blames the capture (W005, blur), so a new
	// capture might succeed even though this attempt failed.
	retryHint bool
	doc       idproof.DocumentData
}

// detail is one of the vendor's own checks.
type detail struct {
	name   string
	result idproof.CheckResult
	word   string // the vendor's result word
}

// requested are the checks to report: the session's, or fraud_detection
// alone, which stands for the vendor's overall verdict.
func requested(ev idproof.Evidence) []string {
	if len(ev.Checks) == 0 {
		return []string{"fraud_detection"}
	}
	return ev.Checks
}

// mapResult maps a vendor result word in either spelling (Pass, PASS,
// NotPerformed, NOT_PERFORMED) to a check result; "" if it is not one.
func mapResult(word string) idproof.CheckResult {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(word), "_", "")) {
	case "pass":
		return idproof.CheckPass
	case "fail":
		return idproof.CheckFail
	case "notperformed":
		return idproof.CheckNotPerformed
	}
	return ""
}

// verdict turns a parsed answer into checks. backSent tells whether a back
// image was sent: without one the back of the document was not checked,
// whatever the overall outcome.
func (r *result) verdict(ev idproof.Evidence, backSent bool, version string) *idproof.Verdict {
	v := &idproof.Verdict{
		Review:    r.decision == review,
		Retryable: r.decision == retry || (r.retryHint && (r.decision == reject || r.decision == notPerformed)),
		Document:  r.doc,
	}
	for _, name := range requested(ev) {
		c := r.sessionCheck(name, backSent)
		c.Name, c.Connector, c.Version = name, TypeID, version
		v.Checks = append(v.Checks, c)
	}
	for _, d := range r.details {
		c := r.detailCheck(d)
		c.Connector, c.Version = TypeID, version
		v.Checks = append(v.Checks, c)
	}
	return v
}

// sessionCheck answers one requested session check.
func (r *result) sessionCheck(name string, backSent bool) idproof.Check {
	var related idproof.CheckResult
	var relatedName string
	switch name {
	case "selfie_liveness", "face_compare":
		return idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonNotAvailable,
			Message: "Microblink document verification does not check selfies or faces"}
	case "document_liveness_back":
		if !backSent {
			return idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonNoImages,
				Message: "no back image was uploaded, so Microblink did not check the back of the document"}
		}
		related, relatedName = r.liveness, "the document liveness check"
	case "document_liveness_front":
		related, relatedName = r.liveness, "the document liveness check"
	case "fraud_detection":
		related, relatedName = r.overall, "the overall fraud check"
	default:
		return idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonNotAvailable,
			Message: fmt.Sprintf("%s is not a check Microblink performs", name)}
	}
	var c idproof.Check
	switch r.decision {
	case accept:
		switch related {
		case "", idproof.CheckPass:
			c = idproof.Check{Result: idproof.CheckPass, Message: "Microblink: " + r.word}
		case idproof.CheckFail:
			// The vendor accepted the document but reports this very check
			// failed; the contradiction is not resolved in the user's favour.
			c = idproof.Check{Result: idproof.CheckFail, Reason: reasonModuleFailed,
				Message: fmt.Sprintf("Microblink: %s, but %s failed", r.word, relatedName)}
		default:
			c = idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonNotPerformed,
				Message: fmt.Sprintf("Microblink: %s, but %s was not performed", r.word, relatedName)}
		}
	case reject:
		c = idproof.Check{Result: idproof.CheckFail, Reason: reasonModuleFailed,
			Message: "Microblink: " + r.word + r.failedList()}
	case retry:
		c = idproof.Check{Result: idproof.CheckFail, Reason: reasonModuleFailed,
			Message: "Microblink: " + r.word + "; the images were not good enough, a new capture may succeed" + r.failedList()}
	case review:
		if related == idproof.CheckPass {
			c = idproof.Check{Result: idproof.CheckPass, Message: fmt.Sprintf("Microblink: %s; %s passed", r.word, relatedName)}
		} else {
			c = idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonReview,
				Message: fmt.Sprintf("Microblink: %s; %s is %s, left to manual review", r.word, relatedName, wordOr(related, "not reported"))}
		}
	default:
		c = idproof.Check{Result: idproof.CheckNotPerformed, Reason: reasonNotPerformed,
			Message: "Microblink: " + r.word + "; the verification was not performed"}
	}
	c.Message += r.messageList()
	return c
}

// detailCheck reports one of the vendor's own checks as it is, except under
// a review request: a failed detail would end the session FAILED and take
// the decision away from the reviewer the vendor asked for.
func (r *result) detailCheck(d detail) idproof.Check {
	c := idproof.Check{Name: "microblink." + d.name, Result: d.result, Message: "Microblink " + d.name + ": " + d.word}
	switch {
	case d.result == "":
		c.Result, c.Reason = idproof.CheckNotPerformed, reasonNotPerformed
		c.Message = fmt.Sprintf("Microblink %s: unknown result %q", d.name, d.word)
	case d.result == idproof.CheckFail && r.decision == review:
		c.Result, c.Reason = idproof.CheckNotPerformed, reasonReview
		c.Message += "; left to manual review"
	case d.result == idproof.CheckFail:
		c.Reason = reasonModuleFailed
	case d.result == idproof.CheckNotPerformed:
		c.Reason = reasonNotPerformed
	}
	return c
}

func wordOr(r idproof.CheckResult, none string) string {
	if r == "" {
		return none
	}
	return string(r)
}

// failedList names the failed vendor checks for a message.
func (r *result) failedList() string {
	if len(r.failed) == 0 {
		return ""
	}
	return clip("; failed checks: "+strings.Join(r.failed, ", "), 600)
}

// messageList quotes the vendor's messages for a check message.
func (r *result) messageList() string {
	if len(r.messages) == 0 {
		return ""
	}
	return clip(" (Microblink messages: "+strings.Join(r.messages, "; ")+")", 600)
}
