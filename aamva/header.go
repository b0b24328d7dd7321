package aamva

import (
	"bytes"
	"fmt"
)

// The separators the standard prescribes. A header may declare others; the
// ones it declares are used.
const (
	stdElementSeparator  = '\n'
	stdSegmentTerminator = '\r'
)

// designatorLen is the size of one subfile designator: type (2), offset (4),
// length (4).
const designatorLen = 10

// header is what the parser learned from the fixed-format start of the
// payload.
type header struct {
	// data is the payload from the compliance indicator on; designator
	// offsets count from its first byte.
	data []byte

	elemSep byte
	segTerm byte
	// breaks marks every byte that ends an element: the two separators,
	// CR and LF (which no value may hold, and which line-ending
	// conversions put where the separators were), and the stray
	// separators found in a damaged header.
	breaks [256]bool

	iin        string
	version    int
	jurVersion int

	designators []designator
	// end is the index in data just past the last designator read.
	end int

	warnings []string
}

type designator struct {
	typ string
	// offset and length are -1 when the designator's digits are
	// unreadable.
	offset, length int
}

func (h *header) warnf(format string, args ...any) {
	if len(h.warnings) < maxWarnings {
		h.warnings = append(h.warnings, fmt.Sprintf(format, args...))
	}
}

// isBreak reports whether c ends an element.
func (h *header) isBreak(c byte) bool { return h.breaks[c] }

// isTerm reports whether c ends a subfile when the standard is followed.
func (h *header) isTerm(c byte) bool { return c == h.segTerm || c == '\r' }

// parseHeader reads the header and the subfile designators. It fails only
// when no compliance indicator is followed by a file type, an IIN and a
// version; a damaged designator list is reported as a warning because
// subfiles are found by searching anyway.
func parseHeader(raw []byte) (*header, error) {
	loc, err := locateHeader(raw)
	if err != nil {
		return nil, err
	}
	data := raw[loc.at:]
	var notes []string
	if junk := trimLeading(raw[:loc.at]); len(junk) > 0 {
		notes = append(notes, fmt.Sprintf("%d bytes before the compliance indicator (%s) are ignored", len(junk), show(string(junk))))
	}
	if gap := data[1:loc.fileType]; hasControlGlyphs(gap) {
		// Control characters typed as glyphs: turn them back, and read
		// the header again from the rewritten payload.
		data = restoreControls(data)
		if loc, err = locateHeader(data); err != nil {
			return nil, err
		}
		notes = append(notes, "control characters arrived as glyphs (◙ ▲ ♪ or ␊ ␞ ␍) and were restored")
	}
	h := &header{data: data, elemSep: stdElementSeparator, segTerm: stdSegmentTerminator, warnings: notes}

	gap := data[1:loc.fileType]
	declared := false
	switch {
	case len(gap) == 3 && usableSeparator(gap[0]) && usableSeparator(gap[2]) && gap[0] != gap[2]:
		h.elemSep, h.segTerm = gap[0], gap[2]
		declared = true
	case len(gap) == 3:
		h.warnf("header separators %q are unusable; using the standard ones", gap)
	default:
		h.warnf("header has %d separator bytes instead of 3; using the standard ones", len(gap))
	}
	h.breaks[h.elemSep], h.breaks[h.segTerm] = true, true
	h.breaks['\n'], h.breaks['\r'] = true, true
	if !declared {
		// What stands where the separators should be is likely what
		// the rest of the payload uses instead of them.
		for _, c := range gap {
			if strayBreak(c) {
				h.breaks[c] = true
			}
		}
	}

	p := loc.fileType + loc.fileTypeLen
	h.iin = string(data[p : p+6])
	h.version, _ = digitsAt(data, p+6, 2)
	h.readDesignators(p + 8)
	return h, nil
}

