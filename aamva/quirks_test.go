package aamva

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// replaceOnce replaces the one occurrence of old in s, failing the test when
// there is none, so that a typo cannot turn a case into a no-op.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q not in payload", old)
	}
	return strings.Replace(s, old, new, 1)
}

// sampleWith rebuilds the sample with some DL element values changed; an
// empty value drops the element.
func sampleWith(t *testing.T, changes map[string]string) string {
	t.Helper()
	var elems [][2]string
	for _, e := range mustParse(t, sample).Subfile("DL").Ordered {
		v, ok := changes[e.ID]
		switch {
		case !ok:
			v = e.Value
		case v == "":
			continue
		}
		elems = append(elems, [2]string{e.ID, v})
	}
	payload := string(Build(10, "636000", "DL", elems, [][2]string{{"ZVA", "01"}}))
	// Build writes jurisdiction version 00; the sample has 01.
	return replaceOnce(t, payload, "ANSI 636000100002", "ANSI 636000100102")
}

// TestParseQuirks covers departures from the standard seen on issued cards
// and from scanners. Each case still yields the sample's data.
func TestParseQuirks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload func(t *testing.T) string
		warning string // a warning that must be reported, if any
	}{
		{"bom and line breaks before @", func(t *testing.T) string {
			return "\xef\xbb\xbf\r\n \x00" + sample
		}, ""},
		{"zeroed offsets and lengths", func(t *testing.T) string {
			return replaceOnce(t, sample, "DL00410278ZV03190008", "DL00000000ZV00000000")
		}, "offset 0 length 0; found at 41 length 278"},
		{"offsets swapped", func(t *testing.T) string {
			return replaceOnce(t, sample, "DL00410278ZV03190008", "DL03190008ZV00410278")
		}, "subfile DL offset 319"},
		{"offsets past the end", func(t *testing.T) string {
			return replaceOnce(t, sample, "DL00410278ZV03190008", "DL99999999ZV99999999")
		}, "offset 9999"},
		{"zero number of entries", func(t *testing.T) string {
			return replaceOnce(t, sample, "636000100102", "636000100100")
		}, ""},
		{"no designators", func(t *testing.T) string {
			return replaceOnce(t, sample, "100102DL00410278ZV03190008", "100100")
		}, "subfile DL is not listed"},
		{"AAMVA file type", func(t *testing.T) string {
			return replaceOnce(t, sample, "ANSI ", "AAMVA")
		}, ""},
		{"file type without its space", func(t *testing.T) string {
			return replaceOnce(t, sample, "ANSI ", "ANSI")
		}, "found at 40"},
		{"header without separator bytes", func(t *testing.T) string {
			return replaceOnce(t, sample, "@\n\x1e\r", "@")
		}, "0 separator bytes"},
		{"other separators", func(t *testing.T) string {
			s := strings.ReplaceAll(sample, "\n", "|")
			return strings.ReplaceAll(s, "\r", "~")
		}, ""},
		{"line feed after the subfile type", func(t *testing.T) string {
			return replaceOnce(t, sample, "DLDAQ", "DL\nDAQ")
		}, "found at 41 length 279"},
		{"line breaks between subfiles", func(t *testing.T) string {
			return replaceOnce(t, sample, "\rZVZVA", "\r\n\nZVZVA")
		}, "subfile ZV offset 319"},
		{"trailing garbage", func(t *testing.T) string {
			return sample + "\x00\x00\xff\xfejunk\r\n"
		}, ""},
		{"last terminator missing", func(t *testing.T) string {
			return strings.TrimSuffix(sample, "\r")
		}, "subfile ZV has no segment terminator"},
		{"repeated element", func(t *testing.T) string {
			return replaceOnce(t, sample, "DDD1\r", "DDD1\nDAQX0000000\r")
		}, "repeats element DAQ"},
		{"malformed element", func(t *testing.T) string {
			return replaceOnce(t, sample, "DDD1\r", "DDD1\nx\r")
		}, "malformed element x"},
		{"padded values", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DCS": "SAMPLE    ", "DAJ": "VA\x00\x00"})
		}, ""},
		{"birth date year first", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBB": "19860606"})
		}, "DBB birth date 19860606 is not in the expected MMDDCCYY order"},
		{"dates with separators", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBB": "06/06/1986", "DBA": "12-10-2024"})
		}, ""},
		{"Unicode control pictures", func(t *testing.T) string {
			return strings.NewReplacer("\n", "\u240a", "\x1e", "\u241e", "\r", "\u240d").Replace(sample)
		}, "arrived as glyphs"},
		{"stray @ before the header", func(t *testing.T) string {
			return "user@example " + sample
		}, "13 bytes before the compliance indicator"},
		{"no designators and no subfile type", func(t *testing.T) string {
			return replaceOnce(t, sample, "100102DL00410278ZV03190008DL", "100100")
		}, "no subfile type and is not listed in the header; read as DL"},
		{"subfile type and designator offsets lost", func(t *testing.T) string {
			return replaceOnce(t, sample, "DL00410278ZV03190008DL", "DLxxxxxxxxZV03190008")
		}, "subfile DL data at 41 starts without its type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.payload(t))
			if diff := cmp.Diff(sampleWant, *r, typedOnly); diff != "" {
				t.Errorf("typed fields (-want +got):\n%s", diff)
			}
			if !r.Valid() {
				t.Errorf("not valid: %q", r.Errors())
			}
			if r.Subfile("ZV") == nil {
				t.Errorf("ZV subfile lost: %+v", r.Subfiles)
			}
			if tt.warning != "" && !hasMessage(r.Warnings(), tt.warning) {
				t.Errorf("warnings %q lack %q", r.Warnings(), tt.warning)
			}
		})
	}
}

