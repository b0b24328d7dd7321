package mrztest

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Font draws the MRZ alphabet in OCR-B with sub-pixel positioning.
//
// golang.org/x/image/font/sfnt does not implement every CFF charstring
// operator the Tsukurimashou OCR-B fonts use (the regular weight's 8 and <
// need flex1), so a glyph the primary face cannot load is taken from the
// fallback face, OCRBS.otf ("OCR B Sharp") from the same package, which is the
// same design with square instead of round stroke ends.
type Font struct {
	mu       sync.Mutex // buf is reused by every glyph load
	faces    []*sfnt.Font
	buf      sfnt.Buffer
	advance  float64 // advance of every glyph, in ems (the font is monospaced)
	capH     float64 // capital height, in ems
	fallback string  // the MRZ characters drawn from the fallback face
}

// LoadFont parses the OCR-B font at path and, when present beside it,
// OCRBS.otf as the fallback face.
func LoadFont(path string) (*Font, error) {
	primary, err := parseFont(path)
	if err != nil {
		return nil, err
	}
	faces := []*sfnt.Font{primary}
	alt := filepath.Join(filepath.Dir(path), "OCRBS.otf")
	if alt != filepath.Clean(path) {
		if fb, err := parseFont(alt); err == nil {
			faces = append(faces, fb)
		}
	}
	return newFont(path, faces)
}

// ParseFont parses a monospaced font from its file contents (OpenType or
// TrueType), without a fallback face.
func ParseFont(data []byte) (*Font, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, err
	}
	return newFont("font", []*sfnt.Font{f})
}

func newFont(path string, faces []*sfnt.Font) (*Font, error) {
	primary := faces[0]
	f := &Font{faces: faces}
	upem := fixed.I(int(primary.UnitsPerEm()))
	gi, err := primary.GlyphIndex(&f.buf, '0')
	if err != nil || gi == 0 {
		return nil, fmt.Errorf("mrztest: %s has no glyph for 0", path)
	}
	adv, err := primary.GlyphAdvance(&f.buf, gi, upem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	m, err := primary.Metrics(&f.buf, upem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	capH := m.CapHeight
	if capH <= 0 {
		h, _ := primary.GlyphIndex(&f.buf, 'H')
		b, _, err := primary.GlyphBounds(&f.buf, h, upem, font.HintingNone)
		if err != nil {
			return nil, err
		}
		capH = -b.Min.Y
	}
	f.advance = float64(adv) / float64(upem)
	f.capH = float64(capH) / float64(upem)
	if f.advance <= 0 || f.capH <= 0 {
		return nil, fmt.Errorf("mrztest: %s has unusable metrics", path)
	}
	for _, r := range Alphabet {
		_, face, err := f.glyph(r, 100)
		if err != nil {
			return nil, fmt.Errorf("mrztest: %s (and fallback) cannot draw %q: %w", path, r, err)
		}
		if face != primary {
			f.fallback += string(r)
		}
	}
	return f, nil
}

func parseFont(path string) (*sfnt.Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return sfnt.Parse(b)
}

// Alphabet is the MRZ character set.
const Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

// FromFallback returns the MRZ characters that the primary face could not
// draw and were taken from the fallback.
func (f *Font) FromFallback() string { return f.fallback }

// CapRatio returns the capital height divided by the character pitch.
func (f *Font) CapRatio() float64 { return f.capH / f.advance }

// glyph loads the outline of r scaled to ppem pixels per em, from the first
// face that can decode it.
func (f *Font) glyph(r rune, ppem float64) (sfnt.Segments, *sfnt.Font, error) {
	var last error = errors.New("no glyph")
	for _, face := range f.faces {
		gi, err := face.GlyphIndex(&f.buf, r)
		if err != nil || gi == 0 {
			continue
		}
		segs, err := face.LoadGlyph(&f.buf, gi, fixed.Int26_6(ppem*64), nil)
		if err != nil {
			last = err
			continue
		}
		// The buffer is reused by the next call: copy.
		return append(sfnt.Segments(nil), segs...), face, nil
	}
	return nil, nil, last
}

// DrawString draws s with src onto dst, with the left end of the baseline of
// the first character cell at (x, y) and a character pitch of pitch pixels.
// Spaces advance one pitch. Characters without a glyph are an error.
func (f *Font) DrawString(dst draw.Image, src image.Image, x, y, pitch float64, s string) error {
	return f.DrawCells(dst, src, x, y, pitch, f.CapRatio()*pitch, s)
}

// DrawCells is DrawString with the capital height set to capH pixels
// instead of following from the pitch: each glyph is scaled to it and
// centred in its cell, as a printer would set a font whose proportions
// differ from OCR-B's at the MRZ's size and pitch.
func (f *Font) DrawCells(dst draw.Image, src image.Image, x, y, pitch, capH float64, s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	ppem := capH / f.capH
	dx := (pitch - f.advance*ppem) / 2
	for _, r := range s {
		if r != ' ' {
			segs, _, err := f.glyph(r, ppem)
			if err != nil {
				return fmt.Errorf("mrztest: glyph %q: %w", r, err)
			}
			fillSegments(dst, src, segs, x+dx, y)
		}
		x += pitch
	}
	return nil
}

// fillSegments rasterises an outline whose origin is at (ox, oy).
func fillSegments(dst draw.Image, src image.Image, segs sfnt.Segments, ox, oy float64) {
	if len(segs) == 0 {
		return
	}
	b := segs.Bounds()
	minX := int(ox+float64(b.Min.X)/64) - 1
	minY := int(oy+float64(b.Min.Y)/64) - 1
	maxX := int(ox+float64(b.Max.X)/64) + 2
	maxY := int(oy+float64(b.Max.Y)/64) + 2
	rect := image.Rect(minX, minY, maxX, maxY)
	if !rect.Overlaps(dst.Bounds()) {
		return
	}
	// The rasterizer's fast paths do not clip, so rasterise into a mask and
	// let draw.DrawMask clip.
	mask := image.NewAlpha(image.Rect(0, 0, rect.Dx(), rect.Dy()))
	dx := float32(ox) - float32(minX)
	dy := float32(oy) - float32(minY)
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)/64 + dx, float32(p.Y)/64 + dy
	}
	z := vector.NewRasterizer(rect.Dx(), rect.Dy())
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			z.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			ax, ay := pt(s.Args[0])
			bx, by := pt(s.Args[1])
			z.QuadTo(ax, ay, bx, by)
		case sfnt.SegmentOpCubeTo:
			ax, ay := pt(s.Args[0])
			bx, by := pt(s.Args[1])
			cx, cy := pt(s.Args[2])
			z.CubeTo(ax, ay, bx, by, cx, cy)
		}
	}
	z.ClosePath()
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	draw.DrawMask(dst, rect, src, image.Point{}, mask, image.Point{}, draw.Over)
}
