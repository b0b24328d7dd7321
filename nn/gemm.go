package nn

// The matrix multiply behind convolutions and fully connected layers. The
// weight matrix B (k×n) is packed once, when a layer is built, into panels
// of nr columns laid out k-major, so the inner kernel reads it
// sequentially; the activation matrix A is read in place, row-major, which
// lets 1×1 convolutions skip im2col altogether. The 2×4 register block was
// the fastest shape measured in pure Go on amd64: larger blocks run out of
// the sixteen floating-point registers and spill.

const (
	mr = 2 // rows of A per kernel call
	nr = 4 // columns of B per packed panel
)

// packB packs the k×n row-major matrix b into ceil(n/nr) panels of k×nr
// values, zero-padding the last panel.
func packB(b []float32, k, n int) []float32 {
	panels := (n + nr - 1) / nr
	p := make([]float32, panels*k*nr)
	for j := 0; j < panels; j++ {
		dst := p[j*k*nr : (j+1)*k*nr]
		for kk := 0; kk < k; kk++ {
			row := b[kk*n : kk*n+n]
			for c := 0; c < nr; c++ {
				if col := j*nr + c; col < n {
					dst[kk*nr+c] = row[col]
				}
			}
		}
	}
	return p
}

// epilogue describes what is applied to each output value after the
// multiply: a per-column bias, then an activation.
type epilogue struct {
	bias []float32 // length n, or nil
	act  Activation
}

// gemm computes c = a·b, then the epilogue, for a (m×k, row stride lda) and
// the packed b (k×n); c has row stride ldc. Rows are spread over
// goroutines; when there are too few rows, panels of columns are.
func gemm(m, n, k int, a []float32, lda int, bp []float32, ep epilogue, c []float32, ldc int) {
	panels := (n + nr - 1) / nr
	pairs := (m + mr - 1) / mr
	// A goroutine is worth about 64k multiply-adds of work.
	grain := 1 + (1<<16)/(mr*k*n+1)
	if pairs >= 8 {
		parallelFor(pairs, grain, func(lo, hi int) {
			gemmBlock(lo*mr, min(hi*mr, m), 0, panels, n, k, a, lda, bp, ep, c, ldc)
		})
		return
	}
	grain = 1 + (1<<16)/(m*k*nr+1)
	parallelFor(panels, grain, func(lo, hi int) {
		gemmBlock(0, m, lo, hi, n, k, a, lda, bp, ep, c, ldc)
	})
}

// gemmBlock computes rows [r0, r1) and panels [p0, p1) of c. Panels are
// visited in groups small enough to stay in the L2 cache while a pair of
// rows of a, which stays in L1, is multiplied by each of them.
func gemmBlock(r0, r1, p0, p1, n, k int, a []float32, lda int, bp []float32, ep epilogue, c []float32, ldc int) {
	group := max(1, (256<<10)/(k*nr*4))
	relu := ep.act == ReLU
	var bias [nr]float32
	for g0 := p0; g0 < p1; g0 += group {
		g1 := min(g0+group, p1)
		for i := r0; i < r1; i += mr {
			a0 := a[i*lda : i*lda+k]
			a1 := a0
			rows := 1
			if i+1 < r1 {
				a1 = a[(i+1)*lda : (i+1)*lda+k]
				rows = 2
			}
			for p := g0; p < g1; p++ {
				cols := min(nr, n-p*nr)
				if ep.bias != nil {
					copy(bias[:], ep.bias[p*nr:p*nr+cols])
				}
				acc := kernel2x4(a0, a1, bp[p*k*nr:(p+1)*k*nr])
				for r := 0; r < rows; r++ {
					v := (*[nr]float32)(acc[r*nr:])
					v[0] += bias[0]
					v[1] += bias[1]
					v[2] += bias[2]
					v[3] += bias[3]
					if relu {
						v[0], v[1], v[2], v[3] = max(v[0], 0), max(v[1], 0), max(v[2], 0), max(v[3], 0)
					}
					if cols == nr {
						// Four stores beat a call to copy.
						d := (*[nr]float32)(c[(i+r)*ldc+p*nr:])
						d[0], d[1], d[2], d[3] = v[0], v[1], v[2], v[3]
					} else {
						copy(c[(i+r)*ldc+p*nr:(i+r)*ldc+p*nr+cols], v[:cols])
					}
				}
			}
		}
	}
	if ep.act != Linear && !relu {
		for i := r0; i < r1; i++ {
			row := c[i*ldc+p0*nr : i*ldc+min(p1*nr, n)]
			for j, v := range row {
				row[j] = ep.act.apply(v)
			}
		}
	}
}

// kernel2x4 returns the 2×4 block a0·b, a1·b for rows a0 and a1 (of equal
// length k) and one packed panel b (k×4).
func kernel2x4(a0, a1, b []float32) [mr * nr]float32 {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a1 = a1[:len(a0)]
	b = b[:4*len(a0)]
	for i, x0 := range a0 {
		x1 := a1[i]
		bb := b[4*i : 4*i+4 : 4*i+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		c00 += x0 * b0
		c01 += x0 * b1
		c02 += x0 * b2
		c03 += x0 * b3
		c10 += x1 * b0
		c11 += x1 * b1
		c12 += x1 * b2
		c13 += x1 * b3
	}
	return [mr * nr]float32{c00, c01, c02, c03, c10, c11, c12, c13}
}
