package aamva

import (
	"strings"
)

// readNames fills the name fields. Versions 4 and later have separate
// elements; versions 2 and 3 put first and middle names together in DCT;
// version 1 has the whole name in DAA, with separate elements optional
// (DAB family, DAC first, DAD middle, DAE suffix) and some issuers using
// the later DCS and DCT instead.
func (r *Result) readNames(f docFields) {
	r.FamilyName = f.get("DCS", "DAB")
	r.FirstName = f.get("DAC")
	r.MiddleName = f.get("DAD")
	r.Suffix = f.get("DCU", "DAE")
	if r.FirstName == "" {
		if given := f.get("DCT"); given != "" {
			r.FirstName, r.MiddleName = splitGiven(given, r.MiddleName)
		}
	}
	if r.FamilyName != "" && r.FirstName != "" {
		return
	}
	full := f.get("DAA")
	if full == "" {
		return
	}
	n, why := splitFullName(full, r.IIN)
	if why != "" {
		f.unread("DAA", full, why)
		return
	}
	if r.FamilyName == "" {
		r.FamilyName = n.family
	}
	if r.FirstName == "" {
		r.FirstName = n.first
		if r.MiddleName == "" {
			r.MiddleName = n.middle
		}
	}
	if r.Suffix == "" {
		r.Suffix = n.suffix
	}
}

// splitGiven splits a DCT value ("FIRST,MIDDLE" or "FIRST MIDDLE") into
// the first name and the rest. A separate middle name, when present, wins.
func splitGiven(given, middle string) (string, string) {
	first, rest, _ := strings.Cut(strings.ReplaceAll(given, ",", " "), " ")
	if middle == "" {
		middle = strings.Join(strings.Fields(rest), " ")
	}
	return first, middle
}

// suffixes are the name suffixes the standard lists, as they appear at the
// end of a version 1 full name. "I" and "V" are left out: at the end of a
// name they are far more often a middle initial.
var suffixes = map[string]bool{
	"JR": true, "SR": true, "II": true, "III": true, "IV": true,
	"VI": true, "VII": true, "VIII": true, "IX": true,
	"1ST": true, "2ND": true, "3RD": true, "4TH": true, "5TH": true,
	"6TH": true, "7TH": true, "8TH": true, "9TH": true,
}

func isSuffix(s string) bool { return suffixes[strings.ToUpper(strings.TrimSuffix(s, "."))] }

// readingOrder lists the issuers known to write a version 1 DAA without
// commas in reading order, "FIRST MIDDLE LAST", rather than family name
// first: Pennsylvania.
var readingOrder = map[string]bool{"636025": true}

// particles join the word after them into a family name ("VAN DYKE",
// "DE LA CRUZ") when a name without commas is split.
var particles = map[string]bool{
	"DA": true, "DAS": true, "DE": true, "DER": true, "DEN": true, "DI": true, "DOS": true,
	"DU": true, "LA": true, "LE": true, "MAC": true, "MC": true, "ST": true, "SAINT": true,
	"TER": true, "VAN": true, "VON": true,
}

// fullName is a version 1 DAA value split into its parts.
type fullName struct{ family, first, middle, suffix string }

// splitFullName splits a version 1 DAA value. The standard says
// "LAST,FIRST,MIDDLE,SUFFIX"; its parts are positional, so an empty part
// ("SMITH,,JOHN") leaves that name empty rather than moving the next one
// into it. Issuers also write "LAST,FIRST MIDDLE", use "$" for the comma,
// or use spaces only. Without commas the order is not written down, so
// the name is read only when the issuer (iin) is known to use reading
// order, or when there is one word. why says why a name cannot be read.
func splitFullName(full, iin string) (n fullName, why string) {
	if !strings.ContainsAny(full, ",$") {
		return splitSpaced(strings.Fields(full), readingOrder[iin])
	}
	// Empty parts are kept: they hold positions.
	parts := strings.Split(strings.Map(func(r rune) rune {
		if r == '$' {
			return ','
		}
		return r
	}, full), ",")
	for i := range parts {
		parts[i] = strings.Join(strings.Fields(parts[i]), " ")
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	switch {
	case len(parts) == 0:
		return fullName{}, ""
	case len(parts) > 4:
		return fullName{}, "has more parts than LAST,FIRST,MIDDLE,SUFFIX"
	}
	n.family = parts[0]
	if len(parts) > 1 {
		n.first = parts[1]
	}
	switch {
	case len(parts) == 4:
		n.middle, n.suffix = parts[2], parts[3]
	case len(parts) == 3 && isSuffix(parts[2]):
		n.suffix = parts[2]
	case len(parts) == 3:
		n.middle = parts[2]
	}
	// "LAST,FIRST MIDDLE": the given names share one part.
	if n.middle == "" && strings.Contains(n.first, " ") {
		n.first, n.middle, _ = strings.Cut(n.first, " ")
	}
	return n, ""
}

// splitSpaced splits a full name written with spaces only: one word is
// the family name; more are read only in reading order (reading), as the
// family-name-first order cannot be told from it.
func splitSpaced(words []string, reading bool) (n fullName, why string) {
	if len(words) > 2 && isSuffix(words[len(words)-1]) {
		n.suffix = words[len(words)-1]
		words = words[:len(words)-1]
	}
	switch {
	case len(words) == 0:
		return n, ""
	case len(words) == 1:
		n.family = words[0]
		return n, ""
	case !reading:
		return fullName{}, "has no commas, and in what order this issuer writes the names is not known"
	}
	// The family name is the last word and the particles before it,
	// leaving at least one word for the first name.
	at := len(words) - 1
	for at > 1 && particles[strings.ToUpper(words[at-1])] {
		at--
	}
	n.family = strings.Join(words[at:], " ")
	n.first = words[0]
	n.middle = strings.Join(words[1:at], " ")
	return n, ""
}
