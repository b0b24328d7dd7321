package docimage

import (
	"image"
	"sort"
)

// Locating the document. A document is photographed or scanned on
// something: a table, a scanner's lid, a hand. Where that background shows
// all round the picture's edge and is of one colour, everything that
// differs from it and is not connected to the edge through it is the
// document, whether the background is darker (a card on a table) or
// lighter (a scan on white) than the card, and whatever the card's angle.
// Where the edge is not of one colour the document is taken to fill the
// frame, which is what a capture app that crops to the card delivers.

// Location parameters.
const (
	// ringFraction is the width of the picture's edge that is sampled for
	// the background, as a fraction of the short side (at least 1 px).
	ringFraction = 0.005

	// minBackgroundShare is the share of the edge that must be of the
	// background's colour for the picture to have a background at all. A
	// card that fills the frame, or a hand and a cluttered room around it,
	// leaves less.
	minBackgroundShare = 0.6

	// The colour distance (largest difference of the three channels, in
	// levels) up to which a pixel is background: the edge's spread (1.48
	// times the median absolute deviation, so the standard deviation for
	// noise) three times over, plus a margin for JPEG ringing and gentle
	// shading, within bounds. The lower bound keeps a pale card on white
	// paper (30 levels apart) apart from it; the upper one keeps a textured
	// table from swallowing the card.
	bgTolMin, bgTolMax = 12, 48
	bgTolMargin        = 10

	// trimFraction is the share of the document's pixels that may be cut
	// off each side of its extent: specks of dust or sensor noise in the
	// background beyond the tolerance must not stretch the document.
	trimFraction = 0.002

	// fillMargin is the widest margin, as a fraction of the picture's
	// width or height, that may be left on every side for the document to
	// be taken to fill the frame. A card that fills it often has a plain
	// border of its own stock, which looks like a background to the edge;
	// its printing starts within 8 % of its edges.
	fillMargin = 0.1

	// minSolidity is the least share of the located outline that must
	// differ from the background. A card on a table or a scanner's lid
	// differs from it all over; where only the printing does, the
	// "background" is the document's own paper meeting the picture's edge
	// (a card that fills the frame, or white stock on a white lid), and the
	// document's edges cannot be seen: the frame is taken instead.
	minSolidity = 0.5

	// minDocumentShare is the least share of the picture that the located
	// document must cover; below it the background has swallowed the
	// document (a card of the table's colour) and the frame is used.
	minDocumentShare = 0.01
)

// region is the located document on a working copy: from row y0, row by
// row, the span of columns [xl, xr). It is convex: the hull of what
// differs from the background.
type region struct {
	y0     int
	xl, xr []int
	area   int
	// background is true when a background was found around the document;
	// false means the region is the whole frame.
	background bool
	// ringHot is the share of the picture's edge that is clipped white.
	ringHot float64
}

func fullRegion(w, h int) region {
	r := region{xl: make([]int, h), xr: make([]int, h), area: w * h}
	for y := range r.xr {
		r.xr[y] = w
	}
	return r
}

// bounds returns the region's bounding box in working pixels.
func (r region) bounds() image.Rectangle {
	var b image.Rectangle
	for i := range r.xl {
		if r.xr[i] > r.xl[i] {
			b = b.Union(image.Rect(r.xl[i], r.y0+i, r.xr[i], r.y0+i+1))
		}
	}
	return b
}

// span returns the columns [xl, xr) of row y inside the region.
func (r region) span(y int) (int, int) {
	if i := y - r.y0; i >= 0 && i < len(r.xl) {
		return r.xl[i], r.xr[i]
	}
	return 0, 0
}

