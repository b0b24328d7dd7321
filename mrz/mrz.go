// Package mrz parses the machine readable zone of travel documents as
// defined by ICAO Doc 9303: TD1 cards (3 lines of 30 characters), TD2
// documents (2 lines of 36), TD3 passports (2 lines of 44), and the visa
// layouts MRV-A and MRV-B that share the TD3 and TD2 sizes.
//
// Parsing is separate from validation. Parse fails only when the text
// cannot be an MRZ at all (empty, wrong shape, characters outside 0-9, A-Z
// and '<'); a text of the right shape always yields a Result whose Checks
// and Errors say what is wrong with it, so a caller can show the fields
// and every failed check together. Valid reports internal consistency
// (check digits, dates, sex code) only: whether the document has expired
// or belongs to the person presenting it is for the caller to decide.
package mrz

import (
	"fmt"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Format is the layout of a machine readable zone.
type Format string

// The layouts, named as in ICAO Doc 9303.
const (
	TD1  Format = "TD1"  // cards: 3 lines of 30 characters
	TD2  Format = "TD2"  // 2 lines of 36 characters
	TD3  Format = "TD3"  // passports: 2 lines of 44 characters
	MRVA Format = "MRVA" // visas the size of TD3, document code V
	MRVB Format = "MRVB" // visas the size of TD2, document code V
)

// Result is a parsed machine readable zone. String fields hold the values
// with their trailing filler removed; Lines holds the zone as parsed.
type Result struct {
	Format       Format `json:"format"`
	DocumentCode string `json:"documentCode"` // "P", "I", "ID", "AC", "V"...
	IssuingState string `json:"issuingState"` // ICAO code, e.g. "UTO" or "D"
	// PrimaryIdentifier is the surname; SecondaryIdentifier the given
	// names, separated by single spaces.
	PrimaryIdentifier   string `json:"primaryIdentifier"`
	SecondaryIdentifier string `json:"secondaryIdentifier"`
	// DocumentNumber is the whole number, including the part a number
	// longer than nine characters continues in the optional data.
	DocumentNumber string `json:"documentNumber"`
	Nationality    string `json:"nationality"`
	BirthDate      Date   `json:"birthDate"`
	// Sex is "M", "F", "X" (unspecified, written '<'), or "" when the
	// zone holds something else.
	Sex        string `json:"sex"`
	ExpiryDate Date   `json:"expiryDate"`
	// OptionalData1 is the optional data after the document number (TD1),
	// the optional data of line 2 (TD2, visas) or the personal number
	// (TD3), less any document number continuation.
	OptionalData1 string `json:"optionalData1"`
	// OptionalData2 is the optional data of a TD1 card's second line.
	OptionalData2 string `json:"optionalData2,omitempty"`
	// Checks lists every check digit of the layout, in zone order.
	Checks []Check  `json:"checks"`
	Lines  []string `json:"lines"`
	faults []string // field errors other than check digits
}

// Check is one check digit: Got is the character on the document, Expected
// the digit computed from the data it protects.
type Check struct {
	Field    string `json:"field"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
	Valid    bool   `json:"valid"`
}

// Valid reports whether every check digit matches and every date and code
// is well formed.
func (r *Result) Valid() bool { return len(r.Errors()) == 0 }

// Errors lists what is wrong with the zone, one sentence per problem,
// naming the field: failed check digits first, then malformed fields.
func (r *Result) Errors() []string {
	var errs []string
	for _, c := range r.Checks {
		if !c.Valid {
			errs = append(errs, fmt.Sprintf("%s check digit is %s, computed %s", c.Field, c.Got, c.Expected))
		}
	}
	return append(errs, r.faults...)
}

// Date is a calendar date from the zone. The zero Date means the zone's
// date was missing or malformed.
type Date = idproof.Date

// Parse parses a machine readable zone, resolving two-digit years against
// the current time. See ParseAt.
func Parse(text string) (*Result, error) { return ParseAt(text, time.Now()) }

// ParseAt parses a machine readable zone, resolving two-digit years against
// now: a birth year is the latest one that does not put the birth date
// after now, an expiry year the one within 50 years before or 49 after
// now's year.
//
// The lines may be separated by "\n" or "\r\n", or given as one string of
// 90 (TD1), 72 (TD2) or 88 (TD3) characters. Whitespace around the text
// and around each line, and blank lines, are ignored; anything else
// outside 0-9, A-Z and '<' is a *SyntaxError. Lower case is refused rather
// than folded: a zone is printed in upper case, so lower case means the
// text was typed or recognised wrongly, and silently fixing it would let
// a bad reading pass as the document.
func ParseAt(text string, now time.Time) (*Result, error) {
	lines, err := splitLines(text)
	if err != nil {
		return nil, err
	}
	p := parser{r: &Result{Lines: lines}, now: now}
	// Visas share the TD2 and TD3 sizes; their document code tells them
	// apart, and they have no personal number or composite check digit.
	visa := lines[0][0] == 'V'
	switch {
	case shape(lines, 3, 30):
		p.td1()
	case shape(lines, 2, 36) && visa:
		p.twoLine(MRVB)
	case shape(lines, 2, 36):
		p.twoLine(TD2)
	case shape(lines, 2, 44) && visa:
		p.twoLine(MRVA)
	case shape(lines, 2, 44):
		p.twoLine(TD3)
	default:
		lens := make([]string, len(lines))
		for i, l := range lines {
			lens[i] = fmt.Sprint(len(l))
		}
		return nil, fmt.Errorf("mrz: %d lines of %s characters; want 3 lines of 30 (TD1), 2 of 36 (TD2) or 2 of 44 (TD3)",
			len(lines), strings.Join(lens, ", "))
	}
	// No check digit covers the codes: a misread or invented code would
	// otherwise go unnoticed.
	p.code("issuing state", p.r.IssuingState)
	p.code("nationality", p.r.Nationality)
	p.documentCode(lines[0][:2])
	return p.r, nil
}

// Specimen reports whether the zone names the specimen state of Doc 9303
// (UTO), as the examples of the standard do and no real document does.
func (r *Result) Specimen() bool {
	return r.IssuingState == SpecimenCode || r.Nationality == SpecimenCode
}

// shape reports whether there are n lines of size characters each.
func shape(lines []string, n, size int) bool {
	if len(lines) != n {
		return false
	}
	for _, l := range lines {
		if len(l) != size {
			return false
		}
	}
	return true
}

// SyntaxError reports a character that cannot appear in a machine readable
// zone, at its 1-based line and column in the input.
type SyntaxError struct {
	Line, Column int
	Char         rune
}

func (e *SyntaxError) Error() string {
	if e.Char >= 'a' && e.Char <= 'z' {
		return fmt.Sprintf("mrz: line %d, column %d: lower-case %q (the zone is upper case)", e.Line, e.Column, e.Char)
	}
	return fmt.Sprintf("mrz: line %d, column %d: %q is not allowed (only 0-9, A-Z and <)", e.Line, e.Column, e.Char)
}

// splitLines checks every character and returns the zone's lines, cutting
// a single concatenated line into the lines of its layout.
func splitLines(text string) ([]string, error) {
	var lines []string
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimLeft(raw, " \t\r\v\f")
		col := len([]rune(raw[:len(raw)-len(line)]))
		line = strings.TrimRight(line, " \t\r\v\f")
		for _, c := range line {
			col++
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == filler) {
				return nil, &SyntaxError{Line: i + 1, Column: col, Char: c}
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("mrz: no text")
	}
	if len(lines) == 1 {
		size := map[int]int{90: 30, 72: 36, 88: 44}[len(lines[0])]
		if size == 0 {
			return nil, fmt.Errorf("mrz: one line of %d characters; want 90 (TD1), 72 (TD2) or 88 (TD3), or the zone's separate lines", len(lines[0]))
		}
		s := lines[0]
		lines = nil
		for ; s != ""; s = s[size:] {
			lines = append(lines, s[:size])
		}
	}
	return lines, nil
}
