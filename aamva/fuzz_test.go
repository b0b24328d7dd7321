package aamva

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// seedPayloads returns the package's example payloads and the quirk
// corpus, the starting points of the fuzz targets.
func seedPayloads(tb testing.TB) [][]byte {
	tb.Helper()
	out := [][]byte{[]byte(sample), []byte(payloadV1), []byte(payloadV3), []byte(payloadV8),
		[]byte(payloadCanada), []byte(payloadIDCard)}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("corpus: %v, %d files", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, and what
// it returns must be internally consistent, bounded by the input, and
// read from it: every typed field appears in the document subfile.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"\xef\xbb\xbf\r\n" + sample,
		strings.Replace(sample, "DL00410278ZV03190008", "DL00000000ZV00000000", 1),
		strings.Replace(sample, "100102DL00410278ZV03190008", "100100", 1),
		strings.Replace(sample, "@\n\x1e\r", "@", 1),
		strings.ReplaceAll(sample, "\n", "|"),
		strings.ReplaceAll(sample, "\n", ""),
		sample[:100],
		"@\n\x1e\rANSI 636000100101ZV00310008ZVZVA01\r",
		"@\n\x1e\rAAMVA6360000101DL00290010DLDAANONE\r",
		"",
		"@",
	} {
		f.Add([]byte(s))
	}
	for _, p := range seedPayloads(f) {
		f.Add(p)
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
		checkProvenance(t, r)
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

// FuzzSeparatorLoss damages one element separator of a known payload:
// it deletes it, or replaces it with a printable byte, so that an
// element runs into the next. The identity fields (number, names, dates)
// must then come out as before or empty, never as another value. The
// number and dates are always protected; names are when the element run
// into is one the payload must have (see mandatory and docFields.lost).
func FuzzSeparatorLoss(f *testing.F) {
	seeds := seedPayloads(f)
	for i := range seeds {
		for _, k := range []uint16{0, 1, 2, 5, 9, 13} {
			f.Add(uint8(i), k, byte(0))
			f.Add(uint8(i), k, byte('X'))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, k uint16, repl byte) {
		payload := seeds[int(which)%len(seeds)]
		clean, err := Parse(payload)
		if err != nil {
			t.Fatal(err)
		}
		doc := clean.Subfile(clean.DocumentType)
		if doc == nil {
			t.Skip("no document subfile")
		}
		// The separators followed by a document element.
		var at []int
		for i := 0; i+4 <= len(payload); i++ {
			if c := payload[i]; (c == '\n' || c == '\r' || c == '|') && isDocElement(payload[i+1:]) {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			t.Skip("no separator")
		}
		i := at[int(k)%len(at)]
		next := string(payload[i+1 : i+4])
		var damaged []byte
		damaged = append(damaged, payload[:i]...)
		if repl >= ' ' && repl <= '~' {
			damaged = append(damaged, repl)
		}
		damaged = append(damaged, payload[i+1:]...)

		r, err := Parse(damaged)
		if err != nil {
			t.Fatalf("damaged at %d: %v", i, err)
		}
		checkResult(t, r, len(damaged))
		checkProvenance(t, r)
		same := func(field, got, want string) {
			if got != "" && got != want {
				t.Fatalf("separator before %s at %d lost: %s = %q, was %q; warnings %q",
					next, i, field, got, want, r.Warnings())
			}
		}
		same("DocumentNumber", r.DocumentNumber, clean.DocumentNumber)
		same("BirthDate", r.BirthDate.String(), clean.BirthDate.String())
		same("ExpiryDate", r.ExpiryDate.String(), clean.ExpiryDate.String())
		same("IssueDate", r.IssueDate.String(), clean.IssueDate.String())
		if !mustHave(doc, clean.Version, next) {
			return
		}
		same("FamilyName", r.FamilyName, clean.FamilyName)
		same("FirstName", r.FirstName, clean.FirstName)
		same("MiddleName", r.MiddleName, clean.MiddleName)
		same("Suffix", r.Suffix, clean.Suffix)
	})
}

// mustHave reports whether a payload like the one doc comes from must
// have element id: mandatory for its version, or the only source of a
// required field.
func mustHave(doc *Subfile, version int, id string) bool {
	if m, ok := mandatory[id]; ok && version >= m.since {
		if _, alt := doc.Elements[m.unless]; m.unless == "" || !alt {
			return true
		}
	}
	for _, group := range [][]string{{"DAQ"}, {"DBB"}, {"DBA"}, {"DCS", "DAB", "DAA"}, {"DAC", "DCT", "DAA"}} {
		only := false
		for _, g := range group {
			if g == id {
				only = true
			}
		}
		for _, g := range group {
			if _, ok := doc.Elements[g]; ok && g != id {
				only = false
			}
		}
		if only {
			return true
		}
	}
	return false
}

// checkResult asserts the invariants of a successful parse of n bytes.
func checkResult(t *testing.T, r *Result, n int) {
	t.Helper()
	// Latin-1 decoding can at most double the size of a value; restored
	// control glyphs only shrink it.
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
		if len(s) > limit || !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.IndexFunc(s, undecodable) >= 0 {
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
	if r.Valid() != (len(r.Errors()) == 0) || (r.Incomplete() && r.Valid()) {
		t.Fatalf("Valid() = %v, Incomplete() = %v with errors %q", r.Valid(), r.Incomplete(), r.Errors())
	}
	if r.Valid() && (r.DocumentType == "" || r.DocumentNumber == "" || r.FamilyName == "" ||
		r.FirstName == "" || r.BirthDate.IsZero() || r.ExpiryDate.IsZero()) {
		t.Fatalf("valid without required fields: %+v", r)
	}
	for _, id := range r.Unread() {
		if !isElementID([]byte(id)) {
			t.Fatalf("unread %q", r.Unread())
		}
	}
	if len(r.Errors()) > 10 || len(r.Warnings()) > 60 || len(r.Unread()) > n/3 {
		t.Fatalf("%d errors, %d warnings, %d unread", len(r.Errors()), len(r.Warnings()), len(r.Unread()))
	}
}

// checkProvenance asserts that every typed field was read from the
// document subfile: each word of a text field, and each date, stands in
// one of its element values. Nothing is made up or taken from elsewhere.
func checkProvenance(t *testing.T, r *Result) {
	t.Helper()
	doc := r.Subfile(r.DocumentType)
	if doc == nil {
		if r.DocumentNumber != "" || r.FamilyName != "" || !r.BirthDate.IsZero() {
			t.Fatalf("fields without a document subfile: %+v", r)
		}
		return
	}
	inDoc := func(s string) bool {
		s = strings.ToUpper(s)
		for _, e := range doc.Ordered {
			if strings.Contains(strings.ToUpper(e.Value), s) {
				return true
			}
		}
		return false
	}
	for _, field := range []string{
		r.DocumentNumber, r.FamilyName, r.FirstName, r.MiddleName, r.Suffix, r.EyeColor, r.Height,
		r.Street, r.City, r.State, r.PostalCode, r.Country, r.DocumentDiscriminator,
	} {
		for _, w := range strings.Fields(field) {
			if !inDoc(w) {
				t.Fatalf("%q is in no element of %+v", w, doc.Ordered)
			}
		}
	}
	for _, d := range []Date{r.BirthDate, r.ExpiryDate, r.IssueDate} {
		if d.IsZero() {
			continue
		}
		yearFirst := strings.ReplaceAll(d.String(), "-", "")
		monthFirst := yearFirst[4:] + yearFirst[:4]
		found := false
		for _, e := range doc.Ordered {
			v := strings.NewReplacer("-", "", "/", "", ".", "").Replace(e.Value)
			if strings.Contains(v, yearFirst) || strings.Contains(v, monthFirst) {
				found = true
			}
		}
		if !found {
			t.Fatalf("date %v is in no element of %+v", d, doc.Ordered)
		}
	}
}
