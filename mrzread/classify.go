package mrzread

import (
	"math"
	"sync"

	"github.com/idproof/idproof/mrzread/internal/glyph"
)

// template is a glyph cell with zero mean and unit norm, so that its dot
// product with a zero-mean cell is their normalised cross-correlation.
type template struct {
	char byte
	v    [glyph.N]float32
}

// psf is the assumed blur of the imaging chain (lens, sensor, compression),
// as a Gaussian sigma in image pixels. In grid units it grows as characters
// get smaller, so templates are blurred to match each line's pitch: sharp
// templates lose to a blurred small glyph, blurred ones blur the fine
// differences of large glyphs.
const psf = 1.0

// templateSets caches the normalised templates by blur, in tenths of a grid
// unit.
var templateSets sync.Map

// templatesFor returns the templates blurred for characters of pitch p.
func templatesFor(p float64) []template {
	g := psf * glyph.W / p
	sigma := math.Sqrt(0.25 + g*g) // 0.5 for the font's own soft edges
	key := int(math.Round(min(sigma, 4) * 10))
	if v, ok := templateSets.Load(key); ok {
		return v.([]template)
	}
	out := make([]template, len(templates))
	cell := make([]float32, glyph.N)
	for i, t := range templates {
		for j, v := range t.ink {
			cell[j] = float32(v)
		}
		blurred := glyph.Blur(cell, float64(key)/10)
		out[i] = template{char: t.char, v: normalize(blurred)}
	}
	v, _ := templateSets.LoadOrStore(key, out)
	return v.([]template)
}

// normalize returns c with zero mean and unit norm.
func normalize(c []float32) [glyph.N]float32 {
	var sum float64
	for _, v := range c {
		sum += float64(v)
	}
	mean := sum / glyph.N
	var ss float64
	for _, v := range c {
		d := float64(v) - mean
		ss += d * d
	}
	var out [glyph.N]float32
	if ss == 0 {
		return out
	}
	norm := math.Sqrt(ss)
	for j, v := range c {
		out[j] = float32((float64(v) - mean) / norm)
	}
	return out
}

// The search around each predicted cell position, in grid units (a grid
// unit is 1/16 of the pitch): it absorbs the error of the fitted grid and of
// the baseline, and the difference between a glyph's ink and its cell.
const (
	shiftX = 2
	shiftY = 2
)

// cellReader holds the buffers for classifying cells, sampled through the
// frame's map from the ink plane of the working image.
type cellReader struct {
	ink  glyph.Plane
	m    glyph.Affine
	ts   []template
	ext  []float32
	win  []float32
	cols int
}

func newCellReader(ink glyph.Plane, m glyph.Affine) *cellReader {
	cols := glyph.W + 2*shiftX
	return &cellReader{
		ink:  ink,
		m:    m,
		ext:  make([]float32, cols*(glyph.H+2*shiftY)),
		win:  make([]float32, glyph.N),
		cols: cols,
	}
}

// scores holds a cell's correlation with each template, in the order of
// alphabet, from 0 to 1.
type scores [nChars]float32

// best returns the index and score of the best template in s.
func (s *scores) best(allowed set) (int, float32) {
	bi, bs := -1, float32(-1)
	for i, v := range s {
		if allowed.has(i) && v > bs {
			bi, bs = i, v
		}
	}
	return bi, bs
}

