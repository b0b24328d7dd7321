package mrz

import "fmt"

// CheckDigit computes the ICAO 9303 check digit of s: each character is
// valued 0-9 for digits, 10-35 for A-Z and 0 for the filler '<', multiplied
// by the repeating weights 7, 3, 1, and the sum taken modulo 10. Any other
// character is an error, since it cannot appear in a machine readable zone.
func CheckDigit(s string) (int, error) {
	sum := 0
	for i := 0; i < len(s); i++ {
		v, ok := charValue(s[i])
		if !ok {
			return 0, fmt.Errorf("mrz: character %q at position %d has no check digit value", s[i], i+1)
		}
		sum += v * weights[i%3]
	}
	return sum % 10, nil
}

var weights = [3]int{7, 3, 1}

// charValue is the check digit value of one MRZ character.
func charValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == filler:
		return 0, true
	}
	return 0, false
}

// filler is the MRZ filler character, standing for spaces, padding and
// (in dates) unknown values.
const filler = '<'
