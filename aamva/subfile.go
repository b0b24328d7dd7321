package aamva

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locator collects the subfiles of one payload.
type locator struct {
	h     *header
	r     *Result
	found []located
	used  map[int]bool // subfile starts already read
	last  int          // the end of the furthest subfile read
}

// located is a subfile and where it starts in the payload.
type located struct {
	sf    Subfile
	start int
}

// locateSubfiles finds the subfiles the header lists. Offsets are used only
// when they verifiably point at the subfile; otherwise the subfile is
// searched for by its type, because many issued cards carry zero, stale or
// unreadable offsets. A DL or ID subfile whose data starts without its
// type is taken where the data begins. When the header lists no DL or ID
// subfile, one is searched for anyway, and subfiles that directly follow
// the last one found are read even when the header does not list them.
func locateSubfiles(h *header, r *Result) []Subfile {
	l := &locator{h: h, r: r, used: map[int]bool{}, last: h.end}
	cursor := h.end
	for _, d := range h.designators {
		start, body, ok := h.findSubfile(d, cursor, l.used)
		if !ok {
			r.warnf("subfile %s listed in the header was not found", d.typ)
			continue
		}
		if body == start {
			r.warnf("subfile %s data at %d starts without its type", d.typ, start)
		}
		next := l.read(d.typ, start, body)
		if d.offset >= 0 && (start != d.offset || next-start != d.length) {
			r.warnf("header gives subfile %s offset %d length %d; found at %d length %d",
				d.typ, d.offset, d.length, start, next-start)
		}
		cursor = next
	}
	if !l.hasDocument() {
		l.readUnlistedDocument()
	}
	for p := l.last; ; {
		p = h.skipBreaks(p)
		typ := h.startsSubfile(p)
		if l.used[p] || typ == "" {
			break
		}
		r.warnf("subfile %s is not listed in the header", typ)
		p = l.read(typ, p, h.bodyStart(p))
	}
	// Designators out of order, or a subfile found by search, can put
	// them out of payload order.
	slices.SortStableFunc(l.found, func(a, b located) int { return a.start - b.start })
	out := make([]Subfile, len(l.found))
	for i, f := range l.found {
		out[i] = f.sf
	}
	return out
}

// read reads the subfile of type typ that starts at start and whose
// elements start at body, and returns where it ends.
func (l *locator) read(typ string, start, body int) int {
	l.used[start] = true
	sf, next := l.h.readSubfile(typ, body, l.r)
	l.found = append(l.found, located{sf, start})
	l.last = max(l.last, next)
	return next
}

func (l *locator) hasDocument() bool {
	for _, f := range l.found {
		if f.sf.Type == "DL" || f.sf.Type == "ID" {
			return true
		}
	}
	return false
}

// readUnlistedDocument reads a DL or ID subfile the header does not list:
// one found by its type, or else document data right after the header.
func (l *locator) readUnlistedDocument() {
	h := l.h
	for _, typ := range []string{"DL", "ID"} {
		if start, ok := h.search(typ, h.end); ok && !l.used[start] {
			l.r.warnf("subfile %s is not listed in the header", typ)
			l.read(typ, start, h.bodyStart(start))
			return
		}
	}
	p := h.skipBreaks(h.end)
	if l.used[p] || !isDocElement(h.data[p:]) {
		return
	}
	l.read("DL", p, p)
	// Only the elements can tell a licence from an ID card: a licence
	// has a vehicle class (DCA; DAR on version 1).
	sf := &l.found[len(l.found)-1].sf
	if !hasValue(sf.Elements["DCA"]) && !hasValue(sf.Elements["DAR"]) {
		sf.Type = "ID"
	}
	l.r.warnf("document data at %d has no subfile type and is not listed in the header; read as %s", p, sf.Type)
}

