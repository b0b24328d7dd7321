package mrztest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/idproof/idproof/mrz"
)

// Specimens from ICAO Doc 9303 (the fictional state of Utopia), one per
// format, with valid check digits.
var (
	TD1 = []string{
		"I<UTOD231458907<<<<<<<<<<<<<<<",
		"7408122F1204159UTO<<<<<<<<<<<6",
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
	}
	TD2 = []string{
		"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
		"D231458907UTO7408122F1204159<<<<<<<6",
	}
	TD3 = []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
)

// RandomMRZ returns the lines of a random MRZ with valid check digits for
// the format whose lines have the given length: 30 (TD1), 36 (TD2) or 44
// (TD3). It panics on any other length.
func RandomMRZ(rng *rand.Rand, length int) []string {
	docNum := randFrom(rng, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 9)
	issuer := randFrom(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)
	nat := randFrom(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)
	dob := randDate(rng)
	exp := randDate(rng)
	sex := string("MF<"[rng.IntN(3)])
	switch length {
	case 44:
		opt := pad(randFrom(rng, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", rng.IntN(15)), 14)
		optCD := CheckDigit(opt)
		if strings.Trim(opt, "<") == "" {
			optCD = "<"
		}
		l2 := docNum + CheckDigit(docNum) + nat + dob + CheckDigit(dob) + sex + exp + CheckDigit(exp) + opt + optCD
		l2 += CheckDigit(l2[0:10] + l2[13:20] + l2[21:43])
		return []string{pad("P<"+issuer+randName(rng, 39), 44), l2}
	case 36:
		opt := pad(randFrom(rng, "0123456789", rng.IntN(8)), 7)
		l2 := docNum + CheckDigit(docNum) + nat + dob + CheckDigit(dob) + sex + exp + CheckDigit(exp) + opt
		l2 += CheckDigit(l2[0:10] + l2[13:20] + l2[21:35])
		return []string{pad("I<"+issuer+randName(rng, 31), 36), l2}
	case 30:
		l1 := pad("I<"+issuer+docNum+CheckDigit(docNum)+randFrom(rng, "0123456789", rng.IntN(16)), 30)
		l2 := dob + CheckDigit(dob) + sex + exp + CheckDigit(exp) + nat + pad(randFrom(rng, "0123456789", rng.IntN(12)), 11)
		l2 += CheckDigit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
		return []string{l1, l2, pad(randName(rng, 30), 30)}
	}
	panic(fmt.Sprintf("mrztest: no MRZ format has %d-character lines", length))
}

// CheckDigit is mrz.CheckDigit as a string, for building zones; it
// panics on characters outside the MRZ alphabet.
func CheckDigit(s string) string {
	d, err := mrz.CheckDigit(s)
	if err != nil {
		panic(err)
	}
	return string(rune('0' + d))
}

func randFrom(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// randName builds SURNAME<<GIVEN<NAMES that fits in n characters.
func randName(rng *rand.Rand, n int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	name := randFrom(rng, letters, 2+rng.IntN(10)) + "<<" + randFrom(rng, letters, 2+rng.IntN(8))
	if rng.IntN(2) == 0 {
		name += "<" + randFrom(rng, letters, 2+rng.IntN(6))
	}
	return name[:min(len(name), n)]
}

func randDate(rng *rand.Rand) string {
	return fmt.Sprintf("%02d%02d%02d", rng.IntN(100), 1+rng.IntN(12), 1+rng.IntN(28))
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

// countries are ICAO codes of real states, as they stand in a zone's
// three-character fields.
var countries = []string{
	"AUS", "AUT", "BEL", "BRA", "CAN", "CHE", "CHN", "D<<", "DNK", "EGY", "ESP", "FIN", "FRA", "GBR",
	"GRC", "IND", "IRL", "ITA", "JPN", "KEN", "MEX", "NGA", "NLD", "NOR", "POL", "PRT", "SWE", "TUR",
	"USA", "ZAF",
}

// RealisticMRZ is RandomMRZ with the issuing state and nationality drawn
// from real states' codes, so that the whole zone is valid for package mrz,
// and the document code of a passport (TD3), identity card (TD1, TD2) or
// their variants ("PD", "IR", "AC"…).
func RealisticMRZ(rng *rand.Rand, length int) []string {
	lines := RandomMRZ(rng, length)
	issuer := countries[rng.IntN(len(countries))]
	nat := countries[rng.IntN(len(countries))]
	if rng.IntN(3) > 0 {
		nat = issuer
	}
	codes := []string{"I<", "ID", "IR", "AC", "C<"}
	if length == 44 {
		codes = []string{"P<", "P<", "PD", "PO"}
	}
	code := codes[rng.IntN(len(codes))]
	// No check digit covers the document code, the issuing state or the
	// nationality, so they can be replaced without recomputing any.
	lines[0] = code + issuer + lines[0][5:]
	if length == 30 {
		lines[1] = lines[1][:15] + nat + lines[1][18:]
	} else {
		lines[1] = lines[1][:10] + nat + lines[1][13:]
	}
	return lines
}
