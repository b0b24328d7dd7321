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

var loadTemplates = sync.OnceValue(func() []template {
	out := make([]template, len(templates))
	for i, t := range templates {
		out[i].char = t.char
		var sum float64
		for _, v := range t.ink {
			sum += float64(v)
		}
		mean := sum / glyph.N
		var ss float64
		for _, v := range t.ink {
			d := float64(v) - mean
			ss += d * d
		}
		norm := math.Sqrt(ss)
		for j, v := range t.ink {
			out[i].v[j] = float32((float64(v) - mean) / norm)
		}
	}
	return out
})

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
		ts:   loadTemplates(),
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
			var dot float32
			for j, v := range r.win {
				dot += v * t.v[j]
			}
			if s := dot * inv; s > best {
				best, char = s, t.char
			}
		}
	}
	return char, float64(best)
}
