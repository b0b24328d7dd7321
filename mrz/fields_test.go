package mrz

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func pad(s string, n int) string { return s + strings.Repeat("<", n-len(s)) }

func digit(s string) string {
	d, err := CheckDigit(s)
	if err != nil {
		panic(err)
	}
	return fmt.Sprint(d)
}

// td3 builds a passport zone with correct check digits around the given
// fields, so that a test can vary one of them at a time.
func td3(name, birth, sex, expiry, personal string) string {
	pn := pad(personal, 14)
	l2 := "L898902C36UTO" + birth + digit(birth) + sex + expiry + digit(expiry) + pn + digit(pn)
	l2 += digit(l2[0:10] + l2[13:20] + l2[21:43])
	return "P<UTO" + pad(name, 39) + "\n" + l2
}

func TestNames(t *testing.T) {
	cases := []struct{ field, primary, secondary string }{
		{"ERIKSSON<<ANNA<MARIA", "ERIKSSON", "ANNA MARIA"},
		{"VAN<DER<BERG<<ANNA<MARIA<LOUISE<SOFIA", "VAN DER BERG", "ANNA MARIA LOUISE SOFIA"},
		{"ERIKSSON", "ERIKSSON", ""},
		{"ERIKSSON<<ANNA<<MARIA", "ERIKSSON", "ANNA MARIA"},
		// A name filling all 39 positions, cut by the issuer: returned as printed.
		{"SCHWARZENEGGER<TRAUTMANNSDORFF<<MAXIMIL", "SCHWARZENEGGER TRAUTMANNSDORFF", "MAXIMIL"},
		{"<<ANNA", "", "ANNA"},
	}
	for _, c := range cases {
		r := parse(t, td3(c.field, "740812", "F", "340415", ""))
		if r.PrimaryIdentifier != c.primary || r.SecondaryIdentifier != c.secondary || !r.Valid() {
			t.Errorf("%s: %q / %q %q; want %q / %q", c.field, r.PrimaryIdentifier, r.SecondaryIdentifier, r.Errors(), c.primary, c.secondary)
		}
	}
	r := parse(t, td3("ER1KSSON<<ANNA", "740812", "F", "340415", ""))
	if r.Valid() || r.Errors()[0] != `name field "ER1KSSON<<ANNA" contains a digit` {
		t.Errorf("digit in name: %q", r.Errors())
	}
}

func TestPersonalNumber(t *testing.T) {
	// An unused personal number may carry '<' or 0 as its check digit.
	empty := td3("ERIKSSON<<ANNA", "740812", "F", "340415", "")
	for _, c := range []byte{'<', '0'} {
		text := set(empty, 2, 43, c)
		l2 := strings.Split(text, "\n")[1]
		text = set(text, 2, 44, digit(l2[0:10] + l2[13:20] + l2[21:43])[0])
		if r := parse(t, text); !r.Valid() {
			t.Errorf("check digit %c: %q", c, r.Errors())
		}
	}
	// A used one may not carry '<'.
	used := td3("ERIKSSON<<ANNA", "740812", "F", "340415", "ZE184226B")
	if r := parse(t, set(used, 2, 43, '<')); r.Valid() || r.Errors()[0] != "personal number check digit is <, computed 1" {
		t.Errorf("filler for a used personal number: %q", r.Errors())
	}
}

func TestDates(t *testing.T) {
	cases := []struct {
		birth, expiry string
		wantB, wantE  Date
		errs          []string
		name          string
	}{
		{"740812", "340415", Date{Year: 1974, Month: 8, Day: 12}, Date{Year: 2034, Month: 4, Day: 15}, nil, "past century"},
		{"260615", "260615", Date{Year: 2026, Month: 6, Day: 15}, Date{Year: 2026, Month: 6, Day: 15}, nil, "today"},
		{"260616", "760101", Date{Year: 1926, Month: 6, Day: 16}, Date{Year: 1976, Month: 1, Day: 1}, nil, "tomorrow is a century ago"},
		{"000229", "750101", Date{Year: 2000, Month: 2, Day: 29}, Date{Year: 2075, Month: 1, Day: 1}, nil, "leap day, far expiry"},
		{"250229", "000101", Date{}, Date{Year: 2000, Month: 1, Day: 1}, []string{`birth date "250229" is not a valid date`}, "no leap day"},
		{"7408<<", "340415", Date{}, Date{Year: 2034, Month: 4, Day: 15}, []string{`birth date "7408<<" is not a valid date`}, "unknown day"},
		{"<<<<<<", "<<<<<<", Date{}, Date{}, []string{`birth date "<<<<<<" is not a valid date`, `expiry date "<<<<<<" is not a valid date`}, "unknown"},
		{"741301", "341200", Date{}, Date{}, []string{`birth date "741301" is not a valid date`, `expiry date "341200" is not a valid date`}, "out of range"},
	}
	for _, c := range cases {
		r := parse(t, td3("ERIKSSON<<ANNA", c.birth, "F", c.expiry, ""))
		if r.BirthDate != c.wantB || r.ExpiryDate != c.wantE || !reflect.DeepEqual(r.Errors(), c.errs) {
			t.Errorf("%s: %v %v %q; want %v %v %q", c.name, r.BirthDate, r.ExpiryDate, r.Errors(), c.wantB, c.wantE, c.errs)
		}
	}
}

func TestSex(t *testing.T) {
	for code, want := range map[string]string{"M": "M", "F": "F", "<": "X", "X": "X", "Q": ""} {
		r := parse(t, td3("ERIKSSON<<ANNA", "740812", code, "340415", ""))
		if r.Sex != want || r.Valid() != (want != "") {
			t.Errorf("sex %s: %q %q", code, r.Sex, r.Errors())
		}
	}
}

