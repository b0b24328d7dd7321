package docimage

import (
	"math"
	"sort"
)

// The convex outline of the located document. A card's outline is convex
// whatever its angle, and taking the hull of what differs from the
// background fills in the parts of the card that match the background
// (white stock on a white scan, a dark band on a dark table), so that a
// reflection there still lies inside the document.

type point struct{ x, y float64 }

// hull returns the corners of the convex hull of pts in order around it
// (Andrew's monotone chain); it reorders pts.
func hull(pts []point) []point {
	if len(pts) < 3 {
		return pts
	}
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].x != pts[j].x {
			return pts[i].x < pts[j].x
		}
		return pts[i].y < pts[j].y
	})
	cross := func(o, a, b point) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	out := make([]point, 0, 2*len(pts))
	for _, pass := range [2]bool{false, true} {
		start := len(out)
		for k := range pts {
			q := pts[k]
			if pass {
				q = pts[len(pts)-1-k]
			}
			for len(out) >= start+2 && cross(out[len(out)-2], out[len(out)-1], q) <= 0 {
				out = out[:len(out)-1]
			}
			out = append(out, q)
		}
		out = out[:len(out)-1] // the last point starts the other chain
	}
	return out
}

// rasterise turns a convex polygon into row spans of pixels whose centre
// lies inside it, within a w×h picture.
func rasterise(poly []point, w, h int) region {
	if len(poly) < 3 {
		return region{}
	}
	top, bottom := math.Inf(1), math.Inf(-1)
	for _, q := range poly {
		top, bottom = math.Min(top, q.y), math.Max(bottom, q.y)
	}
	y0 := max(0, int(math.Floor(top)))
	y1 := min(h, int(math.Ceil(bottom)))
	r := region{y0: y0}
	for y := y0; y < y1; y++ {
		yc := float64(y) + 0.5
		lo, hi := math.Inf(1), math.Inf(-1)
		for k := range poly {
			a, b := poly[k], poly[(k+1)%len(poly)]
			if (yc < a.y) == (yc < b.y) {
				continue // the edge does not cross this row's centre line
			}
			x := a.x + (yc-a.y)*(b.x-a.x)/(b.y-a.y)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		l, rr := 0, 0
		if lo <= hi {
			l = min(max(int(math.Round(lo)), 0), w)
			rr = min(max(int(math.Round(hi)), l), w)
		}
		r.xl, r.xr = append(r.xl, l), append(r.xr, rr)
		r.area += rr - l
	}
	return r
}
