package pdf417

import (
	"fmt"
	"image"
	"math"
)

// Decode finds the PDF417 symbol in img and returns its data. The image
// may show it at any rotation, with moderate perspective, blur, noise and
// JPEG artefacts; when several symbols are present the most prominent
// one that decodes is returned. The error is ErrNotFound (wrapped, with
// the reason) when nothing could be read.
func Decode(img image.Image) (*Result, error) {
	if img == nil {
		return nil, ErrNotFound
	}
	b := img.Bounds()
	if b.Dx() < 20 || b.Dy() < 6 {
		return nil, fmt.Errorf("%w: the image is %d×%d px", ErrNotFound, b.Dx(), b.Dy())
	}
	if b.Dx()*b.Dy() > maxPixels || b.Dx() > 1<<15 || b.Dy() > 1<<15 {
		return nil, fmt.Errorf("%w: the image is too large (%d×%d px)", ErrNotFound, b.Dx(), b.Dy())
	}
	g := toGray(img)
	cands := locate(g)
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: no start and stop patterns facing each other", ErrNotFound)
	}
	var last error
	for _, c := range cands {
		res, err := readSymbol(g, c)
		if err == nil {
			return res, nil
		}
		last = err
	}
	return nil, fmt.Errorf("%w: %v", ErrNotFound, last)
}

// scan is what one sampling line across the symbol read.
type scan struct {
	runs       []run
	ms         float64 // module width in samples
	p0, p1     float64 // the inner edges of the start and stop patterns; NaN unknown
	s0, s1     float64 // their outer edges; NaN unknown
	m0, m1     float64 // module widths measured on them
	rowL, rowR float64 // rows of the row indicators; NaN unknown
}

// votes counts the values read for one codeword of the matrix.
type votes struct {
	val [3]int
	n   [3]int
}

func (v *votes) add(x int) {
	for i := range v.val {
		if v.n[i] > 0 && v.val[i] == x {
			v.n[i]++
			return
		}
	}
	for i := range v.val {
		if v.n[i] == 0 {
			v.val[i], v.n[i] = x, 1
			return
		}
	}
}

func (v *votes) best() (int, int, int) { // value, its count, runner-up count
	bi, second := 0, 0
	for i := range v.n {
		if v.n[i] > v.n[bi] {
			bi = i
		}
	}
	for i := range v.n {
		if i != bi && v.n[i] > second {
			second = v.n[i]
		}
	}
	return v.val[bi], v.n[bi], second
}

