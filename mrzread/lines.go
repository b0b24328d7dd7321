package mrzread

import (
	"cmp"
	"math"
	"slices"
)

// line is a row of monospaced characters that could be an MRZ line: n cells,
// cell k centred at x = a + p·k + c·k² (the pitch p at the first cell
// changes steadily along a line photographed at an angle), on a baseline
// through (a, base) with the given slope.
type line struct {
	n       int
	a, p, c float64
	// stretch is the height of the characters relative to OCR-B's at
	// pitch p (0 meaning 1): more or less than 1 where a photograph taken
	// at an angle foreshortens the print in one direction only.
	stretch  float64
	base     float64
	slope    float64
	x0, x1   int     // horizontal extent of the ink
	capH     float64 // height of the tallest glyphs
	comps    int     // components that support the fit
	inlierFr float64 // fraction of narrow components on the pitch grid
}

// cell returns the centre of cell k and the pitch there.
func (l line) cell(k int) (cx, pitch float64) {
	fk := float64(k)
	return l.a + fk*l.p + fk*fk*l.c, l.p + 2*fk*l.c
}

// baseAt returns the baseline's y at x.
func (l line) baseAt(x float64) float64 { return l.base + l.slope*(x-l.a) }

// mrzLengths are the line lengths of TD1, TD2 and TD3.
var mrzLengths = []int{30, 36, 44}

// maxSkew bounds the tilt, as a slope, that findLines corrects: about 4°.
const maxSkew = 0.07

// maxTilt is the largest tilt, in degrees, that skewDeg looks for. With
// quarter turns it covers a document photographed at any angle within 20°
// of a side of the picture.
const maxTilt = 20

// skewDeg estimates the tilt of the text lines among comps in a w-wide
// region, in degrees (positive: lines fall to the right), from the angle
// whose projection of character-sized components is sharpest. It returns 0
// when no angle is clearly sharper than level, so that a picture without
// level text, or with none at all, is not resampled for nothing.
func skewDeg(comps []comp, w int) float64 {
	var glyphs []comp
	var hs []int
	for _, c := range comps {
		if ch := c.h(); ch >= 5 && ch <= 120 && c.w() <= 4*ch+2 && c.area >= 5 {
			glyphs = append(glyphs, c)
			hs = append(hs, ch)
		}
	}
	if len(glyphs) < 12 {
		return 0
	}
	slices.Sort(hs)
	// Rows are binned to about an eighth of the typical character height:
	// fine enough to separate lines, coarse enough to be cheap.
	bin := max(1, hs[len(hs)/2]/8)
	var prof []int32
	sharpness := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		off := int(math.Abs(t)*float64(w)/2) + 1
		lo := math.MaxInt
		for _, c := range glyphs {
			lo = min(lo, c.y0)
		}
		prof = prof[:0]
		for _, c := range glyphs {
			q := c.h() / 4
			d := int(math.Round(t * (c.cx() - float64(w)/2)))
			for y := (c.y0 + q - d - lo + off) / bin; y < (c.y1-q-d-lo+off+bin-1)/bin; y++ {
				for y >= len(prof) {
					prof = append(prof, 0)
				}
				prof[y]++
			}
		}
		var sum float64
		for _, v := range prof {
			sum += float64(v) * float64(v)
		}
		return sum
	}
	level := sharpness(0)
	best, bestDeg := level, 0.0
	for d := -maxTilt; d <= maxTilt; d++ {
		if s := sharpness(float64(d)); s > best {
			best, bestDeg = s, float64(d)
		}
	}
	// Refine between the neighbouring whole degrees.
	for _, d := range []float64{bestDeg - 0.5, bestDeg + 0.5} {
		if s := sharpness(d); s > best {
			best, bestDeg = s, d
		}
	}
	if best < 1.15*level {
		return 0
	}
	return bestDeg
}

