package microblink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/idproof/idproof"
)

// fieldKey normalises a field name so v2's FirstName, v1's firstName and
// an SDK's first_name meet: lower case, letters and digits only.
func fieldKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, name)
}

// document fills DocumentData from extracted fields keyed by fieldKey.
// Fields already set are kept, so a better source can be applied first.
func document(doc *idproof.DocumentData, fields map[string]json.RawMessage) {
	set := func(dst *string, keys ...string) {
		for _, k := range keys {
			if *dst != "" {
				return
			}
			*dst = text(fields[k])
		}
	}
	set(&doc.FirstName, "firstname")
	set(&doc.MiddleName, "middlename")
	set(&doc.LastName, "lastname")
	set(&doc.FullName, "fullname")
	set(&doc.DocumentID, "documentnumber")
	set(&doc.DOB, "dateofbirth")
	set(&doc.DOE, "dateofexpiry")
	set(&doc.DOI, "dateofissue")
	set(&doc.Gender, "sex", "gender")
	set(&doc.Address, "address")
	// The document's country is its issuer; nationality only stands in.
	set(&doc.Country, "issuingcountry", "isoalpha3countrycode", "countrycode", "country", "nationality")
	set(&doc.State, "issuingstate", "jurisdiction", "addressjurisdiction")
	for _, d := range []*string{&doc.DOB, &doc.DOE, &doc.DOI} {
		*d = isoDate(*d)
	}
}

// text reads an extracted value in any of the shapes the APIs use: a plain
// string or number; a date {day, month, year}; or an object holding the
// text under value, latin (v1's multi-script strings) or originalString.
func text(raw json.RawMessage) string { return textAt(raw, 0) }

// textAt is text at a nesting depth; the shapes above nest three deep, and
// deeper values are not read.
func textAt(raw json.RawMessage, depth int) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > 3 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	case '{':
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	var d struct{ Day, Month, Year int }
	if json.Unmarshal(raw, &d) == nil && d.Year > 0 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 31 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	for _, k := range []string{"value", "latin", "originalString", "description"} {
		if t := textAt(obj[k], depth+1); t != "" {
			return t
		}
	}
	return ""
}

// isoDate writes a date as YYYY-MM-DD when it is recognisably one, and
// leaves anything else as the vendor wrote it rather than guess between
// day-first and month-first readings.
func isoDate(s string) string {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}
