package aamva

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, and what
// it returns must be internally consistent and bounded by the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		sample, payloadV1, payloadV3, payloadV8, payloadCanada, payloadIDCard,
		"\xef\xbb\xbf\r\n" + sample,
		strings.Replace(sample, "DL00410278ZV03190008", "DL00000000ZV00000000", 1),
		strings.Replace(sample, "100102DL00410278ZV03190008", "100100", 1),
		strings.Replace(sample, "@\n\x1e\r", "@", 1),
		strings.ReplaceAll(sample, "\n", "|"),
		sample[:100],
		"@\n\x1e\rANSI 636000100101ZV00310008ZVZVA01\r",
		"@\n\x1e\rAAMVA6360000101DL00290010DLDAANONE\r",
		"",
		"@",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if r != nil || !errors.Is(err, ErrNotAAMVA) {
				t.Fatalf("Parse = %v, %v", r, err)
			}
			return
		}
		checkResult(t, r, len(data))
		// Anything before the compliance indicator is ignored, so a
		// prefix of noise must not change the result.
		if len(data) > 0 && data[0] == '@' {
			r2, err := Parse(append([]byte("\xef\xbb\xbf \r\n"), data...))
			if err != nil {
				t.Fatalf("with prefix: %v", err)
			}
			// reflect rather than go-cmp: while fuzzing, every
			// package is coverage-instrumented, and cmp is heavy.
			if !reflect.DeepEqual(r, r2) {
				t.Fatalf("prefix changed the result:\n%+v\n%+v", r, r2)
			}
		}
	})
}

// checkResult asserts the invariants of a successful parse of n bytes.
func checkResult(t *testing.T, r *Result, n int) {
	t.Helper()
	// Latin-1 decoding can at most double the size of a value.
	limit := 2 * n
	if len(r.IIN) != 6 || r.Version < 0 || r.Version > 99 || r.JurisdictionVersion < 0 || r.JurisdictionVersion > 99 {
		t.Fatalf("header: IIN %q version %d jurisdiction version %d", r.IIN, r.Version, r.JurisdictionVersion)
	}
	if len(r.Subfiles) > n/5 {
		t.Fatalf("%d subfiles from %d bytes", len(r.Subfiles), n)
	}
	for _, sf := range r.Subfiles {
		if !isSubfileType([]byte(sf.Type)) || len(sf.Elements) > len(sf.Ordered) {
			t.Fatalf("subfile %q: %d elements, %d ordered", sf.Type, len(sf.Elements), len(sf.Ordered))
		}
		for _, e := range sf.Ordered {
			if !isElementID([]byte(e.ID)) || len(e.Value) > limit || !utf8.ValidString(e.Value) {
				t.Fatalf("element %q = %q", e.ID, e.Value)
			}
			if _, ok := sf.Elements[e.ID]; !ok {
				t.Fatalf("element %s missing from the map", e.ID)
			}
		}
	}
	for _, s := range []string{
		r.DocumentNumber, r.FamilyName, r.FirstName, r.MiddleName, r.Suffix, r.EyeColor, r.Height,
		r.Street, r.City, r.State, r.PostalCode, r.Country, r.DocumentDiscriminator,
	} {
		if len(s) > limit || !utf8.ValidString(s) || s != strings.TrimSpace(s) {
			t.Fatalf("field %q", s)
		}
	}
	switch r.DocumentType {
	case "", "DL", "ID":
	default:
		t.Fatalf("document type %q", r.DocumentType)
	}
	switch r.Sex {
	case "", "M", "F", "X":
	default:
		t.Fatalf("sex %q", r.Sex)
	}
	for _, d := range []Date{r.BirthDate, r.ExpiryDate, r.IssueDate} {
		if d.IsZero() {
			continue
		}
		if d.Year < minYear || d.Year > maxYear || d.Time().Day() != d.Day || int(d.Time().Month()) != d.Month {
			t.Fatalf("date %+v", d)
		}
	}
	if r.Valid() != (len(r.Errors()) == 0) {
		t.Fatalf("Valid() = %v with errors %q", r.Valid(), r.Errors())
	}
	if r.Valid() && (r.DocumentType == "" || r.DocumentNumber == "" || r.FamilyName == "" ||
		r.FirstName == "" || r.BirthDate.IsZero() || r.ExpiryDate.IsZero()) {
		t.Fatalf("valid without required fields: %+v", r)
	}
	if len(r.Errors()) > 10 || len(r.Warnings()) > 60 {
		t.Fatalf("%d errors, %d warnings", len(r.Errors()), len(r.Warnings()))
	}
}
