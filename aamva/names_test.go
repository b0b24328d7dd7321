package aamva

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseNames covers the ways versions 1 to 3 write names.
func TestParseNames(t *testing.T) {
	t.Parallel()
	type names struct{ Family, First, Middle, Suffix string }
	const pennsylvania = "636025"
	tests := []struct {
		name     string
		version  int
		iin      string // "": Virginia
		elements [][2]string
		want     names
		unread   []string
	}{
		{"DAA with commas", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN,QUINCY"}}, names{"PUBLIC", "JOHN", "QUINCY", ""}, nil},
		{"DAA with suffix", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN,QUINCY,JR"}}, names{"PUBLIC", "JOHN", "QUINCY", "JR"}, nil},
		{"DAA with suffix and no middle name", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN,,SR"}}, names{"PUBLIC", "JOHN", "", "SR"}, nil},
		{"DAA with empty trailing parts", 1, "", [][2]string{{"DAA", "DOE,SUE,,"}}, names{"DOE", "SUE", "", ""}, nil},
		{"DAA with an empty first name keeps positions", 1, "", [][2]string{{"DAA", "SMITH,,JOHN"}}, names{"SMITH", "", "JOHN", ""}, nil},
		{"DAA with spaces after commas", 1, "", [][2]string{{"DAA", "PUBLIC, JOHN ,  Q"}}, names{"PUBLIC", "JOHN", "Q", ""}, nil},
		{"DAA given names together", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN QUINCY ADAMS"}}, names{"PUBLIC", "JOHN", "QUINCY ADAMS", ""}, nil},
		{"DAA given names together with suffix", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN QUINCY,III"}}, names{"PUBLIC", "JOHN", "QUINCY", "III"}, nil},
		{"DAA with dollar signs", 1, "", [][2]string{{"DAA", "PUBLIC$JOHN$QUINCY"}}, names{"PUBLIC", "JOHN", "QUINCY", ""}, nil},
		{"DAA family name with a space", 1, "", [][2]string{{"DAA", "VAN DYKE,ANNA"}}, names{"VAN DYKE", "ANNA", "", ""}, nil},
		{"DAA family name only", 1, "", [][2]string{{"DAA", "PUBLIC"}}, names{"PUBLIC", "", "", ""}, nil},
		// Without commas the order is the issuer's habit: reading order in
		// Pennsylvania, unknown elsewhere.
		{"DAA with spaces in reading order", 1, pennsylvania, [][2]string{{"DAA", "JOHN Q PUBLIC"}}, names{"PUBLIC", "JOHN", "Q", ""}, nil},
		{"DAA reading order with suffix", 1, pennsylvania, [][2]string{{"DAA", "JOHN Q PUBLIC JR"}}, names{"PUBLIC", "JOHN", "Q", "JR"}, nil},
		{"DAA reading order, middle initial V is not a suffix", 1, pennsylvania, [][2]string{{"DAA", "JOHN V PUBLIC"}}, names{"PUBLIC", "JOHN", "V", ""}, nil},
		{"DAA reading order with particles", 1, pennsylvania, [][2]string{{"DAA", "ANA MARIA DE LA CRUZ"}}, names{"DE LA CRUZ", "ANA", "MARIA", ""}, nil},
		{"DAA reading order, two words", 1, pennsylvania, [][2]string{{"DAA", "ANNA VAN DYKE"}}, names{"VAN DYKE", "ANNA", "", ""}, nil},
		{"DAA with spaces from an issuer of unknown order", 1, "", [][2]string{{"DAA", "PUBLIC JOHN Q"}}, names{}, []string{"DAA"}},
		{"DAA with more parts than the standard has", 1, "", [][2]string{{"DAA", "PUBLIC,JOHN,Q,JR,X"}}, names{}, []string{"DAA"}},
		{"DAB DAC DAD DAE", 1, "", [][2]string{{"DAB", "PUBLIC"}, {"DAC", "JOHN"}, {"DAD", "Q"}, {"DAE", "SR"}}, names{"PUBLIC", "JOHN", "Q", "SR"}, nil},
		{"separate elements win over DAA", 1, "", [][2]string{{"DAA", "X,Y,Z"}, {"DAB", "PUBLIC"}, {"DAC", "JOHN"}}, names{"PUBLIC", "JOHN", "", ""}, nil},
		{"DCS and DCT on version 1", 1, "", [][2]string{{"DCS", "DOE"}, {"DCT", "JANE ANN"}}, names{"DOE", "JANE", "ANN", ""}, nil},
		{"DCT with comma", 3, "", [][2]string{{"DCS", "DOE"}, {"DCT", "JANE,ANN"}}, names{"DOE", "JANE", "ANN", ""}, nil},
		{"DCT with spaces", 2, "", [][2]string{{"DCS", "DOE"}, {"DCT", "JANE ANN MARIE"}}, names{"DOE", "JANE", "ANN MARIE", ""}, nil},
		{"DCT first name only", 3, "", [][2]string{{"DCS", "DOE"}, {"DCT", "JANE"}, {"DCU", "SR"}}, names{"DOE", "JANE", "", "SR"}, nil},
		{"DAC wins over DCT", 4, "", [][2]string{{"DCS", "DOE"}, {"DAC", "JANE"}, {"DCT", "X Y"}}, names{"DOE", "JANE", "", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iin := tt.iin
			if iin == "" {
				iin = "636000"
			}
			r := mustParse(t, string(Build(tt.version, iin, "DL", tt.elements, nil)))
			got := names{r.FamilyName, r.FirstName, r.MiddleName, r.Suffix}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.unread, r.Unread()); diff != "" {
				t.Errorf("unread (-want +got):\n%s\nwarnings %q", diff, r.Warnings())
			}
		})
	}
}

// TestParseDateOrder covers the country and version rules for date order
// and the fallback to the other order.
func TestParseDateOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version int
		iin     string
		country string
		dbb     string
		want    Date
		warned  bool
	}{
		{"USA month first", 10, "636000", "USA", "06071986", Date{Year: 1986, Month: 6, Day: 7}, false},
		{"USA year first falls back", 10, "636000", "USA", "19860607", Date{Year: 1986, Month: 6, Day: 7}, true},
		{"Canada by country", 10, "636000", "CAN", "19860607", Date{Year: 1986, Month: 6, Day: 7}, false},
		{"Canada by IIN", 10, "604428", "", "19860607", Date{Year: 1986, Month: 6, Day: 7}, false},
		{"Canada month first falls back", 10, "636012", "CAN", "06071986", Date{Year: 1986, Month: 6, Day: 7}, true},
		{"version 1 year first", 1, "636000", "", "19860607", Date{Year: 1986, Month: 6, Day: 7}, false},
		{"version 1 month first falls back", 1, "636000", "", "06071986", Date{Year: 1986, Month: 6, Day: 7}, true},
		{"29 February in a leap year", 10, "636000", "USA", "02292000", Date{Year: 2000, Month: 2, Day: 29}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			elems := [][2]string{{"DAQ", "1"}, {"DCS", "A"}, {"DAC", "B"}, {"DBB", tt.dbb}, {"DBA", tt.dbb}}
			if tt.country != "" {
				elems = append(elems, [2]string{"DCG", tt.country})
			}
			r := mustParse(t, string(Build(tt.version, tt.iin, "DL", elems, nil)))
			if r.BirthDate != tt.want || r.ExpiryDate != tt.want {
				t.Errorf("dates %v %v, want %v", r.BirthDate, r.ExpiryDate, tt.want)
			}
			if warned := hasMessage(r.Warnings(), "expected"); warned != tt.warned {
				t.Errorf("order warning = %v, want %v: %q", warned, tt.warned, r.Warnings())
			}
			if !r.Valid() {
				t.Errorf("not valid: %q", r.Errors())
			}
		})
	}
	if got := (Date{Year: 1986, Month: 6, Day: 7}).String(); got != "1986-06-07" {
		t.Errorf("String() = %q", got)
	}
	if got := (Date{}).String(); got != "" {
		t.Errorf("zero String() = %q", got)
	}
}

func TestParseVersion1HeaderWithJurisdictionVersion(t *testing.T) {
	t.Parallel()
	r := mustParse(t, replaceOnce(t, payloadV1, "6360180101DL", "636018010001DL"))
	if !r.Valid() || r.DocumentNumber != "123456789" || r.FamilyName != "PUBLIC" {
		t.Errorf("valid %v errors %q number %q family %q", r.Valid(), r.Errors(), r.DocumentNumber, r.FamilyName)
	}
	if !hasMessage(r.Warnings(), "header layout does not match version 01") {
		t.Errorf("warnings %q", r.Warnings())
	}
}

func TestLookupIIN(t *testing.T) {
	t.Parallel()
	if j, ok := LookupIIN("636000"); !ok || j != (Jurisdiction{"VA", "Virginia", "USA"}) {
		t.Errorf("636000 = %+v, %v", j, ok)
	}
	if j, ok := LookupIIN("604428"); !ok || j.Country != "CAN" || j.Code != "QC" {
		t.Errorf("604428 = %+v, %v", j, ok)
	}
	if _, ok := LookupIIN("123456"); ok {
		t.Error("123456 found")
	}
	codes := map[string]bool{}
	for iin, j := range iins {
		if len(iin) != 6 || j.Code == "" || j.Name == "" || (j.Country != "USA" && j.Country != "CAN" && j.Country != "MEX") {
			t.Errorf("bad entry %s: %+v", iin, j)
		}
		codes[j.Code] = true
	}
	// Every US state and DC must be there.
	for _, c := range []string{"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
		"IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
		"NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
		"WV", "WI", "WY"} {
		if !codes[c] {
			t.Errorf("no IIN for %s", c)
		}
	}
}