// readDesignators reads the jurisdiction version (version 2 and later), the
// number of entries and the designators that start at p. Some version 1
// cards carry a jurisdiction version and some later cards omit it, so when
// the layout the version implies yields no designator, the other is tried.
func (h *header) readDesignators(p int) {
	withJur := h.version >= 2
	first := func(withJur bool) int {
		if withJur {
			return p + 4
		}
		return p + 2
	}
	if _, ok := designatorAt(h.data, first(withJur)); !ok {
		if _, ok := designatorAt(h.data, first(!withJur)); ok {
			withJur = !withJur
			h.warnf("header layout does not match version %02d", h.version)
		}
	}
	if withJur {
		if v, ok := digitsAt(h.data, p, 2); ok {
			h.jurVersion = v
		}
		p += 2
	}
	entries, ok := digitsAt(h.data, p, 2)
	switch {
	case ok:
		p += 2
	case h.designatorsAt(p):
		// Some version 1 cards leave the number out.
		h.warnf("header has no number of entries")
	default:
		h.warnf("header number of entries is unreadable")
		h.end = min(p, len(h.data))
		return
	}
	// A zero or missing count is a known quirk; read whatever designators
	// follow.
	limit := entries
	if limit == 0 {
		limit = 99
	}
	for i := 0; i < limit; i++ {
		if d, ok := designatorAt(h.data, p); ok {
			h.designators = append(h.designators, d)
			p += designatorLen
			continue
		}
		if entries == 0 || p+2 > len(h.data) || !isSubfileType(h.data[p:p+2]) || h.startsSubfile(p) != "" {
			if entries > 0 {
				h.warnf("header lists %d subfiles but designator %d is unreadable", entries, i+1)
			}
			break
		}
		// A subfile type whose offset and length are not digits: keep
		// the type, so that the subfile is searched for.
		typ := string(h.data[p : p+2])
		h.designators = append(h.designators, designator{typ: typ, offset: -1, length: -1})
		if !h.designatorShaped(p) {
			// It is shorter than it should be: what follows is data.
			h.warnf("header designator for subfile %s is cut short", typ)
			p += 2
			break
		}
		h.warnf("header designator for subfile %s has unreadable offset and length %s",
			typ, show(string(h.data[p+2:p+designatorLen])))
		p += designatorLen
	}
	h.end = min(p, len(h.data))
}

// designatorsAt reports whether a designator starts at p.
func (h *header) designatorsAt(p int) bool {
	_, ok := designatorAt(h.data, p)
	return ok
}

// designatorShaped reports whether the ten bytes at p can be a designator
// whose digits are damaged: no element break and no subfile start inside.
func (h *header) designatorShaped(p int) bool {
	if p+designatorLen > len(h.data) {
		return false
	}
	for i := p + 2; i < p+designatorLen; i++ {
		if h.isBreak(h.data[i]) || h.startsSubfile(i) != "" {
			return false
		}
	}
	return true
}

// trimLeading drops what scanners and clipboards harmlessly put before
// the compliance indicator: byte order marks, line breaks, spaces and NULs.
func trimLeading(data []byte) []byte {
	for len(data) > 0 {
		switch {
		case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
			data = data[3:]
		case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
			data = data[2:]
		case data[0] <= ' ':
			data = data[1:]
		default:
			return data
		}
	}
	return data
}

// designatorAt reads a designator at p: a subfile type followed by a
// four-digit offset and a four-digit length.
func designatorAt(data []byte, p int) (designator, bool) {
	if p < 0 || p+designatorLen > len(data) || !isSubfileType(data[p:p+2]) {
		return designator{}, false
	}
	off, ok1 := digitsAt(data, p+2, 4)
	n, ok2 := digitsAt(data, p+6, 4)
	if !ok1 || !ok2 {
		return designator{}, false
	}
	return designator{typ: string(data[p : p+2]), offset: off, length: n}, true
}

// fileTypeLen returns the length of the file type at the start of b: "ANSI "
// per the standard, "AAMVA" on some early cards (and "AMVAA" on one
// issuer's), and "ANSI" without its space on others. It returns 0 when b
// does not start with a file type.
func fileTypeLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("ANSI ")), bytes.HasPrefix(b, []byte("AAMVA")), bytes.HasPrefix(b, []byte("AMVAA")):
		return 5
	case bytes.HasPrefix(b, []byte("ANSI")) && len(b) > 4 && isDigit(b[4]):
		return 4
	}
	return 0
}

// usableSeparator reports whether c can separate elements without being
// confused with element content.
func usableSeparator(c byte) bool {
	return c != ' ' && !isDigit(c) && !isUpper(c) && !(c >= 'a' && c <= 'z')
}

// digitsAt parses n ASCII digits at p.
func digitsAt(data []byte, p, n int) (int, bool) {
	if p < 0 || p+n > len(data) {
		return 0, false
	}
	v := 0
	for _, c := range data[p : p+n] {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// isSubfileType reports whether b is a subfile type: "DL", "ID", or a
// jurisdiction type such as "ZV".
func isSubfileType(b []byte) bool {
	return len(b) == 2 && isUpper(b[0]) && (isUpper(b[1]) || isDigit(b[1]))
}

// isElementID reports whether b is an element ID such as "DAQ" or "ZVA".
func isElementID(b []byte) bool {
	return len(b) == 3 && isUpper(b[0]) &&
		(isUpper(b[1]) || isDigit(b[1])) && (isUpper(b[2]) || isDigit(b[2]))
}
