package aamva

import (
	"strings"
)

// absentValues are what issuers write into mandatory elements they have no
// data for. They are compared case-insensitively.
var absentValues = []string{"NONE", "UNAVAIL", "UNAVL"}

// docFields reads elements of the DL or ID subfile.
type docFields struct{ sf *Subfile }

// get returns the first of ids that has a real value, or "".
func (f docFields) get(ids ...string) string {
	for _, id := range ids {
		v := strings.TrimSpace(f.sf.Elements[id])
		if v == "" {
			continue
		}
		absent := false
		for _, a := range absentValues {
			if strings.EqualFold(v, a) {
				absent = true
			}
		}
		if !absent {
			return v
		}
	}
	return ""
}

// interpret fills the typed fields from the first DL or ID subfile and
// records what makes the payload invalid.
func (r *Result) interpret(h *header) {
	var doc *Subfile
	for i := range r.Subfiles {
		if t := r.Subfiles[i].Type; t == "DL" || t == "ID" {
			doc = &r.Subfiles[i]
			break
		}
	}
	if doc == nil {
		r.errorf("no DL or ID subfile")
		return
	}
	f := docFields{doc}
	r.DocumentType = doc.Type
	r.DocumentNumber = f.get("DAQ")
	r.readNames(f)

	r.Sex = r.readSex(f.get("DBC"))
	r.EyeColor = f.get("DAY")
	r.Height = f.get("DAU")
	// Version 1 has a mailing address (DAG-DAK) and a residence address
	// (DAL-DAP); later versions only the first.
	r.Street = f.get("DAG", "DAL")
	r.City = f.get("DAI", "DAN")
	r.State = f.get("DAJ", "DAO")
	r.PostalCode = f.get("DAK", "DAP")
	r.Country = strings.ToUpper(f.get("DCG"))
	r.DocumentDiscriminator = f.get("DCF")
	r.FamilyNameTruncated = f.get("DDE") == "T"
	r.FirstNameTruncated = f.get("DDF") == "T"
	r.MiddleNameTruncated = f.get("DDG") == "T"

	// Canada and the 2000 standard write dates year first; the United
	// States from version 2 on writes them month first.
	yearFirst := h.version <= 1 || r.Country == "CAN"
	if j, ok := LookupIIN(r.IIN); ok && j.Country == "CAN" {
		yearFirst = true
	}
	r.BirthDate = r.readDate(f, "DBB", "birth date", yearFirst, true)
	r.ExpiryDate = r.readDate(f, "DBA", "expiry date", yearFirst, true)
	r.IssueDate = r.readDate(f, "DBD", "issue date", yearFirst, false)

	if r.DocumentNumber == "" {
		r.errorf("DAQ document number is missing")
	}
	nameID := "DCS"
	if h.version <= 1 {
		nameID = "DAA"
	}
	if r.FamilyName == "" {
		r.errorf("%s family name is missing", nameID)
	}
	if r.FirstName == "" {
		if h.version <= 1 {
			r.errorf("DAA first name is missing")
		} else {
			r.errorf("DAC first name is missing")
		}
	}
}

// readNames fills the name fields. Versions 4 and later have separate
// elements; versions 2 and 3 put first and middle names together in DCT;
// version 1 has the whole name in DAA, with separate elements optional.
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
	family, first, middle, suffix := splitFullName(full)
	if r.FamilyName == "" {
		r.FamilyName = family
	}
	if r.FirstName == "" {
		r.FirstName = first
		if r.MiddleName == "" {
			r.MiddleName = middle
		}
	}
	if r.Suffix == "" {
		r.Suffix = suffix
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

// splitFullName splits a version 1 DAA value. The standard says
// "LAST,FIRST,MIDDLE"; issuers also wrote "LAST,FIRST MIDDLE", used "$" as
// the separator, or used spaces only ("LAST FIRST MIDDLE").
func splitFullName(full string) (family, first, middle, suffix string) {
	var parts []string
	switch {
	case strings.ContainsAny(full, ",$"):
		for p := range strings.FieldsFuncSeq(full, func(r rune) bool { return r == ',' || r == '$' }) {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
	default:
		parts = strings.Fields(full)
	}
	if len(parts) > 2 && suffixes[strings.ToUpper(strings.TrimSuffix(parts[len(parts)-1], "."))] {
		suffix = parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	// "LAST,FIRST MIDDLE": the given names share one part.
	if len(parts) == 2 {
		parts = append(parts[:1], strings.Fields(parts[1])...)
	}
	switch len(parts) {
	case 0:
		return "", "", "", suffix
	case 1:
		return parts[0], "", "", suffix
	}
	return parts[0], parts[1], strings.Join(parts[2:], " "), suffix
}

// readSex maps DBC: 1/2/9 from version 2 on, M/F on version 1 cards.
func (r *Result) readSex(v string) string {
	switch strings.ToUpper(v) {
	case "":
		return ""
	case "1", "M":
		return "M"
	case "2", "F":
		return "F"
	case "9", "X":
		return "X"
	}
	r.warnf("DBC sex %s is not a known code", show(v))
	return ""
}
