package nn

import "fmt"

// DepthwiseConv2D convolves each channel of an NHWC tensor with its own
// filter (a channel multiplier of 1), then adds an optional bias and applies
// an activation. It is safe for concurrent use.
type DepthwiseConv2D struct {
	KH, KW, C        int
	StrideH, StrideW int
	Padding          Padding
	Act              Activation

	filter []float32 // KH×KW×C
	bias   []float32 // C values, or nil
}

// NewDepthwiseConv2D builds a depthwise convolution from a filter in
// TensorFlow's layout (height, width, channels, multiplier); only a
// multiplier of 1 is supported. The filter and bias are copied.
func NewDepthwiseConv2D(filter *Tensor, bias []float32, strideH, strideW int, pad Padding, act Activation) (*DepthwiseConv2D, error) {
	if filter == nil || len(filter.Shape) != 4 {
		return nil, fmt.Errorf("nn: depthwise filter must be [h, w, c, multiplier]")
	}
	kh, kw, c, mult := filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]
	if mult != 1 {
		return nil, fmt.Errorf("nn: depthwise channel multiplier %d is not supported", mult)
	}
	if kh < 1 || kw < 1 || c < 1 || strideH < 1 || strideW < 1 {
		return nil, fmt.Errorf("nn: depthwise filter %v, strides %d×%d", filter.Shape, strideH, strideW)
	}
	if bias != nil && len(bias) != c {
		return nil, fmt.Errorf("nn: depthwise bias has %d values for %d channels", len(bias), c)
	}
	if pad != Valid && pad != Same {
		return nil, fmt.Errorf("nn: depthwise padding %v", pad)
	}
	return &DepthwiseConv2D{
		KH: kh, KW: kw, C: c, StrideH: strideH, StrideW: strideW, Padding: pad, Act: act,
		filter: append([]float32(nil), filter.Data...),
		bias:   append([]float32(nil), bias...),
	}, nil
}

// OutputShape returns the shape Forward produces for an input shape.
func (d *DepthwiseConv2D) OutputShape(in []int) ([]int, error) {
	if len(in) != 4 || in[3] != d.C {
		return nil, fmt.Errorf("nn: depthwise conv wants NHWC input with %d channels, got %v", d.C, in)
	}
	oh, _, err := window(in[1], d.KH, d.StrideH, d.Padding)
	if err != nil {
		return nil, err
	}
	ow, _, err := window(in[2], d.KW, d.StrideW, d.Padding)
	if err != nil {
		return nil, err
	}
	return []int{in[0], oh, ow, d.C}, nil
}

// Forward convolves x and returns a new tensor.
func (d *DepthwiseConv2D) Forward(x *Tensor) (*Tensor, error) {
	if x == nil {
		return nil, fmt.Errorf("nn: depthwise conv of nil")
	}
	shape, err := d.OutputShape(x.Shape)
	if err != nil {
		return nil, err
	}
	out := New(shape...)
	n, h, w, c := x.Shape[0], x.Shape[1], x.Shape[2], d.C
	oh, ow := shape[1], shape[2]
	_, padT, _ := window(h, d.KH, d.StrideH, d.Padding)
	_, padL, _ := window(w, d.KW, d.StrideW, d.Padding)
	parallelFor(n*oh, 1+8192/(ow*c*d.KH*d.KW+1), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b, oy := r/oh, r%oh
			img := x.Data[b*h*w*c : (b+1)*h*w*c]
			dst := out.Data[r*ow*c : (r+1)*ow*c]
			if d.bias != nil {
				for ox := 0; ox < ow; ox++ {
					copy(dst[ox*c:(ox+1)*c], d.bias)
				}
			}
			// One filter tap at a time over the whole output row, so that
			// the inner loop runs over contiguous channels. (Summing the
			// taps in registers instead measured slower: the bounds checks
			// of the gathered loads cost more than the stores saved.)
			for ky := 0; ky < d.KH; ky++ {
				iy := oy*d.StrideH - padT + ky
				if iy < 0 || iy >= h {
					continue
				}
				line := img[iy*w*c : (iy+1)*w*c]
				for kx := 0; kx < d.KW; kx++ {
					tap := d.filter[(ky*d.KW+kx)*c : (ky*d.KW+kx+1)*c]
					// Output columns whose input column lies inside the image.
					ox0 := max(0, (padL-kx+d.StrideW-1)/d.StrideW)
					ox1 := min(ow, (w-1+padL-kx)/d.StrideW+1)
					for ox := ox0; ox < ox1; ox++ {
						ix := ox*d.StrideW - padL + kx
						madd(dst[ox*c:(ox+1)*c], line[ix*c:(ix+1)*c], tap)
					}
				}
			}
			if d.Act != Linear {
				for i, v := range dst {
					dst[i] = d.Act.apply(v)
				}
			}
		}
	})
	return out, nil
}

// madd adds src[i]·w[i] to acc[i], four lanes at a time.
func madd(acc, src, w []float32) {
	src = src[:len(acc)]
	w = w[:len(acc)]
	i := 0
	for ; i+4 <= len(acc); i += 4 {
		a := (*[4]float32)(acc[i:])
		s := (*[4]float32)(src[i:])
		t := (*[4]float32)(w[i:])
		a[0] += s[0] * t[0]
		a[1] += s[1] * t[1]
		a[2] += s[2] * t[2]
		a[3] += s[3] * t[3]
	}
	for ; i < len(acc); i++ {
		acc[i] += src[i] * w[i]
	}
}
