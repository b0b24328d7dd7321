package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The tests compare each kernel with a naive implementation written here,
// straight from the definition, on random inputs.

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

func randVec(r *rand.Rand, n int) []float32 { return randTensor(r, n).Data }

func checkClose(t *testing.T, got, want *Tensor, tol float64) {
	t.Helper()
	if !SameShape(got.Shape, want.Shape) {
		t.Fatalf("shape %v, want %v", got.Shape, want.Shape)
	}
	if d := MaxAbsDiff(got.Data, want.Data); d > tol {
		t.Fatalf("max abs error %g > %g", d, tol)
	}
}

// naiveConv is a direct convolution; depthwise applies filter channel c to
// input channel c only.
func naiveConv(x, f *Tensor, bias []float32, sh, sw int, pad Padding, act Activation, depthwise bool) *Tensor {
	n, h, w, ic := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	kh, kw, oc := f.Shape[0], f.Shape[1], f.Shape[3]
	if depthwise {
		oc = ic
	}
	oh, pt, _ := window(h, kh, sh, pad)
	ow, pl, _ := window(w, kw, sw, pad)
	out := New(n, oh, ow, oc)
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for o := 0; o < oc; o++ {
					s := 0.0
					if bias != nil {
						s = float64(bias[o])
					}
					for ky := 0; ky < kh; ky++ {
						for kx := 0; kx < kw; kx++ {
							iy, ix := oy*sh-pt+ky, ox*sw-pl+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							if depthwise {
								s += float64(x.Data[((b*h+iy)*w+ix)*ic+o]) * float64(f.Data[(ky*kw+kx)*ic+o])
								continue
							}
							for i := 0; i < ic; i++ {
								s += float64(x.Data[((b*h+iy)*w+ix)*ic+i]) * float64(f.Data[((ky*kw+kx)*ic+i)*oc+o])
							}
						}
					}
					out.Data[((b*oh+oy)*ow+ox)*oc+o] = act.apply(float32(s))
				}
			}
		}
	}
	return out
}

func TestConv2D(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, h, w, ic, kh, kw, oc, sh, sw int
		pad                             Padding
		act                             Activation
		bias                            bool
	}{
		{1, 8, 8, 3, 3, 3, 5, 1, 1, Same, ReLU, true},
		{1, 9, 7, 4, 3, 3, 8, 2, 2, Same, Linear, true},
		{2, 10, 10, 3, 7, 7, 6, 2, 2, Valid, ReLU, true},
		{1, 6, 6, 16, 1, 1, 9, 1, 1, Valid, Linear, true},
		{1, 5, 5, 7, 1, 1, 3, 1, 1, Same, ReLU6, false},
		{1, 35, 35, 32, 3, 3, 64, 2, 2, Valid, Linear, true},
		{1, 4, 4, 64, 3, 3, 33, 1, 1, Same, ReLU, true},
		{3, 5, 6, 2, 2, 3, 1, 1, 2, Same, Linear, false},
		{1, 1, 1, 5, 3, 3, 2, 1, 1, Same, Linear, true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%dx%dx%dx%d_k%dx%dx%d_s%d%d_%v_%v", tc.n, tc.h, tc.w, tc.ic, tc.kh, tc.kw, tc.oc, tc.sh, tc.sw, tc.pad, tc.act)
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tc.h*tc.oc)))
			x := randTensor(r, tc.n, tc.h, tc.w, tc.ic)
			f := randTensor(r, tc.kh, tc.kw, tc.ic, tc.oc)
			var bias []float32
			if tc.bias {
				bias = randVec(r, tc.oc)
			}
			c, err := NewConv2D(f, bias, tc.sh, tc.sw, tc.pad, tc.act)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, naiveConv(x, f, bias, tc.sh, tc.sw, tc.pad, tc.act, false), 1e-4)
		})
	}
}

