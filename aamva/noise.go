package aamva

import (
	"bytes"
	"fmt"
	"strings"
)

// maxHeaderGap bounds what may stand between the compliance indicator and
// the file type: the three separator bytes the standard puts there, or
// what scanners and decoders make of them (nothing, U+FFFD, glyphs, stray
// letters and digits).
const maxHeaderGap = 12

// headerLoc is where a header starts.
type headerLoc struct {
	at          int // the compliance indicator '@'
	fileType    int // the file type, counted from at
	fileTypeLen int
}

// locateHeader finds the first compliance indicator that is followed,
// within maxHeaderGap bytes, by a file type, a six-digit IIN and a
// two-digit version. Whatever comes before it is ignored: a byte order
// mark, a scanner's AIM symbology identifier ("]L2"), line breaks.
func locateHeader(data []byte) (headerLoc, error) {
	reason := "no compliance indicator '@'"
	for at := 0; at < len(data); at++ {
		i := bytes.IndexByte(data[at:], '@')
		if i < 0 {
			break
		}
		at += i
		if reason == "no compliance indicator '@'" {
			reason = `no file type "ANSI " after the compliance indicator`
		}
		for ft := 1; ft <= maxHeaderGap+1 && at+ft < len(data); ft++ {
			n := fileTypeLen(data[at+ft:])
			if n == 0 {
				continue
			}
			p := at + ft + n
			if _, ok := digitsAt(data, p, 6); !ok {
				reason = "IIN is not six digits"
				continue
			}
			if _, ok := digitsAt(data, p+6, 2); !ok {
				reason = "AAMVA version is not two digits"
				continue
			}
			// With "@@" or a stray '@' in the gap, the last one counts.
			if j := bytes.LastIndexByte(data[at+1:at+ft], '@'); j >= 0 {
				at, ft = at+1+j, ft-1-j
			}
			return headerLoc{at: at, fileType: ft, fileTypeLen: n}, nil
		}
	}
	return headerLoc{}, fmt.Errorf("%w: %s", ErrNotAAMVA, reason)
}

// controlGlyphs maps what some scanners in keyboard mode type instead of
// the control characters back to them: Alt codes render as the CP437
// glyphs, and some decoders print the Unicode control pictures.
var controlGlyphs = strings.NewReplacer(
	"\u25d9", "\n", "\u25b2", "\x1e", "\u266a", "\r", // ◙ ▲ ♪
	"\u240a", "\n", "\u241e", "\x1e", "\u240d", "\r", // ␊ ␞ ␍
)

var glyphPrefixes = [][]byte{[]byte("\u25d9"), []byte("\u25b2"), []byte("\u266a"), []byte("\u240a"), []byte("\u241e"), []byte("\u240d")}

// hasControlGlyphs reports whether b holds one of controlGlyphs.
func hasControlGlyphs(b []byte) bool {
	for _, g := range glyphPrefixes {
		if bytes.Contains(b, g) {
			return true
		}
	}
	return false
}

// restoreControls turns control glyphs back into control characters. It
// is applied only when the header shows the payload went through such a
// scanner: the glyphs then cannot be data, which is ASCII or Latin-1.
func restoreControls(b []byte) []byte {
	return []byte(controlGlyphs.Replace(string(b)))
}

// strayBreak reports whether c, found where the header's separators should
// be, is likely to separate elements in the rest of the payload: a control
// character, or one of the few punctuation marks capture tools substitute
// for them. Letters, digits and what names and addresses contain are not.
func strayBreak(c byte) bool {
	return c < ' ' || c == 0x7f || c == '|' || c == '~' || c == '^'
}