// findSubfile returns where the subfile d lists starts, and where its
// elements start. It trusts the offset when the subfile is really there,
// and otherwise searches from cursor, then from the end of the header in
// case subfiles are out of order. Starts in used were already claimed. A
// DL or ID subfile not found by its type may start without it, right
// where the previous subfile ended (or, failing that, at its offset).
func (h *header) findSubfile(d designator, cursor int, used map[int]bool) (start, body int, ok bool) {
	typ := d.typ
	if d.offset >= h.end && !used[d.offset] && h.subfileAt(typ, d.offset) {
		return d.offset, h.bodyStart(d.offset), true
	}
	for _, from := range []int{cursor, h.end} {
		if start, ok := h.search(typ, from); ok && !used[start] {
			return start, h.bodyStart(start), true
		}
	}
	if typ != "DL" && typ != "ID" {
		return 0, 0, false
	}
	if p := h.skipBreaks(cursor); !used[p] && isDocElement(h.data[p:]) {
		return p, p, true
	}
	if p := d.offset; p > h.end && p < len(h.data) && !used[p] && h.isBreak(h.data[p-1]) && isDocElement(h.data[p:]) {
		return p, p, true
	}
	return 0, 0, false
}

// search finds the first place at or after from where typ starts a
// subfile: either at a subfile boundary (right at from after stray
// whitespace, or after a separator) with an element after it, or anywhere
// when what follows can only be a subfile start (startsSubfile), as when
// damaged designators run straight into the data. "ID" inside a value
// such as "IDAHO" is not taken for a subfile.
func (h *header) search(typ string, from int) (int, bool) {
	data := h.data
	if from < 0 || from > len(data) {
		return 0, false
	}
	lead := h.skipBreaks(from)
	pat := []byte(typ)
	for i := from; i < len(data); {
		j := indexFrom(data, pat, i)
		if j < 0 {
			return 0, false
		}
		boundary := j <= lead || h.isBreak(data[j-1])
		if (boundary && h.subfileAt(typ, j)) || h.startsSubfile(j) == typ {
			return j, true
		}
		i = j + 1
	}
	return 0, false
}

// subfileAt reports whether a subfile of type typ starts at p: the type,
// an optional element break, then an element ID.
func (h *header) subfileAt(typ string, p int) bool {
	if p < 0 || p+2 > len(h.data) || string(h.data[p:p+2]) != typ {
		return false
	}
	q := h.bodyStart(p)
	return q+3 <= len(h.data) && isElementID(h.data[q:q+3])
}

// startsSubfile returns the type of the subfile that starts at p, or ""
// when none does for certain: a DL or ID type followed by a document
// element (DAQ, DCS...), or a jurisdiction type (Z and a letter) followed
// by one of its own elements (ZVA...). Unlike subfileAt it needs no
// separator before p, so it can find subfiles in damaged payloads.
func (h *header) startsSubfile(p int) string {
	data := h.data
	if p < 0 || p+2 > len(data) || !isSubfileType(data[p:p+2]) {
		return ""
	}
	typ := string(data[p : p+2])
	q := h.bodyStart(p)
	if q+3 > len(data) || !isElementID(data[q:q+3]) {
		return ""
	}
	switch {
	case typ == "DL" || typ == "ID":
		if isDocElement(data[q:]) {
			return typ
		}
	case typ[0] == 'Z' && data[q] == 'Z':
		return typ
	}
	return ""
}

// bodyStart returns where the elements of the subfile whose type is at p
// start: after the type and the element break some issuers put there.
func (h *header) bodyStart(p int) int {
	q := p + 2
	if q < len(h.data) && h.isBreak(h.data[q]) {
		q++
	}
	return q
}

// skipBreaks returns the first index at or after p that is neither an
// element break nor whitespace padding.
func (h *header) skipBreaks(p int) int {
	for p < len(h.data) && (h.isBreak(h.data[p]) || isPad(h.data[p])) {
		p++
	}
	return p
}

