package pdf417

import "math"

// A symbol character is four bars and four spaces, 17 modules in all, each
// element 1 to 6 modules wide. Its cluster (0, 3 or 6) follows from the bar
// widths, and each row uses one cluster, so a character read in the wrong
// row is recognised rather than misread.

// lookup maps a packed pattern (see patterns) to its cluster index (0–2)
// and value: cluster<<16 | value, plus one so that 0 means absent.
var lookup = func() map[uint32]uint32 {
	m := make(map[uint32]uint32, 3*929)
	for k := range patterns {
		for v, p := range patterns[k] {
			m[p] = uint32(k)<<16 | uint32(v) + 1
		}
	}
	return m
}()

// byEdges maps the rounded edge-to-similar-edge distances of a pattern
// (each bar plus the following space, each space plus the following bar:
// seven sums packed four bits each) to the patterns that have them, as
// cluster<<16 | value. Widening every bar by the same amount, as blur and
// the binarisation threshold do, leaves these sums unchanged.
var byEdges = func() map[uint32][]uint32 {
	m := make(map[uint32][]uint32, 3*929)
	for k := range patterns {
		for v, p := range patterns[k] {
			w := patternWidths(p)
			var key uint32
			for i := range 7 {
				key = key<<4 | uint32(w[i]+w[i+1])
			}
			m[key] = append(m[key], uint32(k)<<16|uint32(v))
		}
	}
	return m
}()

// patternWidths unpacks a pattern into its eight widths.
func patternWidths(p uint32) (w [8]int) {
	for i := range w {
		w[i] = int(p>>(28-4*i)) & 15
	}
	return w
}

// clusterOf applies the standard's cluster equation to a pattern's bar
// widths: K = (b1 − b2 + b3 − b4 + 9) mod 9.
func clusterOf(w [8]int) int {
	return ((w[0]-w[2]+w[4]-w[6])%9 + 9) % 9
}

// decodeWidths reads a symbol character from its eight measured element
// widths (any unit). It returns the cluster index (0–2), the value and
// whether the widths matched a pattern.
//
// The widths are first rounded to whole modules summing to 17. When that
// pattern does not exist (blur and the binarisation threshold widen bars
// at the cost of spaces), the character is matched instead by its
// edge-to-similar-edge distances (bar plus following space, space plus
// following bar), which that widening leaves unchanged: the pattern of
// the wanted cluster nearest by those distances wins, if it is near enough
// and clearly nearer than any other (cluster < 0: exact matches only).
func decodeWidths(w []float64, cluster int) (int, int, bool) {
	if len(w) != 8 {
		return 0, 0, false
	}
	total := 0.0
	for _, x := range w {
		if !(x > 0) {
			return 0, 0, false
		}
		total += x
	}
	scale := 17 / total
	var key uint32
	for i := range 7 {
		t := int((w[i]+w[i+1])*scale + 0.5)
		key = key<<4 | uint32(min(max(t, 0), 15))
	}
	if cands := byEdges[key]; len(cands) > 0 {
		best, bk, bv := math.Inf(1), -1, 0
		for _, e := range cands {
			k, v := int(e>>16), int(e&0xffff)
			if cluster >= 0 && k != cluster {
				continue
			}
			pw := patternWidths(patterns[k][v])
			d := 0.0
			for i, x := range w {
				d += math.Abs(x*scale - float64(pw[i]))
			}
			if d < best {
				best, bk, bv = d, k, v
			}
		}
		if bk >= 0 {
			return bk, bv, true
		}
	}
	var m [8]int
	var frac [8]float64
	sum := 0
	for i, x := range w {
		f := x * scale
		m[i] = max(1, int(f+0.5))
		frac[i] = f - float64(m[i])
		sum += m[i]
	}
	// Fix the sum by adjusting the elements rounded furthest.
	for sum != 17 {
		best, bi := 0.0, -1
		for i := range m {
			if sum > 17 && m[i] > 1 && (bi < 0 || frac[i] < best) {
				best, bi = frac[i], i
			}
			if sum < 17 && m[i] < 6 && (bi < 0 || frac[i] > best) {
				best, bi = frac[i], i
			}
		}
		if bi < 0 {
			break
		}
		if sum > 17 {
			m[bi]--
			frac[bi]++
			sum--
		} else {
			m[bi]++
			frac[bi]--
			sum++
		}
	}
	if sum == 17 {
		var p uint32
		for _, x := range m {
			p = p<<4 | uint32(min(x, 15))
		}
		if e, ok := lookup[p]; ok {
			return int((e - 1) >> 16), int((e - 1) & 0xffff), true
		}
	}
	if cluster < 0 {
		return 0, 0, false
	}
	// Nearest by edge-to-similar-edge distances.
	var t [7]float64
	for i := range t {
		t[i] = (w[i] + w[i+1]) * scale
	}
	best, second, bv := 1e9, 1e9, -1
	for v, p := range patterns[cluster] {
		pw := patternWidths(p)
		d := 0.0
		for i := range t {
			x := t[i] - float64(pw[i]+pw[i+1])
			d += x * x
			if d >= second {
				break
			}
		}
		if d < best {
			best, second, bv = d, best, v
		} else if d < second {
			second = d
		}
	}
	// Accept only a clear winner: within about half a module per edge
	// distance on the whole, and clearly nearer than the runner-up.
	if bv < 0 || best > 1.6 || second < best*1.8 {
		return 0, 0, false
	}
	return cluster, bv, true
}
