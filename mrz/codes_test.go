package mrz

import (
	"strings"
	"testing"
)

func TestCountryCodes(t *testing.T) {
	t.Parallel()
	// The specimen passport with its codes replaced; the codes are outside
	// every check digit, so only the code list can catch a misread.
	specimen := "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
	tests := []struct {
		name, issuer, nationality string
		wantErr                   string
		specimen                  bool
	}{
		{"specimen state", "UTO", "UTO", "", true},
		{"real codes", "NLD", "NLD", "", false},
		{"Germany's one letter", "D<<", "D<<", "", false},
		{"refugee", "GBR", "XXB", "", false},
		{"misread nationality", "GBR", "G0R", `nationality "G0R" is not an ICAO country code`, false},
		{"misread issuer", "GBN", "GBR", "", false},
		{"unknown issuer", "ZZZ", "GBR", `issuing state "ZZZ" is not an ICAO country code`, false},
		{"missing nationality", "GBR", "<<<", "nationality is missing", false},
	}
	for _, tt := range tests {
		text := strings.Replace(strings.Replace(specimen, "P<UTO", "P<"+tt.issuer, 1), "6UTO7", "6"+tt.nationality+"7", 1)
		r, err := Parse(text)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		errs := strings.Join(r.Errors(), "; ")
		if tt.wantErr == "" && errs != "" || tt.wantErr != "" && !strings.Contains(errs, tt.wantErr) {
			t.Errorf("%s: errors %q, want %q", tt.name, errs, tt.wantErr)
		}
		if r.Specimen() != tt.specimen {
			t.Errorf("%s: Specimen() = %v", tt.name, r.Specimen())
		}
	}
}

func TestDocumentCode(t *testing.T) {
	t.Parallel()
	line2 := "L898902C36NLD7408122F1204159ZE184226B<<<<<10"
	for code, ok := range map[string]bool{"P<": true, "PO": true, "ID": true, "P0": false, "1<": false} {
		r, err := Parse(code + "NLDERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" + line2)
		if err != nil {
			t.Fatal(err)
		}
		if r.Valid() != ok {
			t.Errorf("%s: valid %v, errors %v", code, r.Valid(), r.Errors())
		}
	}
}
