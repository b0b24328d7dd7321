// Package mrzread finds and reads the machine readable zone (ICAO Doc 9303)
// in an image of an identity document, so that the verifier need not take a
// capture client's word for it.
//
// There is no OCR engine in pure Go, but the MRZ is printed in a single
// monospaced font, OCR-B, with a 37-character alphabet, which makes template
// matching work. The reader marks ink by comparing each pixel with the
// paper around it (so uneven light, tinted paper and faint print do not
// defeat it), labels connected components, and looks at them in four
// frames: as the picture is, upside down, and on either side. In each it
// finds the tilt, up to 20°, that sharpens a projection of character-sized
// components most and straightens the frame by it, then finds text lines,
// fits each a grid of character cells whose pitch may change along the
// line (a page photographed at an angle), and keeps 3×30, 2×36 or 2×44 line
// sets laid out like an MRZ. Each cell is sampled from the grey image onto a
// 16×20 grid scaled by the pitch, along the frame's axes, and compared, by
// normalised cross-correlation, with templates rendered from the OCR-B font
// (see internal/gen) and blurred to suit the character size; the vertical
// alignment is chosen per line, not per character. The search stops at the
// first frame that gives a zone with good scores whose check digits hold,
// so an upright page costs one frame.
//
// The characters are then chosen under the rules of Doc 9303 (decode.go):
// digits in dates and check digits, letters in names, codes the standard
// lists in country fields, but only among the glyphs the image supports, so
// a blurred 0 in a date reads as 0 and one in a name as O, while print the
// layout forbids is kept and fails the zone's checks. Each character's
// margin over its rivals tells how nearly the image could have read as
// another zone; Reading.Doubt and Doubtful single out the readings whose
// names or codes could be wrong with every check digit valid.
//
// docs/mrz-reading.md gives the read rates on a synthetic corpus (package
// mrztest) of scans and photographs: tilted, turned, foreshortened, unevenly
// lit, small, faint, coloured or patterned. Capital heights of 10 pixels
// are the supported minimum. Curved pages and zones not printed in OCR-B
// give ErrNoMRZ or misreadings with lower confidence and margins.
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
	// normalised cross-correlation of the character's cell with its
	// template, from 0 to 1. Clean print scores above 0.9.
	Confidence []float64
	// Margin holds, per line, the lowest character margin (see Margins).
	Margin []float64
	// Margins holds each character's margin: its score less that of the
	// best other character that its position would have accepted (for a
	// country code, one that still makes a code Doc 9303 lists). A small
	// margin means that the image could almost as well have read as
	// another zone.
	Margins [][]float64
	// Box encloses the zone, in the coordinates of the image.
	Box image.Rectangle
	// Angle is the direction in which the zone's lines run in the image,
	// in degrees counter-clockwise from left to right: near 0 for an
	// upright document, near 90, 180 or 270 for one photographed turned.
	Angle float64
	// Doubt is the lowest margin of any character over the rivals that
	// its check digits would not catch: every rival for the characters no
	// check digit covers (document code, issuing state, names,
	// nationality, sex, a visa's optional data), and elsewhere those with
	// the same check value modulo 10 (0, A, K, U and <; 6 and G; 8, I and
	// S…), for which no check digit of Doc 9303 changes. It is how close
	// the image came to reading as another zone that would pass every
	// check.
	Doubt float64
}

// DoubtfulMargin is the Doubt below which a reading's letters are in doubt:
// the zone could as well have read as another one with every check digit
// valid, a different name or state for instance. Such a reading should be
// taken again rather than trusted, however its check digits come out. The
// value is set on the corpus of the tests (docs/mrz-reading.md).
const DoubtfulMargin = 0.05

// Doubtful reports whether Doubt is below DoubtfulMargin.
func (r *Reading) Doubtful() bool { return r.Doubt < DoubtfulMargin }

// ErrNoMRZ means that no machine readable zone was found. It says nothing
// about the document: the image may be too small, blurred, rotated or simply
// show the side without an MRZ.
var ErrNoMRZ = errors.New("mrzread: no machine readable zone found")

// minScore is the mean character score below which a candidate zone is
// rejected. Legible zones score above 0.85; below 0.7 blur has made most
// characters guesses, and other print that happens to have an MRZ's layout
// scores lower still.
const minScore = 0.7

// sureScore is the mean character score above which a zone whose check
// digits all hold ends the search: the other orientations cannot do better.
const sureScore = 0.8

// maxSide bounds the working resolution. An MRZ filling half the width of a
// 2000-pixel image has characters over 20 pixels high, plenty to read, and
// the cost of labelling grows with the pixel count.
const maxSide = 2000

// minSkew is the tilt, in degrees, from which a frame is rotated before its
// lines are sought; findLines follows smaller tilts itself.
const minSkew = 3

// Read finds the machine readable zone in img and reads it. It looks at the
// picture as it is first, then turned upside down and on either side, each
// time straightening a tilt of up to 20°, and stops as soon as it has a
// zone that reads cleanly and whose check digits hold. When no plausible
// zone is found it returns ErrNoMRZ.
func Read(img image.Image) (*Reading, error) {
	if img == nil {
		return nil, ErrNoMRZ
	}
	b := img.Bounds()
	if b.Dx() < 12 || b.Dy() < 12 || max(b.Dx(), b.Dy()) < 60 {
		return nil, ErrNoMRZ
	}
	f := (max(b.Dx(), b.Dy()) + maxSide - 1) / maxSide
	g := toGray(img, f)
	ink := g.ink()
	mask := binarize(g)
	comps := components(mask, g.w)
	var (
		best   *candidate
		frames [2]frame
		boxes  [2][]comp
	)
	// Upside down before sideways: it needs no labelling of its own.
	for _, q := range [...]int{0, 2, 1, 3} {
		var (
			fr frame
			cs []comp
		)
		if q < 2 {
			fr = turned(g.w, g.h, q)
			cs = fr.boxes(comps)
			if deg := skewDeg(cs, fr.w); math.Abs(deg) >= minSkew {
				fr = fr.rotated(deg)
				cs = components(fr.mask(mask, g.w, g.h), fr.w)
			}
			frames[q], boxes[q] = fr, cs
		} else {
			// Upside down is the frame of a half turn fewer, turned
			// round: its components need no labelling again.
			fr, cs = frames[q-2].halfTurn(), halfTurn(boxes[q-2], frames[q-2])
		}
		c := search(fr, cs, ink)
		if c != nil && (best == nil || c.beats(best)) {
			best = c
		}
		if best != nil && best.sure() {
			break
		}
	}
	if best == nil {
		return nil, ErrNoMRZ
	}
	r := refine(best, ink).r
	r.Box = image.Rect(r.Box.Min.X*f, r.Box.Min.Y*f, r.Box.Max.X*f, r.Box.Max.Y*f).
		Add(b.Min).Intersect(b)
	return r, nil
}

// box encloses the cells of a group of lines, in frame coordinates.
func box(grp []line) image.Rectangle {
	var r image.Rectangle
	for i, l := range grp {
		left, p0 := l.cell(0)
		left -= p0 / 2
		right, p1 := l.cell(l.n - 1)
		right += p1 / 2
		up := float64(glyph.Above) / glyph.W * max(p0, p1)
		down := float64(glyph.Below) / glyph.W * max(p0, p1)
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
