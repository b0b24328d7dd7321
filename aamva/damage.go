package aamva

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// damage says why the value v of element id, read for a typed field,
// cannot be trusted, or "" when it can. A damaged value is never repaired:
// cutting a lost element back out of it, or dropping characters that were
// not decoded, would be guessing. swallowed lists the elements found
// inside v.
func (f docFields) damage(id, v string) (why string, swallowed []string) {
	if strings.IndexFunc(v, undecodable) >= 0 {
		return "holds characters that were not decoded", nil
	}
	if ids := f.swallowed(id, v); len(ids) > 0 {
		return fmt.Sprintf("runs into element %s: the separator between them is missing", strings.Join(ids, ", ")), ids
	}
	return "", nil
}

// undecodable reports whether r is what a decoder leaves for a byte it
// could not read (U+FFFD), or a control character, which no value holds:
// C0, and C1 as Latin-1 decoding yields it from mis-decoded UTF-8.
func undecodable(r rune) bool {
	return r == utf8.RuneError || r < ' ' || (r >= 0x7f && r < 0xa0)
}

// coded lists the elements whose values are numbers, dates and codes, in
// which the letters of an element ID (D, then A to D, then a letter) do
// not occur by chance after the first character.
var coded = map[string]bool{
	"DAQ": true, "DBA": true, "DBB": true, "DBD": true, "DBC": true, "DCG": true,
	"DAJ": true, "DAK": true, "DAO": true, "DAP": true, "DAU": true, "DAY": true, "DCF": true,
}

// swallowed returns the IDs of the elements that stand inside the value v
// of element id because the separator before them was lost. The ID must
// be one the subfile lacks. In a coded value any such ID counts. In free
// text (names, addresses), where "ADAMS" spells DAM, it counts only if
// the required fields need it (f.lost) or the version makes it mandatory
// and a value of its form follows (such as "DDEN" at the end of a name):
// a compliant payload lacks neither, so such names are safe on it.
func (f docFields) swallowed(id, v string) []string {
	var ids []string
	for i := 1; i+3 <= len(v); i++ {
		in := v[i : i+3]
		if !isDocElement([]byte(in)) {
			continue
		}
		if _, present := f.sf.Elements[in]; present {
			continue
		}
		if coded[id] || f.lost[in] || f.mandatory(in, v[i+3:]) {
			ids = append(ids, in)
			i += 2
		}
	}
	return ids
}

// mandatory reports whether element id must be in a payload of this
// version, and rest starts with a value of its form followed by nothing
// or another element.
func (f docFields) mandatory(id, rest string) bool {
	m, ok := mandatory[id]
	if !ok || f.version < m.since {
		return false
	}
	if _, alt := f.sf.Elements[m.unless]; m.unless != "" && alt {
		return false
	}
	// An empty value (DAD with no middle name) at the very end counts too.
	n := m.form(rest)
	return n == len(rest) || (n > 0 && isDocElement([]byte(rest[n:])))
}

// mandatory lists elements every payload must carry from version since
// on, unless it has element unless instead, with the form of their values
// (form returns the length of the value at the start of its argument, or
// 0). Version 1 allowed a residence address (DAL-DAP) instead of the
// mailing one.
var mandatory = map[string]struct {
	since  int
	unless string
	form   func(string) int
}{
	"DAQ": {1, "", anyText},
	"DBA": {1, "", eightDigits},
	"DBB": {1, "", eightDigits},
	"DBC": {1, "", oneOf("1", "2", "9", "M", "F", "X")},
	"DBD": {1, "", anyText},
	"DAY": {1, "", anyText},
	"DAG": {1, "DAL", anyText},
	"DAI": {1, "DAN", anyText},
	"DAJ": {1, "DAO", anyText},
	"DAK": {1, "DAP", anyText},
	"DCG": {2, "", oneOf("USA", "CAN", "MEX")},
	"DCS": {2, "", anyText},
	"DAU": {2, "", anyText},
	"DCA": {2, "", anyText},
	"DCB": {2, "", anyText},
	"DCD": {2, "", anyText},
	"DCF": {2, "", anyText},
	"DAC": {4, "", anyText},
	"DAD": {4, "", anyText},
	"DDE": {4, "", oneOf("N", "T", "U")},
	"DDF": {4, "", oneOf("N", "T", "U")},
	"DDG": {4, "", oneOf("N", "T", "U")},
}

// anyText is the form of free-text values: anything not empty.
func anyText(s string) int { return len(s) }

func eightDigits(s string) int {
	if _, ok := digitsAt([]byte(s), 0, 8); ok {
		return 8
	}
	return 0
}

func oneOf(values ...string) func(string) int {
	return func(s string) int {
		for _, v := range values {
			if strings.HasPrefix(s, v) {
				return len(v)
			}
		}
		return 0
	}
}
