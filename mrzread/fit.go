package mrzread

import (
	"math"
	"slices"
)

// fitLine estimates the pitch of a run of components and places a grid of
// cells on it. The pitch comes from neighbour distances, the grid from a
// least-squares fit of component centres to cell indices, and the number of
// cells from the ink extent, so touching or broken glyphs and filler
// characters need no segmentation of their own.
func fitLine(run []comp) (line, bool) {
	hs := make([]int, len(run))
	for i, c := range run {
		hs[i] = c.h()
	}
	slices.Sort(hs)
	hMax := float64(hs[(len(hs)-1)*9/10])
	var keep []comp
	for _, c := range run {
		if float64(c.h()) >= 0.45*hMax {
			keep = append(keep, c)
		}
	}
	if len(keep) < 12 {
		return line{}, false
	}
	narrow := func(c comp) bool { return float64(c.w()) <= 1.1*hMax }
	var diffs []float64
	for i := 1; i < len(keep); i++ {
		d := keep[i].cx() - keep[i-1].cx()
		if narrow(keep[i]) && narrow(keep[i-1]) && d <= 1.6*hMax {
			diffs = append(diffs, d)
		}
	}
	if len(diffs) < 6 {
		return line{}, false
	}
	slices.Sort(diffs)
	p0 := diffs[len(diffs)/2]
	if p0 < 0.6*hMax || p0 > 1.5*hMax {
		return line{}, false
	}
	// Number the narrow components by cell, from neighbour distances: each
	// step spans few cells, so a pitch a few percent off cannot mislead.
	var xs, ks []float64
	k, prev := 0.0, math.NaN()
	for _, c := range keep {
		if !narrow(c) {
			continue
		}
		if !math.IsNaN(prev) {
			k += max(1, math.Round((c.cx()-prev)/p0))
		}
		prev = c.cx()
		xs = append(xs, c.cx())
		ks = append(ks, k)
	}
	// The grid is fitted as x = a + p·k + c·k²: a photograph taken at an
	// angle shrinks the pitch steadily from the near end of a line to the
	// far one, by a tenth or more, which moves the cells at the ends of a
	// straight-pitch grid by half a cell.
	a, p, c := fitQuad(xs, ks)
	var ixs, iks []float64
	for i, x := range xs {
		if math.Abs(x-(a+p*ks[i]+c*ks[i]*ks[i])) <= 0.2*p {
			ixs = append(ixs, x)
			iks = append(iks, ks[i])
		}
	}
	inliers := float64(len(ixs)) / float64(len(xs))
	if inliers < 0.75 || len(ixs) < 6 {
		return line{}, false
	}
	a, p, c = fitQuad(ixs, iks)
	if p <= 0 {
		return line{}, false
	}
	// cellOf returns the (fractional) cell index at x, by Newton's method
	// from the straight-pitch guess.
	cellOf := func(x float64) float64 {
		k := (x - a) / p
		for range 3 {
			d := p + 2*c*k
			if d <= 0 {
				break
			}
			k -= (a + p*k + c*k*k - x) / d
		}
		return k
	}
	// A glyph's ink starts about 0.35 pitch left of its cell centre and
	// ends as far to the right.
	first, last := math.MaxInt, math.MinInt
	x0, x1 := math.MaxInt, math.MinInt
	for _, cm := range keep {
		first = min(first, int(math.Round(cellOf(float64(cm.x0))+0.35)))
		last = max(last, int(math.Round(cellOf(float64(cm.x1))-0.35)))
		x0, x1 = min(x0, cm.x0), max(x1, cm.x1)
	}
	n := last - first + 1
	if !slices.Contains(mrzLengths, n) {
		return line{}, false
	}
	// Renumber from the first cell.
	f := float64(first)
	a, p = a+p*f+c*f*f, p+2*c*f
	pEnd := p + 2*c*float64(n-1)
	if pEnd <= 0 || pEnd/p < 0.7 || pEnd/p > 1.4 {
		return line{}, false
	}
	pMid := (p + pEnd) / 2
	if hMax/pMid < 0.75 || hMax/pMid > 1.4 {
		return line{}, false
	}
	l := line{n: n, a: a, p: p, c: c, x0: x0, x1: x1, capH: hMax,
		comps: len(keep), inlierFr: inliers}
	l.base, l.slope = baseline(keep, hMax, l.a, p)
	if math.Abs(l.slope) > 1.5*maxSkew {
		return line{}, false
	}
	return l, true
}

// fitQuad returns the least-squares a, p and c of x = a + p·k + c·k², or
// the straight fit with c = 0 when there are too few points to tell a
// curve.
func fitQuad(xs, ks []float64) (a, p, c float64) {
	if len(xs) < 8 {
		a, p = fit(xs, ks)
		return a, p, 0
	}
	// Normal equations, with k centred for conditioning.
	var km float64
	for _, k := range ks {
		km += k
	}
	km /= float64(len(ks))
	var m [3][4]float64
	for i, x := range xs {
		k := ks[i] - km
		v := [3]float64{1, k, k * k}
		for r := range 3 {
			for s := range 3 {
				m[r][s] += v[r] * v[s]
			}
			m[r][3] += v[r] * x
		}
	}
	for col := range 3 {
		piv := col
		for r := col + 1; r < 3; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		m[col], m[piv] = m[piv], m[col]
		if m[col][col] == 0 {
			a, p = fit(xs, ks)
			return a, p, 0
		}
		for r := range 3 {
			if r != col {
				f := m[r][col] / m[col][col]
				for s := col; s < 4; s++ {
					m[r][s] -= f * m[col][s]
				}
			}
		}
	}
	a0, p0, c0 := m[0][3]/m[0][0], m[1][3]/m[1][1], m[2][3]/m[2][2]
	// Undo the centring: x = a0 + p0(k−km) + c0(k−km)².
	return a0 - p0*km + c0*km*km, p0 - 2*c0*km, c0
}

// fit returns the least-squares a and p of x = a + p·k.
func fit(xs, ks []float64) (a, p float64) {
	var sk, sx, skk, skx float64
	n := float64(len(xs))
	for i := range xs {
		sk += ks[i]
		sx += xs[i]
		skk += ks[i] * ks[i]
		skx += ks[i] * xs[i]
	}
	den := n*skk - sk*sk
	if den == 0 {
		return 0, 0
	}
	p = (n*skx - sk*sx) / den
	return (sx - p*sk) / n, p
}

// baseline fits the bottoms of the tall glyphs. The filler < ends about
// 0.06 pitch above the baseline and often fills the end of a line, which
// would tilt a plain least-squares line, so the fit is repeated on the
// glyphs that do not sit above it, converging on the baseline proper.
func baseline(cs []comp, hMax, x0, p float64) (base, slope float64) {
	var xs, ys []float64
	for _, c := range cs {
		if float64(c.h()) >= 0.75*hMax {
			xs = append(xs, c.cx()-x0)
			ys = append(ys, float64(c.y1))
		}
	}
	if len(xs) < 2 {
		return float64(cs[0].y1), 0
	}
	base, slope = fit(ys, xs)
	for range 3 {
		var fx, fy []float64
		for i := range xs {
			if ys[i]-(base+slope*xs[i]) >= -0.03*p {
				fx = append(fx, xs[i])
				fy = append(fy, ys[i])
			}
		}
		if len(fx) < 2 {
			break
		}
		base, slope = fit(fy, fx)
	}
	return base, slope
}
