package workflow

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"github.com/idproof/idproof"
)

// Limits of a workflow. They keep a template small enough to store in one
// row and to send to a browser, and far above what a real flow needs.
const (
	MaxSteps        = 50
	MaxActions      = 20        // per step
	MaxParams       = 50        // per step
	MaxHTMLBytes    = 512 << 10 // decoded, per step
	MaxTotalHTML    = 4 << 20   // decoded, whole workflow
	MaxNameLen      = 128       // step, action and param names, on, call, jumpTo, field
	MaxScriptLength = 64 << 10
)

// Validate checks a workflow: at least one step and at most MaxSteps; every
// step named, uniquely; a known type; html present for HTML steps and, when
// present, standard base64 within the size limits. Every failure is
// EINVALID and names the step index and field, e.g. workflow[2].html.
//
// A jumpTo that names no step is kept, not refused: the API document's own
// example jumps to a step its workflow does not have, and a template may be
// written before the step it jumps to. The capture flow goes on to the next
// step instead.
func Validate(steps []Step) error {
	if len(steps) == 0 {
		return invalid("workflow needs at least one step")
	}
	if len(steps) > MaxSteps {
		return invalid("workflow has %d steps; at most %d are allowed", len(steps), MaxSteps)
	}
	index := make(map[string]int, len(steps))
	total := 0
	for i, s := range steps {
		at := fmt.Sprintf("workflow[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			return invalid("%s.name is required", at)
		}
		if err := checkText(at+".name", s.Name); err != nil {
			return err
		}
		if j, dup := index[s.Name]; dup {
			return invalid("%s.name %q is already the name of workflow[%d]; step names must be unique", at, s.Name, j)
		}
		index[s.Name] = i
		if s.Type == "" {
			return invalid("%s.type is required: one of %s", at, strings.Join(Types, ", "))
		}
		if !ValidType(s.Type) {
			return invalid("%s.type %.40q is not one of %s", at, s.Type, strings.Join(Types, ", "))
		}
		n, err := checkHTML(at, s)
		if err != nil {
			return err
		}
		total += n
		if total > MaxTotalHTML {
			return invalid("%s.html: the workflow's pages add up to more than %d bytes", at, MaxTotalHTML)
		}
		if err := checkLists(at, s); err != nil {
			return err
		}
	}
	return nil
}

// checkHTML checks the html of a step and returns its decoded size.
func checkHTML(at string, s Step) (int, error) {
	if s.HTML == "" {
		if s.Type == TypeHTML {
			return 0, invalid("%s.html is required for an HTML step (the page, base64 encoded)", at)
		}
		return 0, nil
	}
	// Refuse oversize pages before decoding them.
	if base64.StdEncoding.DecodedLen(len(s.HTML)) > MaxHTMLBytes+2 {
		return 0, invalid("%s.html is larger than %d bytes", at, MaxHTMLBytes)
	}
	page, err := base64.StdEncoding.DecodeString(s.HTML)
	if err != nil {
		return 0, invalid("%s.html is not valid standard base64: %v", at, err)
	}
	if len(page) > MaxHTMLBytes {
		return 0, invalid("%s.html is larger than %d bytes", at, MaxHTMLBytes)
	}
	return len(page), nil
}

// checkLists checks the sizes and texts of a step's actions and params.
func checkLists(at string, s Step) error {
	if len(s.Actions) > MaxActions {
		return invalid("%s.actions has %d entries; at most %d are allowed", at, len(s.Actions), MaxActions)
	}
	if len(s.Params) > MaxParams {
		return invalid("%s.params has %d entries; at most %d are allowed", at, len(s.Params), MaxParams)
	}
	for k, a := range s.Actions {
		pre := fmt.Sprintf("%s.actions[%d].", at, k)
		for _, f := range []struct{ name, v string }{{"name", a.Name}, {"on", a.On}, {"call", a.Call}, {"jumpTo", a.JumpTo}} {
			if err := checkText(pre+f.name, f.v); err != nil {
				return err
			}
		}
		if len(a.Script) > MaxScriptLength {
			return invalid("%sscript is longer than %d bytes", pre, MaxScriptLength)
		}
	}
	for k, p := range s.Params {
		pre := fmt.Sprintf("%s.params[%d].", at, k)
		if err := checkText(pre+"name", p.Name); err != nil {
			return err
		}
		if err := checkText(pre+"field", p.Field); err != nil {
			return err
		}
	}
	return nil
}

// checkText bounds a short identifier-like value. Control characters are
// refused because these values end up in page scripts and log lines.
func checkText(field, v string) error {
	if len(v) > MaxNameLen {
		return invalid("%s is longer than %d bytes", field, MaxNameLen)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return invalid("%s contains control characters", field)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, format, args...)
}