func TestConv2DErrors(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 2))
	c, err := NewConv2D(randTensor(r, 3, 3, 4, 2), nil, 1, 1, Valid, Linear)
	if err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]*Tensor{
		"channels":  New(1, 5, 5, 3),
		"too small": New(1, 2, 5, 4),
		"rank":      New(5, 5, 4),
		"nil":       nil,
	} {
		if _, err := c.Forward(x); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewConv2D(New(3, 3, 4), nil, 1, 1, Valid, Linear); err == nil {
		t.Error("rank-3 filter accepted")
	}
	if _, err := NewConv2D(New(3, 3, 4, 2), make([]float32, 3), 1, 1, Valid, Linear); err == nil {
		t.Error("bias of the wrong length accepted")
	}
	if _, err := NewConv2D(New(3, 3, 4, 2), nil, 0, 1, Valid, Linear); err == nil {
		t.Error("zero stride accepted")
	}
}

func TestDepthwiseConv2D(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, h, w, c, kh, kw, sh, sw int
		pad                        Padding
		act                        Activation
	}{
		{1, 8, 8, 24, 3, 3, 1, 1, Same, Linear},
		{1, 8, 8, 24, 3, 3, 2, 2, Same, ReLU},
		{2, 7, 9, 5, 5, 5, 1, 1, Same, Linear},
		{1, 9, 9, 6, 3, 3, 2, 2, Valid, ReLU6},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%dx%dx%dx%d_k%dx%d_s%d_%v", tc.n, tc.h, tc.w, tc.c, tc.kh, tc.kw, tc.sh, tc.pad)
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(tc.c)))
			x := randTensor(r, tc.n, tc.h, tc.w, tc.c)
			f := randTensor(r, tc.kh, tc.kw, tc.c, 1)
			bias := randVec(r, tc.c)
			d, err := NewDepthwiseConv2D(f, bias, tc.sh, tc.sw, tc.pad, tc.act)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, naiveConv(x, f, bias, tc.sh, tc.sw, tc.pad, tc.act, true), 1e-5)
		})
	}
	if _, err := NewDepthwiseConv2D(New(3, 3, 4, 2), nil, 1, 1, Same, Linear); err == nil {
		t.Error("channel multiplier 2 accepted")
	}
}

func naivePool(x *Tensor, kh, kw, sh, sw int, pad Padding, isMax bool) *Tensor {
	n, h, w, c := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, pt, _ := window(h, kh, sh, pad)
	ow, pl, _ := window(w, kw, sw, pad)
	out := New(n, oh, ow, c)
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for ch := 0; ch < c; ch++ {
					m, s, cnt := math.Inf(-1), 0.0, 0
					for ky := 0; ky < kh; ky++ {
						for kx := 0; kx < kw; kx++ {
							iy, ix := oy*sh-pt+ky, ox*sw-pl+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							v := float64(x.Data[((b*h+iy)*w+ix)*c+ch])
							m = math.Max(m, v)
							s += v
							cnt++
						}
					}
					v := m
					if !isMax {
						v = s / float64(cnt)
					}
					out.Data[((b*oh+oy)*ow+ox)*c+ch] = float32(v)
				}
			}
		}
	}
	return out
}

func TestPool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h, w, k, s int
		pad        Padding
	}{
		{8, 8, 2, 2, Same}, {7, 7, 2, 2, Same}, {35, 35, 2, 2, Valid}, {72, 72, 3, 2, Valid},
		{5, 6, 3, 1, Same}, {9, 9, 3, 3, Valid},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d_k%d_s%d_%v", tc.h, tc.w, tc.k, tc.s, tc.pad), func(t *testing.T) {
			r := rand.New(rand.NewPCG(4, uint64(tc.h)))
			x := randTensor(r, 2, tc.h, tc.w, 5)
			got, err := MaxPool(x, tc.k, tc.k, tc.s, tc.s, tc.pad)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, naivePool(x, tc.k, tc.k, tc.s, tc.s, tc.pad, true), 0)
			got, err = AvgPool(x, tc.k, tc.k, tc.s, tc.s, tc.pad)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, naivePool(x, tc.k, tc.k, tc.s, tc.s, tc.pad, false), 1e-5)
		})
	}
	if _, err := MaxPool(New(1, 1, 1, 1), 2, 2, 1, 1, Valid); err == nil {
		t.Error("window larger than input accepted")
	}
}

func TestMeanHW(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	x := randTensor(r, 2, 3, 4, 6)
	got, err := MeanHW(x)
	if err != nil {
		t.Fatal(err)
	}
	want := naivePool(x, 3, 4, 1, 1, Valid, false)
	want, _ = want.Reshape(2, 6)
	checkClose(t, got, want, 1e-6)
}

