package aamva

import (
	"time"
)

// Years outside this range are taken as a sign that the digits were read
// in the wrong order (year 0606 from "06061986" read year first).
const (
	minYear = 1800
	maxYear = 2999
)

// readDate reads a date element. Dates are eight digits, month first
// (MMDDCCYY) or year first (CCYYMMDD) depending on country and version;
// issuers have got the order wrong, so when the expected order does not
// give a real date the other one is tried. A date that is required but
// missing or unreadable makes the result invalid; any other bad date is
// only a warning.
func (r *Result) readDate(f docFields, id, label string, yearFirst, required bool) Date {
	raw := f.get(id)
	if raw == "" {
		if required {
			r.requiredMissing(id+" "+label, id)
		}
		return Date{}
	}
	digits, ok := dateDigits(raw)
	if ok {
		if d, ok := parseOrder(digits, yearFirst); ok {
			return d
		}
		if d, ok := parseOrder(digits, !yearFirst); ok {
			order := "MMDDCCYY"
			if yearFirst {
				order = "CCYYMMDD"
			}
			r.warnf("%s %s %s is not in the expected %s order", id, label, show(raw), order)
			return d
		}
	}
	if required {
		r.errorf("%s %s %s is not a date", id, label, show(raw))
	} else {
		r.warnf("%s %s %s is not a date", id, label, show(raw))
	}
	return Date{}
}

// dateDigits returns the eight digits of a date, allowing the "-", "/" and
// "." separators some issuers print between the parts.
func dateDigits(raw string) (string, bool) {
	if len(raw) > 10 {
		return "", false
	}
	var b [8]byte
	n := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case isDigit(c):
			if n == len(b) {
				return "", false
			}
			b[n] = c
			n++
		case c == '-' || c == '/' || c == '.':
		default:
			return "", false
		}
	}
	return string(b[:n]), n == len(b)
}

// parseOrder interprets eight digits as CCYYMMDD (yearFirst) or MMDDCCYY
// and checks that the result is a real calendar date.
func parseOrder(s string, yearFirst bool) (Date, bool) {
	num := func(s string) int {
		v := 0
		for i := 0; i < len(s); i++ {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	var d Date
	if yearFirst {
		d = Date{Year: num(s[0:4]), Month: num(s[4:6]), Day: num(s[6:8])}
	} else {
		d = Date{Year: num(s[4:8]), Month: num(s[0:2]), Day: num(s[2:4])}
	}
	if d.Year < minYear || d.Year > maxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return Date{}, false
	}
	// time.Date normalizes 31 April to 1 May; a changed month means the
	// day does not exist.
	if time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Month() != time.Month(d.Month) {
		return Date{}, false
	}
	return d, true
}
