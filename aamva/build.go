package aamva

import (
	"fmt"
	"strings"
)

// Build returns a payload that follows the standard exactly: the standard
// separators, the "ANSI " file type, a jurisdiction version of 00 (version 2
// and later), and designators whose offsets and lengths are right. It exists
// so that tests elsewhere can print synthetic barcodes.
//
// elements become the docType subfile ("DL" or "ID") in the order given.
// jurisdiction, when not empty, becomes a second subfile whose type is the
// first two characters of its first element ID (e.g. "ZVA" gives "ZV").
// Build panics when its input cannot be encoded: a version outside 1-99, an
// IIN that is not six digits, a malformed subfile type or element ID, or a
// value holding a separator.
func Build(version int, iin string, docType string, elements [][2]string, jurisdiction [][2]string) []byte {
	if version < 1 || version > 99 {
		panic(fmt.Sprintf("aamva.Build: version %d is not 1-99", version))
	}
	if _, ok := digitsAt([]byte(iin), 0, 6); !ok || len(iin) != 6 {
		panic(fmt.Sprintf("aamva.Build: IIN %q is not six digits", iin))
	}
	if !isSubfileType([]byte(docType)) {
		panic(fmt.Sprintf("aamva.Build: subfile type %q is malformed", docType))
	}
	subfiles := []string{buildSubfile(docType, elements)}
	types := []string{docType}
	if len(jurisdiction) > 0 {
		typ := jurisdiction[0][0]
		if len(typ) >= 2 {
			typ = typ[:2]
		}
		if !isSubfileType([]byte(typ)) {
			panic(fmt.Sprintf("aamva.Build: subfile type %q is malformed", typ))
		}
		subfiles = append(subfiles, buildSubfile(typ, jurisdiction))
		types = append(types, typ)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "@\n\x1e\rANSI %s%02d", iin, version)
	if version >= 2 {
		b.WriteString("00")
	}
	fmt.Fprintf(&b, "%02d", len(subfiles))
	offset := b.Len() + designatorLen*len(subfiles)
	for i, sf := range subfiles {
		if offset+len(sf) > 9999 {
			panic("aamva.Build: payload exceeds the 9999 bytes designators can address")
		}
		fmt.Fprintf(&b, "%s%04d%04d", types[i], offset, len(sf))
		offset += len(sf)
	}
	for _, sf := range subfiles {
		b.WriteString(sf)
	}
	return []byte(b.String())
}

// buildSubfile encodes one subfile: its type, the elements separated by
// line feeds, and the segment terminator.
func buildSubfile(typ string, elements [][2]string) string {
	var b strings.Builder
	b.WriteString(typ)
	for i, e := range elements {
		if !isElementID([]byte(e[0])) {
			panic(fmt.Sprintf("aamva.Build: element ID %q is malformed", e[0]))
		}
		if strings.ContainsAny(e[1], "\n\r\x1e") {
			panic(fmt.Sprintf("aamva.Build: element %s value %q holds a separator", e[0], e[1]))
		}
		if i > 0 {
			b.WriteByte(stdElementSeparator)
		}
		b.WriteString(e[0])
		b.WriteString(e[1])
	}
	b.WriteByte(stdSegmentTerminator)
	return b.String()
}
