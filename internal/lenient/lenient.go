// Package lenient decodes JSON values in the forms the API document's
// examples and its users' clients actually send: numbers and booleans
// written as strings ("30", "false"), one value where a list is expected,
// and a list written as one string of choices ("a | b | c").
//
// Each type keeps its strictness about content: "abc" is not a number, and
// "yes" is not a boolean. Errors name the accepted forms, so a handler that
// reports them next to the field name gives the caller everything it needs.
package lenient

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Int is an integer sent as a JSON number (30, 30.0) or a string holding
// one ("30"). null and "" leave it unset.
type Int struct {
	Value int
	Set   bool
}

// Ptr returns the value, or nil when it was not sent.
func (i Int) Ptr() *int {
	if !i.Set {
		return nil
	}
	v := i.Value
	return &v
}

// Or returns the value, or def when it was not sent.
func (i Int) Or(def int) int {
	if !i.Set {
		return def
	}
	return i.Value
}

// UnmarshalJSON implements json.Unmarshaler.
func (i *Int) UnmarshalJSON(b []byte) error {
	text, isNull, err := scalar(b)
	if err != nil {
		return typeError(b, intType)
	}
	if isNull || strings.TrimSpace(text) == "" {
		*i = Int{}
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return typeError(b, intType)
	}
	*i = Int{Value: int(f), Set: true}
	return nil
}

// MarshalJSON writes the number, or null when unset.
func (i Int) MarshalJSON() ([]byte, error) {
	if !i.Set {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(i.Value), 10), nil
}

// Bool is a boolean sent as true/false or as the strings "true"/"false"
// (any case). null and "" leave it unset.
type Bool struct {
	Value bool
	Set   bool
}

// Ptr returns the value, or nil when it was not sent.
func (v Bool) Ptr() *bool {
	if !v.Set {
		return nil
	}
	b := v.Value
	return &b
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	text, isNull, err := scalar(b)
	if err != nil {
		return typeError(b, boolType)
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "":
		if !isNull && !isString(b) {
			return typeError(b, boolType)
		}
		*v = Bool{}
	case "true":
		*v = Bool{Value: true, Set: true}
	case "false":
		*v = Bool{Value: false, Set: true}
	default:
		return typeError(b, boolType)
	}
	return nil
}

// MarshalJSON writes the boolean, or null when unset.
func (v Bool) MarshalJSON() ([]byte, error) {
	if !v.Set {
		return []byte("null"), nil
	}
	return strconv.AppendBool(nil, v.Value), nil
}

// Strings is a list of strings sent as a JSON array, as one string, or as
// one string listing choices separated by '|' the way the API document
// writes enumerations ("dl_object | ppt_object"). Items are trimmed and
// empty items dropped.
type Strings []string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Strings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var list []string
	switch {
	case bytes.Equal(b, []byte("null")):
	case len(b) > 0 && b[0] == '[':
		var items []string
		if err := json.Unmarshal(b, &items); err != nil {
			return typeError(b, stringsType)
		}
		for _, it := range items {
			list = append(list, splitChoices(it)...)
		}
	default:
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return typeError(b, stringsType)
		}
		list = splitChoices(one)
	}
	*s = list
	return nil
}

// splitChoices splits "a | b" into its trimmed, non-empty parts.
func splitChoices(v string) []string {
	var out []string
	for _, p := range strings.Split(v, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// IsChoiceList reports whether v is written as a list of choices
// ("aws | gcp | azure"), which the API document uses to show the values a
// single-valued field may take.
func IsChoiceList(v string) bool { return len(splitChoices(v)) > 1 }

// scalar returns the text of a JSON number, boolean or string; isNull is
// true for null.
func scalar(b []byte) (text string, isNull bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false, errors.New("empty")
	}
	switch b[0] {
	case 'n':
		if string(b) == "null" {
			return "", true, nil
		}
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, err
		}
		return s, false, nil
	case '{', '[':
		return "", false, errors.New("not a scalar")
	}
	// A number or a literal: json.Valid keeps out garbage.
	if !json.Valid(b) {
		return "", false, errors.New("invalid")
	}
	return string(b), false, nil
}

func isString(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '"'
}

var (
	intType     = reflect.TypeFor[Int]()
	boolType    = reflect.TypeFor[Bool]()
	stringsType = reflect.TypeFor[Strings]()
)

// typeError reports a value of the wrong form as the json package's own
// type error, so that the decoder fills in the path of the field.
func typeError(b []byte, t reflect.Type) error {
	return &json.UnmarshalTypeError{Value: describe(b), Type: t}
}

// describe names what was sent, briefly: the kind of JSON value, and a
// short string as itself.
func describe(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) == nil && len(s) <= 40 {
			return strconv.Quote(s)
		}
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// Expected describes the forms a lenient type accepts, for error messages;
// ok is false for other types.
func Expected(t reflect.Type) (forms string, ok bool) {
	switch t {
	case intType:
		return `a whole number (30 or "30")`, true
	case boolType:
		return `true or false (or the strings "true" and "false")`, true
	case stringsType:
		return `a string, an array of strings, or choices written "a | b"`, true
	}
	return "", false
}

// Explain turns a JSON decoding error into a message that names the field
// and the forms it accepts, e.g. `field config.maxRetries must be a whole
// number (30 or "30"), not "three"`. Other errors keep their own text.
func Explain(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field == "" {
		return err.Error()
	}
	forms, ok := Expected(te.Type)
	if !ok {
		forms = kindName(te.Type)
	}
	return "field " + te.Field + " must be " + forms + ", not " + te.Value
}

// kindName describes a Go type as the JSON value it decodes from.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}
