package authenticid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Reason codes this connector reports (the catalog is proofing/reasons.go).
const (
	reasonFailed       = "IDV0010"
	reasonNoImages     = "IDV0016"
	reasonNotAvailable = "IDV0022"
	reasonReview       = "IDV0023"
	reasonExpired      = "IDV0030"
)

// documentChecks are the checks one AuthenticID authentication decision
// answers; the selfie checks need the face API, which is not called.
var documentChecks = map[string]bool{
	"document_liveness_front": true,
	"document_liveness_back":  true,
	"fraud_detection":         true,
}

// decision is the vendor's overall answer, in taxonomy terms.
type decision int

const (
	decUnknown decision = iota
	decPass
	decFail
	decReview
)

// decisionWord maps the vendor's result or segment word. Segment names are
// configured per account, so only unmistakable words count; the rest are
// unknown, which is an error and never a pass.
func decisionWord(w string) decision {
	switch strings.ToLower(strings.TrimSpace(w)) {
	case "passed", "pass", "verified", "approved":
		return decPass
	case "failed", "fail", "fraud", "rejected", "declined":
		return decFail
	case "attention", "review", "manual review", "caution", "uncertain", "suspicious":
		return decReview
	}
	return decUnknown
}

// ActionCodes is the vendor's recommendation for the capture: code 99 (in
// the vendor's examples) means no rescan is suggested.
type ActionCodes struct {
	Code          *FlexInt `json:"code"`
	ActionMessage string   `json:"actionMessage,omitempty"`
	Category      string   `json:"cat,omitempty"`
}

// FlexInt is an integer the vendor may send as a number or a string
// (action codes, sequence numbers).
type FlexInt int

// UnmarshalJSON accepts 99 and "99"; null leaves n as it is.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%s is not a whole number", b)
	}
	*n = FlexInt(v)
	return nil
}

// verdictFor builds the verdict for the requested checks from one overall
// outcome: result and reason for the document checks, review and retry
// flags, and a message naming the vendor's words.
func verdictFor(checks []string, result idproof.CheckResult, reason, msg string, hasBack bool) *idproof.Verdict {
	v := &idproof.Verdict{}
	for _, name := range checks {
		c := idproof.Check{Name: name, Result: result, Reason: reason, Message: msg, Connector: TypeID, Version: Version}
		switch {
		case !documentChecks[name]:
			c.Result, c.Reason = idproof.CheckNotPerformed, reasonNotAvailable
			c.Message = "AuthenticID: this check is not available in this connector"
		case name == "document_liveness_back" && !hasBack:
			c.Result, c.Reason, c.Message = idproof.CheckNotPerformed, reasonNoImages, "AuthenticID: no back image was uploaded"
		}
		v.Checks = append(v.Checks, c)
	}
	return v
}

// answer is the part of a vendor response the decision rests on.
type answer struct {
	codes *ActionCodes
	word  string // AuthenticationResult or segment name
	// emptyPasses is set for CFWeb, where a completed transaction with the
	// expected action code and no segment name is the documented pass.
	emptyPasses bool
	failed      int // thresholds the vendor reports as failed (CFWeb)
	hasBack     bool
}

// decide turns an answer into a verdict for the requested checks, or an
// error when the answer cannot be understood. A failure stands even when a
// rescan is suggested: a document judged fraudulent is not worth a retry.
func decide(checks []string, wantCode int, a answer) (*idproof.Verdict, error) {
	if a.codes == nil || a.codes.Code == nil {
		return nil, fmt.Errorf("authenticid: the response has no action code")
	}
	d := decisionWord(a.word)
	if strings.TrimSpace(a.word) == "" && a.emptyPasses {
		d = decPass
	}
	if a.failed > 0 {
		d = decFail
	}
	if code := int(*a.codes.Code); code != wantCode && d != decFail {
		v := verdictFor(checks, idproof.CheckFail, reasonFailed, fmt.Sprintf("AuthenticID suggests a new capture (action code %d: %s)", code, a.codes.ActionMessage), a.hasBack)
		v.Retryable = true
		return v, nil
	}
	switch d {
	case decPass:
		return verdictFor(checks, idproof.CheckPass, "", join(" ", "AuthenticID: document authenticated", paren(a.word)), a.hasBack), nil
	case decFail:
		return verdictFor(checks, idproof.CheckFail, reasonFailed, join(" ", "AuthenticID: document authentication failed", paren(a.word)), a.hasBack), nil
	case decReview:
		v := verdictFor(checks, idproof.CheckNotPerformed, reasonReview, join(" ", "AuthenticID asks for manual review", paren(a.word)), a.hasBack)
		v.Review = true
		return v, nil
	}
	return nil, fmt.Errorf("authenticid: unknown authentication result %q", a.word)
}

func paren(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return "(" + s + ")"
}

// documentData fills DocumentData from extracted fields, which may be
// named DQL_Final_X_Result (DQL output) or plain X (CFWeb pii, CFAir
// DocumentEncoding). Classification fields come prefixed "Classification.".
func documentData(f map[string]string, docType string) idproof.DocumentData {
	get := func(names ...string) string {
		for _, n := range names {
			for _, key := range []string{"DQL_Final_" + n + "_Result", n} {
				if v := strings.TrimSpace(f[key]); v != "" {
					return v
				}
			}
		}
		return ""
	}
	d := idproof.DocumentData{
		DocumentType: docType,
		DocumentID:   get("DocumentNumber"),
		FirstName:    get("FirstName", "GivenName"),
		MiddleName:   get("MiddleName"),
		LastName:     get("Surname", "LastName"),
		FullName:     get("FullName"),
		DOB:          normDate(get("BirthDate")),
		DOE:          normDate(get("ExpirationDate")),
		DOI:          normDate(get("IssueDate")),
		Gender:       normSex(get("Sex")),
		Country:      get("DQL_Classification_DocumentIssuerCountryCode", "DocumentIssuerCountryCode", "Classification.country"),
		State:        get("Classification.state", "AddressState"),
	}
	if d.FullName == "" {
		d.FullName = join(" ", d.FirstName, d.MiddleName, d.LastName)
	}
	d.Address = join(", ", get("AddressLine1"), get("AddressLine2"), get("AddressCity"), get("AddressState"), get("AddressPostalCode"))
	if d.Address == "" {
		d.Address = get("Address")
	}
	return d
}

func join(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func normSex(s string) string {
	switch strings.ToUpper(s) {
	case "M", "MALE":
		return "M"
	case "F", "FEMALE":
		return "F"
	}
	return s
}

// stringFields adds the string values of a JSON object to f, with prefix
// before each key; other values (numbers, objects, images) are left to Raw.
func stringFields(f map[string]string, prefix string, obj map[string]json.RawMessage) {
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			f[prefix+k] = s
		}
	}
}

// dateLayouts are the unambiguous date formats seen in AuthenticID output
// (21/May/1987) and the ISO forms. All-numeric day/month orders are left
// out on purpose: 05/06/1987 cannot be read safely.
var dateLayouts = []string{
	"2006-01-02", "2006/01/02", "20060102", "02/Jan/2006", "2/Jan/2006", "02-Jan-2006", "2-Jan-2006",
	"02 Jan 2006", "2 Jan 2006", "Jan 02, 2006", "Jan 2, 2006", "02/January/2006", "2 January 2006", "January 2, 2006",
}

// normDate returns s as YYYY-MM-DD, or "" when s is not in a known format.
func normDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10] // a timestamp: keep its date
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1850 && t.Year() <= 2200 {
			return t.Format("2006-01-02")
		}
	}
	return ""
}