// findLines groups character-sized components into text lines and keeps the
// lines whose cell count fits an MRZ. w and h are the region's size.
func findLines(comps []comp, w, h int) []line {
	var glyphs []comp
	for _, c := range comps {
		ch, cw := c.h(), c.w()
		if ch >= 5 && ch <= max(h/3, 5) && cw <= 4*ch+2 && c.area >= 5 {
			glyphs = append(glyphs, c)
		}
	}
	if len(glyphs) < 12 {
		return nil
	}
	// Horizontal projection of the middle half of each glyph: text lines
	// give sharp peaks, and a stray tall blob adds only one to a row, which
	// the threshold ignores. A tilted document smears the peaks into each
	// other, so the projection is taken along the slope that makes them
	// sharpest (largest sum of squares), as in classic skew detection.
	off := int(maxSkew*float64(w)/2) + 1
	prof := make([]int, h+2*off)
	project := func(t float64) {
		clear(prof)
		for _, c := range glyphs {
			q := c.h() / 4
			d := int(math.Round(t*(c.cx()-float64(w)/2))) - off
			for y := c.y0 + q - d; y < c.y1-q-d; y++ {
				if y >= 0 && y < len(prof) {
					prof[y]++
				}
			}
		}
	}
	best, bestT := -1, 0.0
	for i := -7; i <= 7; i++ {
		t := maxSkew * float64(i) / 7
		project(t)
		sum := 0
		for _, v := range prof {
			sum += v * v
		}
		// Ties go to the smaller tilt: documents are mostly upright.
		if sum > best || (sum == best && math.Abs(t) < math.Abs(bestT)) {
			best, bestT = sum, t
		}
	}
	project(bestT)
	var out []line
	for y := 0; y < len(prof); {
		if prof[y] < 2 {
			y++
			continue
		}
		start := y
		for y < len(prof) && prof[y] >= 2 {
			y++
		}
		var band []comp
		for _, c := range glyphs {
			cy := int(c.cy() - bestT*(c.cx()-float64(w)/2) + float64(off))
			if cy >= start && cy < y {
				band = append(band, c)
			}
		}
		for _, run := range splitRuns(band) {
			if l, ok := fitLine(run); ok {
				out = append(out, l)
			}
		}
	}
	return out
}

// splitRuns sorts a band's components left to right and cuts it where the
// gap is wider than any space inside an MRZ, whose fillers are printed.
func splitRuns(band []comp) [][]comp {
	if len(band) < 12 {
		return nil
	}
	slices.SortFunc(band, func(a, b comp) int { return a.x0 - b.x0 })
	hs := make([]int, len(band))
	for i, c := range band {
		hs[i] = c.h()
	}
	slices.Sort(hs)
	maxGap := 1.5 * float64(hs[len(hs)/2])
	var runs [][]comp
	s := 0
	right := band[0].x1
	for i := 1; i <= len(band); i++ {
		if i == len(band) || float64(band[i].x0-right) > maxGap {
			if i-s >= 12 {
				runs = append(runs, band[s:i])
			}
			s = i
		}
		if i < len(band) {
			right = max(right, band[i].x1)
		}
	}
	return runs
}

// groups returns the sets of consecutive lines that are laid out like an
// MRZ: three lines of 30 or two of 36 or 44, with equal pitch, a common left
// edge and even line spacing.
func groups(lines []line) [][]line {
	slices.SortFunc(lines, func(a, b line) int {
		return cmp.Compare(a.baseAt(a.a), b.baseAt(b.a))
	})
	var out [][]line
	for i := range lines {
		k := 2
		if lines[i].n == 30 {
			k = 3
		}
		if i+k > len(lines) {
			continue
		}
		g := lines[i : i+k]
		if consistent(g) {
			out = append(out, g)
		}
	}
	return out
}

func consistent(g []line) bool {
	p := g[0].p
	var gaps []float64
	for i, l := range g {
		if l.n != g[0].n || math.Abs(l.p-p) > 0.06*p || math.Abs(l.a-g[0].a) > 0.5*p {
			return false
		}
		if i > 0 {
			gap := l.baseAt(l.a) - g[i-1].baseAt(l.a)
			if gap < 1.2*p || gap > 3.2*p {
				return false
			}
			gaps = append(gaps, gap)
		}
	}
	if len(gaps) == 2 && math.Abs(gaps[0]-gaps[1]) > 0.2*max(gaps[0], gaps[1]) {
		return false
	}
	return true
}
