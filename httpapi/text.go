package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// Text at the edge. PostgreSQL's text columns refuse NUL and invalid UTF-8
// (SQLite keeps both), so text that reached a store unchecked would be a
// 500 on one store and stored by the other. Text is checked here, with
// one answer on both stores: a 400 naming the field, or for an id in a
// path, the 404 of an id that names nothing. Three rules:
//
//   - every path value is strict text: valid UTF-8 without control
//     characters;
//   - every string of a JSON body, keys included, is valid UTF-8 without
//     NUL and without control characters other than tab, line feed,
//     carriage return and the information separators U+001C–U+001F: the
//     capture clients send barcode payloads (AAMVA separates its fields
//     with line feeds, record separators and carriage returns);
//   - identifiers, names, filters and other fields that are stored as
//     text, searched or shown are strict text (checkText), whatever the
//     body rule lets through.

// textProblem returns why v is not acceptable text, or "" when it is.
// allowed reports the control characters v may hold; nil allows none.
func textProblem(v string, allowed func(rune) bool) string {
	for i, r := range v {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(v[i:]); n == 1 {
				return "is not valid UTF-8"
			}
		case r == 0:
			return "contains control characters (NUL, U+0000)"
		case unicode.IsControl(r) && (allowed == nil || !allowed(r)):
			return fmt.Sprintf("contains control characters (U+%04X)", r)
		}
	}
	return ""
}

// bodyControl reports whether r is a control character a body's strings
// may carry: the whitespace of multi-line text and the separators of
// barcode payloads.
func bodyControl(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x1c && r <= 0x1f)
}

// checkText checks a field that must be strict text: valid UTF-8 without
// control characters.
func checkText(field, v string) error {
	if p := textProblem(v, nil); p != "" {
		return errorf(idproof.EINVALID, "%s %s", field, p)
	}
	return nil
}

