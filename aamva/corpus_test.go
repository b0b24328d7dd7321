package aamva

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// corpusDir holds payloads that reproduce how real cards and scanners
// depart from the standard. The people in them are made up;
// testdata/quirks/README.md says where each shape was seen.
const corpusDir = "testdata/quirks"

// corpusCase is what one corpus payload must parse to.
type corpusCase struct {
	file string
	// what the payload reproduces
	quirk string

	docType               string
	family, first, middle string
	number                string
	birth, expiry, issue  string // YYYY-MM-DD, "" when the card has none
	subfiles              []string
	invalid               []string // expected errors; nil: valid
	warning               string   // a warning that must be reported, "" for none in particular
}

var corpus = []corpusCase{
	// Header and file type.
	{file: "v01-aamva-file-type.txt", quirk: "version 01 cards of some states write AAMVA as the file type",
		docType: "DL", family: "PRATT", first: "EVELYN", middle: "ROSE", number: "990000123",
		birth: "1971-03-14", expiry: "2029-03-14", issue: "2021-03-02", subfiles: []string{"DL"}},
	{file: "v01-amvaa-file-type.txt", quirk: "a version 01 issuer misspelt the file type AMVAA; DAA has empty trailing parts",
		docType: "DL", family: "HARGROVE", first: "DENISE", number: "T-512-345-678-901",
		birth: "1979-09-18", expiry: "2027-09-18", issue: "2019-09-03", subfiles: []string{"DL"}},
	{file: "aim-symbology-prefix.txt", quirk: "scanners set to send the AIM symbology identifier put ]L2 before the payload",
		docType: "DL", family: "OKAFOR", first: "CHIDI", middle: "EMEKA", number: "000012345678",
		birth: "1990-04-15", expiry: "2030-04-15", issue: "2022-03-01", subfiles: []string{"DL", "ZN"},
		warning: `3 bytes before the compliance indicator (]L2) are ignored`},
	{file: "bom-and-trailing-newline.txt", quirk: "payload saved by a text editor: byte order mark first, line break last",
		docType: "DL", family: "WASHINGTON", first: "LATOYA", middle: "RENEE", number: "054321987",
		birth: "1992-07-22", expiry: "2031-07-22", issue: "2023-07-01", subfiles: []string{"DL"}},
	{file: "replacement-char-header.txt", quirk: "a decoder turned the header's record separator into U+FFFD",
		docType: "DL", family: "LINDGREN", first: "ERIK", middle: "NILS", number: "981234567",
		birth: "1983-11-30", expiry: "2026-11-30", issue: "2021-05-05", subfiles: []string{"DL"}, warning: "separator bytes"},
	{file: "mojibake-header.txt", quirk: "keyboard wedge output with two mis-decoded bytes (Ü, M) for RS and CR; DAA ends with a comma",
		docType: "DL", family: "MCALLISTER", first: "JOAN", middle: "ELLEN", number: "102233445",
		birth: "1966-07-15", expiry: "2028-07-15", issue: "2020-06-10", subfiles: []string{"DL"}},
	{file: "cp437-keyboard-wedge.txt", quirk: "keyboard wedge typing control characters as Alt codes, which arrive as the CP437 glyphs ◙ ▲ ♪",
		docType: "DL", family: "GUERRERO", first: "ANA", middle: "LUCIA", number: "12345678",
		birth: "1996-02-29", expiry: "2028-02-28", issue: "2020-09-09", subfiles: []string{"DL", "ZT"},
		warning: "control characters arrived as glyphs"},
	{file: "digits-for-separators.txt", quirk: "keyboard wedge output with 6M where the separator bytes were",
		docType: "DL", family: "BOUCHARD", first: "PAUL", middle: "ANDRE", number: "NHI17123456",
		birth: "1977-11-06", expiry: "2026-11-06", issue: "2021-12-19", subfiles: []string{"DL"}},
	{file: "gs-for-rs-zero-offsets.txt", quirk: "group separator instead of the record separator, and zeroed designator offsets",
		docType: "DL", family: "KOWALCZYK", first: "ANNA", middle: "MARIA", number: "S 123 456 789 012",
		birth: "1999-06-01", expiry: "2027-06-01", issue: "2023-06-01", subfiles: []string{"DL"}},

	// Designators and subfile types.
	{file: "letters-for-separators-no-type.txt", quirk: "letters where the separators were, DL data without its type, line feeds only",
		docType: "DL", family: "ALVAREZ", first: "ROSA", middle: "MARIE", number: "123-456-789",
		birth: "1988-10-31", expiry: "2029-10-31", issue: "2021-10-11", subfiles: []string{"DL", "ZW"}},
	{file: "wedge-v01-no-type.txt", quirk: "version 01 card whose DL data has no type (DAA straight after the header), through a keyboard wedge",
		docType: "DL", family: "KOWALSKI", first: "ADAM", middle: "J", number: "990000456",
		birth: "1984-01-01", expiry: "2030-01-01", issue: "2022-02-23", subfiles: []string{"DL"}},
	{file: "designator-letters.txt", quirk: "a Canadian issuer's short designator of letters (DLabac); DCS/DCT and DAB/DAC/DAD together",
		docType: "DL", family: "BEAULIEU", first: "CLAIRE", middle: "ANNE", number: "123456-789",
		birth: "1988-04-12", expiry: "2027-04-12", subfiles: []string{"DL"}},
	{file: "designators-with-spaces.txt", quirk: "designator offsets and lengths padded with spaces, not zeros",
		docType: "DL", family: "PATEL", first: "RAVI", middle: "KUMAR", number: "T12345678",
		birth: "1979-08-17", expiry: "2030-08-17", issue: "2022-04-04", subfiles: []string{"DL", "ZV"}},
	{file: "v01-no-entries-dab.txt", quirk: "version 01 header without the number of entries; names in DAB/DAC/DAD; dates month first with dashes",
		docType: "DL", family: "SWANSON", first: "KAREN", middle: "LYNN", number: "32307954",
		birth: "1961-06-27", expiry: "2029-06-27", issue: "2021-06-08", subfiles: []string{"DL"}},

	// Version 1 names.
	{file: "v01-daa-suffix.txt", quirk: "DAA as LAST,FIRST,MIDDLE,SUFFIX",
		docType: "DL", family: "HOLLOWAY", first: "MARCUS", middle: "DEAN", number: "987654321",
		birth: "1975-06-20", expiry: "2028-06-20", issue: "2020-06-11", subfiles: []string{"DL"}},
	{file: "v01-daa-empty-part.txt", quirk: "DAA with an empty first-name part (SMITH,,JOHN): the parts are positional",
		docType: "DL", family: "SMITH", middle: "JOHN", number: "123450987",
		birth: "1980-01-02", expiry: "2027-01-02", issue: "2019-01-05", subfiles: []string{"DL"},
		invalid: []string{"DAA first name is missing"}},
	{file: "v01-daa-spaces-reading-order.txt", quirk: "Pennsylvania writes DAA in reading order with spaces: FIRST MIDDLE LAST",
		docType: "DL", family: "KOVACS", first: "TERESA", middle: "M", number: "26123456",
		birth: "1986-02-02", expiry: "2029-02-03", issue: "2021-01-04", subfiles: []string{"DL"}},
	{file: "v01-daa-dollar.txt", quirk: "DAA with $ separators",
		docType: "DL", family: "OKONKWO", first: "GRACE", middle: "ADAEZE", number: "7654321",
		birth: "1990-11-15", expiry: "2026-11-15", issue: "2022-10-20", subfiles: []string{"DL"}},
	{file: "v01-dcs-dct.txt", quirk: "version 01 card with DCS and DCT instead of DAA",
		docType: "DL", family: "LINDQVIST", first: "ERIK", middle: "JOHAN", number: "L123456789012",
		birth: "1982-05-05", expiry: "2028-05-05", issue: "2024-04-12", subfiles: []string{"DL"}},

	// Separators and terminators.
	{file: "crlf-line-endings.txt", quirk: "every line feed turned into CR LF by a text-mode copy",
		docType: "DL", family: "NGUYEN", first: "MINH", middle: "THANH", number: "87654321",
		birth: "1970-05-05", expiry: "2030-05-05", issue: "2022-01-15", subfiles: []string{"DL", "ZT"}},
	{file: "lf-only-canada-month-first.txt", quirk: "line feeds only (no CR); a Canadian version 02 card with month-first dates; Latin-1 in ZN",
		docType: "DL", family: "GALLANT", first: "LOUISE", middle: "M", number: "1234567",
		birth: "1975-11-23", expiry: "2029-11-23", issue: "2021-11-15", subfiles: []string{"DL", "ZN"},
		warning: "not in the expected CCYYMMDD order"},
	{file: "cr-only-ontario.txt", quirk: "carriage returns as element separators too (old Mac line endings); Ontario dates year first",
		docType: "DL", family: "MACDONALD", first: "FIONA", number: "M1234-56789-20704",
		birth: "1992-07-04", expiry: "2032-07-04", issue: "2027-07-04", subfiles: []string{"DL"}},
	{file: "pipes-for-controls.txt", quirk: "a capture tool that replaced every control character with |",
		docType: "DL", family: "FITZGERALD", first: "SEAN", middle: "PATRICK", number: "S12345678",
		birth: "1985-03-14", expiry: "2028-03-14", issue: "2020-02-28", subfiles: []string{"DL", "ZM"}},
	{file: "id-card-no-final-terminator.txt", quirk: "an ID card whose last segment terminator is missing",
		docType: "ID", family: "ABERNATHY", first: "QUINN", number: "555666777",
		birth: "1958-06-30", expiry: "2030-01-31", issue: "2022-01-31", subfiles: []string{"ID"}},

	// Dates.
	{file: "v01-month-first-dates.txt", quirk: "a US version 01 card with month-first dates although DL/ID-2000 says year first",
		docType: "DL", family: "YAMAMOTO", first: "KENJI", middle: "HIRO", number: "WDLABCD123XY",
		birth: "1968-09-21", expiry: "2028-09-21", issue: "2020-09-01", subfiles: []string{"DL"},
		warning: "not in the expected CCYYMMDD order"},
}

