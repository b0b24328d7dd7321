package mrztest_test

import (
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread/mrztest"
)

// checkDigits verifies every check digit of an MRZ, by ICAO 9303 position.
func checkDigits(t *testing.T, lines []string) {
	t.Helper()
	cd := func(where string, got byte, over string) {
		t.Helper()
		if want := mrztest.CheckDigit(over)[0]; got != want {
			t.Errorf("%q: %s check digit %c, want %c", lines, where, got, want)
		}
	}
	switch len(lines[0]) {
	case 30:
		l1, l2 := lines[0], lines[1]
		cd("document number", l1[14], l1[5:14])
		cd("birth", l2[6], l2[0:6])
		cd("expiry", l2[14], l2[8:14])
		cd("composite", l2[29], l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29])
	case 36, 44:
		l2 := lines[1]
		n := len(l2)
		cd("document number", l2[9], l2[0:9])
		cd("birth", l2[19], l2[13:19])
		cd("expiry", l2[27], l2[21:27])
		if n == 44 && strings.Trim(l2[28:42], "<") != "" {
			cd("optional data", l2[42], l2[28:42])
		}
		cd("composite", l2[n-1], l2[0:10]+l2[13:20]+l2[21:n-1])
	default:
		t.Fatalf("line length %d", len(lines[0]))
	}
}

func TestSpecimens(t *testing.T) {
	for _, lines := range [][]string{mrztest.TD1, mrztest.TD2, mrztest.TD3} {
		checkDigits(t, lines)
	}
}

func TestRandomMRZ(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		n := []int{30, 36, 44}[i%3]
		lines := mrztest.RandomMRZ(rng, n)
		if len(lines) != map[int]int{30: 3, 36: 2, 44: 2}[n] {
			t.Fatalf("%d lines for length %d", len(lines), n)
		}
		for _, l := range lines {
			if len(l) != n || strings.Trim(l, mrztest.Alphabet) != "" {
				t.Fatalf("bad line %q", l)
			}
		}
		checkDigits(t, lines)
	}
}

func TestCard(t *testing.T) {
	font := mrztest.Require(t)
	img, err := mrztest.Card(mrztest.TD3, nil, mrztest.Options{Width: 1250, Border: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 1270 || got.Y != 900 {
		t.Errorf("TD3 card 1250 px wide with a 10 px border: size %v, want 1270×900", got)
	}
	for name, lines := range map[string][]string{
		"short line":    {"P<UTO", "L898"},
		"mixed lengths": {mrztest.TD3[0], mrztest.TD2[1]},
		"lower case":    {strings.ToLower(mrztest.TD2[0]), mrztest.TD2[1]},
	} {
		if _, err := mrztest.Card(lines, nil, mrztest.Options{Font: font}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := mrztest.Card(mrztest.TD1, nil, mrztest.Options{Font: t.TempDir() + "/missing.otf"}); err == nil {
		t.Error("missing font: no error")
	}
}

func TestCardCamera(t *testing.T) {
	mrztest.Require(t)
	flat, err := mrztest.Card(mrztest.TD3, nil, mrztest.Options{Width: 600, Border: 20})
	if err != nil {
		t.Fatal(err)
	}
	fw, fh := flat.Bounds().Dx(), flat.Bounds().Dy()
	for name, tc := range map[string]struct {
		opts mrztest.Options
		fits func(w, h int) bool
	}{
		"quarter turn": {mrztest.Options{Turns: 1}, func(w, h int) bool { return w == fh && h == fw }},
		"half turn":    {mrztest.Options{Turns: -2}, func(w, h int) bool { return w == fw && h == fh }},
		// A turned card needs a larger picture to show its corners.
		"tilt":     {mrztest.Options{Tilt: 15}, func(w, h int) bool { return w > fw && h > fh }},
		"keystone": {mrztest.Options{Keystone: 0.2}, func(w, h int) bool { return w >= fw-2 && h <= fh+2 }},
		"light":    {mrztest.Options{Light: 1}, func(w, h int) bool { return w == fw && h == fh }},
		"print":    {mrztest.Options{Pattern: 40, Ink: color.RGBA{20, 30, 120, 255}, Table: color.White}, func(w, h int) bool { return w == fw && h == fh }},
	} {
		opts := tc.opts
		opts.Width, opts.Border = 600, 20
		img, err := mrztest.Card(mrztest.TD3, nil, opts)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if w, h := img.Bounds().Dx(), img.Bounds().Dy(); !tc.fits(w, h) {
			t.Errorf("%s: %d×%d from a flat %d×%d", name, w, h, fw, fh)
		}
	}
	// The light falls off to the right: the table is darker there.
	lit, err := mrztest.Card(mrztest.TD3, nil, mrztest.Options{Width: 600, Border: 20, Light: 1, Table: color.White})
	if err != nil {
		t.Fatal(err)
	}
	b := lit.Bounds()
	l, _, _, _ := lit.At(b.Min.X+2, b.Min.Y+b.Dy()/2).RGBA()
	r, _, _, _ := lit.At(b.Max.X-3, b.Min.Y+b.Dy()/2).RGBA()
	if l <= r {
		t.Errorf("left edge %d not brighter than right edge %d", l>>8, r>>8)
	}
}

func TestTypefaces(t *testing.T) {
	for _, tf := range mrztest.Typefaces {
		t.Run(tf.Name, func(t *testing.T) {
			f := mrztest.RequireTypeface(t, tf)
			if _, err := mrztest.Card(mrztest.TD1, nil, mrztest.Options{Face: f, CharHeight: 12}); err != nil {
				t.Error(err)
			}
		})
	}
}
