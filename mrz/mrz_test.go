package mrz

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The ICAO 9303 specimens (Parts 4, 5 and 6): Anna Maria Eriksson of Utopia.
const (
	specimenTD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10"
	specimenTD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n" +
		"D231458907UTO7408122F1204159<<<<<<<6"
	specimenTD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n" +
		"7408122F1204159UTO<<<<<<<<<<<6\n" +
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)

// now is the reference time for every test: the specimens' 2012 expiry
// is then in the past, which Valid does not care about.
var now = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, text string) *Result {
	t.Helper()
	r, err := ParseAt(text, now)
	if err != nil {
		t.Fatalf("ParseAt(%q): %v", text, err)
	}
	return r
}

// fields is r without the check list and lines, for comparing values.
func fields(r *Result) Result {
	c := *r
	c.Checks, c.Lines, c.faults = nil, nil, nil
	return c
}

func TestCheckDigit(t *testing.T) {
	for in, want := range map[string]int{
		"L898902C3": 6, "740812": 2, "120415": 9, "ZE184226B<<<<<": 1,
		"D23145890": 7, "": 0, "<<<<": 0, "AZ": 5, // 10×7 + 35×3 = 175
	} {
		if got, err := CheckDigit(in); err != nil || got != want {
			t.Errorf("CheckDigit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "L8989 02", "É"} {
		if _, err := CheckDigit(in); err == nil {
			t.Errorf("CheckDigit(%q) succeeded", in)
		}
	}
}

// TestSpecimenCheckDigits recomputes every check digit of the specimens
// from the positions ICAO 9303 gives, independently of the parser.
func TestSpecimenCheckDigits(t *testing.T) {
	td3 := strings.Split(specimenTD3, "\n")[1]
	td2 := strings.Split(specimenTD2, "\n")[1]
	td1 := strings.Split(specimenTD1, "\n")
	cases := []struct{ name, data, digit string }{
		{"TD3 document number", td3[0:9], td3[9:10]},
		{"TD3 birth", td3[13:19], td3[19:20]},
		{"TD3 expiry", td3[21:27], td3[27:28]},
		{"TD3 personal number", td3[28:42], td3[42:43]},
		{"TD3 composite", td3[0:10] + td3[13:20] + td3[21:43], td3[43:44]},
		{"TD2 document number", td2[0:9], td2[9:10]},
		{"TD2 birth", td2[13:19], td2[19:20]},
		{"TD2 expiry", td2[21:27], td2[27:28]},
		{"TD2 composite", td2[0:10] + td2[13:20] + td2[21:35], td2[35:36]},
		{"TD1 document number", td1[0][5:14], td1[0][14:15]},
		{"TD1 birth", td1[1][0:6], td1[1][6:7]},
		{"TD1 expiry", td1[1][8:14], td1[1][14:15]},
		{"TD1 composite", td1[0][5:30] + td1[1][0:7] + td1[1][8:15] + td1[1][18:29], td1[1][29:30]},
	}
	for _, c := range cases {
		d, err := CheckDigit(c.data)
		if err != nil || string(rune('0'+d)) != c.digit {
			t.Errorf("%s: CheckDigit(%q) = %d, %v; the specimen prints %s", c.name, c.data, d, err, c.digit)
		}
	}
}

func TestSpecimens(t *testing.T) {
	eriksson := Result{
		IssuingState: "UTO", PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
		Nationality: "UTO", BirthDate: Date{Year: 1974, Month: 8, Day: 12}, Sex: "F", ExpiryDate: Date{Year: 2012, Month: 4, Day: 15},
	}
	with := func(f Format, code, number, opt string) Result {
		r := eriksson
		r.Format, r.DocumentCode, r.DocumentNumber, r.OptionalData1 = f, code, number, opt
		return r
	}
	cases := []struct {
		name   string
		text   string
		want   Result
		checks []string
	}{
		{"TD3", specimenTD3, with(TD3, "P", "L898902C3", "ZE184226B"),
			[]string{"document number", "birth date", "expiry date", "personal number", "composite"}},
		{"TD2", specimenTD2, with(TD2, "I", "D23145890", ""),
			[]string{"document number", "birth date", "expiry date", "composite"}},
		{"TD1", specimenTD1, with(TD1, "I", "D23145890", ""),
			[]string{"document number", "birth date", "expiry date", "composite"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, c.text)
			if got := fields(r); !reflect.DeepEqual(got, c.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, c.want)
			}
			var names []string
			for _, ch := range r.Checks {
				names = append(names, ch.Field)
				if !ch.Valid || ch.Got != ch.Expected {
					t.Errorf("check %+v failed", ch)
				}
			}
			if !reflect.DeepEqual(names, c.checks) {
				t.Errorf("checks %q, want %q", names, c.checks)
			}
			if !r.Valid() || len(r.Errors()) != 0 {
				t.Errorf("not valid: %q", r.Errors())
			}
			if strings.Join(r.Lines, "\n") != c.text {
				t.Errorf("lines %q", r.Lines)
			}
		})
	}
}

