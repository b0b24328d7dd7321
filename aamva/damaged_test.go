package aamva

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseDamaged covers payloads damaged on their way from the card: a
// field that cannot be read must come out empty, never taken from the
// element next to it, and the payload is then Incomplete rather than
// defective when only such fields are missing.
func TestParseDamaged(t *testing.T) {
	t.Parallel()
	type fields struct {
		Number, Family, First, Middle, Birth, Expiry, Issue, Street, City string
	}
	// want starts from the sample's fields; damaged ones are emptied.
	sampleFields := fields{"T64235789", "SAMPLE", "MICHAEL", "JOHN", "1986-06-06", "2024-12-10", "2019-06-06",
		"2300 WEST BROAD STREET", "RICHMOND"}
	tests := []struct {
		name    string
		payload func(t *testing.T) string
		empty   []string // fields of sampleFields that must come out empty
		unread  []string // exactly, or at least when it ends with "..."
		errors  []string
		// incomplete: only unreadable fields make the payload invalid
		incomplete bool
	}{
		{"separator lost between DAQ and DCS", func(t *testing.T) string {
			return replaceOnce(t, sample, "T64235789\nDCS", "T64235789DCS")
		}, []string{"Number", "Family"}, []string{"DAQ", "DCS"},
			[]string{"DAQ document number could not be read", "DCS family name could not be read"}, true},
		{"separator lost between DCS and DDE", func(t *testing.T) string {
			return replaceOnce(t, sample, "DCSSAMPLE\nDDE", "DCSSAMPLEDDE")
		}, []string{"Family"}, []string{"DCS", "DDE"}, []string{"DCS family name could not be read"}, true},
		{"separator lost between DBB and DBA", func(t *testing.T) string {
			return replaceOnce(t, sample, "DBB06061986\nDBA", "DBB06061986DBA")
		}, []string{"Birth", "Expiry"}, []string{"DBB", "DBA"},
			[]string{"DBB birth date could not be read", "DBA expiry date could not be read"}, true},
		{"separator lost between DAG and DAI", func(t *testing.T) string {
			return replaceOnce(t, sample, "STREET\nDAI", "STREETDAI")
		}, []string{"Street", "City"}, []string{"DAG", "DAI"}, nil, false},
		{"separator lost before an optional element", func(t *testing.T) string {
			// DDB (card revision date) is optional, so DCK cannot
			// be shown damaged; but no typed field reads DCK.
			return replaceOnce(t, sample, "DCK123456789\nDDA", "DCK123456789DDA")
		}, nil, nil, nil, false},
		{"every separator lost", func(t *testing.T) string {
			return strings.ReplaceAll(sample, "\n", "")
		}, []string{"Number", "Family", "First", "Middle", "Birth", "Expiry", "Issue", "Street", "City"},
			// Where one value ends and the next ID starts is ambiguous
			// ("DCAD" then "DCBK" also reads as DDC), so only the
			// elements the required fields need are listed.
			[]string{"DAQ", "DCS", "DAC", "DBB", "DBA", "..."},
			[]string{"DBB birth date could not be read", "DBA expiry date could not be read",
				"DAQ document number could not be read", "DCS family name could not be read",
				"DAC first name could not be read"}, true},
		{"U+FFFD in the family name", func(t *testing.T) string {
			return replaceOnce(t, sample, "DCSSAMPLE", "DCSSAMPL\ufffd")
		}, []string{"Family"}, []string{"DCS"}, []string{"DCS family name could not be read"}, true},
		{"C1 control from mis-decoded UTF-8 in the first name", func(t *testing.T) string {
			return replaceOnce(t, sample, "DACMICHAEL", "DACMICH\xc2\x81EL")
		}, []string{"First"}, []string{"DAC"}, []string{"DAC first name could not be read"}, true},
		{"U+FFFD in the birth date", func(t *testing.T) string {
			return replaceOnce(t, sample, "DBB06061986", "DBB0606\ufffd986")
		}, []string{"Birth"}, []string{"DBB"}, []string{"DBB birth date could not be read"}, true},
		{"damaged element ID", func(t *testing.T) string {
			return replaceOnce(t, sample, "DCSSAMPLE", "D\ufffdSSAMPLE")
		}, []string{"Family"}, nil, []string{"DCS family name could not be read"}, true},
		{"short birth date is not guessed", func(t *testing.T) string {
			return replaceOnce(t, sample, "DBB06061986", "DBB0606198")
		}, []string{"Birth"}, nil, []string{"DBB birth date 0606198 is not a date"}, false},
		{"missing family name is not taken from a neighbour", func(t *testing.T) string {
			return replaceOnce(t, sample, "DCSSAMPLE\n", "")
		}, []string{"Family"}, nil, []string{"DCS family name is missing"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.payload(t))
			want := sampleFields
			for _, name := range tt.empty {
				switch name {
				case "Number":
					want.Number = ""
				case "Family":
					want.Family = ""
				case "First":
					want.First = ""
				case "Middle":
					want.Middle = ""
				case "Birth":
					want.Birth = ""
				case "Expiry":
					want.Expiry = ""
				case "Issue":
					want.Issue = ""
				case "Street":
					want.Street = ""
				case "City":
					want.City = ""
				default:
					t.Fatalf("unknown field %s", name)
				}
			}
			got := fields{r.DocumentNumber, r.FamilyName, r.FirstName, r.MiddleName, r.BirthDate.String(),
				r.ExpiryDate.String(), r.IssueDate.String(), r.Street, r.City}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nwarnings %q", diff, r.Warnings())
			}
			if n := len(tt.unread); n > 0 && tt.unread[n-1] == "..." {
				for _, id := range tt.unread[:n-1] {
					if !slices.Contains(r.Unread(), id) {
						t.Errorf("unread %q lacks %s", r.Unread(), id)
					}
				}
			} else if diff := cmp.Diff(tt.unread, r.Unread()); diff != "" {
				t.Errorf("unread (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errors, r.Errors()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if r.Incomplete() != tt.incomplete {
				t.Errorf("Incomplete() = %v, want %v", r.Incomplete(), tt.incomplete)
			}
		})
	}
}

// TestParseDamagedVersion1 covers version 1 payloads, whose names sit in
// one element.
func TestParseDamagedVersion1(t *testing.T) {
	t.Parallel()
	// The separator between DAQ and DAA is lost: neither the number nor
	// the names may be cut out of the merged value.
	r := mustParse(t, replaceOnce(t, payloadV1, "123456789\nDAA", "123456789DAA"))
	if r.DocumentNumber != "" || r.FamilyName != "" || r.FirstName != "" || r.MiddleName != "" {
		t.Errorf("number %q names %q %q %q, want all empty", r.DocumentNumber, r.FamilyName, r.FirstName, r.MiddleName)
	}
	if !r.Incomplete() || !cmp.Equal(r.Unread(), []string{"DAQ", "DAA"}) {
		t.Errorf("Incomplete() = %v, unread %q, errors %q", r.Incomplete(), r.Unread(), r.Errors())
	}
	// A name that happens to contain an element ID is read as it is:
	// DAD is absent, but a version 1 payload need not have it.
	r = mustParse(t, replaceOnce(t, payloadV1, "PUBLIC,JOHN", "HADDAD,JOHN"))
	if r.FamilyName != "HADDAD" || !r.Valid() {
		t.Errorf("family %q, errors %q", r.FamilyName, r.Errors())
	}
}