// checkTexts is checkText on each pair of field name and value.
func checkTexts(fieldValues ...string) error {
	for i := 0; i+1 < len(fieldValues); i += 2 {
		if err := checkText(fieldValues[i], fieldValues[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// pathEntity names what the id wildcards of the route table identify.
// A path value that is not even text names nothing: it is answered as an
// unknown id would be. Other wildcards (names, the template's dvcId, event
// names) are fields, and get a 400.
func pathEntity(pattern, wildcard string) string {
	switch wildcard {
	case "sessionId":
		return "session"
	case "tenantId":
		return "tenant"
	case "communityId":
		return "community"
	case "dvcID":
		return "verification config"
	case "keyId":
		return "service key"
	case "deliveryId":
		return "webhook delivery"
	case "id":
		switch {
		case strings.Contains(pattern, "/licenses/"):
			return "license"
		case strings.HasPrefix(pattern[strings.IndexByte(pattern, ' ')+1:], "/webhooks/"):
			return "webhook"
		}
		return "template"
	}
	return ""
}

// checkPathText wraps the handler of rt so that its path values are
// checked before it runs (after authentication, which adapt does first).
// Public routes are left alone: they reach no store with a path value, or
// check their own (the capture pages answer in HTML).
func checkPathText(rt route) handlerFunc {
	pattern, h := rt.pattern, rt.handle
	names := wildcards(pattern)
	if rt.class == public || len(names) == 0 {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		for _, name := range names {
			p := textProblem(r.PathValue(name), nil)
			switch {
			case p == "":
			case pathEntity(pattern, name) != "":
				return errorf(idproof.ENOTFOUND, "%s not found: %s %s", pathEntity(pattern, name), name, p)
			default:
				return errorf(idproof.EINVALID, "%s %s", name, p)
			}
		}
		return h(w, r)
	}
}

// wildcards returns the names of the wildcards of a ServeMux pattern.
func wildcards(pattern string) []string {
	var names []string
	for rest := pattern; ; {
		_, after, ok := strings.Cut(rest, "{")
		if !ok {
			return names
		}
		name, tail, _ := strings.Cut(after, "}")
		names = append(names, strings.TrimSuffix(name, "..."))
		rest = tail
	}
}

// checkBodyText checks every string of a JSON body, as unwrapBody returns
// it. Most bodies hold nothing to find, and for them the check is one pass
// over the bytes; only a body with invalid UTF-8, a raw control byte or an
// escaped control character is walked, to name the field at fault.
func checkBodyText(body []byte, err error) ([]byte, error) {
	if err != nil || !suspectText(body) {
		return body, err
	}
	if err := walkText(body); err != nil {
		return nil, err
	}
	return body, nil
}

// suspectText reports whether body may hold a string the body rule
// refuses. It may say yes for a body that holds none (an escaped
// backslash followed by "u0000"); walkText decides.
func suspectText(body []byte) bool {
	if !utf8.Valid(body) {
		return true
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !textMarks[c] {
			continue
		}
		switch {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		case c == 0x7f:
			return true
		case c == 0xc2:
			// U+0080–U+009F, the C1 controls, are C2 80 to C2 9F.
			if i+1 < len(body) && body[i+1] <= 0x9f {
				return true
			}
		case c == '\\' && i+1 < len(body):
			i++
			switch body[i] {
			case 'b', 'f':
				return true
			case 'u':
				if i+4 < len(body) {
					if r, ok := hex4(body[i+1 : i+5]); ok && unicode.IsControl(r) && !bodyControl(r) {
						return true
					}
				}
			}
		}
	}
	return false
}

// textMarks are the bytes suspectText looks at twice; images in base64
// hold none of them, and are passed over at the cost of a table look-up.
var textMarks = func() (m [256]bool) {
	for c := range 0x20 {
		m[c] = true
	}
	m[0x7f], m[0xc2], m['\\'] = true, true, true
	return m
}()

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// textFrame is an object or array being walked: the key or index of its
// current member.
type textFrame struct {
	object, wantKey bool
	key             string
	index           int
}

// walkText walks the first JSON value of body and returns a 400 naming the
// first string, key or value, that the body rule refuses. A body that is
// not JSON is left to the decoder, which explains its fault better, unless
// the fault is a raw control character in a string: that one is named.
func walkText(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []textFrame
	var prev int64
	next := func() {
		if n := len(stack); n > 0 {
			if f := &stack[n-1]; f.object {
				f.wantKey = true
			} else {
				f.index++
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			var se *json.SyntaxError
			if !errors.As(err, &se) {
				return nil
			}
			switch c, ok := rawControl(body, dec.InputOffset()); {
			case !ok:
				return nil
			case bodyControl(rune(c)):
				return textError(stack, fmt.Sprintf("contains control characters (U+%04X, unescaped: JSON writes it \\u%04X)", c, c))
			default:
				return textError(stack, fmt.Sprintf("contains control characters (U+%04X)", c))
			}
		}
		off := dec.InputOffset()
		span := body[prev:off]
		prev = off
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, textFrame{object: true, wantKey: true})
			case '[':
				stack = append(stack, textFrame{})
			default:
				stack = stack[:len(stack)-1]
				next()
			}
		case string:
			p := textProblem(t, bodyControl)
			if !utf8.Valid(span) {
				// The decoder has put U+FFFD in the place of the bytes.
				p = "is not valid UTF-8"
			}
			if p != "" {
				return textError(stack, p)
			}
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = t, false
				continue
			}
			next()
		default:
			next()
		}
		if len(stack) == 0 {
			return nil
		}
	}
}

// rawControl returns the raw control byte of the string that follows off
// in body, if there is one: the syntax error the decoder reports there.
func rawControl(body []byte, off int64) (byte, bool) {
	i := int(off)
	for i < len(body) && strings.IndexByte(" \t\n\r:,", body[i]) >= 0 {
		i++
	}
	if i >= len(body) || body[i] != '"' {
		return 0, false
	}
	for i++; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\':
			i++
		case c == '"':
			return 0, false
		case c < 0x20:
			return c, true
		}
	}
	return 0, false
}

// textError is the 400 for the string at the walk's position. A key that
// is being read is reported against its object.
func textError(stack []textFrame, problem string) error {
	if n := len(stack); n > 0 && stack[n-1].wantKey {
		return errorf(idproof.EINVALID, "%s has a key that %s", textPath(stack[:n-1], "request body"), problem)
	}
	return errorf(idproof.EINVALID, "%s %s", textPath(stack, "request body"), problem)
}

// textPath renders the position of the walk as the API document writes
// fields: sessionRequest.user.uid, imagesUrl[0].
func textPath(stack []textFrame, root string) string {
	var b strings.Builder
	for _, f := range stack {
		if !f.object {
			fmt.Fprintf(&b, "[%d]", f.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		k := f.key
		if len(k) > 40 {
			k = k[:40] + "…"
		}
		b.WriteString(k)
	}
	if b.Len() == 0 {
		return root
	}
	return b.String()
}