func isPad(c byte) bool {
	return c == ' ' || c == 0 || c == '\t' || c == '\v' || c == '\f'
}

// isDocElement reports whether b starts with the ID of a DL or ID subfile
// element: D, then A to D, then a letter (DAA to DDZ).
func isDocElement(b []byte) bool {
	return len(b) >= 3 && b[0] == 'D' && b[1] >= 'A' && b[1] <= 'D' && isUpper(b[2])
}

// belongsTo reports whether the element at the start of b can belong to a
// subfile of type typ: document elements to DL and ID, Z elements to
// jurisdiction subfiles.
func belongsTo(typ string, b []byte) bool {
	switch {
	case typ == "DL" || typ == "ID":
		return isDocElement(b)
	case len(b) >= 3 && isElementID(b[:3]):
		return b[0] == typ[0]
	}
	return false
}

// readSubfile splits the elements of a subfile of type typ, starting at
// body, and returns the subfile and the index just past its segment
// terminator (or its last element, when the terminator is missing).
//
// Separators are not trusted either: every break byte ends an element,
// and a subfile ends where another subfile starts, or where a segment
// terminator is followed by something that is not one of its elements.
// So a payload whose elements are separated by CR, CR LF or a pipe reads
// like one that follows the standard.
func (h *header) readSubfile(typ string, body int, r *Result) (Subfile, int) {
	data := h.data
	sf := Subfile{Type: typ, Elements: map[string]string{}}
	p, end := body, body
	for first := true; ; first = false {
		// Skip the breaks and padding before the next element, noting
		// where the first segment terminator among them ends.
		q, term := p, -1
		for q < len(data) && (h.isBreak(data[q]) || isPad(data[q])) {
			if term < 0 && h.isTerm(data[q]) {
				term = q + 1
			}
			q++
		}
		if q >= len(data) {
			if term < 0 {
				r.warnf("subfile %s has no segment terminator; the payload may be truncated", typ)
				return sf, end
			}
			return sf, term
		}
		if !first {
			if next := h.startsSubfile(q); next != "" && next != typ {
				if term < 0 {
					r.warnf("subfile %s has no segment terminator before subfile %s", typ, next)
					return sf, end
				}
				return sf, term
			}
			if term >= 0 && !belongsTo(typ, data[q:]) {
				return sf, term
			}
		}
		p = q
		for q < len(data) && !h.isBreak(data[q]) {
			q++
		}
		end = q
		h.addElement(&sf, data[p:q], r)
		p = q
	}
}

// addElement adds the element in piece to sf, or warns that piece is not
// an element.
func (h *header) addElement(sf *Subfile, piece []byte, r *Result) {
	if len(strings.TrimSpace(string(piece))) == 0 {
		return
	}
	if len(piece) < 3 || !isElementID(piece[:3]) {
		r.warnf("subfile %s has a malformed element %s", sf.Type, show(string(piece)))
		r.garbled = r.garbled || sf.Type == "DL" || sf.Type == "ID"
		return
	}
	id, value := string(piece[:3]), cleanValue(piece[3:])
	sf.Ordered = append(sf.Ordered, Element{ID: id, Value: value})
	if _, dup := sf.Elements[id]; dup {
		r.warnf("subfile %s repeats element %s", sf.Type, id)
	} else {
		sf.Elements[id] = value
	}
}

// cleanValue removes the padding issuers add to fixed-length fields and
// makes the value valid UTF-8. The standard allows only ASCII, but some
// issuers encode accented names in ISO 8859-1, so bytes that are not UTF-8
// are read as Latin-1 rather than dropped.
func cleanValue(b []byte) string {
	for len(b) > 0 && isPad(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
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

// indexFrom returns the index of the first pat at or after i, or -1.
func indexFrom(data, pat []byte, i int) int {
	j := bytes.Index(data[i:], pat)
	if j < 0 {
		return -1
	}
	return i + j
}
