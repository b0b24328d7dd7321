package aamva

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sample is the version 10 example payload of the 2020 standard.
const sample = "@\n\x1e\rANSI 636000100102DL00410278ZV03190008" +
	"DLDAQT64235789\n" +
	"DCSSAMPLE\n" +
	"DDEN\n" +
	"DACMICHAEL\n" +
	"DDFN\n" +
	"DADJOHN\n" +
	"DDGN\n" +
	"DCUJR\n" +
	"DCAD\n" +
	"DCBK\n" +
	"DCDPH\n" +
	"DBD06062019\n" +
	"DBB06061986\n" +
	"DBA12102024\n" +
	"DBC1\n" +
	"DAU068 in\n" +
	"DAYBRO\n" +
	"DAG2300 WEST BROAD STREET\n" +
	"DAIRICHMOND\n" +
	"DAJVA\n" +
	"DAK232690000  \n" +
	"DCF2424244747474786102204\n" +
	"DCGUSA\n" +
	"DCK123456789\n" +
	"DDAF\n" +
	"DDB06062018\n" +
	"DDC06062020\n" +
	"DDD1\r" +
	"ZVZVA01\r"

// sampleWant is what the typed fields of sample hold.
var sampleWant = Result{
	Version:               10,
	JurisdictionVersion:   1,
	IIN:                   "636000",
	Issuer:                "VA",
	DocumentType:          "DL",
	DocumentNumber:        "T64235789",
	FamilyName:            "SAMPLE",
	FirstName:             "MICHAEL",
	MiddleName:            "JOHN",
	Suffix:                "JR",
	BirthDate:             Date{Year: 1986, Month: 6, Day: 6},
	ExpiryDate:            Date{Year: 2024, Month: 12, Day: 10},
	IssueDate:             Date{Year: 2019, Month: 6, Day: 6},
	Sex:                   "M",
	EyeColor:              "BRO",
	Height:                "068 in",
	Street:                "2300 WEST BROAD STREET",
	City:                  "RICHMOND",
	State:                 "VA",
	PostalCode:            "232690000",
	Country:               "USA",
	DocumentDiscriminator: "2424244747474786102204",
}

// typedOnly compares the typed fields of two results.
var typedOnly = cmp.Options{
	cmpopts.IgnoreUnexported(Result{}),
	cmpopts.IgnoreFields(Result{}, "Subfiles"),
}

