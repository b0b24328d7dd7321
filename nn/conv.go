package nn

import "fmt"

// Conv2D is a 2-D convolution layer over NHWC tensors with its weights
// packed for the matrix multiply, a per-channel bias and a fused activation.
// It is safe for concurrent use.
type Conv2D struct {
	KH, KW, InC, OutC int
	StrideH, StrideW  int
	Padding           Padding
	Act               Activation

	bias   []float32 // OutC values, or nil
	packed []float32 // filter as a (KH·KW·InC)×OutC matrix, packed
}

// NewConv2D builds a convolution from a filter in TensorFlow's HWIO layout
// (height, width, input channels, output channels) and an optional bias of
// OutC values. The filter and bias are copied.
func NewConv2D(filter *Tensor, bias []float32, strideH, strideW int, pad Padding, act Activation) (*Conv2D, error) {
	if filter == nil || len(filter.Shape) != 4 {
		return nil, fmt.Errorf("nn: conv2d filter must be HWIO")
	}
	kh, kw, ic, oc := filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]
	if kh < 1 || kw < 1 || ic < 1 || oc < 1 || strideH < 1 || strideW < 1 {
		return nil, fmt.Errorf("nn: conv2d filter %v, strides %d×%d", filter.Shape, strideH, strideW)
	}
	if bias != nil && len(bias) != oc {
		return nil, fmt.Errorf("nn: conv2d bias has %d values for %d channels", len(bias), oc)
	}
	if pad != Valid && pad != Same {
		return nil, fmt.Errorf("nn: conv2d padding %v", pad)
	}
	return &Conv2D{
		KH: kh, KW: kw, InC: ic, OutC: oc,
		StrideH: strideH, StrideW: strideW, Padding: pad, Act: act,
		bias:   append([]float32(nil), bias...),
		packed: packB(filter.Data, kh*kw*ic, oc),
	}, nil
}

// OutputShape returns the shape Forward produces for an input shape.
func (c *Conv2D) OutputShape(in []int) ([]int, error) {
	if len(in) != 4 || in[3] != c.InC {
		return nil, fmt.Errorf("nn: conv2d wants NHWC input with %d channels, got %v", c.InC, in)
	}
	oh, _, err := window(in[1], c.KH, c.StrideH, c.Padding)
	if err != nil {
		return nil, err
	}
	ow, _, err := window(in[2], c.KW, c.StrideW, c.Padding)
	if err != nil {
		return nil, err
	}
	return []int{in[0], oh, ow, c.OutC}, nil
}

// Forward convolves x and returns a new tensor.
func (c *Conv2D) Forward(x *Tensor) (*Tensor, error) {
	if x == nil {
		return nil, fmt.Errorf("nn: conv2d of nil")
	}
	shape, err := c.OutputShape(x.Shape)
	if err != nil {
		return nil, err
	}
	out := New(shape...)
	n, h, w := x.Shape[0], x.Shape[1], x.Shape[2]
	oh, ow := shape[1], shape[2]
	_, padT, _ := window(h, c.KH, c.StrideH, c.Padding)
	_, padL, _ := window(w, c.KW, c.StrideW, c.Padding)
	m, k := n*oh*ow, c.KH*c.KW*c.InC
	ep := epilogue{act: c.Act}
	if len(c.bias) > 0 {
		ep.bias = c.bias
	}
	if c.KH == 1 && c.KW == 1 && c.StrideH == 1 && c.StrideW == 1 {
		// A 1×1 convolution is a plain matrix multiply of the pixels.
		gemm(m, c.OutC, k, x.Data, k, c.packed, ep, out.Data, c.OutC)
		return out, nil
	}
	buf := getScratch(m * k)
	defer putScratch(buf)
	cols := *buf
	g := geometry{h: h, w: w, c: c.InC, kh: c.KH, kw: c.KW, sh: c.StrideH, sw: c.StrideW, padT: padT, padL: padL, oh: oh, ow: ow}
	parallelFor(n*oh, 1+4096/(ow*k+1), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b, oy := r/oh, r%oh
			g.im2colRow(x.Data[b*h*w*c.InC:(b+1)*h*w*c.InC], oy, cols[r*ow*k:(r+1)*ow*k])
		}
	})
	gemm(m, c.OutC, k, cols, k, c.packed, ep, out.Data, c.OutC)
	return out, nil
}

// geometry is a sliding window over one H×W×C image.
type geometry struct {
	h, w, c, kh, kw, sh, sw, padT, padL, oh, ow int
}

// im2colRow writes, for each output position of row oy, the kh×kw×c input
// patch under it (zeros outside the image) as one row of dst.
func (g *geometry) im2colRow(img []float32, oy int, dst []float32) {
	k := g.kh * g.kw * g.c
	iy0 := oy*g.sh - g.padT
	for ox := 0; ox < g.ow; ox++ {
		row := dst[ox*k : (ox+1)*k]
		ix0 := ox*g.sw - g.padL
		for ky := 0; ky < g.kh; ky++ {
			seg := row[ky*g.kw*g.c : (ky+1)*g.kw*g.c]
			iy := iy0 + ky
			if iy < 0 || iy >= g.h {
				clear(seg)
				continue
			}
			line := img[iy*g.w*g.c : (iy+1)*g.w*g.c]
			if ix0 >= 0 && ix0+g.kw <= g.w {
				copy(seg, line[ix0*g.c:(ix0+g.kw)*g.c])
				continue
			}
			for kx := 0; kx < g.kw; kx++ {
				px := seg[kx*g.c : (kx+1)*g.c]
				if ix := ix0 + kx; ix >= 0 && ix < g.w {
					copy(px, line[ix*g.c:(ix+1)*g.c])
				} else {
					clear(px)
				}
			}
		}
	}
}