func TestDense(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ m, k, n int }{{1, 3136, 128}, {1, 128, 1}, {3, 64, 2}, {17, 256, 130}} {
		t.Run(fmt.Sprintf("%dx%dx%d", tc.m, tc.k, tc.n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(6, uint64(tc.k)))
			x, w, b := randTensor(r, tc.m, tc.k), randTensor(r, tc.k, tc.n), randVec(r, tc.n)
			d, err := NewDense(w, b, ReLU)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			want := New(tc.m, tc.n)
			for i := 0; i < tc.m; i++ {
				for j := 0; j < tc.n; j++ {
					s := float64(b[j])
					for k := 0; k < tc.k; k++ {
						s += float64(x.Data[i*tc.k+k]) * float64(w.Data[k*tc.n+j])
					}
					want.Data[i*tc.n+j] = max(float32(s), 0)
				}
			}
			checkClose(t, got, want, 2e-4)
		})
	}
}

func TestBinaryBroadcast(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b []int }{
		{[]int{1, 4, 4, 3}, []int{1, 4, 4, 3}},
		{[]int{1, 4, 4, 3}, []int{3}},
		{[]int{1, 4, 4, 3}, []int{}},
		{[]int{2, 1, 3}, []int{4, 1}},
		{[]int{1, 4, 1, 3}, []int{2, 1, 5, 1}},
		{[]int{5}, []int{2, 5}},
	}
	for _, tc := range tests {
		for _, op := range []BinaryOp{OpAdd, OpSub, OpMul, OpDiv, OpMaximum, OpMinimum} {
			t.Run(fmt.Sprintf("%v_%v_%v", op, tc.a, tc.b), func(t *testing.T) {
				r := rand.New(rand.NewPCG(7, uint64(op)))
				a, b := randTensor(r, tc.a...), randTensor(r, tc.b...)
				got, err := Binary(op, a, b)
				if err != nil {
					t.Fatal(err)
				}
				shape, _ := BroadcastShape(tc.a, tc.b)
				want := New(shape...)
				for i := range want.Data {
					want.Data[i] = op.apply(a.Data[flatIndex(i, shape, tc.a)], b.Data[flatIndex(i, shape, tc.b)])
				}
				checkClose(t, got, want, 0)
				if SameShape(shape, tc.a) {
					c := a.Clone()
					if err := BinaryInPlace(op, c, b); err != nil {
						t.Fatal(err)
					}
					checkClose(t, c, want, 0)
				}
			})
		}
	}
	if _, err := Binary(OpAdd, New(2, 3), New(4)); err == nil {
		t.Error("incompatible shapes accepted")
	}
	if err := BinaryInPlace(OpAdd, New(3), New(2, 3)); err == nil {
		t.Error("in-place op that grows its target accepted")
	}
}

// flatIndex maps flat index i of a tensor shaped out to the index of the
// value of a tensor shaped s that broadcasts there.
func flatIndex(i int, out, s []int) int {
	idx := make([]int, len(out))
	for d := len(out) - 1; d >= 0; d-- {
		idx[d] = i % out[d]
		i /= out[d]
	}
	j := 0
	for d := range s {
		v := idx[len(out)-len(s)+d]
		if s[d] == 1 {
			v = 0
		}
		j = j*s[d] + v
	}
	return j
}

func TestUnaryAndSoftmax(t *testing.T) {
	t.Parallel()
	x, _ := FromData([]float32{-2, -0.5, 0, 3, 7, 100}, 2, 3)
	want := map[UnaryOp][]float32{
		OpRelu:    {0, 0, 0, 3, 7, 100},
		OpRelu6:   {0, 0, 0, 3, 6, 6},
		OpSigmoid: {0.11920292, 0.37754068, 0.5, 0.95257413, 0.99908894, 1},
		OpNeg:     {2, 0.5, 0, -3, -7, -100},
	}
	for op, w := range want {
		got := Unary(op, x)
		if d := MaxAbsDiff(got.Data, w); d > 1e-7 {
			t.Errorf("%v: %v, want %v", op, got.Data, w)
		}
	}
	sm, err := Softmax(x)
	if err != nil {
		t.Fatal(err)
	}
	e := []float64{math.Exp(-2), math.Exp(-0.5), 1}
	s := e[0] + e[1] + e[2]
	if d := MaxAbsDiff(sm.Data[:3], []float32{float32(e[0] / s), float32(e[1] / s), float32(e[2] / s)}); d > 1e-7 {
		t.Errorf("softmax row 0: %v", sm.Data[:3])
	}
	if sm.Data[5] != 1 || sm.Data[3] > 1e-40 {
		t.Errorf("softmax row 1 not stable: %v", sm.Data[3:])
	}
}

