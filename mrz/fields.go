package mrz

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parser fills a Result from lines whose characters and shape are known
// good, so slicing by the layout's positions cannot go out of range.
type parser struct {
	r   *Result
	now time.Time
}

// at returns positions from..to (1-based, inclusive, as ICAO 9303 numbers
// them) of the given 1-based line.
func (p *parser) at(line, from, to int) string { return p.r.Lines[line-1][from-1 : to] }

// td1 reads the 3×30 card layout of ICAO 9303 Part 5.
func (p *parser) td1() {
	r := p.r
	r.Format = TD1
	r.DocumentCode, r.IssuingState = trim(p.at(1, 1, 2)), trim(p.at(1, 3, 5))
	r.OptionalData1 = p.documentNumber(p.at(1, 6, 14), p.at(1, 15, 15)[0], p.at(1, 16, 30))
	p.datesAndSex(2, 1)
	r.Nationality = trim(p.at(2, 16, 18))
	r.OptionalData2 = trim(p.at(2, 19, 29))
	// The sex (line 2, position 8) and nationality are outside the
	// composite: only fields with their own check digit, and the
	// optional data, are covered.
	p.check("composite", p.at(1, 6, 30)+p.at(2, 1, 7)+p.at(2, 9, 15)+p.at(2, 19, 29), p.at(2, 30, 30)[0])
	p.names(p.at(3, 1, 30))
}

// twoLine reads the two-line layouts: TD2 (Part 6), TD3 (Part 4) and the
// visas MRV-A and MRV-B (Part 7). Their second lines agree up to position
// 28; they differ in how long the optional data is and which check digits
// follow it.
func (p *parser) twoLine(f Format) {
	r := p.r
	r.Format = f
	width := len(r.Lines[0])
	r.DocumentCode, r.IssuingState = trim(p.at(1, 1, 2)), trim(p.at(1, 3, 5))
	p.names(p.at(1, 6, width))
	optEnd := width // visas: optional data to the end of the line
	switch f {
	case TD2:
		optEnd = width - 1 // then the composite
	case TD3:
		optEnd = width - 2 // then the personal number's and the composite check digits
	}
	r.OptionalData1 = p.documentNumber(p.at(2, 1, 9), p.at(2, 10, 10)[0], p.at(2, 29, optEnd))
	r.Nationality = trim(p.at(2, 11, 13))
	p.datesAndSex(2, 14)
	if f == TD3 {
		data, got := p.at(2, 29, 42), p.at(2, 43, 43)[0]
		if got == filler && strings.Trim(data, "<") == "" {
			// Part 4 lets an unused personal number field carry a filler
			// instead of the check digit 0.
			r.Checks = append(r.Checks, Check{Field: "personal number", Expected: "<", Got: "<", Valid: true})
		} else {
			p.check("personal number", data, got)
		}
	}
	if f == TD2 || f == TD3 {
		p.check("composite", p.at(2, 1, 10)+p.at(2, 14, 20)+p.at(2, 22, width-1), p.at(2, width, width)[0])
	}
}

// documentNumber reads the document number field, its check digit and the
// optional data after them, and returns that optional data less any part
// of the document number.
//
// A number longer than nine characters (Parts 5 and 6) keeps its first
// nine in the field, puts a filler where the check digit would be, and
// continues at the start of the optional data, followed by the check
// digit of the whole number and a filler. The same reading is applied to
// every layout: in the others a filler there would be an error anyway.
func (p *parser) documentNumber(field string, digit byte, optional string) string {
	number, rest := field, optional
	if digit == filler {
		more, _, _ := strings.Cut(optional, "<")
		if more != "" {
			number = field + more[:len(more)-1]
			digit = more[len(more)-1]
			rest = strings.TrimLeft(optional[len(more):], "<")
		}
	}
	p.r.DocumentNumber = trim(number)
	p.check("document number", number, digit)
	return trim(rest)
}