// readSymbol samples lines across a candidate and decodes what they read.
func readSymbol(g *gray, c candidate) (*Result, error) {
	s, e := c.start, c.stop
	eu, elo, ehi := e.u, e.lo, e.hi
	if eu.dot(s.u) < 0 {
		eu, elo, ehi = eu.mul(-1), -ehi, -elo
	}
	m := (s.m + e.m) / 2
	tl, bl := s.c.add(s.u.mul(s.lo-3*m)), s.c.add(s.u.mul(s.hi+3*m))
	tr, br := e.c.add(eu.mul(elo-3*m)), e.c.add(eu.mul(ehi+3*m))
	height := math.Max(bl.sub(tl).norm(), br.sub(tr).norm())
	n := max(12, min(maxSampleLines, int(height/(0.6*m))))
	step := math.Min(1, math.Max(0.3, m/3))
	ms := m / step

	scans := make([]scan, 0, n)
	var buf, prefix []float64
	var rbuf []run
	var colVotes, rowHiVotes, ecLoVotes [30]int
	for i := range n {
		f := (float64(i) + 0.5) / float64(n)
		lp, rp := lerp(tl, bl, f), lerp(tr, br, f)
		v := rp.sub(lp)
		if v.norm() < 1 {
			continue
		}
		v = v.mul(1 / v.norm())
		from, to := lp.sub(v.mul(10*m)), rp.add(v.mul(10*m))
		buf = g.profile(from, to, step, buf)
		rbuf, prefix = runsOf(buf, max(8, int(17*ms)), rbuf, prefix)
		nan := math.NaN()
		sc := scan{p0: nan, p1: nan, s0: nan, s1: nan, m0: nan, m1: nan, rowL: nan, rowR: nan, ms: ms}
		length := float64(len(buf))
		iStart, iStop := -1, -1
		bestS, bestE := 14*ms, 14*ms
		for j := range rbuf {
			if mm, ok := matchPattern(rbuf, j, startPattern, true); ok {
				if d := math.Abs(rbuf[j].start - 10*ms); d < bestS {
					bestS, iStart, sc.m0 = d, j, mm
				}
			}
			if mm, ok := matchPattern(rbuf, j, stopPattern, true); ok {
				if d := math.Abs(rbuf[j+8].end - (length - 10*ms)); d < bestE {
					bestE, iStop, sc.m1 = d, j, mm
				}
			}
		}
		if iStart < 0 && iStop < 0 {
			continue
		}
		sc.runs = append([]run(nil), rbuf...)
		if iStart >= 0 {
			sc.ms, sc.s0 = sc.m0, rbuf[iStart].start
			sc.p0 = rbuf[iStart+7].end
			if k, val, ok := readChar(rbuf, iStart+8, sc.ms, -1); ok {
				row := 3*(val/30) + k
				sc.rowL = float64(row)
				switch k {
				case 0:
					rowHiVotes[val%30]++
				case 1:
					ecLoVotes[val%30]++
				default:
					colVotes[val%30]++
				}
			}
		}
		if iStop >= 0 {
			if iStart < 0 {
				sc.ms = sc.m1
			}
			sc.s1 = rbuf[iStop+8].end
			sc.p1 = rbuf[iStop].start
			if k, val, ok := readChar(rbuf, iStop-8, sc.ms, -1); ok {
				row := 3*(val/30) + k
				sc.rowR = float64(row)
				switch k {
				case 0:
					colVotes[val%30]++
				case 1:
					rowHiVotes[val%30]++
				default:
					ecLoVotes[val%30]++
				}
			}
		}
		scans = append(scans, sc)
	}
	cols, rowHi, ecLo := argmax(colVotes[:])+1, argmax(rowHiVotes[:]), argmax(ecLoVotes[:])
	if colVotes[cols-1] == 0 || rowHiVotes[rowHi] == 0 || ecLoVotes[ecLo] == 0 {
		return nil, fmt.Errorf("row indicators unreadable")
	}
	rows, level := 3*rowHi+ecLo%3+1, ecLo/3
	ecCount := 2 << level
	if rows < 3 || rows > 90 || rows*cols > 928 || rows*cols <= ecCount {
		return nil, fmt.Errorf("row indicators give %d rows × %d columns at level %d", rows, cols, level)
	}
	fillRows(scans, rows, func(s *scan) *float64 { return &s.rowL })
	fillRows(scans, rows, func(s *scan) *float64 { return &s.rowR })

	cells := make([]votes, rows*cols)
	width := float64(69 + 17*cols) // modules from the start's outer edge to the stop's
	for i := range scans {
		sc := &scans[i]
		if math.IsNaN(sc.rowL) || math.IsNaN(sc.rowR) {
			continue
		}
		pos, ok := sc.model(width)
		if !ok {
			continue
		}
		for j := 1; j <= cols; j++ {
			ua, uz := float64(17+17*j), float64(34+17*j)
			cwLen := pos(uz) - pos(ua)
			a := nearestBarStart(sc.runs, pos(ua), 0.3*cwLen)
			z := nearestBarStart(sc.runs, pos(uz), 0.3*cwLen)
			if a < 0 || z-a != 8 {
				continue
			}
			est := sc.rowL + (sc.rowR-sc.rowL)*float64(j)/float64(cols+1)
			want := -1
			if r := math.Round(est); math.Abs(est-r) < 0.3 {
				want = ((int(r) % 3) + 3) % 3
			}
			k, val, ok := readChar(sc.runs, a, cwLen/17, want)
			if !ok {
				continue
			}
			row := nearestRow(est, k)
			if row < 0 || row >= rows || math.Abs(float64(row)-est) > 1.5 {
				continue
			}
			cells[row*cols+j-1].add(val)
		}
	}
	cw := make([]int, len(cells))
	var erasures []int
	for i := range cells {
		v, cnt, _ := cells[i].best()
		if cnt == 0 {
			erasures = append(erasures, i)
			continue
		}
		cw[i] = v
	}
	fixed, err := correct(cw, ecCount, erasures)
	if err != nil {
		// A second try that distrusts the codewords read only once
		// against a contrary reading.
		cw2 := make([]int, len(cells))
		var era2 []int
		for i := range cells {
			v, cnt, second := cells[i].best()
			if cnt == 0 || cnt <= second {
				era2 = append(era2, i)
			}
			cw2[i] = v
		}
		if len(era2) == len(erasures) {
			return nil, fmt.Errorf("%d×%d symbol at level %d, %d codewords unread: %w", rows, cols, level, len(erasures), err)
		}
		if fixed, err = correct(cw2, ecCount, era2); err != nil {
			return nil, fmt.Errorf("%d×%d symbol at level %d, %d codewords unread: %w", rows, cols, level, len(erasures), err)
		}
		cw, erasures = cw2, era2
	}
	if cw[0] > len(cw)-ecCount {
		return nil, formatErr("length descriptor %d exceeds the %d data codewords", cw[0], len(cw)-ecCount)
	}
	res, err := DecodeCodewords(cw[:len(cw)-ecCount])
	if err != nil {
		return nil, err
	}
	res.Rows, res.Columns, res.Level = rows, cols, level
	res.Corrected, res.Erasures = fixed, len(erasures)
	return res, nil
}

