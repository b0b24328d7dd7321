package mrz

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to ParseAt. It must never panic; an error
// must come without a result; a result must have the shape of its format,
// checks that agree with themselves, and parse back to itself from its
// lines, whether given line by line or concatenated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		specimenTD1, specimenTD2, specimenTD3,
		strings.ReplaceAll(specimenTD3, "\n", ""),
		"I<UTOD23145890<7349<ABC<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<1\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C3<UTO7408122F1204159<<<<<<<<<<<<<<<<",
		"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<",
		td3("ERIKSSON<<ANNA", "7408<<", "<", "<<<<<<", ""),
		"", "\r\n", "P<UTO\n", strings.Repeat("<", 88), strings.Repeat("9", 90),
	} {
		f.Add(s)
	}
	sizes := map[Format][2]int{TD1: {3, 30}, TD2: {2, 36}, TD3: {2, 44}, MRVA: {2, 44}, MRVB: {2, 36}}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseAt(text, now)
		if err != nil {
			if r != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		size, ok := sizes[r.Format]
		if !ok || !shape(r.Lines, size[0], size[1]) {
			t.Fatalf("format %q with lines %q", r.Format, r.Lines)
		}
		for _, c := range r.Checks {
			if c.Valid != (c.Got == c.Expected) || len(c.Got) != 1 || len(c.Expected) != 1 {
				t.Fatalf("inconsistent check %+v", c)
			}
		}
		if r.Valid() != (len(r.Errors()) == 0) {
			t.Fatalf("Valid %v with errors %q", r.Valid(), r.Errors())
		}
		if (r.BirthDate.IsZero() || r.ExpiryDate.IsZero()) && r.Valid() {
			t.Fatalf("valid without dates: %+v", r)
		}
		for _, again := range []string{strings.Join(r.Lines, "\n"), strings.Join(r.Lines, "")} {
			r2, err := ParseAt(again, now)
			if err != nil || !reflect.DeepEqual(r, r2) {
				t.Fatalf("re-parsing %q: %v\n got %+v\nwant %+v", again, err, r2, r)
			}
		}
	})
}
