package docimage

import (
	"image"
	"math"
)

// chain is one pattern found on a vertical sequence of scanlines.
type chain struct {
	rows                int // scanlines with a match
	firstLine, lastLine int
	firstY, lastY       int
	x, minX, maxX       int
	unitSum             float64
}

func (c *chain) unit() float64 { return c.unitSum / float64(c.rows) }

// chainSet grows chains of one pattern kind as scanlines are read top to
// bottom.
type chainSet struct{ open, closed []chain }

// add attaches m, found on scanline line at row y, to the longest chain
// that ended on one of the two scanlines above at about the same x and
// with about the same module width, or starts a new chain.
func (s *chainSet) add(line, y int, m match) {
	best := -1
	for i := 0; i < len(s.open); i++ {
		c := &s.open[i]
		if c.lastLine < line-2 {
			s.closed = append(s.closed, *c)
			s.open[i] = s.open[len(s.open)-1]
			s.open = s.open[:len(s.open)-1]
			i--
			continue
		}
		if c.lastLine == line || !similar(c.unit(), m.unit) {
			continue
		}
		if float64(abs(m.x-c.x)) > math.Max(2, 1.5*m.unit) {
			continue
		}
		if best < 0 || c.rows > s.open[best].rows {
			best = i
		}
	}
	if best < 0 {
		s.open = append(s.open, chain{firstLine: line, firstY: y, x: m.x, minX: m.x, maxX: m.x})
		best = len(s.open) - 1
	}
	c := &s.open[best]
	c.rows++
	c.lastLine, c.lastY, c.x = line, y, m.x
	c.minX, c.maxX = min(c.minX, m.x), max(c.maxX, m.x)
	c.unitSum += m.unit
}

// done returns the chains long and tall enough to be a symbol's edge.
func (s *chainSet) done() []chain {
	var out []chain
	for _, c := range append(s.closed, s.open...) {
		if c.rows >= PDF417MinRows && float64(c.lastY-c.firstY) >= 3*c.unit() {
			out = append(out, c)
		}
	}
	return out
}

// similar reports whether two module widths agree within a third.
func similar(a, b float64) bool { return a <= b*4/3 && b <= a*4/3 }

// pairUp checks that left and right can be the two edges of one symbol:
// the same module width, overlapping scanlines, and a distance between 70
// and 600 modules (the widest symbol has 30 data columns, 579 modules).
func pairUp(left, right chain, step int) (Evidence, bool) {
	ul, ur := left.unit(), right.unit()
	unit := (ul + ur) / 2
	width := float64(right.maxX - left.minX)
	first, last := max(left.firstLine, right.firstLine), min(left.lastLine, right.lastLine)
	shorter := min(left.lastLine-left.firstLine, right.lastLine-right.firstLine) + 1
	switch {
	case !similar(ul, ur), width < minSymbolModules*unit, width > 600*unit:
		return Evidence{}, false
	case 2*(last-first+1) < shorter:
		return Evidence{}, false
	}
	return Evidence{
		StartRows: left.rows,
		StopRows:  right.rows,
		Module:    unit,
		Bounds: image.Rect(left.minX, min(left.firstY, right.firstY),
			right.maxX, max(left.lastY, right.lastY)+step),
	}, true
}

// partial reports, when no symbol was found, the longest chains of start
// and of stop patterns that did turn up, to tell "nothing barcode-like"
// from "half a symbol" (cut off by the frame or hidden by a reflection).
func partial(chains *[4]chainSet, scanlines int) Evidence {
	ev := Evidence{Scanlines: scanlines}
	longest := func(kinds ...int) (best chain) {
		for _, k := range kinds {
			for _, c := range append(chains[k].closed, chains[k].open...) {
				if c.rows > best.rows {
					best = c
				}
			}
		}
		return best
	}
	start, stop := longest(startFwd, startRev), longest(stopFwd, stopRev)
	ev.StartRows, ev.StopRows = start.rows, stop.rows
	if c := max(start.rows, stop.rows); c > 0 {
		if start.rows < stop.rows {
			start = stop
		}
		ev.Module = start.unit()
	}
	return ev
}
