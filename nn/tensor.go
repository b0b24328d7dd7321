package nn

import (
	"fmt"
	"math"
)

// Tensor is a dense float32 tensor stored in row-major order. Image tensors
// are NHWC. A Tensor's Data may be shared with another Tensor of the same
// size (see Reshape), so kernels never write into their inputs.
type Tensor struct {
	Shape []int
	Data  []float32
}

// maxElements bounds the size of any tensor the package creates, so that a
// hostile shape (from a model file, say) is an error instead of an
// out-of-memory crash: 1<<28 float32 values are 1 GiB.
const maxElements = 1 << 28

// New returns a zeroed tensor of the given shape. It panics on a negative
// dimension or an absurd size; use NumElements first for untrusted shapes.
func New(shape ...int) *Tensor {
	n, err := NumElements(shape)
	if err != nil {
		panic("nn: " + err.Error())
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// FromData wraps data, without copying, in a tensor of the given shape.
func FromData(data []float32, shape ...int) (*Tensor, error) {
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	if n != len(data) {
		return nil, fmt.Errorf("nn: %d values do not fill shape %v (%d)", len(data), shape, n)
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}, nil
}

// NumElements returns the number of values a tensor of the given shape
// holds, or an error when a dimension is negative or the total is too large.
func NumElements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= d
	}
	return n, nil
}

// Len returns the number of values in t.
func (t *Tensor) Len() int { return len(t.Data) }

// Rank returns the number of dimensions of t.
func (t *Tensor) Rank() int { return len(t.Shape) }

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Reshape returns a tensor sharing t's data with a new shape. At most one
// dimension may be -1; it is inferred from the others.
func (t *Tensor) Reshape(shape ...int) (*Tensor, error) {
	out, err := ResolveShape(len(t.Data), shape)
	if err != nil {
		return nil, fmt.Errorf("nn: cannot reshape %v into %v: %w", t.Shape, shape, err)
	}
	return &Tensor{Shape: out, Data: t.Data}, nil
}

// ResolveShape returns shape with its -1 dimension, if any, inferred so
// that it holds n values, or an error when no such shape exists.
func ResolveShape(n int, shape []int) ([]int, error) {
	out := append([]int(nil), shape...)
	infer, known := -1, 1
	for i, d := range out {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			return nil, fmt.Errorf("bad dimension %d", d)
		default:
			if d != 0 && known > maxElements/d {
				return nil, fmt.Errorf("too large")
			}
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("%d values do not divide by %d", n, known)
		}
		out[infer] = n / known
	} else if known != n {
		return nil, fmt.Errorf("%d values for %d places", n, known)
	}
	return out, nil
}

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dims4 checks that t is a rank-4 NHWC tensor and returns its dimensions.
func dims4(t *Tensor, what string) (n, h, w, c int, err error) {
	if t == nil || len(t.Shape) != 4 {
		var s []int
		if t != nil {
			s = t.Shape
		}
		return 0, 0, 0, 0, fmt.Errorf("nn: %s needs an NHWC tensor, got shape %v", what, s)
	}
	return t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3], nil
}

// MaxAbsDiff returns the largest absolute difference between a and b, which
// must have the same length; it is +Inf when they differ in length or when
// exactly one of a pair is NaN.
func MaxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		if math.IsNaN(x) != math.IsNaN(y) {
			return math.Inf(1)
		}
		if d := math.Abs(x - y); d > m {
			m = d
		}
	}
	return m
}