// model returns where module u of the row (0 at the start pattern's outer
// edge, width at the stop pattern's) lies on the line. A row seen at an
// angle is foreshortened along its length, so the map is a 1-D projective
// one, s = s0 + L·r·t / (1 + (r − 1)·t) with t = u/width, whose slope
// falls from the start pattern's module width to the stop pattern's by
// the factor r²; with only one pattern found, it is uniform.
func (sc *scan) model(width float64) (func(float64) float64, bool) {
	s0, s1, m0, m1 := sc.s0, sc.s1, sc.m0, sc.m1
	switch {
	case math.IsNaN(s0) && math.IsNaN(s1):
		return nil, false
	case math.IsNaN(s0):
		s0, m0 = s1-width*m1, m1
	case math.IsNaN(s1):
		s1, m1 = s0+width*m0, m0
	}
	L := s1 - s0
	if r := L / (width * (m0 + m1) / 2); r < 0.8 || r > 1.25 {
		return nil, false // not the symbol's width: a wrong pattern match
	}
	r := math.Sqrt(m0 / m1)
	r = math.Min(1.5, math.Max(1/1.5, r))
	return func(u float64) float64 {
		t := u / width
		return s0 + L*r*t/(1+(r-1)*t)
	}, true
}

func argmax(v []int) int {
	bi := 0
	for i, x := range v {
		if x > v[bi] {
			bi = i
		}
	}
	return bi
}

// readChar reads the symbol character made of the eight runs from runs[i],
// which must begin with a bar and measure about 17 modules.
func readChar(runs []run, i int, module float64, cluster int) (int, int, bool) {
	if i < 0 || i+8 > len(runs) || !runs[i].dark {
		return 0, 0, false
	}
	var w [8]float64
	total := 0.0
	for j := range w {
		w[j] = runs[i+j].len()
		total += w[j]
	}
	if r := total / (17 * module); r < 0.75 || r > 1.33 {
		return 0, 0, false
	}
	return decodeWidths(w[:], cluster)
}

// nearestBarStart returns the index of the dark run starting nearest to
// pos, within tol, or -1.
func nearestBarStart(runs []run, pos, tol float64) int {
	lo, hi := 0, len(runs)
	for lo < hi {
		mid := (lo + hi) / 2
		if runs[mid].start < pos {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	best, bestD := -1, tol
	for j := max(0, lo-3); j < min(len(runs), lo+3); j++ {
		if !runs[j].dark {
			continue
		}
		if d := math.Abs(runs[j].start - pos); d <= bestD {
			best, bestD = j, d
		}
	}
	return best
}

// nearestRow is the row of cluster index k (row mod 3) nearest to est.
func nearestRow(est float64, k int) int {
	r := int(math.Round(est))
	best, bestD := -1, math.Inf(1)
	for c := r - 2; c <= r+2; c++ {
		if ((c%3)+3)%3 != k {
			continue
		}
		if d := math.Abs(float64(c) - est); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// fillRows drops row readings outside the symbol and fills the lines
// without one by interpolating between their neighbours, since lines run
// in order across the symbol.
func fillRows(scans []scan, rows int, field func(*scan) *float64) {
	var known []int
	for i := range scans {
		p := field(&scans[i])
		if !math.IsNaN(*p) && (*p < 0 || *p >= float64(rows)) {
			*p = math.NaN()
		}
		if !math.IsNaN(*p) {
			known = append(known, i)
		}
	}
	if len(known) == 0 {
		return
	}
	k := 0
	for i := range scans {
		p := field(&scans[i])
		if !math.IsNaN(*p) {
			continue
		}
		for k+1 < len(known) && known[k+1] < i {
			k++
		}
		a := known[k]
		if a > i || k+1 >= len(known) {
			*p = *field(&scans[a])
			if a > i || k+1 >= len(known) {
				// Before the first or after the last reading.
				if a < i && k+1 >= len(known) {
					*p = *field(&scans[known[len(known)-1]])
				}
			}
			continue
		}
		b := known[k+1]
		fa, fb := *field(&scans[a]), *field(&scans[b])
		*p = fa + (fb-fa)*float64(i-a)/float64(b-a)
	}
}
