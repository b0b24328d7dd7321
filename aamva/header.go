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

	iin        string
	version    int
	jurVersion int

	designators []designator
	// end is the index in data just past the last designator read.
	end int

	warnings []string
}

type designator struct {
	typ            string
	offset, length int
}

func (h *header) warnf(format string, args ...any) {
	h.warnings = append(h.warnings, fmt.Sprintf(format, args...))
}

// parseHeader reads the header and the subfile designators. It fails only
// when the compliance indicator, file type, IIN or version is unreadable;
// a damaged designator list is reported as a warning because subfiles are
// found by searching anyway.
func parseHeader(raw []byte) (*header, error) {
	data := trimLeading(raw)
	if len(data) == 0 || data[0] != '@' {
		return nil, fmt.Errorf("%w: no compliance indicator '@'", ErrNotAAMVA)
	}
	h := &header{data: data, elemSep: stdElementSeparator, segTerm: stdSegmentTerminator}

	// The file type normally sits after three separator bytes, but scanners
	// in keyboard mode are known to drop or replace control characters, so
	// look for it a little earlier too.
	pos, ftLen := -1, 0
	for i := 1; i <= 4 && i < len(data); i++ {
		if n := fileTypeLen(data[i:]); n > 0 {
			pos, ftLen = i, n
			break
		}
	}
	if pos < 0 {
		return nil, fmt.Errorf("%w: no file type \"ANSI \" after the compliance indicator", ErrNotAAMVA)
	}
	if pos == 4 {
		e, s := data[1], data[3]
		if usableSeparator(e) && usableSeparator(s) && e != s {
			h.elemSep, h.segTerm = e, s
		} else {
			h.warnf("header separators %q are unusable; using the standard ones", data[1:4])
		}
	} else {
		h.warnf("header has %d separator bytes instead of 3; using the standard ones", pos-1)
	}

	p := pos + ftLen
	if _, ok := digitsAt(data, p, 6); !ok {
		return nil, fmt.Errorf("%w: IIN is not six digits", ErrNotAAMVA)
	}
	h.iin = string(data[p : p+6])
	p += 6
	var ok bool
	if h.version, ok = digitsAt(data, p, 2); !ok {
		return nil, fmt.Errorf("%w: AAMVA version is not two digits", ErrNotAAMVA)
	}
	p += 2
	h.readDesignators(p)
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
	if !ok {
		h.warnf("header number of entries is unreadable")
		h.end = min(p, len(h.data))
		return
	}
	p += 2
	// A zero count is a known quirk; read whatever designators follow.
	limit := entries
	if limit == 0 {
		limit = 99
	}
	for i := 0; i < limit; i++ {
		d, ok := designatorAt(h.data, p)
		if !ok {
			if entries > 0 {
				h.warnf("header lists %d subfiles but designator %d is unreadable", entries, i+1)
			}
			break
		}
		h.designators = append(h.designators, d)
		p += designatorLen
	}
	h.end = min(p, len(h.data))
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

// trimLeading drops what scanners and clipboards put before the compliance
// indicator: byte order marks, line breaks, spaces and NULs.
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

// fileTypeLen returns the length of the file type at the start of b: "ANSI "
// per the standard, "AAMVA" on some early cards, and "ANSI" without its
// space on others. It returns 0 when b does not start with a file type.
func fileTypeLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("ANSI ")), bytes.HasPrefix(b, []byte("AAMVA")):
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
