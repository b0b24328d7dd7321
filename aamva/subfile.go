package aamva

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locateSubfiles finds the subfiles the header lists. Offsets are used only
// when they verifiably point at the subfile; otherwise the subfile is
// searched for, because many issued cards carry zero or stale offsets.
// When the header lists no DL or ID subfile, one is searched for anyway,
// and subfiles that directly follow the last one found are read even when
// the header does not list them.
func locateSubfiles(h *header, r *Result) []Subfile {
	var out []Subfile
	used := map[int]bool{}
	cursor, last := h.end, h.end
	read := func(typ string, start int) int {
		used[start] = true
		sf, next := h.readSubfile(typ, start, r)
		out = append(out, sf)
		last = max(last, next)
		return next
	}
	for _, d := range h.designators {
		start, ok := h.findSubfile(d.typ, d.offset, cursor, used)
		if !ok {
			r.warnf("subfile %s listed in the header was not found", d.typ)
			continue
		}
		next := read(d.typ, start)
		if start != d.offset || next-start != d.length {
			r.warnf("header gives subfile %s offset %d length %d; found at %d length %d",
				d.typ, d.offset, d.length, start, next-start)
		}
		cursor = next
	}
	if !hasDocument(out) {
		for _, typ := range []string{"DL", "ID"} {
			if start, ok := h.findSubfile(typ, -1, h.end, used); ok {
				r.warnf("subfile %s is not listed in the header", typ)
				read(typ, start)
				break
			}
		}
	}
	for p := last; ; {
		for p < len(h.data) && h.data[p] <= ' ' && h.data[p] != h.elemSep {
			p++
		}
		if used[p] || p+2 > len(h.data) || !isSubfileType(h.data[p:p+2]) {
			break
		}
		typ := string(h.data[p : p+2])
		if !h.subfileAt(typ, p) {
			break
		}
		r.warnf("subfile %s is not listed in the header", typ)
		p = read(typ, p)
	}
	return out
}

func hasDocument(sfs []Subfile) bool {
	for _, sf := range sfs {
		if sf.Type == "DL" || sf.Type == "ID" {
			return true
		}
	}
	return false
}

// findSubfile returns where the subfile of type typ starts. It trusts
// offset when the subfile is really there, and otherwise searches from
// cursor, then from the end of the header in case subfiles are out of
// order. Starts in used were already claimed by another designator.
func (h *header) findSubfile(typ string, offset, cursor int, used map[int]bool) (int, bool) {
	if offset >= h.end && !used[offset] && h.subfileAt(typ, offset) {
		return offset, true
	}
	for _, from := range []int{cursor, h.end} {
		if start, ok := h.search(typ, from); ok && !used[start] {
			return start, true
		}
	}
	return 0, false
}

// search finds the first place at or after from where typ starts a
// subfile. A match counts only at a subfile boundary: right at from (after
// stray whitespace) or after a terminator or separator, so that "ID" inside
// a value such as "IDAHO" is not taken for a subfile.
func (h *header) search(typ string, from int) (int, bool) {
	data := h.data
	if from < 0 || from > len(data) {
		return 0, false
	}
	lead := from
	for lead < len(data) && data[lead] <= ' ' && data[lead] != h.elemSep && data[lead] != h.segTerm {
		lead++
	}
	pat := []byte(typ)
	for i := from; i < len(data); {
		j := bytes.Index(data[i:], pat)
		if j < 0 {
			return 0, false
		}
		at := i + j
		boundary := at <= lead || data[at-1] == h.segTerm || data[at-1] == h.elemSep
		if boundary && h.subfileAt(typ, at) {
			return at, true
		}
		i = at + 1
	}
	return 0, false
}

// subfileAt reports whether a subfile of type typ starts at p: the type,
// an optional element separator, then an element ID.
func (h *header) subfileAt(typ string, p int) bool {
	data := h.data
	if p < 0 || p+2 > len(data) || string(data[p:p+2]) != typ {
		return false
	}
	q := p + 2
	if q < len(data) && data[q] == h.elemSep {
		q++
	}
	return q+3 <= len(data) && isElementID(data[q:q+3])
}

// readSubfile splits the subfile starting at start into elements. It
// returns the subfile and the index just past its segment terminator (or
// the end of the data when the terminator is missing).
func (h *header) readSubfile(typ string, start int, r *Result) (Subfile, int) {
	data := h.data
	p := start + 2
	if p < len(data) && data[p] == h.elemSep {
		p++
	}
	body, next := data[p:], len(data)
	if i := bytes.IndexByte(body, h.segTerm); i >= 0 {
		body, next = body[:i], p+i+1
	} else {
		r.warnf("subfile %s has no segment terminator; the payload may be truncated", typ)
	}
	sf := Subfile{Type: typ, Elements: map[string]string{}}
	for piece := range bytes.SplitSeq(body, []byte{h.elemSep}) {
		piece = bytes.TrimLeft(piece, "\x00\t\n\v\f\r ")
		if len(piece) == 0 {
			continue
		}
		if len(piece) < 3 || !isElementID(piece[:3]) {
			r.warnf("subfile %s has a malformed element %s", typ, show(string(piece)))
			continue
		}
		id, value := string(piece[:3]), cleanValue(piece[3:])
		sf.Ordered = append(sf.Ordered, Element{ID: id, Value: value})
		if _, dup := sf.Elements[id]; dup {
			r.warnf("subfile %s repeats element %s", typ, id)
		} else {
			sf.Elements[id] = value
		}
	}
	return sf, next
}

// cleanValue removes the padding issuers add to fixed-length fields and
// makes the value valid UTF-8. The standard allows only ASCII, but some
// issuers encode accented names in ISO 8859-1, so bytes that are not UTF-8
// are read as Latin-1 rather than dropped.
func cleanValue(b []byte) string {
	b = bytes.TrimRight(b, "\x00\t\n\v\f\r ")
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// show renders an untrusted value for a message: short, and quoted when it
// holds anything but printable ASCII.
func show(s string) string {
	const maxShown = 32
	if len(s) > maxShown {
		s = s[:maxShown] + "..."
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return strconv.Quote(s)
		}
	}
	return s
}