// TestParseProblems covers payloads that parse but are not valid, or whose
// fields differ from what was written.
func TestParseProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload func(t *testing.T) string
		check   func(t *testing.T, r *Result)
		errors  []string // nil: valid
	}{
		{"NONE and unavailable values are absent", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DAD": "NONE", "DCU": "unavl", "DAY": "unavail"})
		}, func(t *testing.T, r *Result) {
			if r.MiddleName != "" || r.Suffix != "" || r.EyeColor != "" {
				t.Errorf("middle %q suffix %q eyes %q, want all empty", r.MiddleName, r.Suffix, r.EyeColor)
			}
			if got := r.Subfile("DL").Elements["DAD"]; got != "NONE" {
				t.Errorf("raw DAD = %q, want NONE kept", got)
			}
		}, nil},
		{"first name NONE", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DAC": "NONE"})
		}, nil, []string{"DAC first name is missing"}},
		{"invalid birth date", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBB": "13251986"})
		}, nil, []string{"DBB birth date 13251986 is not a date"}},
		{"31 April", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBA": "04312030"})
		}, nil, []string{"DBA expiry date 04312030 is not a date"}},
		{"short expiry date", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBA": "1210202"})
		}, nil, []string{"DBA expiry date 1210202 is not a date"}},
		{"bad issue date only warns", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBD": "00000000"})
		}, func(t *testing.T, r *Result) {
			if !r.IssueDate.IsZero() || !hasMessage(r.Warnings(), "DBD issue date 00000000 is not a date") {
				t.Errorf("issue date %v, warnings %q", r.IssueDate, r.Warnings())
			}
		}, nil},
		{"required elements missing", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DAQ": "", "DCS": "", "DBB": "", "DBA": ""})
		}, nil, []string{
			"DBB birth date is missing", "DBA expiry date is missing",
			"DAQ document number is missing", "DCS family name is missing",
		}},
		{"missing DL subfile", func(t *testing.T) string {
			return "@\n\x1e\rANSI 636000100101ZV00310008ZVZVA01\r"
		}, func(t *testing.T, r *Result) {
			if r.Subfile("ZV") == nil || r.DocumentType != "" {
				t.Errorf("subfiles %+v, document type %q", r.Subfiles, r.DocumentType)
			}
		}, []string{"no DL or ID subfile"}},
		{"DL subfile listed but absent", func(t *testing.T) string {
			return "@\n\x1e\rANSI 636000100102DL00410278ZV00410008ZVZVA01\r"
		}, func(t *testing.T, r *Result) {
			if !hasMessage(r.Warnings(), "subfile DL listed in the header was not found") {
				t.Errorf("warnings %q", r.Warnings())
			}
		}, []string{"no DL or ID subfile"}},
		{"Latin-1 name", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DCS": "GAGN\xc9"})
		}, func(t *testing.T, r *Result) {
			if r.FamilyName != "GAGNÉ" {
				t.Errorf("family name %q, want GAGNÉ", r.FamilyName)
			}
		}, nil},
		{"truncated names", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DDE": "T", "DDF": "U", "DDG": "T"})
		}, func(t *testing.T, r *Result) {
			if !r.FamilyNameTruncated || r.FirstNameTruncated || !r.MiddleNameTruncated {
				t.Errorf("truncation flags %v %v %v, want true false true",
					r.FamilyNameTruncated, r.FirstNameTruncated, r.MiddleNameTruncated)
			}
		}, nil},
		{"ID card data without type or designator", func(t *testing.T) string {
			// Without a vehicle class it is not a licence.
			p := string(Build(9, "636001", "ID", [][2]string{{"DAQ", "987654321"}, {"DCS", "LEE"},
				{"DAC", "CHRIS"}, {"DBB", "12312000"}, {"DBA", "08012029"}, {"DCA", "NONE"}}, nil))
			return replaceOnce(t, p, "090001ID00310063ID", "090000")
		}, func(t *testing.T, r *Result) {
			if r.DocumentType != "ID" || r.DocumentNumber != "987654321" {
				t.Errorf("document type %q number %q", r.DocumentType, r.DocumentNumber)
			}
		}, nil},
		{"unknown sex code", func(t *testing.T) string {
			return sampleWith(t, map[string]string{"DBC": "Q"})
		}, func(t *testing.T, r *Result) {
			if r.Sex != "" || !hasMessage(r.Warnings(), "DBC sex Q is not a known code") {
				t.Errorf("sex %q, warnings %q", r.Sex, r.Warnings())
			}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.payload(t))
			if tt.check != nil {
				tt.check(t, r)
			}
			if diff := cmp.Diff(tt.errors, r.Errors()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if r.Valid() != (tt.errors == nil) {
				t.Errorf("Valid() = %v with errors %q", r.Valid(), r.Errors())
			}
		})
	}
}

// TestParseTruncated cuts the sample at every length: the parse must never
// fail once the IIN and version are there, and must be valid exactly when
// the last required element (DBA) is complete.
func TestParseTruncated(t *testing.T) {
	t.Parallel()
	headerMin := len("@\n\x1e\rANSI 63600010")
	dbaEnd := strings.Index(sample, "DBA12102024") + len("DBA12102024")
	for n := 0; n <= len(sample); n++ {
		r, err := Parse([]byte(sample[:n]))
		if n < headerMin {
			if err == nil {
				t.Errorf("cut at %d: no error", n)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if r.Valid() != (n >= dbaEnd) {
			t.Errorf("cut at %d: Valid() = %v, errors %q", n, r.Valid(), r.Errors())
		}
		if n < len(sample) && n > 41 && !hasMessage(r.Warnings(), "no segment terminator") &&
			!hasMessage(r.Warnings(), "subfile ZV listed in the header was not found") {
			t.Errorf("cut at %d: truncation not reported: %q", n, r.Warnings())
		}
	}
}
