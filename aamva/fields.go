package aamva

import (
	"strings"
)

// absentValues are what issuers write into mandatory elements they have no
// data for. They are compared case-insensitively.
var absentValues = []string{"NONE", "UNAVAIL", "UNAVL"}

// hasValue reports whether v is a real value: not blank, and not one of
// absentValues.
func hasValue(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	for _, a := range absentValues {
		if strings.EqualFold(v, a) {
			return false
		}
	}
	return true
}

// docFields reads elements of the DL or ID subfile for the typed fields.
// It never hands out a value that shows damage (see damage): such an
// element is recorded as unread and treated as absent.
type docFields struct {
	sf      *Subfile
	r       *Result
	version int
	// lost holds the elements the required fields come from that the
	// subfile lacks: if one of them stands inside another value, the
	// separator before it was lost.
	lost map[string]bool
}

func newDocFields(sf *Subfile, r *Result, version int) docFields {
	f := docFields{sf: sf, r: r, version: version, lost: map[string]bool{}}
	lose := func(ids ...string) {
		for _, id := range ids {
			if _, ok := sf.Elements[id]; ok {
				return
			}
		}
		for _, id := range ids {
			f.lost[id] = true
		}
	}
	lose("DAQ")
	lose("DBB")
	lose("DBA")
	lose("DCS", "DAB", "DAA")
	lose("DAC", "DCT", "DAA")
	return f
}

// get returns the first of ids that has a real, readable value, or "".
func (f docFields) get(ids ...string) string {
	for _, id := range ids {
		v := strings.TrimSpace(f.sf.Elements[id])
		if !hasValue(v) {
			continue
		}
		if why, swallowed := f.damage(id, v); why != "" {
			f.unread(id, v, why)
			for _, s := range swallowed {
				f.r.markUnread(s)
			}
			continue
		}
		return v
	}
	return ""
}

// unread records that element id, holding v, cannot be used, and why.
func (f docFields) unread(id, v, why string) {
	if f.r.isUnread(id) {
		return
	}
	f.r.markUnread(id)
	f.r.warnf("%s %s %s; it is left out", id, show(v), why)
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
	f := newDocFields(doc, r, h.version)
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
		r.requiredMissing("DAQ document number", "DAQ")
	}
	familyID, firstID := "DCS", "DAC"
	if h.version <= 1 {
		familyID, firstID = "DAA", "DAA"
	}
	if r.FamilyName == "" {
		r.requiredMissing(familyID+" family name", "DCS", "DAB", "DAA")
	}
	if r.FirstName == "" {
		r.requiredMissing(firstID+" first name", "DAC", "DCT", "DAA")
	}
}

// requiredMissing records that a required field is empty: unreadable when
// one of the elements it comes from could not be read, or when the
// document subfile holds pieces that are not elements (one of them may be
// it), else missing.
func (r *Result) requiredMissing(what string, ids ...string) {
	if r.isUnread(ids...) || r.garbled {
		r.unreadErrorf("%s could not be read", what)
	} else {
		r.errorf("%s is missing", what)
	}
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
