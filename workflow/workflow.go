// Package workflow holds the rules of a proofing template's workflow: the
// ordered steps the hosted capture flow walks through (HTML screens, the
// captures of the document and the selfie, and the final processing), how a
// workflow is read from the API's JSON, what makes it valid, and the
// built-in default used when a community has none.
package workflow

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// Step types the capture flow knows.
const (
	TypeHTML          = "HTML"
	TypeCaptureFront  = "CAPTURE_FRONT"
	TypeCaptureBack   = "CAPTURE_BACK"
	TypeCaptureSelfie = "CAPTURE_SELFIE"
	TypeProcessing    = "PROCESSING"
)

// Types lists the step types in the order the API document names them.
var Types = []string{TypeHTML, TypeCaptureFront, TypeCaptureBack, TypeCaptureSelfie, TypeProcessing}

// ValidType reports whether t is one of Types.
func ValidType(t string) bool {
	for _, v := range Types {
		if t == v {
			return true
		}
	}
	return false
}

// Step is one screen of the capture flow.
type Step struct {
	// Name identifies the step within its workflow; actions jump to it.
	Name string `json:"name"`
	// HTML is the standard base64 of the page shown by the step: required
	// for HTML steps, optional (instructions around the camera) otherwise.
	HTML string `json:"html,omitempty"`
	// Type is one of Types.
	Type string `json:"type"`
	// Actions wire the page's events to calls and jumps.
	Actions []Action `json:"actions"`
	// Params map page fields to session data.
	Params []Param `json:"params"`
}

// Action is what the capture flow does when an event happens on a step.
// Every field is optional; the document's examples show them as null.
type Action struct {
	Name   string `json:"name,omitempty"`
	On     string `json:"on,omitempty"`     // the event, e.g. "click"
	Call   string `json:"call,omitempty"`   // an API call to make, e.g. "decline"
	JumpTo string `json:"jumpTo,omitempty"` // the name of the step to go to
	Script string `json:"script,omitempty"` // script to run in the page
}

// Param binds a field of the step's page to a named value.
type Param struct {
	Name  string `json:"name,omitempty"`
	Field string `json:"field,omitempty"`
}

// UnmarshalJSON reads a step. The API document's curl examples send
// actions and params as a single object instead of an array; both forms are
// accepted and a single object becomes a one-element list.
func (s *Step) UnmarshalJSON(b []byte) error {
	var raw struct {
		Name    string            `json:"name"`
		HTML    string            `json:"html"`
		Type    string            `json:"type"`
		Actions oneOrMany[Action] `json:"actions"`
		Params  oneOrMany[Param]  `json:"params"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Step{Name: raw.Name, HTML: raw.HTML, Type: raw.Type, Actions: raw.Actions, Params: raw.Params}
	return nil
}

// oneOrMany decodes a JSON array of T, or a single T as a one-element
// array. null leaves it empty.
type oneOrMany[T any] []T

func (m *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*m = []T{v}
		return nil
	}
	var list []T
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*m = list
	return nil
}

// Parse reads a workflow from JSON: an array of steps, or a single step
// object (as in the document's curl examples). Errors are EINVALID and
// name the offending step; Parse does not Validate.
func Parse(b []byte) ([]Step, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, idproof.Errorf(idproof.EINVALID, "workflow is required")
	}
	var items []json.RawMessage
	switch b[0] {
	case '{':
		items = []json.RawMessage{b}
	case '[':
		if err := json.Unmarshal(b, &items); err != nil {
			return nil, idproof.Errorf(idproof.EINVALID, "workflow is not a valid JSON array: %v", err)
		}
	default:
		return nil, idproof.Errorf(idproof.EINVALID, "workflow must be an array of steps or a single step object")
	}
	if len(items) > MaxSteps {
		return nil, idproof.Errorf(idproof.EINVALID, "workflow has %d steps; at most %d are allowed", len(items), MaxSteps)
	}
	steps := make([]Step, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &steps[i]); err != nil {
			return nil, idproof.Errorf(idproof.EINVALID, "workflow[%d]: %s", i, decodeErrorText(err))
		}
		steps[i].HTML = EncodeHTML(steps[i].HTML)
	}
	return steps, nil
}

// EncodeHTML returns html as standard base64, the form templates store.
// The API document asks for base64 but its own example sends the page as
// it is ("<div>hello</div>"): a value that is not the base64 of UTF-8 text
// is taken to be the page itself and encoded. Base64 text decodes to bytes
// that are almost never valid UTF-8 by chance, so a page is not mistaken
// for its encoding in practice; the size limits apply after encoding.
func EncodeHTML(html string) string {
	if html == "" || isBase64Text(html) {
		return html
	}
	return base64.StdEncoding.EncodeToString([]byte(html))
}

// isBase64Text reports whether v is standard base64 of UTF-8 text without
// control characters other than white space.
func isBase64Text(v string) bool {
	// Refuse oversize values before decoding; Validate reports their size.
	if base64.StdEncoding.DecodedLen(len(v)) > MaxHTMLBytes+2 {
		return true
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// decodeErrorText names the field of a JSON type error.
func decodeErrorText(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		what := "a step"
		if te.Field != "" {
			what = te.Field
		}
		return fmt.Sprintf("%s must be %s, not %s", what, jsonKind(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return "a " + goKind
}

// Normalize returns steps with nil action and param lists replaced by empty
// ones, so that stored and served workflows always show arrays there, as
// the capture flow expects.
func Normalize(steps []Step) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		if s.Actions == nil {
			s.Actions = []Action{}
		}
		if s.Params == nil {
			s.Params = []Param{}
		}
		out[i] = s
	}
	return out
}