// locate finds the document in a working copy.
func locate(p *rgbPlanes) region {
	w, h := p.w, p.h
	n := w * h
	m := max(1, int(ringFraction*float64(min(w, h))))
	var ring []int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if y >= m && y < h-m && x == m && w-m > m {
				x = w - m // skip the interior of the row
			}
			ring = append(ring, y*w+x)
		}
	}
	hot := 0
	for _, i := range ring {
		if p.r[i] >= GlareLevel && p.g[i] >= GlareLevel && p.b[i] >= GlareLevel {
			hot++
		}
	}
	full := fullRegion(w, h)
	full.ringHot = float64(hot) / float64(len(ring))

	// The background's colour and spread, from the edge.
	med := [3]float32{median(p.r, ring), median(p.g, ring), median(p.b, ring)}
	dist := func(i int) float32 {
		return max(abs32(p.r[i]-med[0]), abs32(p.g[i]-med[1]), abs32(p.b[i]-med[2]))
	}
	ds := make([]float32, len(ring))
	for k, i := range ring {
		ds[k] = dist(i)
	}
	spread := 1.4826 * float64(medianOf(ds))
	tol := float32(min(max(3*spread+bgTolMargin, bgTolMin), bgTolMax))
	near := 0
	for _, d := range ds {
		if d <= tol {
			near++
		}
	}
	if float64(near) < minBackgroundShare*float64(len(ring)) {
		return full
	}

	// Flood the background in from the edge.
	bg := make([]bool, n)
	stack := make([]int32, 0, len(ring))
	for _, i := range ring {
		if !bg[i] && dist(i) <= tol {
			bg[i] = true
			stack = append(stack, int32(i))
		}
	}
	for len(stack) > 0 {
		i := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		x := i % w
		for _, j := range [4]int{i - w, i + w, i - 1, i + 1} {
			if j < 0 || j >= n || (j == i-1 && x == 0) || (j == i+1 && x == w-1) || bg[j] {
				continue
			}
			if dist(j) <= tol {
				bg[j] = true
				stack = append(stack, int32(j))
			}
		}
	}

	// The extent of the rest, without outliers.
	rows, cols := make([]int, h), make([]int, w)
	total := 0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if !bg[y*w+x] {
				rows[y]++
				cols[x]++
				total++
			}
		}
	}
	if float64(total) < minDocumentShare*float64(n) {
		return full
	}
	y0, y1 := trim(rows, total)
	x0, x1 := trim(cols, total)
	var pts []point
	for y := y0; y < y1; y++ {
		l, r := -1, -1
		for x := x0; x < x1; x++ {
			if !bg[y*w+x] {
				if l < 0 {
					l = x
				}
				r = x
			}
		}
		if l >= 0 {
			pts = append(pts, point{float64(l), float64(y)}, point{float64(r + 1), float64(y)},
				point{float64(l), float64(y + 1)}, point{float64(r + 1), float64(y + 1)})
		}
	}
	reg := rasterise(hull(pts), w, h)
	if float64(reg.area) < minDocumentShare*float64(n) {
		return full
	}
	differ := 0
	for y := reg.y0; y < reg.y0+len(reg.xl); y++ {
		l, r := reg.span(y)
		for x := l; x < r; x++ {
			if !bg[y*w+x] {
				differ++
			}
		}
	}
	if float64(differ) < minSolidity*float64(reg.area) {
		return full
	}
	if b := reg.bounds(); b.Min.X <= int(fillMargin*float64(w)) && b.Min.Y <= int(fillMargin*float64(h)) &&
		b.Max.X >= w-int(fillMargin*float64(w)) && b.Max.Y >= h-int(fillMargin*float64(h)) {
		return full
	}
	reg.background, reg.ringHot = true, full.ringHot
	return reg
}

// trim returns the range [lo, hi) of indexes of counts that remains when
// up to trimFraction of total is cut from each end.
func trim(counts []int, total int) (int, int) {
	cut := int(trimFraction * float64(total))
	lo, hi := 0, len(counts)
	for s := 0; lo < hi; lo++ {
		if s += counts[lo]; s > cut {
			break
		}
	}
	for s := 0; hi > lo; hi-- {
		if s += counts[hi-1]; s > cut {
			break
		}
	}
	return lo, hi
}

// median returns the median of plane at the given indexes, to the level.
func median(plane []float32, idx []int) float32 {
	var hist [256]int
	for _, i := range idx {
		hist[int(min(max(plane[i], 0), 255))]++
	}
	half := len(idx) / 2
	for v, c := range hist {
		if half -= c; half < 0 {
			return float32(v) + 0.5
		}
	}
	return 255
}

// medianOf returns the median of xs, reordering it.
func medianOf(xs []float32) float32 {
	if len(xs) == 0 {
		return 0
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return xs[len(xs)/2]
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