func mustParse(t *testing.T, payload string) *Result {
	t.Helper()
	r, err := Parse([]byte(payload))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

func TestParseSample(t *testing.T) {
	t.Parallel()
	r := mustParse(t, sample)
	if diff := cmp.Diff(sampleWant, *r, typedOnly); diff != "" {
		t.Errorf("typed fields (-want +got):\n%s", diff)
	}
	if !r.Valid() || len(r.Errors()) != 0 {
		t.Errorf("Valid() = false, errors %q", r.Errors())
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings for a conforming payload: %q", w)
	}
	if len(r.Subfiles) != 2 || r.Subfiles[0].Type != "DL" || r.Subfiles[1].Type != "ZV" {
		t.Fatalf("subfiles = %+v, want DL then ZV", r.Subfiles)
	}
	dl := r.Subfile("DL")
	if n := len(dl.Ordered); n != 28 {
		t.Errorf("DL has %d elements, want 28", n)
	}
	if dl.Ordered[0] != (Element{"DAQ", "T64235789"}) || dl.Elements["DDD"] != "1" {
		t.Errorf("DL elements: first %v, DDD %q", dl.Ordered[0], dl.Elements["DDD"])
	}
	zv := r.Subfile("ZV")
	if diff := cmp.Diff([]Element{{"ZVA", "01"}}, zv.Ordered); diff != "" {
		t.Errorf("ZV elements (-want +got):\n%s", diff)
	}
	if zv.Elements["ZVA"] != "01" {
		t.Errorf("ZV ZVA = %q, want 01", zv.Elements["ZVA"])
	}
}

func TestParseVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		want    Result
		subfile string // jurisdiction subfile expected besides DL/ID
	}{
		{"v1", payloadV1, Result{
			Version: 1, IIN: "636018", Issuer: "IA", DocumentType: "DL",
			DocumentNumber: "123456789", FamilyName: "PUBLIC", FirstName: "JOHN", MiddleName: "QUINCY",
			BirthDate: Date{Year: 1970, Month: 1, Day: 15}, ExpiryDate: Date{Year: 2025, Month: 12, Day: 31}, IssueDate: Date{Year: 2017, Month: 1, Day: 10},
			Sex: "M", EyeColor: "BLU", Height: "600", Street: "100 MAIN ST", City: "DES MOINES",
			State: "IA", PostalCode: "503090000",
		}, ""},
		{"v3", payloadV3, Result{
			Version: 3, JurisdictionVersion: 1, IIN: "636026", Issuer: "AZ", DocumentType: "DL",
			DocumentNumber: "D12345678", FamilyName: "DOE", FirstName: "JANE", MiddleName: "ANN",
			BirthDate: Date{Year: 1981, Month: 3, Day: 15}, ExpiryDate: Date{Year: 2027, Month: 3, Day: 15}, IssueDate: Date{Year: 2019, Month: 3, Day: 15},
			Sex: "F", EyeColor: "GRN", Height: "065 in", Street: "1 N CENTRAL AVE", City: "PHOENIX",
			State: "AZ", PostalCode: "850040000", Country: "USA", DocumentDiscriminator: "0123456789ABCDEF",
		}, "ZA"},
		{"v8", payloadV8, Result{
			Version: 8, JurisdictionVersion: 3, IIN: "636010", Issuer: "FL", DocumentType: "DL",
			DocumentNumber: "G620123456780", FamilyName: "GARCIA", FirstName: "MARIA", MiddleName: "ELENA",
			BirthDate: Date{Year: 1995, Month: 9, Day: 30}, ExpiryDate: Date{Year: 2030, Month: 9, Day: 30}, IssueDate: Date{Year: 2022, Month: 9, Day: 30},
			Sex: "F", EyeColor: "BRO", Height: "064 in", Street: "400 S MONROE ST", City: "TALLAHASSEE",
			State: "FL", PostalCode: "323990000", Country: "USA", DocumentDiscriminator: "Y123456789012",
		}, "ZF"},
		{"canada", payloadCanada, Result{
			Version: 8, IIN: "636012", Issuer: "ON", DocumentType: "DL",
			DocumentNumber: "T1234-56789-00315", FamilyName: "TREMBLAY", FirstName: "LUC",
			BirthDate: Date{Year: 1990, Month: 3, Day: 15}, ExpiryDate: Date{Year: 2031, Month: 3, Day: 15}, IssueDate: Date{Year: 2026, Month: 3, Day: 15},
			Sex: "M", EyeColor: "BLU", Height: "180 cm", Street: "12 QUEEN ST W", City: "TORONTO",
			State: "ON", PostalCode: "M5H 2N2", Country: "CAN", DocumentDiscriminator: "AB1234567",
		}, ""},
		{"id card", payloadIDCard, Result{
			Version: 9, JurisdictionVersion: 1, IIN: "636001", Issuer: "NY", DocumentType: "ID",
			DocumentNumber: "987654321", FamilyName: "LEE", FirstName: "CHRIS",
			BirthDate: Date{Year: 2000, Month: 12, Day: 31}, ExpiryDate: Date{Year: 2029, Month: 8, Day: 1}, IssueDate: Date{Year: 2021, Month: 8, Day: 1},
			Sex: "X", EyeColor: "HAZ", Height: "070 in", Street: "1 STATE ST", City: "ALBANY",
			State: "NY", PostalCode: "122070000", Country: "USA", DocumentDiscriminator: "AB12CD34",
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.payload)
			if diff := cmp.Diff(tt.want, *r, typedOnly); diff != "" {
				t.Errorf("typed fields (-want +got):\n%s", diff)
			}
			if !r.Valid() {
				t.Errorf("not valid: %q", r.Errors())
			}
			if w := r.Warnings(); len(w) != 0 {
				t.Errorf("warnings for a conforming payload: %q", w)
			}
			if tt.subfile != "" && r.Subfile(tt.subfile) == nil {
				t.Errorf("no %s subfile in %+v", tt.subfile, r.Subfiles)
			}
		})
	}
}

func TestParseNotAAMVA(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{
		"",
		"hello",
		"   \r\n",
		"@",
		"@\n\x1e\rPDF417 636000",
		"@\n\x1e\rANSI 63600",
		"@\n\x1e\rANSI 6360X0100102",
		"@\n\x1e\rANSI 6360001",
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	} {
		r, err := Parse([]byte(payload))
		if !errors.Is(err, ErrNotAAMVA) || r != nil {
			t.Errorf("Parse(%q) = %v, %v; want ErrNotAAMVA", payload, r, err)
		}
	}
}

// hasMessage reports whether one of msgs contains substr.
func hasMessage(msgs []string, substr string) bool {
	for _, m := range msgs {
		if strings.Contains(m, substr) {
			return true
		}
	}
	return false
}
