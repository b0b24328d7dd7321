package mrzread

// alphabet is the MRZ character set in the order of the templates.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

const nChars = len(alphabet)

// charIndex is the position of c in alphabet, or -1.
func charIndex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c == '<':
		return 36
	}
	return -1
}

// A set is a set of MRZ characters, bit i standing for alphabet[i].
type set uint64

func setOf(chars string) set {
	var s set
	for i := range len(chars) {
		s |= 1 << charIndex(chars[i])
	}
	return s
}

func (s set) has(i int) bool { return s&(1<<i) != 0 }

// What ICAO Doc 9303 allows in each kind of field.
var (
	anyChar = setOf(alphabet)
	// Dates and check digits: digits, and the filler for an unknown part
	// of a date or a check digit a layout leaves unused.
	numeric = setOf("0123456789<")
	// Names, document codes and the letters of country codes.
	alpha = setOf("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
	sex   = setOf("MFX<")
)

// A field is a run of positions of one line that hold one kind of data.
type field struct {
	line, from, to int // 0-based, to exclusive
	allowed        set
	// code marks a three-character country code, which must be one that
	// Doc 9303 lists.
	code bool
	// checked marks positions that a check digit covers, or that are check
	// digits themselves: a misreading there fails a check.
	checked bool
}

// layout returns the fields of a zone of the given line count and length,
// for a visa when visa is set (document code V: no composite check digit,
// optional data to the end of the second line). It returns nil for any
// other shape.
func layout(lines, length int, visa bool) []field {
	switch {
	case lines == 3 && length == 30: // TD1, Part 5
		return []field{
			{line: 0, from: 0, to: 2, allowed: alpha},
			{line: 0, from: 2, to: 5, allowed: alpha, code: true},
			{line: 0, from: 5, to: 14, allowed: anyChar, checked: true},
			{line: 0, from: 14, to: 15, allowed: numeric, checked: true},
			{line: 0, from: 15, to: 30, allowed: anyChar, checked: true},
			{line: 1, from: 0, to: 7, allowed: numeric, checked: true},
			{line: 1, from: 7, to: 8, allowed: sex},
			{line: 1, from: 8, to: 15, allowed: numeric, checked: true},
			{line: 1, from: 15, to: 18, allowed: alpha, code: true},
			{line: 1, from: 18, to: 29, allowed: anyChar, checked: true},
			{line: 1, from: 29, to: 30, allowed: numeric, checked: true},
			{line: 2, from: 0, to: 30, allowed: alpha},
		}
	case lines == 2 && (length == 36 || length == 44): // TD2 (Part 6), TD3 (Part 4), visas (Part 7)
		f := []field{
			{line: 0, from: 0, to: 2, allowed: alpha},
			{line: 0, from: 2, to: 5, allowed: alpha, code: true},
			{line: 0, from: 5, to: length, allowed: alpha},
			{line: 1, from: 0, to: 9, allowed: anyChar, checked: true},
			{line: 1, from: 9, to: 10, allowed: numeric, checked: true},
			{line: 1, from: 10, to: 13, allowed: alpha, code: true},
			{line: 1, from: 13, to: 20, allowed: numeric, checked: true},
			{line: 1, from: 20, to: 21, allowed: sex},
			{line: 1, from: 21, to: 28, allowed: numeric, checked: true},
		}
		switch {
		case visa:
			return append(f, field{line: 1, from: 28, to: length, allowed: anyChar})
		case length == 44:
			return append(f,
				field{line: 1, from: 28, to: 42, allowed: anyChar, checked: true},
				field{line: 1, from: 42, to: 44, allowed: numeric, checked: true})
		default:
			return append(f,
				field{line: 1, from: 28, to: 35, allowed: anyChar, checked: true},
				field{line: 1, from: 35, to: 36, allowed: numeric, checked: true})
		}
	}
	return nil
}
