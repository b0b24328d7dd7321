// Package mrzread finds and reads the machine readable zone (ICAO Doc 9303)
// in an image of an identity document, so that the verifier need not take a
// capture client's word for it.
//
// There is no OCR engine in pure Go, but the MRZ is printed in a single
// monospaced font, OCR-B, with a 37-character alphabet, which makes template
// matching work on reasonably clean, upright images such as scans and good
// photographs. The reader binarises the lower half of the image (then the
// whole image) with Otsu's threshold, labels connected components, finds
// text lines by a horizontal projection of character-sized components taken
// along the slope that sharpens it most, estimates each line's pitch and
// fits a grid of character cells to it, and keeps 3×30, 2×36 or 2×44 line
// sets laid out like an MRZ. Each cell is sampled from the grey image onto a
// 16×20 grid scaled by the pitch and compared, by normalised
// cross-correlation, with templates rendered from the OCR-B font (see
// internal/gen) and blurred to suit the character size; the vertical
// alignment is chosen per line, not per character.
//
// Measured on synthetic documents (package mrztest) with sensor noise, a
// slightly soft lens and JPEG quality 85, every character of 90 random
// documents per size was read right for capital heights from 9 to 45
// pixels; with stronger noise, blur and JPEG quality 75, from 10 pixels.
// Ten pixels is the supported minimum. Tilts up to about 4° are corrected.
// Uneven lighting that defeats a global threshold, heavier tilts, curved
// pages and MRZs not printed in OCR-B give ErrNoMRZ or misreadings with
// lower confidence.
//
// The result is the printed text, not a validated MRZ: check digits and
// fields are the business of package mrz.
package mrzread

//go:generate go run ./internal/gen -font /usr/share/fonts/opentype/ocr-b/OCRB.otf -o templates.go

import (
	"errors"
	"image"
	"math"

	"github.com/idproof/idproof/mrzread/internal/glyph"
)

// Reading is the text of a machine readable zone found in an image.
type Reading struct {
	// Lines are the MRZ lines, top to bottom: 3×30 (TD1), 2×36 (TD2) or
	// 2×44 (TD3) characters of 0-9, A-Z and <.
	Lines []string
	// Confidence holds, per line, the lowest character score: the
	// normalised cross-correlation of the character's cell with its best
	// template, from 0 to 1. Clean print scores above 0.9.
	Confidence []float64
	// Box encloses the zone, in the coordinates of the image.
	Box image.Rectangle
}

// ErrNoMRZ means that no machine readable zone was found. It says nothing
// about the document: the image may be too small, blurred, rotated or simply
// show the side without an MRZ.
var ErrNoMRZ = errors.New("mrzread: no machine readable zone found")

// minScore is the mean character score below which a candidate zone is
// rejected. Legible zones score above 0.85; below 0.7 blur has made most
// characters guesses, and other print that happens to have an MRZ's layout
// scores lower still.
const minScore = 0.7

// maxSide bounds the working resolution. An MRZ filling half the width of a
// 2000-pixel image has characters over 20 pixels high, plenty to read, and
// the cost of labelling grows with the pixel count.
const maxSide = 2000

// Read finds the machine readable zone in img and reads it. It looks in the
// lower half first, where documents print it, then in the whole image. When
// no plausible zone is found it returns ErrNoMRZ.
func Read(img image.Image) (*Reading, error) {
	if img == nil {
		return nil, ErrNoMRZ
	}
	b := img.Bounds()
	if b.Dx() < 60 || b.Dy() < 12 {
		return nil, ErrNoMRZ
	}
	f := (max(b.Dx(), b.Dy()) + maxSide - 1) / maxSide
	g := toGray(img, f)
	ink := glyph.Plane{Pix: make([]uint8, len(g.pix)), Stride: g.w, W: g.w, H: g.h}
	for i, v := range g.pix {
		ink.Pix[i] = 255 - v
	}
	for _, top := range []int{g.h / 2, 0} {
		r := search(g, ink, top)
		if r == nil {
			continue
		}
		r.Box = image.Rect(r.Box.Min.X*f, r.Box.Min.Y*f, r.Box.Max.X*f, r.Box.Max.Y*f).
			Add(b.Min).Intersect(b)
		return r, nil
	}
	return nil, ErrNoMRZ
}

// search looks for an MRZ in rows [top, g.h) and returns the best candidate.
func search(g gray, ink glyph.Plane, top int) *Reading {
	thr, ok := otsu(g, top, g.h)
	if !ok {
		return nil
	}
	comps := components(g, top, g.h, thr)
	for i := range comps {
		comps[i].y0 -= top
		comps[i].y1 -= top
	}
	lines := findLines(comps, g.w, g.h-top)
	for i := range lines {
		lines[i].base += float64(top)
	}
	var (
		best     *Reading
		bestMean float64
		cr       = newCellReader(ink)
	)
	for _, grp := range groups(lines) {
		r := &Reading{}
		var sum float64
		var n int
		for _, l := range grp {
			text, scores := cr.readLine(l)
			low := 1.0
			for _, s := range scores {
				low = min(low, s)
				sum += s
				n++
			}
			r.Lines = append(r.Lines, text)
			r.Confidence = append(r.Confidence, low)
		}
		mean := sum / float64(n)
		if mean >= minScore && mean > bestMean {
			r.Box = box(grp)
			best, bestMean = r, mean
		}
	}
	return best
}

// box encloses the cells of a group of lines.
func box(grp []line) image.Rectangle {
	var r image.Rectangle
	for i, l := range grp {
		left := l.a - l.p/2
		right := l.a + (float64(l.n)-0.5)*l.p
		up := float64(glyph.Above) / glyph.W * l.p
		down := float64(glyph.Below) / glyph.W * l.p
		y0 := min(l.baseAt(left), l.baseAt(right)) - up
		y1 := max(l.baseAt(left), l.baseAt(right)) + down
		lr := image.Rect(int(math.Floor(left)), int(math.Floor(y0)),
			int(math.Ceil(right)), int(math.Ceil(y1)))
		if i == 0 {
			r = lr
		} else {
			r = r.Union(lr)
		}
	}
	return r
}