func TestPad(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(8, 8))
	x := randTensor(r, 1, 3, 2, 4)
	pads := [][2]int{{0, 0}, {1, 2}, {0, 1}, {0, 4}}
	got, err := Pad(x, pads, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	want := New(1, 6, 3, 8)
	for i := range want.Data {
		want.Data[i] = 0.5
	}
	for y := 0; y < 3; y++ {
		for xx := 0; xx < 2; xx++ {
			for c := 0; c < 4; c++ {
				want.Data[((y+1)*3+xx)*8+c] = x.Data[(y*2+xx)*4+c]
			}
		}
	}
	checkClose(t, got, want, 0)
	if _, err := Pad(x, pads[:3], 0); err == nil {
		t.Error("too few paddings accepted")
	}
	if _, err := Pad(x, [][2]int{{0, 0}, {-1, 0}, {0, 0}, {0, 0}}, 0); err == nil {
		t.Error("negative padding accepted")
	}
	if _, err := Pad(x, [][2]int{{0, 0}, {1 << 20, 0}, {1 << 20, 0}, {0, 0}}, 0); err == nil {
		t.Error("huge padding accepted")
	}
}

func TestResizeBilinear(t *testing.T) {
	t.Parallel()
	// A 2×2 ramp doubled: TensorFlow's geometry samples at i·in/out, so the
	// last row and column repeat the edge.
	x, _ := FromData([]float32{0, 10, 20, 30}, 1, 2, 2, 1)
	got, err := ResizeBilinear(x, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{
		0, 5, 10, 10,
		10, 15, 20, 20,
		20, 25, 30, 30,
		20, 25, 30, 30,
	}
	if d := MaxAbsDiff(got.Data, want); d != 0 {
		t.Errorf("got %v", got.Data)
	}
	// Shrinking by an integer factor picks pixels.
	r := rand.New(rand.NewPCG(9, 9))
	y := randTensor(r, 1, 8, 6, 3)
	got, _ = ResizeBilinear(y, 4, 3)
	for oy := 0; oy < 4; oy++ {
		for ox := 0; ox < 3; ox++ {
			for c := 0; c < 3; c++ {
				if g, w := got.Data[(oy*3+ox)*3+c], y.Data[(2*oy*6+2*ox)*3+c]; g != w {
					t.Fatalf("(%d,%d,%d) = %v, want %v", oy, ox, c, g, w)
				}
			}
		}
	}
	if _, err := ResizeBilinear(y, 0, 3); err == nil {
		t.Error("empty output accepted")
	}
}

func TestReshape(t *testing.T) {
	t.Parallel()
	x := New(2, 3, 4)
	for _, tc := range []struct {
		shape []int
		want  []int
		ok    bool
	}{
		{[]int{6, 4}, []int{6, 4}, true},
		{[]int{-1, 2}, []int{12, 2}, true},
		{[]int{1, -1, 3}, []int{1, 8, 3}, true},
		{[]int{5, -1}, nil, false},
		{[]int{-1, -1}, nil, false},
		{[]int{7, 3}, nil, false},
		{[]int{0, -1}, nil, false},
	} {
		got, err := x.Reshape(tc.shape...)
		if (err == nil) != tc.ok {
			t.Errorf("Reshape(%v): err %v", tc.shape, err)
			continue
		}
		if tc.ok && !SameShape(got.Shape, tc.want) {
			t.Errorf("Reshape(%v) = %v, want %v", tc.shape, got.Shape, tc.want)
		}
	}
	if _, err := NumElements([]int{1 << 20, 1 << 20}); err == nil {
		t.Error("huge shape accepted")
	}
	if _, err := FromData(make([]float32, 5), 2, 3); err == nil {
		t.Error("short data accepted")
	}
}
