package pdf417

import (
	"errors"
	"image"
	"math"
	"sort"
)

// ErrNotFound: no readable PDF417 symbol in the image.
var ErrNotFound = errors.New("pdf417: no readable symbol found")

// Work limits: whatever the image, reading costs at most about
// maxScanlines × 4 detection lines and maxCandidates × maxSampleLines
// sampling lines, each at most the image's diagonal long.
const (
	maxScanlines   = 300 // detection lines per direction
	maxCandidates  = 4   // start/stop edge pairs tried
	maxSampleLines = 720 // lines sampled across one symbol
	maxPixels      = 40 << 20
)

// Module widths of the start and stop patterns, bar first.
var (
	startPattern = []float64{8, 1, 1, 1, 1, 1, 1, 3}
	stopPattern  = []float64{7, 1, 1, 3, 1, 1, 1, 2, 1}
	startRev     = reversed(startPattern)
	stopRev      = reversed(stopPattern)
)

func reversed(p []float64) []float64 {
	out := make([]float64, len(p))
	for i, x := range p {
		out[len(p)-1-i] = x
	}
	return out
}

// gray is a luma image.
type gray struct {
	w, h int
	pix  []uint8
}

func toGray(img image.Image) *gray {
	b := img.Bounds()
	g := &gray{w: b.Dx(), h: b.Dy()}
	g.pix = make([]uint8, g.w*g.h)
	switch m := img.(type) {
	case *image.Gray:
		for y := range g.h {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.YCbCr:
		for y := range g.h {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
	default:
		for y := range g.h {
			for x := range g.w {
				r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				g.pix[y*g.w+x] = uint8((19595*r + 38470*gg + 7471*bb + 1<<15) >> 24)
			}
		}
	}
	return g
}

// at samples bilinearly; outside the image is white, as a quiet zone.
func (g *gray) at(x, y float64) float64 {
	if !(x >= 0 && y >= 0 && x <= float64(g.w-1) && y <= float64(g.h-1)) {
		return 255
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, g.w-1), min(y0+1, g.h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	p := g.pix
	a := float64(p[y0*g.w+x0])*(1-fx) + float64(p[y0*g.w+x1])*fx
	b := float64(p[y1*g.w+x0])*(1-fx) + float64(p[y1*g.w+x1])*fx
	return a*(1-fy) + b*fy
}

type pt struct{ x, y float64 }

func (p pt) add(q pt) pt         { return pt{p.x + q.x, p.y + q.y} }
func (p pt) sub(q pt) pt         { return pt{p.x - q.x, p.y - q.y} }
func (p pt) mul(s float64) pt    { return pt{p.x * s, p.y * s} }
func (p pt) dot(q pt) float64    { return p.x*q.x + p.y*q.y }
func (p pt) norm() float64       { return math.Hypot(p.x, p.y) }
func lerp(a, b pt, f float64) pt { return a.add(b.sub(a).mul(f)) }

// run is one element along a line: [start, end) in samples, dark or not.
type run struct {
	start, end float64
	dark       bool
}

func (r run) len() float64 { return r.end - r.start }

// profile samples the line from p0 to p1 every step pixels.
func (g *gray) profile(p0, p1 pt, step float64, buf []float64) []float64 {
	n := int(p1.sub(p0).norm()/step) + 1
	d := p1.sub(p0).mul(1 / math.Max(float64(n-1), 1))
	buf = buf[:0]
	for i := range n {
		p := p0.add(d.mul(float64(i)))
		buf = append(buf, g.at(p.x, p.y))
	}
	return buf
}

// runsOf binarises a profile against the mean of a window of half-width
// hw samples around each sample (lighting varies along a photo), and
// returns its runs with sub-sample edges, where the profile crosses the
// threshold. Windows with too little contrast count as light, so that
// flat regions do not turn into noise.
func runsOf(v []float64, hw int, out []run, prefix []float64) ([]run, []float64) {
	n := len(v)
	out = out[:0]
	if n < 2 {
		return out, prefix
	}
	prefix = append(prefix[:0], 0)
	for _, x := range v {
		prefix = append(prefix, prefix[len(prefix)-1]+x)
	}
	diff := func(i int) float64 {
		lo, hi := max(0, i-hw), min(n, i+hw+1)
		mean := (prefix[hi] - prefix[lo]) / float64(hi-lo)
		return v[i] - (mean - 2)
	}
	prevD := diff(0)
	cur := run{start: 0, dark: prevD < 0}
	for i := 1; i < n; i++ {
		d := diff(i)
		if (d < 0) != cur.dark {
			edge := float64(i-1) + prevD/(prevD-d)
			cur.end = edge
			out = append(out, cur)
			cur = run{start: edge, dark: d < 0}
		}
		prevD = d
	}
	cur.end = float64(n - 1)
	out = append(out, cur)
	return out, prefix
}

// matchPattern tests whether runs[i:] begin with pattern (widths in
// modules, the first run dark when darkFirst) and returns the module
// width. Each element may be off by about half a module plus a share of
// its width; each bar with its following space (and space with bar) by
// less, since blur moves both edges of such a pair alike.
func matchPattern(runs []run, i int, pattern []float64, darkFirst bool) (float64, bool) {
	if i < 0 || i+len(pattern) > len(runs) || runs[i].dark != darkFirst {
		return 0, false
	}
	total, mods := 0.0, 0.0
	for j, p := range pattern {
		total += runs[i+j].len()
		mods += p
	}
	m := total / mods
	if m < 0.6 {
		return 0, false
	}
	for j, p := range pattern {
		w := runs[i+j].len() / m
		if math.Abs(w-p) > 0.8+0.2*p {
			return 0, false
		}
		if j > 0 {
			pair := (runs[i+j-1].len() + runs[i+j].len()) / m
			if math.Abs(pair-(p+pattern[j-1])) > 0.9+0.1*(p+pattern[j-1]) {
				return 0, false
			}
		}
	}
	return m, true
}

// hit is a start or stop pattern found on a detection line.
type hit struct {
	line         int
	outer, inner pt      // the pattern's edge facing out of the symbol, and in
	m            float64 // module width, px
}

// chain is a run of hits of one kind on neighbouring lines: one edge of a
// symbol.
type chain struct {
	hits   []hit
	c, u   pt // centroid and unit direction of the fitted edge line
	m      float64
	in     pt // unit vector into the symbol
	lo, hi float64
}

// candidate is a start edge and a stop edge facing each other.
type candidate struct {
	start, stop *chain
	score       int
}

// locate finds candidate symbols, best first.
func locate(g *gray) []candidate {
	var cands []candidate
	diag := math.Hypot(float64(g.w), float64(g.h))
	var buf, prefix []float64
	var runs []run
	for dirIdx := range 4 {
		th := float64(dirIdx) * math.Pi / 4
		d := pt{math.Cos(th), math.Sin(th)}
		nrm := pt{-d.y, d.x}
		// Offsets of the image corners across the scan direction.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, c := range []pt{{0, 0}, {float64(g.w - 1), 0}, {0, float64(g.h - 1)}, {float64(g.w - 1), float64(g.h - 1)}} {
			o := c.dot(nrm)
			lo, hi = math.Min(lo, o), math.Max(hi, o)
		}
		spacing := math.Max(2, (hi-lo)/maxScanlines)
		var kinds [4][]*chain // start fwd, stop fwd, start rev, stop rev
		for line, o := 0, lo+spacing/2; o < hi; line, o = line+1, o+spacing {
			// The line through nrm·o along d, clipped to the image.
			base := nrm.mul(o)
			t0, t1, ok := clip(base, d, g)
			if !ok {
				continue
			}
			p0, p1 := base.add(d.mul(t0)), base.add(d.mul(t1))
			buf = g.profile(p0, p1, 1, buf)
			runs, prefix = runsOf(buf, max(12, int(diag/24)), runs, prefix)
			at := func(s float64) pt { return p0.add(d.mul(s)) }
			for i := range runs {
				if m, ok := matchPattern(runs, i, startPattern, true); ok {
					addHit(&kinds[0], hit{line, at(runs[i].start), at(runs[i+7].end), m}, spacing)
				}
				if m, ok := matchPattern(runs, i, stopPattern, true); ok {
					addHit(&kinds[1], hit{line, at(runs[i+8].end), at(runs[i].start), m}, spacing)
				}
				if m, ok := matchPattern(runs, i, startRev, false); ok {
					addHit(&kinds[2], hit{line, at(runs[i+7].end), at(runs[i].start), m}, spacing)
				}
				if m, ok := matchPattern(runs, i, stopRev, true); ok {
					addHit(&kinds[3], hit{line, at(runs[i].start), at(runs[i+8].end), m}, spacing)
				}
			}
		}
		for k := range kinds {
			kept := kinds[k][:0]
			for _, c := range kinds[k] {
				if len(c.hits) >= 3 && c.fit() {
					kept = append(kept, c)
				}
			}
			kinds[k] = kept
		}
		for _, pair := range [2][2]int{{0, 1}, {2, 3}} {
			for _, s := range kinds[pair[0]] {
				for _, e := range kinds[pair[1]] {
					if c, ok := pairUp(s, e); ok {
						cands = append(cands, c)
					}
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	// The same symbol is found in several directions; keep distinct ones.
	var out []candidate
	for _, c := range cands {
		dup := false
		for _, o := range out {
			if c.start.c.sub(o.start.c).norm() < 10*o.start.m && c.stop.c.sub(o.stop.c).norm() < 10*o.stop.m {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
		if len(out) == maxCandidates {
			break
		}
	}
	return out
}

// clip returns the parameter range of the line base + t·d inside the image.
func clip(base, d pt, g *gray) (float64, float64, bool) {
	t0, t1 := math.Inf(-1), math.Inf(1)
	for _, ax := range [2][3]float64{{base.x, d.x, float64(g.w - 1)}, {base.y, d.y, float64(g.h - 1)}} {
		p, v, size := ax[0], ax[1], ax[2]
		if math.Abs(v) < 1e-9 {
			if p < 0 || p > size {
				return 0, 0, false
			}
			continue
		}
		a, b := (0-p)/v, (size-p)/v
		if a > b {
			a, b = b, a
		}
		t0, t1 = math.Max(t0, a), math.Min(t1, b)
	}
	return t0, t1, t1-t0 > 20
}

// addHit extends the chain whose last hit is on one of the two lines
// before, at about the same place and module width, or starts a chain.
func addHit(chains *[]*chain, h hit, spacing float64) {
	var best *chain
	bestD := math.Inf(1)
	for _, c := range *chains {
		last := c.hits[len(c.hits)-1]
		gap := h.line - last.line
		if gap < 1 || gap > 3 {
			continue
		}
		if r := h.m / last.m; r < 0.7 || r > 1.43 {
			continue
		}
		dist := h.outer.sub(last.outer).norm()
		tol := 1.1*spacing*float64(gap) + 4*h.m
		if dist < tol && dist < bestD {
			best, bestD = c, dist
		}
	}
	if best == nil {
		if len(*chains) > 4*maxScanlines {
			return // a pathological image: enough chains
		}
		*chains = append(*chains, &chain{hits: []hit{h}})
		return
	}
	best.hits = append(best.hits, h)
}

// fit fits a line to the chain's outer points (least squares along the
// principal direction, refitted without points far off it) and sets its
// direction into the symbol.
func (c *chain) fit() bool {
	pts := make([]pt, len(c.hits))
	ms := make([]float64, len(c.hits))
	in := pt{}
	for i, h := range c.hits {
		pts[i] = h.outer
		ms[i] = h.m
		in = in.add(h.inner.sub(h.outer))
	}
	sort.Float64s(ms)
	c.m = ms[len(ms)/2]
	for pass := 0; pass < 2; pass++ {
		var cx, cy float64
		for _, p := range pts {
			cx += p.x
			cy += p.y
		}
		cen := pt{cx / float64(len(pts)), cy / float64(len(pts))}
		var sxx, sxy, syy float64
		for _, p := range pts {
			q := p.sub(cen)
			sxx += q.x * q.x
			sxy += q.x * q.y
			syy += q.y * q.y
		}
		ang := 0.5 * math.Atan2(2*sxy, sxx-syy)
		c.c, c.u = cen, pt{math.Cos(ang), math.Sin(ang)}
		if pass == 1 {
			break
		}
		kept := pts[:0]
		for _, p := range pts {
			q := p.sub(cen)
			if math.Abs(q.x*c.u.y-q.y*c.u.x) < 3*c.m+2 {
				kept = append(kept, p)
			}
		}
		if len(kept) < 3 {
			return false
		}
		pts = kept
	}
	// The edge runs across the rows, so roughly across the way in.
	n := pt{-c.u.y, c.u.x}
	if n.dot(in) < 0 {
		n = n.mul(-1)
	}
	c.in = n
	c.lo, c.hi = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		s := p.sub(c.c).dot(c.u)
		c.lo, c.hi = math.Min(c.lo, s), math.Max(c.hi, s)
	}
	// An edge must be longer than it is thick: a symbol has at least
	// three rows of at least two modules (perpendicular spread allowed).
	return c.hi-c.lo > 3*c.m
}

// pairUp accepts a start edge and a stop edge that face each other at a
// symbol's width apart: parallel within 30° (perspective), the stop edge inside the start
// edge's side, 86 to 579 modules apart (one to thirty data columns), and
// overlapping along their length.
func pairUp(s, e *chain) (candidate, bool) {
	if r := e.m / s.m; r < 0.6 || r > 1.67 {
		return candidate{}, false
	}
	if math.Abs(s.u.dot(e.u)) < math.Cos(30*math.Pi/180) {
		return candidate{}, false
	}
	// Each edge's way in points at the other.
	if s.in.dot(e.in) > -0.85 {
		return candidate{}, false
	}
	m := (s.m + e.m) / 2
	dist := e.c.sub(s.c).dot(s.in) / m
	if dist < 70 || dist > 640 {
		return candidate{}, false
	}
	// Overlap along the edge.
	u := s.u
	if u.dot(e.u) < 0 {
		u = u.mul(-1)
	}
	eLo, eHi := e.c.sub(s.c).dot(u)+e.lo*u.dot(e.u), e.c.sub(s.c).dot(u)+e.hi*u.dot(e.u)
	if eLo > eHi {
		eLo, eHi = eHi, eLo
	}
	if math.Min(s.hi, eHi)-math.Max(s.lo, eLo) < 2*m {
		return candidate{}, false
	}
	return candidate{start: s, stop: e, score: min(len(s.hits), len(e.hits))}, true
}
