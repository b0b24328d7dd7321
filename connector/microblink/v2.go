package microblink

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/idproof/idproof"
)

// v2Response is the part of a BlinkID Verify v2 answer the connector reads.
// Everything else stays in the raw response.
type v2Response struct {
	ProcessingStatus string `json:"processingStatus"`
	Verification     *struct {
		RecommendedOutcome string `json:"recommendedOutcome"`
		Result             string `json:"result"`
	} `json:"verification"`
	Checks     []v2Check `json:"checks"`
	Extraction *struct {
		Overall []struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"overall"`
	} `json:"extraction"`
	Messages []struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	} `json:"messages"`
}

// v2Check is one check of the checks tree.
type v2Check struct {
	Name   string    `json:"name"`
	Result string    `json:"result"`
	Checks []v2Check `json:"checks"`
}

// maxChecks bounds the top-level checks of an answer; the documented
// answers have about ten. A list far longer is not a docver answer, and
// each entry would become a stored check.
const maxChecks = 100

// v2Outcomes maps recommendedOutcome to a decision.
var v2Outcomes = map[string]decision{
	"accept":         accept,
	"reject":         reject,
	"retry":          retry,
	"manuallyreview": review,
	"undeterminable": review,
}

// parseV2 reads a v2 answer. Only a Completed answer with a known
// recommendedOutcome is a result; anything else is an error.
func parseV2(raw []byte) (*result, error) {
	var resp v2Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("microblink: the v2 response is malformed: %w", err)
	}
	r := &result{}
	for _, m := range resp.Messages {
		code, msg := text(m.Code), text(m.Message)
		if strings.EqualFold(code, "W005") {
			r.retryHint = true
		}
		if code != "" || msg != "" {
			r.messages = append(r.messages, strings.TrimPrefix(code+": "+msg, ": "))
		}
	}
	if resp.ProcessingStatus == "" {
		return nil, errors.New("microblink: the v2 response has no processingStatus")
	}
	if !strings.EqualFold(resp.ProcessingStatus, "Completed") {
		return nil, fmt.Errorf("microblink: processingStatus is %q, not Completed%s", clip(resp.ProcessingStatus, 64), r.messageList())
	}
	if resp.Verification == nil || resp.Verification.RecommendedOutcome == "" {
		return nil, errors.New("microblink: the v2 response has no verification.recommendedOutcome")
	}
	r.word = resp.Verification.RecommendedOutcome
	d, ok := v2Outcomes[strings.ToLower(r.word)]
	if !ok {
		return nil, fmt.Errorf("microblink: unknown recommendedOutcome %q", clip(r.word, 64))
	}
	r.decision = d
	r.overall = mapResult(resp.Verification.Result)
	if len(resp.Checks) > maxChecks {
		return nil, fmt.Errorf("microblink: the v2 response has %d checks, more than %d", len(resp.Checks), maxChecks)
	}
	for _, c := range resp.Checks {
		name := clip(strings.TrimSpace(c.Name), 64)
		if name == "" {
			continue
		}
		r.details = append(r.details, detail{name: name, result: mapResult(c.Result), word: clip(c.Result, 64)})
		if strings.EqualFold(name, "DocumentLivenessCheck") {
			r.liveness = mapResult(c.Result)
		}
		r.failed = append(r.failed, failedV2(c, "")...)
	}
	if resp.Extraction != nil {
		fields := map[string]json.RawMessage{}
		for _, f := range resp.Extraction.Overall {
			if k := fieldKey(f.Field); k != "" {
				fields[k] = f.Value
			}
		}
		document(&r.doc, fields)
	}
	return r, nil
}

// failedV2 lists the failed checks of a tree, deepest first: the leaf that
// failed says more than the group it belongs to.
func failedV2(c v2Check, parent string) []string {
	path := strings.TrimSpace(c.Name)
	if parent != "" {
		path = parent + "." + path
	}
	var out []string
	for _, sub := range c.Checks {
		out = append(out, failedV2(sub, path)...)
	}
	if len(out) == 0 && mapResult(c.Result) == idproof.CheckFail {
		out = append(out, path)
	}
	return out
}