// datesAndSex reads birth date, sex and expiry date with their check
// digits, 15 characters starting at position start of the line.
func (p *parser) datesAndSex(line, start int) {
	birth, expiry := p.at(line, start, start+5), p.at(line, start+8, start+13)
	p.r.BirthDate = p.date("birth date", birth, true)
	p.check("birth date", birth, p.at(line, start+6, start+6)[0])
	p.r.Sex = p.sex(p.at(line, start+7, start+7)[0])
	p.r.ExpiryDate = p.date("expiry date", expiry, false)
	p.check("expiry date", expiry, p.at(line, start+14, start+14)[0])
}

// check records the check digit got over data.
func (p *parser) check(field, data string, got byte) {
	// splitLines has refused every character CheckDigit could not value.
	want, _ := CheckDigit(data)
	p.r.Checks = append(p.r.Checks, Check{
		Field:    field,
		Expected: strconv.Itoa(want),
		Got:      string(got),
		Valid:    got == byte('0'+want),
	})
}

// date reads a YYMMDD date. Two-digit years are resolved against p.now: a
// birth date is the latest that is not in the future; an expiry year the
// one from 50 years before now's year to 49 after, which covers documents
// long expired and any validity period a document can have.
func (p *parser) date(field, raw string, birth bool) Date {
	yy, err1 := strconv.Atoi(raw[0:2])
	mm, err2 := strconv.Atoi(raw[2:4])
	dd, err3 := strconv.Atoi(raw[4:6])
	// A filler for an unknown part ('<<') fails Atoi; the zone's
	// alphabet has no sign that it would accept.
	if err1 != nil || err2 != nil || err3 != nil {
		p.fault("%s %q is not a valid date", field, raw)
		return Date{}
	}
	ny, nm, nd := p.now.Date()
	y := ny - ny%100 + yy
	if birth {
		if y > ny || y == ny && (mm > int(nm) || mm == int(nm) && dd > nd) {
			y -= 100
		}
	} else if y > ny+49 {
		y -= 100
	} else if y < ny-50 {
		y += 100
	}
	t := time.Date(y, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if mm < 1 || mm > 12 || dd < 1 || t.Day() != dd {
		p.fault("%s %q is not a valid date", field, raw)
		return Date{}
	}
	return Date{Year: y, Month: mm, Day: dd}
}

// sex maps the sex code; ICAO writes unspecified as '<', and some issuers
// print 'X', which means the same.
func (p *parser) sex(c byte) string {
	switch c {
	case 'M', 'F':
		return string(c)
	case filler, 'X':
		return "X"
	}
	p.fault("sex %q is not M, F or <", c)
	return ""
}

// names splits the name field into primary and secondary identifiers:
// '<<' separates them, '<' separates the words within each, and trailing
// filler pads the field. A name that fills the field may be truncated;
// the zone does not say, so the words are returned as printed.
func (p *parser) names(field string) {
	if strings.ContainsAny(field, "0123456789") {
		// Names have no check digit, so this is the one sign of a
		// misread O, I or B.
		p.fault("name field %q contains a digit", strings.TrimRight(field, "<"))
	}
	primary, secondary, _ := strings.Cut(strings.TrimRight(field, "<"), "<<")
	p.r.PrimaryIdentifier = words(primary)
	p.r.SecondaryIdentifier = words(secondary)
}

// words turns filler-separated words into space-separated ones.
func words(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(c rune) bool { return c == filler }), " ")
}

// trim removes the filler padding a field.
func trim(s string) string { return strings.TrimRight(s, "<") }

func (p *parser) fault(format string, args ...any) {
	p.r.faults = append(p.r.faults, fmt.Sprintf(format, args...))
}

// code records a fault when a country field is not a code Doc 9303 allows.
func (p *parser) code(field, v string) {
	switch {
	case v == "":
		p.fault("%s is missing", field)
	case !KnownCode(v):
		p.fault("%s %q is not an ICAO country code", field, v)
	}
}

// documentCode records a fault when the document code is not letters: ICAO
// 9303 makes its first character a letter and its second a letter or the
// filler, so a digit there is a misread (P0 for PO) or a forgery.
func (p *parser) documentCode(code string) {
	isLetter := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	if !isLetter(code[0]) || !(isLetter(code[1]) || code[1] == filler) {
		p.fault("document code %q must be a letter followed by a letter or '<'", code)
	}
}