// TestParseCorpus parses every payload in the corpus: each must yield the
// names, number and dates written on the card, and every file must have a
// case.
func TestParseCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tt := range corpus {
		covered[tt.file] = true
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no case", f)
		}
	}
	type fields struct {
		DocType, Family, First, Middle, Number, Birth, Expiry, Issue string
		Subfiles                                                     []string
	}
	for _, tt := range corpus {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(corpusDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse(data)
			if err != nil {
				t.Fatalf("%s: %v", tt.quirk, err)
			}
			var types []string
			for _, sf := range r.Subfiles {
				types = append(types, sf.Type)
			}
			want := fields{tt.docType, tt.family, tt.first, tt.middle, tt.number, tt.birth, tt.expiry, tt.issue, tt.subfiles}
			got := fields{r.DocumentType, r.FamilyName, r.FirstName, r.MiddleName, r.DocumentNumber,
				r.BirthDate.String(), r.ExpiryDate.String(), r.IssueDate.String(), types}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nwarnings %q", tt.quirk, diff, r.Warnings())
			}
			if diff := cmp.Diff(tt.invalid, r.Errors()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.warning != "" && !hasMessage(r.Warnings(), tt.warning) {
				t.Errorf("warnings %q lack %q", r.Warnings(), tt.warning)
			}
		})
	}
}
