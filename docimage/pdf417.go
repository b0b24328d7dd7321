package docimage

import (
	"image"
	"math"
)

// Package pdf417 decodes the symbol; the built-in verifier relies on that
// decoding, not on this test. What HasPDF417 adds is the difference
// between a back with no symbol at all and one whose symbol is there but
// too damaged or blurred to decode: every row of a PDF417 symbol begins
// with the same start pattern and ends with the same stop pattern, which
// together form two tall, straight columns of bars at a fixed distance,
// still recognisable when the rows between them are not. Text, photos, QR
// codes and one-dimensional barcodes do not have them.

// Module widths of the start and stop patterns (ISO/IEC 15438), bar first.
var (
	startPattern = []int{8, 1, 1, 1, 1, 1, 1, 3} // 17 modules
	stopPattern  = []int{7, 1, 1, 3, 1, 1, 1, 2, 1}
)

// Detection limits.
const (
	// PDF417Scanlines bounds how many rows are examined; rows are spread
	// evenly over the image, so a symbol covering 1 % of its height still
	// crosses several of them.
	PDF417Scanlines = 600

	// PDF417MinRows is how many scanlines must show the start pattern, and
	// as many the stop pattern, each at the same x as on the scanline above
	// (one scanline may be missed, for a speck or a reflection). A PDF417
	// symbol has at least three rows of at least three modules' height.
	PDF417MinRows = 4

	// A run may differ from its ideal width by this many modules, and a
	// whole pattern by the sum below; blur and the binarisation threshold
	// widen bars or spaces by up to about half a module.
	maxRunError     = 0.65
	maxPatternError = 3.0

	minModule = 0.8 // px: narrower modules cannot be told apart

	// The narrowest PDF417 symbol (one data column) is 86 modules wide
	// from the outer edge of the start pattern to that of the stop.
	minSymbolModules = 70
)

// Evidence describes the best PDF417-like structure HasPDF417 found. When
// no symbol is found, StartRows, StopRows and Module describe the longest
// chains of either pattern alone, and Bounds is empty.
type Evidence struct {
	Scanlines  int             // rows examined
	StartRows  int             // scanlines in the best vertical chain of start patterns
	StopRows   int             // the same, for the stop pattern paired with it
	Module     float64         // module (narrowest element) width, px
	Bounds     image.Rectangle // outer edges of the two patterns, first to last scanline
	UpsideDown bool            // the patterns read right to left
}

// HasPDF417 reports whether img shows an upright (or upside-down) PDF417
// symbol: the start pattern and the stop pattern each found on at least
// PDF417MinRows vertically consistent scanlines, with the same module
// width, side by side at least a minimal symbol's width apart.
//
// Each scanline is binarised against the mean of a window an eighth of
// the image wide around each pixel (Bradley–Roth), not against one
// threshold for the whole image: a phone photo of a card is often lit
// unevenly from one side to the other. The window is wider than the
// widest bar whenever the whole symbol is in the picture.
func HasPDF417(img image.Image) (bool, Evidence) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < minSymbolModules || h < PDF417MinRows {
		return false, Evidence{}
	}
	step := (h + PDF417Scanlines - 1) / PDF417Scanlines
	rs := newRaster(img)
	row, scratch := make([]uint8, w), make([]uint8, 3*w)
	dark, prefix := make([]bool, w), make([]int, w+1)
	var runs, lefts []int
	var chains [4]chainSet // by kind
	ev := Evidence{}
	for line, y := 0, step/2; y < h; line, y = line+1, y+step {
		ev.Scanlines++
		rs.luma(y, row, scratch)
		binarise(row, dark, prefix, max(8, w/16))
		runs, lefts = runLengths(dark, runs[:0], lefts[:0])
		for k := range kinds {
			for _, m := range findPattern(kinds[k], runs, lefts) {
				chains[k].add(line, y, m)
			}
		}
	}
	found := false
	for _, pair := range [2][2]int{{startFwd, stopFwd}, {stopRev, startRev}} {
		left, right := chains[pair[0]].done(), chains[pair[1]].done()
		for _, l := range left {
			for _, r := range right {
				e, ok := pairUp(l, r, step)
				if !ok || (found && min(e.StartRows, e.StopRows) <= min(ev.StartRows, ev.StopRows)) {
					continue
				}
				e.UpsideDown = pair[0] == stopRev
				if e.UpsideDown {
					e.StartRows, e.StopRows = e.StopRows, e.StartRows
				}
				e.Scanlines = ev.Scanlines
				e.Bounds = e.Bounds.Add(b.Min)
				ev, found = e, true
			}
		}
	}
	if !found {
		ev = partial(&chains, ev.Scanlines)
	}
	return found, ev
}

// binarise marks the pixels darker than 85 % of the mean of the window of
// half-width r around them.
func binarise(row []uint8, dark []bool, prefix []int, r int) {
	for i, v := range row {
		prefix[i+1] = prefix[i] + int(v)
	}
	n := len(row)
	for i, v := range row {
		lo, hi := max(0, i-r), min(n, i+r+1)
		dark[i] = 100*int(v)*(hi-lo) < 85*(prefix[hi]-prefix[lo])
	}
}

// runLengths encodes dark as alternating runs, light first (possibly of
// length 0), so dark runs have odd indices; lefts holds each run's first x.
func runLengths(dark []bool, runs, lefts []int) ([]int, []int) {
	cur, start := false, 0
	for x, d := range dark {
		if d != cur {
			runs, lefts = append(runs, x-start), append(lefts, start)
			cur, start = d, x
		}
	}
	return append(runs, len(dark)-start), append(lefts, start)
}

// Pattern kinds: the start and stop patterns read left to right, and read
// right to left (a symbol upside down).
const (
	startFwd = iota
	stopFwd
	startRev
	stopRev
)

// kind is a run pattern to look for.
type kind struct {
	widths   []int
	dark     bool // whether the first run is a bar
	leftEdge bool // the symbol's outer edge is the pattern's left end
}

var kinds = [4]kind{
	startFwd: {startPattern, true, true},
	stopFwd:  {stopPattern, true, false},
	startRev: {reversed(startPattern), false, false},
	stopRev:  {reversed(stopPattern), true, true},
}

func reversed(p []int) []int {
	out := make([]int, len(p))
	for i, v := range p {
		out[len(p)-1-i] = v
	}
	return out
}

// match is one occurrence of a pattern on a scanline.
type match struct {
	x    int     // the outer edge of the symbol
	unit float64 // module width
}

// findPattern returns the occurrences of k among runs.
func findPattern(k kind, runs, lefts []int) []match {
	var out []match
	first := 2
	if k.dark {
		first = 1
	}
	modules := 0
	for _, m := range k.widths {
		modules += m
	}
	for i := first; i+len(k.widths) <= len(runs); i += 2 {
		total := 0
		for j := range k.widths {
			total += runs[i+j]
		}
		unit := float64(total) / float64(modules)
		if unit < minModule || !fits(runs[i:i+len(k.widths)], k.widths, unit) {
			continue
		}
		x := lefts[i]
		if !k.leftEdge {
			x += total
		}
		out = append(out, match{x, unit})
	}
	return out
}

func fits(runs, widths []int, unit float64) bool {
	var sum float64
	for j, m := range widths {
		d := math.Abs(float64(runs[j]) - float64(m)*unit)
		if d > maxRunError*unit {
			return false
		}
		sum += d
	}
	return sum <= maxPatternError*unit
}
