package mrzread

import (
	"math"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread/mrztest"
)

func TestTemplateOrder(t *testing.T) {
	if len(templates) != nChars || alphabet != mrztest.Alphabet {
		t.Fatalf("%d templates, alphabet %q", len(templates), alphabet)
	}
	for i, tm := range templates {
		if tm.char != alphabet[i] || charIndex(tm.char) != i {
			t.Errorf("template %d is %q, want %q", i, tm.char, alphabet[i])
		}
	}
}

// cell returns the scores of a cell that shows the first character of
// spec clearly (0.95) and each next one a little less: "O0" is an O that
// looks almost like a 0.
func cell(spec string, steps ...float32) scores {
	var s scores
	for i := range s {
		s[i] = 0.3
	}
	v := float32(0.95)
	for i := range len(spec) {
		s[charIndex(spec[i])] = v
		step := float32(0.02)
		if i < len(steps) {
			step = steps[i]
		}
		v -= step
	}
	return s
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cell    scores
		allowed set
		checked bool
		want    byte
		margin  float64 // want, to 1e-6
		silent  float64
	}{
		{"clear letter", cell("A"), alpha, false, 'A', 0.65, 0.65},
		{"O in a date is a 0", cell("O08"), numeric, true, '0', 0.02, 0.63},
		{"0 in a name is an O", cell("0OQ"), alpha, false, 'O', 0.02, 0.02},
		// No digit has the check value of 1 but 1.
		{"I in a date is a 1", cell("I1", 0.05), numeric, true, '1', 0.60, 0.90},
		{"a letter far above any digit stays", cell("A4", 0.2), numeric, true, 'A', 0.2, 0.65},
		{"sex", cell("HMN"), sex, false, 'M', 0.63, 0.63},
		{"U for 0 is silent", cell("0U"), anyChar, true, '0', 0.02, 0.02},
		{"8 for B is caught", cell("8B"), anyChar, true, '8', 0.02, 0.65},
		{"8 for S is silent", cell("8S", 0.03), anyChar, true, '8', 0.03, 0.03},
		{"filler in a check digit", cell("<"), numeric, true, '<', 0.65, 0.65},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := choose(&tc.cell, tc.allowed, tc.checked)
			if c.char != tc.want || math.Abs(c.margin-tc.margin) > 1e-6 || math.Abs(c.silent-tc.silent) > 1e-6 {
				t.Errorf("choose = %q margin %.3f silent %.3f, want %q %.3f %.3f", c.char, c.margin, c.silent, tc.want, tc.margin, tc.silent)
			}
		})
	}
}

func TestCodeField(t *testing.T) {
	const noRival = 0.6 // a margin at least this large: no rival
	for _, tc := range []struct {
		name   string
		cells  [3]scores
		want   string // "" when no listed code is supported
		margin []float64
	}{
		{"plain", [3]scores{cell("G"), cell("B"), cell("R")}, "GBR", []float64{noRival, noRival, noRival}},
		// The nationality of a misread zone in the field: no digit in a
		// code, and a code that Doc 9303 lists.
		{"G0R", [3]scores{cell("G"), cell("0B"), cell("R")}, "GBR", []float64{noRival, noRival, noRival}},
		{"Germany", [3]scores{cell("D"), cell("<"), cell("<")}, "D<<", []float64{noRival, noRival, noRival}},
		// FRA and FRO are both states: the last letter could be read
		// either way.
		{"rival code", [3]scores{cell("F"), cell("R"), cell("AO", 0.01)}, "FRA", []float64{noRival, noRival, 0.01}},
		// The image shows OHR best, which names nothing; BHR is supported
		// but the O above it makes it doubtful.
		{"prior over the image", [3]scores{cell("OB"), cell("H"), cell("R")}, "BHR", []float64{-0.02, noRival, noRival}},
		{"unlisted", [3]scores{cell("Q"), cell("Q"), cell("Q")}, "", nil},
		{"filler first", [3]scores{cell("<"), cell("D"), cell("<")}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := make([]byte, 3)
			score := make([]float64, 3)
			margin := make([]float64, 3)
			ok := codeField(tc.cells[:], text, score, margin)
			if !ok {
				if tc.want != "" {
					t.Fatalf("no code, want %s", tc.want)
				}
				return
			}
			if string(text) != tc.want {
				t.Fatalf("code %s, want %q", text, tc.want)
			}
			for i, m := range margin {
				if w := tc.margin[i]; w == noRival && m < noRival || w != noRival && math.Abs(m-w) > 1e-6 {
					t.Errorf("margins %.3f, want %.3f", margin, tc.margin)
					break
				}
			}
		})
	}
}

// zone returns the cells of a clean reading of lines.
func zone(lines []string) [][]scores {
	out := make([][]scores, len(lines))
	for i, l := range lines {
		for k := range len(l) {
			out[i] = append(out[i], cell(l[k:k+1]))
		}
	}
	return out
}

func TestDecode(t *testing.T) {
	for name, lines := range map[string][]string{"TD1": mrztest.TD1, "TD2": mrztest.TD2, "TD3": mrztest.TD3,
		"MRV-A": {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"}} {
		t.Run(name, func(t *testing.T) {
			cells := zone(lines)
			d := decode(cells)
			if strings.Join(d.lines, "\n") != strings.Join(lines, "\n") {
				t.Fatalf("decoded %q, want %q", d.lines, lines)
			}
			if !checkDigits(lines) {
				t.Errorf("check digits of %q fail", lines)
			}
			// Blur every O where only letters may stand towards a 0, and
			// every 0 where only digits may towards an O: the layout still
			// reads them right.
			for _, f := range layout(len(lines), len(lines[0]), lines[0][0] == 'V') {
				for k := f.from; k < f.to; k++ {
					switch c := lines[f.line][k]; {
					case c == 'O' && f.allowed == alpha:
						cells[f.line][k] = cell("0O", 0.01)
					case c == '0' && f.allowed == numeric:
						cells[f.line][k] = cell("O0", 0.01)
					}
				}
			}
			d = decode(cells)
			if strings.Join(d.lines, "\n") != strings.Join(lines, "\n") {
				t.Errorf("decoded blurred zone %q, want %q", d.lines, lines)
			}
		})
	}
}

func TestCheckDigits(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  bool
	}{
		{mrztest.TD1, true},
		{mrztest.TD2, true},
		{mrztest.TD3, true},
		{[]string{mrztest.TD3[0], strings.Replace(mrztest.TD3[1], "7408122", "7408123", 1)}, false},
		{[]string{mrztest.TD1[0], mrztest.TD1[1][:29] + "7", mrztest.TD1[2]}, false},
		{[]string{mrztest.TD3[0]}, false},
	} {
		if got := checkDigits(tc.lines); got != tc.want {
			t.Errorf("checkDigits(%q) = %v, want %v", tc.lines, got, tc.want)
		}
	}
}
