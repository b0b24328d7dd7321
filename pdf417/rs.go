package pdf417

import "errors"

// PDF417's error correction is a Reed–Solomon code over the prime field
// GF(929): a symbol of n codewords with k check codewords is the polynomial
// c(x) = c₀xⁿ⁻¹ + … + cₙ₋₁ (first codeword highest), divisible by the
// generator (x − 3)(x − 3²)…(x − 3ᵏ). 3 generates the multiplicative group
// of GF(929), so every position has its own locator.

const gfMod = 929

var (
	gfExp [2 * gfMod]int // gfExp[i] = 3^i
	gfLog [gfMod]int
)

func init() {
	x := 1
	for i := range gfMod - 1 {
		gfExp[i] = x
		gfLog[x] = i
		x = x * 3 % gfMod
	}
	for i := gfMod - 1; i < len(gfExp); i++ {
		gfExp[i] = gfExp[i-(gfMod-1)]
	}
}

func gfInv(a int) int { return gfExp[gfMod-1-gfLog[a]] }

func gfMul(a, b int) int { return a * b % gfMod }

// errUncorrectable: more damage than the check codewords can repair.
var errUncorrectable = errors.New("pdf417: too many errors to correct")

// ecEncode returns the k check codewords for data (the length descriptor
// first): the negated remainder of data(x)·xᵏ modulo the generator.
func ecEncode(data []int, k int) []int {
	g := generator(k)
	rem := make([]int, k)
	for _, d := range data {
		t := (d + rem[0]) % gfMod
		copy(rem, rem[1:])
		rem[k-1] = 0
		for j := range k {
			rem[j] = (rem[j] + gfMod - gfMul(t, g[j+1])) % gfMod
		}
	}
	for j := range rem {
		rem[j] = (gfMod - rem[j]) % gfMod
	}
	return rem
}

// generator returns the coefficients of ∏(x − 3ⁱ), i = 1…k, highest first.
func generator(k int) []int {
	g := []int{1}
	for i := 1; i <= k; i++ {
		a := gfExp[i%(gfMod-1)]
		ng := make([]int, len(g)+1)
		for j, c := range g {
			ng[j] = (ng[j] + c) % gfMod
			ng[j+1] = (ng[j+1] + gfMod - gfMul(c, a)) % gfMod
		}
		g = ng
	}
	return g
}

// correct repairs cw in place, whose last k codewords are check codewords,
// given the positions known to be unreadable (erasures; their values are
// ignored). It returns the number of codewords changed. Decoding is
// bounded distance with a margin: 2·errors + erasures must stay at most
// k − 2 (k − 1 for the two check codewords of level 0), the standard's
// rule that keeps two check codewords for detecting a wrong correction.
func correct(cw []int, k int, erasures []int) (int, error) {
	n := len(cw)
	if k < 2 || k >= n || n > gfMod-1 {
		return 0, errUncorrectable
	}
	for i, c := range cw {
		if c < 0 || c >= gfMod {
			cw[i] = 0
		}
	}
	era := make([]int, 0, len(erasures))
	isEra := make(map[int]bool, len(erasures))
	for _, p := range erasures {
		if p >= 0 && p < n && !isEra[p] {
			isEra[p] = true
			era = append(era, p)
			cw[p] = 0
		}
	}
	margin := 2
	if k == 2 {
		margin = 1
	}
	if len(era) > k-margin {
		return 0, errUncorrectable
	}
	// Syndromes S_j = c(3^j), j = 1…k.
	syn := make([]int, k)
	nonzero := false
	for j := 1; j <= k; j++ {
		x, s := gfExp[j], 0
		for _, c := range cw {
			s = (s*x + c) % gfMod
		}
		syn[j-1] = s
		nonzero = nonzero || s != 0
	}
	if !nonzero {
		return 0, nil
	}
	// Berlekamp–Massey, started from the erasure locator (Blahut).
	loc := func(p int) int { return gfExp[n-1-p] }
	lambda := []int{1}
	for _, p := range era {
		lambda = polyMul(lambda, []int{1, gfMod - loc(p)}) // (1 − X x), lowest first
	}
	b := append([]int(nil), lambda...)
	l, rho := len(era), len(era)
	for r := rho + 1; r <= k; r++ {
		d := 0
		for j := 0; j <= l && j < len(lambda); j++ {
			if r-1-j >= 0 {
				d = (d + gfMul(lambda[j], syn[r-1-j])) % gfMod
			}
		}
		xb := append([]int{0}, b...)
		if d == 0 {
			b = xb
			continue
		}
		t := polyAdd(lambda, polyScale(xb, gfMod-d))
		if 2*l <= r+rho-1 {
			b = polyScale(lambda, gfInv(d))
			l = r - l + rho
		} else {
			b = xb
		}
		lambda = t
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	deg := len(lambda) - 1
	if deg != l || 2*(deg-rho)+rho > k-margin {
		return 0, errUncorrectable
	}
	// Chien search over the symbol's positions.
	var pos []int
	for p := range n {
		xinv := gfInv(loc(p))
		if polyEval(lambda, xinv) == 0 {
			pos = append(pos, p)
		}
	}
	if len(pos) != deg {
		return 0, errUncorrectable
	}
	// Forney: e = −Ω(X⁻¹)/Λ'(X⁻¹), Ω = S·Λ mod xᵏ.
	omega := polyMul(syn, lambda)
	if len(omega) > k {
		omega = omega[:k]
	}
	dl := make([]int, max(0, len(lambda)-1))
	for i := 1; i < len(lambda); i++ {
		dl[i-1] = gfMul(lambda[i], i%gfMod)
	}
	for _, p := range pos {
		xinv := gfInv(loc(p))
		den := polyEval(dl, xinv)
		if den == 0 {
			return 0, errUncorrectable
		}
		e := gfMul(polyEval(omega, xinv), gfInv(den))
		cw[p] = (cw[p] + e) % gfMod // c = r − e, and e was negated
	}
	// The corrected word must be a codeword.
	for j := 1; j <= k; j++ {
		x, s := gfExp[j], 0
		for _, c := range cw {
			s = (s*x + c) % gfMod
		}
		if s != 0 {
			return 0, errUncorrectable
		}
	}
	return len(pos), nil
}

// Polynomials below are lowest degree first.

func polyMul(a, b []int) []int {
	out := make([]int, len(a)+len(b)-1)
	for i, x := range a {
		if x == 0 {
			continue
		}
		for j, y := range b {
			out[i+j] = (out[i+j] + gfMul(x, y)) % gfMod
		}
	}
	return out
}

func polyAdd(a, b []int) []int {
	out := make([]int, max(len(a), len(b)))
	for i := range out {
		if i < len(a) {
			out[i] += a[i]
		}
		if i < len(b) {
			out[i] += b[i]
		}
		out[i] %= gfMod
	}
	return out
}

func polyScale(a []int, s int) []int {
	out := make([]int, len(a))
	for i, x := range a {
		out[i] = gfMul(x, s)
	}
	return out
}

func polyEval(a []int, x int) int {
	s := 0
	for i := len(a) - 1; i >= 0; i-- {
		s = (s*x + a[i]) % gfMod
	}
	return s
}