func TestVisas(t *testing.T) {
	line2 := "L8988901C4XXX4009078F9612109"
	a := parse(t, pad("V<UTOERIKSSON<<ANNA<MARIA", 44)+"\n"+pad(line2+"ZE184226B", 44))
	b := parse(t, pad("V<UTOERIKSSON<<ANNA<MARIA", 36)+"\n"+pad(line2, 36))
	for _, r := range []*Result{a, b} {
		if r.DocumentNumber != "L8988901C" || r.Nationality != "XXX" || r.BirthDate != (Date{Year: 1940, Month: 9, Day: 7}) ||
			r.ExpiryDate != (Date{Year: 1996, Month: 12, Day: 10}) || len(r.Checks) != 3 || !r.Valid() {
			t.Errorf("%s: %+v %q", r.Format, fields(r), r.Errors())
		}
	}
	if a.Format != MRVA || b.Format != MRVB || a.OptionalData1 != "ZE184226B" {
		t.Errorf("formats %s %s, optional %q", a.Format, b.Format, a.OptionalData1)
	}
}

func TestInputTolerance(t *testing.T) {
	l := strings.Split(specimenTD3, "\n")
	cases := []struct{ name, text, same string }{
		{"CRLF", l[0] + "\r\n" + l[1] + "\r\n", specimenTD3},
		{"concatenated", l[0] + l[1], specimenTD3},
		{"surrounding", "\n\t  " + specimenTD3 + " \n\n", specimenTD3},
		{"blank between", l[0] + "\n \n" + l[1], specimenTD3},
		{"line padding", "  " + l[0] + "\t\n " + l[1] + "  ", specimenTD3},
		{"TD1 concatenated", strings.ReplaceAll(specimenTD1, "\n", ""), specimenTD1},
		{"TD2 concatenated", strings.ReplaceAll(specimenTD2, "\n", ""), specimenTD2},
	}
	for _, c := range cases {
		r, err := ParseAt(c.text, now)
		if want := parse(t, c.same); err != nil || !reflect.DeepEqual(r, want) {
			t.Errorf("%s: %+v, %v; want %+v", c.name, r, err, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	l := strings.Split(specimenTD3, "\n")
	cases := []struct{ name, text, want string }{
		{"empty", "", "mrz: no text"},
		{"blank", " \r\n\t\n", "mrz: no text"},
		{"short line", l[0] + "\n" + l[1][:43], "mrz: 2 lines of 44, 43 characters; want 3 lines of 30 (TD1), 2 of 36 (TD2) or 2 of 44 (TD3)"},
		{"one line", l[1], "mrz: one line of 44 characters; want 90 (TD1), 72 (TD2) or 88 (TD3), or the zone's separate lines"},
		{"three TD3 lines", specimenTD3 + "\n" + l[1], "mrz: 3 lines of 44, 44, 44 characters; want 3 lines of 30 (TD1), 2 of 36 (TD2) or 2 of 44 (TD3)"},
		{"concatenated too long", l[0] + l[1] + "<", "mrz: one line of 89 characters; want 90 (TD1), 72 (TD2) or 88 (TD3), or the zone's separate lines"},
		{"lower case", strings.Replace(specimenTD3, "UTO", "uTO", 1), "mrz: line 1, column 3: lower-case 'u' (the zone is upper case)"},
		{"space inside", strings.Replace(specimenTD3, "ANNA<", "ANNA ", 1), "mrz: line 1, column 20: ' ' is not allowed (only 0-9, A-Z and <)"},
		{"accent", strings.Replace(specimenTD3, "ERIKSSON", "ÉRIKSSON", 1), "mrz: line 1, column 6: 'É' is not allowed (only 0-9, A-Z and <)"},
		{"after blank line", "\n\n  " + l[0] + "\n" + strings.Replace(l[1], "UTO", "U-O", 1), "mrz: line 4, column 12: '-' is not allowed (only 0-9, A-Z and <)"},
		{"indented", "   É", "mrz: line 1, column 4: 'É' is not allowed (only 0-9, A-Z and <)"},
	}
	for _, c := range cases {
		r, err := ParseAt(c.text, now)
		if err == nil || err.Error() != c.want || r != nil {
			t.Errorf("%s: %v, %v; want %q", c.name, r, err, c.want)
		}
	}
	var se *SyntaxError
	if _, err := Parse("P<UTO\x00"); !errors.As(err, &se) || se.Line != 1 || se.Column != 6 || se.Char != 0 {
		t.Errorf("SyntaxError: %#v", err)
	}
}

func TestJSON(t *testing.T) {
	r := parse(t, td3("ERIKSSON<<ANNA", "7408<<", "F", "340415", ""))
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"birthDate":null`, `"expiryDate":"2034-04-15"`, `"format":"TD3"`, `{"field":"composite","expected":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(fields(&back), fields(r)) || !reflect.DeepEqual(back.Checks, r.Checks) {
		t.Errorf("round trip: %v\n got %+v\nwant %+v", err, back, *r)
	}
}

func TestParseUsesNow(t *testing.T) {
	// Parse resolves against the clock: a birth date of today's YYMMDD is today.
	today := time.Now()
	r, err := Parse(td3("ERIKSSON<<ANNA", today.Format("060102"), "F", "340415", ""))
	if err != nil || r.BirthDate.Year != today.Year() {
		t.Errorf("%v %v", r, err)
	}
}