// readLine scores every cell of l against every template and returns the
// scores of each cell at the vertical offset chosen for it.
//
// Every cell is scored at each vertical offset, and the offsets are then
// chosen for the whole line at once (Viterbi), with a cost for each change
// between neighbours: the baseline drifts slowly across a line (a tilted fit,
// a bent page) but never jumps for one character. Letting each cell pick its
// own offset would erase the one difference between OCR-B's 0 and O that
// survives at small sizes, the taller digit.
func (r *cellReader) readLine(l line) []scores {
	m := r.m
	baseAt := l.baseAt
	if l.stretch != 0 && l.stretch != 1 {
		// Sample a frame stretched vertically about the baseline at the
		// first cell: its rows are stretch apart in this frame.
		s, b0 := l.stretch, l.base
		m = compose(r.m, glyph.Affine{1, 0, 0, 0, s, b0 - s*b0})
		baseAt = func(x float64) float64 { return b0 + (l.baseAt(x)-b0)/s }
	}
	const (
		ndy     = 2*shiftY + 1
		penalty = 0.05 // per row of change between neighbouring cells
	)
	cells := make([][ndy]scores, l.n)
	top := make([][ndy]float64, l.n)
	var centre scores
	for k := range l.n {
		cx, p := l.cell(k)
		r.ts = templatesFor(p)
		r.ink.CellAt(r.ext, m, cx, baseAt(cx), p, shiftX, shiftY)
		// Every template is matched at the predicted position and a
		// whole step off it either way; only the closest few, among which
		// are the character and its rivals, at every shift. The others
		// keep the best of those scores, which is as much as they need to
		// lose.
		clear(centre[:])
		for _, d := range [...][2]int{{shiftX, shiftY}, {0, shiftY}, {2 * shiftX, shiftY}, {shiftX, 0}, {shiftX, 2 * shiftY}} {
			r.classify(d[0], d[1], allTemplates, &centre)
		}
		cand := shortlist(&centre)
		for dy := range ndy {
			cells[k][dy] = centre
			for dx := 0; dx <= 2*shiftX; dx++ {
				r.classify(dx, dy, cand, &cells[k][dy])
			}
			_, b := cells[k][dy].best(anyChar)
			top[k][dy] = float64(b)
		}
	}
	acc := make([][ndy]float64, l.n)
	from := make([][ndy]int, l.n)
	acc[0] = top[0]
	for k := 1; k < l.n; k++ {
		for d := range ndy {
			best := math.Inf(-1)
			for e := range ndy {
				v := acc[k-1][e] - penalty*math.Abs(float64(d-e))
				if v > best {
					best, from[k][d] = v, e
				}
			}
			acc[k][d] = best + top[k][d]
		}
	}
	d := 0
	for e := range ndy {
		if acc[l.n-1][e] > acc[l.n-1][d] {
			d = e
		}
	}
	out := make([]scores, l.n)
	for k := l.n - 1; k >= 0; k-- {
		out[k] = cells[k][d]
		d = from[k][d]
	}
	return out
}

// allTemplates is the set of every template.
var allTemplates = anyChar

// shortlistSize is how many templates are tried at every shift. The
// characters OCR-B's glyphs are confused with come in groups of up to
// seven (0 O D Q U C G; 8 B 3 S 6 9 E).
const shortlistSize = 10

// shortlist returns the shortlistSize best-scoring templates.
func shortlist(s *scores) set {
	var out set
	for range shortlistSize {
		k, _ := s.best(anyChar &^ out)
		out |= 1 << k
	}
	return out
}

// classify matches the sampled cell at shift (dx, dy) against the templates
// in which and raises each one's score in out to its correlation there. A
// window without contrast matches nothing.
func (r *cellReader) classify(dx, dy int, which set, out *scores) {
	glyph.Window(r.win, r.ext, r.cols, dx, dy)
	var sum, ss float32
	for _, v := range r.win {
		sum += v
	}
	mean := sum / glyph.N
	for _, v := range r.win {
		d := v - mean
		ss += d * d
	}
	// Paper with sensor noise has a deviation of a few levels per value;
	// real strokes give hundreds.
	if ss < glyph.N*16 {
		return
	}
	inv := 1 / float32(math.Sqrt(float64(ss)))
	for i := range r.ts {
		if !which.has(i) {
			continue
		}
		if s := dot(r.win, r.ts[i].v[:]) * inv; s > out[i] {
			out[i] = s
		}
	}
}

// dot unrolls by four.
const _ uint = -(glyph.N % 4)

// dot returns the dot product of two cells. Four accumulators let the
// multiplications overlap; this loop is most of the reader's time.
func dot(a, b []float32) float32 {
	a, b = a[:glyph.N], b[:glyph.N]
	var s0, s1, s2, s3 float32
	for j := 0; j < glyph.N; j += 4 {
		s0 += a[j] * b[j]
		s1 += a[j+1] * b[j+1]
		s2 += a[j+2] * b[j+2]
		s3 += a[j+3] * b[j+3]
	}
	return (s0 + s1) + (s2 + s3)
}
