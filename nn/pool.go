package nn

import (
	"fmt"
	"math"
)

// MaxPool returns the maximum over each kh×kw window of x (NHWC), moving
// by the strides. With Same padding, positions outside the input are
// ignored rather than counted as zeros, as in TensorFlow.
func MaxPool(x *Tensor, kh, kw, strideH, strideW int, pad Padding) (*Tensor, error) {
	return pool(x, kh, kw, strideH, strideW, pad, true)
}

// AvgPool returns the mean over each kh×kw window of x (NHWC). With Same
// padding, the mean is over the positions inside the input only, as in
// TensorFlow.
func AvgPool(x *Tensor, kh, kw, strideH, strideW int, pad Padding) (*Tensor, error) {
	return pool(x, kh, kw, strideH, strideW, pad, false)
}

// PoolShape returns the shape MaxPool and AvgPool produce for an input
// shape.
func PoolShape(in []int, kh, kw, strideH, strideW int, pad Padding) ([]int, error) {
	if len(in) != 4 {
		return nil, fmt.Errorf("nn: pooling needs an NHWC tensor, got shape %v", in)
	}
	oh, _, err := window(in[1], kh, strideH, pad)
	if err != nil {
		return nil, err
	}
	ow, _, err := window(in[2], kw, strideW, pad)
	if err != nil {
		return nil, err
	}
	return []int{in[0], oh, ow, in[3]}, nil
}

func pool(x *Tensor, kh, kw, sh, sw int, pad Padding, isMax bool) (*Tensor, error) {
	n, h, w, c, err := dims4(x, "pooling")
	if err != nil {
		return nil, err
	}
	oh, padT, err := window(h, kh, sh, pad)
	if err != nil {
		return nil, err
	}
	ow, padL, err := window(w, kw, sw, pad)
	if err != nil {
		return nil, err
	}
	out := New(n, oh, ow, c)
	parallelFor(n*oh, 1+8192/(ow*c*kh*kw+1), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b, oy := r/oh, r%oh
			img := x.Data[b*h*w*c : (b+1)*h*w*c]
			y0, y1 := max(oy*sh-padT, 0), min(oy*sh-padT+kh, h)
			for ox := 0; ox < ow; ox++ {
				acc := out.Data[(r*ow+ox)*c : (r*ow+ox+1)*c]
				x0, x1 := max(ox*sw-padL, 0), min(ox*sw-padL+kw, w)
				if isMax {
					for i := range acc {
						acc[i] = float32(math.Inf(-1))
					}
				}
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						px := img[(iy*w+ix)*c : (iy*w+ix+1)*c]
						if isMax {
							for i, v := range px {
								if v > acc[i] {
									acc[i] = v
								}
							}
						} else {
							for i, v := range px {
								acc[i] += v
							}
						}
					}
				}
				if !isMax {
					count := float32((y1 - y0) * (x1 - x0))
					for i := range acc {
						acc[i] /= count
					}
				}
			}
		}
	})
	return out, nil
}

// MeanHW returns the mean over the height and width of x (NHWC), an N×C
// tensor: global average pooling.
func MeanHW(x *Tensor) (*Tensor, error) {
	n, h, w, c, err := dims4(x, "mean")
	if err != nil {
		return nil, err
	}
	if h*w == 0 {
		return nil, fmt.Errorf("nn: mean of an empty image")
	}
	out := New(n, c)
	for b := 0; b < n; b++ {
		acc := out.Data[b*c : (b+1)*c]
		for p := 0; p < h*w; p++ {
			for i, v := range x.Data[(b*h*w+p)*c : (b*h*w+p+1)*c] {
				acc[i] += v
			}
		}
		count := float32(h * w)
		for i := range acc {
			acc[i] /= count
		}
	}
	return out, nil
}