// set replaces the character at 1-based line and column of an MRZ text.
func set(text string, line, col int, c byte) string {
	lines := strings.Split(text, "\n")
	b := []byte(lines[line-1])
	b[col-1] = c
	lines[line-1] = string(b)
	return strings.Join(lines, "\n")
}

// bump replaces the digit at line and column with the next one.
func bump(text string, line, col int) string {
	c := strings.Split(text, "\n")[line-1][col-1]
	return set(text, line, col, '0'+(c-'0'+1)%10)
}

func TestCorruptCheckDigits(t *testing.T) {
	cases := []struct {
		name      string
		text      string
		line, col int
		want      []string // failing checks, in order
	}{
		{"TD3 document number", specimenTD3, 2, 10, []string{"document number", "composite"}},
		{"TD3 birth date", specimenTD3, 2, 20, []string{"birth date", "composite"}},
		{"TD3 expiry date", specimenTD3, 2, 28, []string{"expiry date", "composite"}},
		{"TD3 personal number", specimenTD3, 2, 43, []string{"personal number", "composite"}},
		{"TD3 composite", specimenTD3, 2, 44, []string{"composite"}},
		{"TD3 birth date data", specimenTD3, 2, 14, []string{"birth date", "composite"}},
		{"TD2 document number", specimenTD2, 2, 10, []string{"document number", "composite"}},
		{"TD2 birth date", specimenTD2, 2, 20, []string{"birth date", "composite"}},
		{"TD2 expiry date", specimenTD2, 2, 28, []string{"expiry date", "composite"}},
		{"TD2 composite", specimenTD2, 2, 36, []string{"composite"}},
		{"TD1 document number", specimenTD1, 1, 15, []string{"document number", "composite"}},
		{"TD1 birth date", specimenTD1, 2, 7, []string{"birth date", "composite"}},
		{"TD1 expiry date", specimenTD1, 2, 15, []string{"expiry date", "composite"}},
		{"TD1 composite", specimenTD1, 2, 30, []string{"composite"}},
		{"TD1 expiry date data", specimenTD1, 2, 14, []string{"expiry date", "composite"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, bump(c.text, c.line, c.col))
			var failed []string
			for _, ch := range r.Checks {
				if !ch.Valid {
					failed = append(failed, ch.Field)
				}
			}
			if !reflect.DeepEqual(failed, c.want) || r.Valid() {
				t.Fatalf("failed checks %q, want %q", failed, c.want)
			}
			errs := r.Errors()
			if len(errs) != len(c.want) || !strings.HasPrefix(errs[0], c.want[0]+" check digit is ") {
				t.Errorf("errors %q", errs)
			}
		})
	}
	r := parse(t, bump(specimenTD3, 2, 10))
	if got, want := r.Errors()[0], "document number check digit is 7, computed 6"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	// A letter where a digit belongs is reported as printed.
	r = parse(t, set(specimenTD3, 2, 20, 'O'))
	if got, want := r.Errors()[0], "birth date check digit is O, computed 2"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestLongDocumentNumber(t *testing.T) {
	td1 := func(line1, composite string) string {
		return line1 + "\n7408122F1204159UTO<<<<<<<<<<<" + composite + "\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
	}
	cases := []struct {
		name, text, number, opt string
		err                     string // the first error, "" when valid
	}{
		// D23145890734 has check digit 9: "734" continues the number, then 9, then a filler.
		{"TD1", td1("I<UTOD23145890<7349<<<<<<<<<<<", "6"), "D23145890734", "", ""},
		{"TD1 with optional data after", td1("I<UTOD23145890<7349<ABC<<<<<<<", "1"), "D23145890734", "ABC", ""},
		{"TD1 wrong digit", td1("I<UTOD23145890<7348<<<<<<<<<<<", "3"), "D23145890734", "", "document number check digit is 8, computed 9"},
		{"TD1 nothing follows", td1("I<UTOD23145890<<<<<<<<<<<<<<<<", "7"), "D23145890", "", "document number check digit is <, computed 7"},
		{"TD3", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C3<UTO7408122F1204159AB9<<<<<<<<<<<20",
			"L898902C3AB", "", ""},
		{"TD2", "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD23145890<UTO7408122F1204159A7<<<<<8",
			"D23145890A", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, c.text)
			var first string
			if errs := r.Errors(); len(errs) > 0 {
				first = errs[0]
			}
			if r.DocumentNumber != c.number || r.OptionalData1 != c.opt || first != c.err || r.Valid() != (c.err == "") {
				t.Errorf("number %q, optional %q, errors %q; want %q, %q, %q",
					r.DocumentNumber, r.OptionalData1, r.Errors(), c.number, c.opt, c.err)
			}
		})
	}
}
