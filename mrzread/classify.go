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

// cellReader holds the buffers for classifying cells.
type cellReader struct {
	ink  glyph.Plane
	ts   []template
	ext  []float32
	win  []float32
	cols int
}

func newCellReader(ink glyph.Plane) *cellReader {
	cols := glyph.W + 2*shiftX
	return &cellReader{
		ink:  ink,
		ext:  make([]float32, cols*(glyph.H+2*shiftY)),
		win:  make([]float32, glyph.N),
		cols: cols,
	}
}

// readLine classifies every cell of l and returns the text and the score of
// each character: the correlation with its best template, from 0 to 1.
//
// Every cell is scored at each vertical offset, and the offsets are then
// chosen for the whole line at once (Viterbi), with a cost for each change
// between neighbours: the baseline drifts slowly across a line (a tilted fit,
// a bent page) but never jumps for one character. Letting each cell pick its
// own offset would erase the one difference between OCR-B's 0 and O that
// survives at small sizes, the taller digit.
func (r *cellReader) readLine(l line) (string, []float64) {
	const (
		ndy     = 2*shiftY + 1
		penalty = 0.05 // per row of change between neighbouring cells
	)
	r.ts = templatesFor(l.p)
	chars := make([][ndy]byte, l.n)
	scores := make([][ndy]float64, l.n)
	for k := range l.n {
		cx := l.a + float64(k)*l.p
		r.ink.Cell(r.ext, cx, l.baseAt(cx), l.p, shiftX, shiftY)
		for dy := range ndy {
			chars[k][dy], scores[k][dy] = r.classify(dy)
		}
	}
	acc := make([][ndy]float64, l.n)
	from := make([][ndy]int, l.n)
	acc[0] = scores[0]
	for k := 1; k < l.n; k++ {
		for d := range ndy {
			best := math.Inf(-1)
			for e := range ndy {
				v := acc[k-1][e] - penalty*math.Abs(float64(d-e))
				if v > best {
					best, from[k][d] = v, e
				}
			}
			acc[k][d] = best + scores[k][d]
		}
	}
	d := 0
	for e := range ndy {
		if acc[l.n-1][e] > acc[l.n-1][d] {
			d = e
		}
	}
	text := make([]byte, l.n)
	out := make([]float64, l.n)
	for k := l.n - 1; k >= 0; k-- {
		text[k], out[k] = chars[k][d], scores[k][d]
		d = from[k][d]
	}
	return string(text), out
}

// classify returns the template that best matches the sampled cell at
// vertical offset dy and any allowed horizontal shift. A cell without
// contrast scores 0.
func (r *cellReader) classify(dy int) (byte, float64) {
	best, char := float32(0), byte('<')
	for dx := 0; dx <= 2*shiftX; dx++ {
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
		// Paper with sensor noise has a deviation of a few levels per
		// value; real strokes give hundreds.
		if ss < glyph.N*16 {
			continue
		}
		inv := 1 / float32(math.Sqrt(float64(ss)))
		for i := range r.ts {
			t := &r.ts[i]
			if s := dot(r.win, t.v[:]) * inv; s > best {
				best, char = s, t.char
			}
		}
	}
	return char, float64(best)
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
