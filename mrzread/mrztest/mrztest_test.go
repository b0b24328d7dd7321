package mrztest_test

import (
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
