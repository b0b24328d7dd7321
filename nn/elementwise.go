package nn

import (
	"fmt"
	"math"
)

// BinaryOp is an element-wise operation on two tensors.
type BinaryOp uint8

// The element-wise operations.
const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv
	OpMaximum
	OpMinimum
)

func (op BinaryOp) String() string {
	names := [...]string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum"}
	if int(op) < len(names) {
		return names[op]
	}
	return fmt.Sprintf("BinaryOp(%d)", uint8(op))
}

func (op BinaryOp) apply(a, b float32) float32 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpMaximum:
		return max(a, b)
	default:
		return min(a, b)
	}
}

// BroadcastShape returns the shape of an element-wise result of tensors
// shaped a and b under NumPy's broadcasting rules: shapes are aligned at the
// last axis and a dimension of 1 stretches to match the other.
func BroadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("nn: shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// Binary applies op element-wise to a and b with broadcasting and returns a
// new tensor.
func Binary(op BinaryOp, a, b *Tensor) (*Tensor, error) {
	shape, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		return nil, err
	}
	if _, err := NumElements(shape); err != nil {
		return nil, err
	}
	out := New(shape...)
	binaryInto(op, out, a, b)
	return out, nil
}

// BinaryInPlace applies op to a and b with broadcasting and stores the
// result in a, which must already have the result's shape. It saves an
// allocation when the caller owns a and no longer needs it.
func BinaryInPlace(op BinaryOp, a, b *Tensor) error {
	shape, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		return err
	}
	if !SameShape(shape, a.Shape) {
		return fmt.Errorf("nn: in-place %v of %v by %v would change its shape", op, a.Shape, b.Shape)
	}
	binaryInto(op, a, a, b)
	return nil
}

// binaryInto writes op(a, b) into out, whose shape is their broadcast shape;
// out may be a. The common cases (equal shapes, a scalar, a vector along the
// last axis) have their own loops; anything else walks the index space.
func binaryInto(op BinaryOp, out, a, b *Tensor) {
	o, x, y := out.Data, a.Data, b.Data
	switch {
	case len(x) == len(o) && len(y) == len(o):
		for i := range o {
			o[i] = op.apply(x[i], y[i])
		}
	case len(x) == len(o) && len(y) == 1:
		for i := range o {
			o[i] = op.apply(x[i], y[0])
		}
	case len(x) == len(o) && isLastAxisVector(b.Shape, out.Shape):
		c := len(y)
		for i := range o {
			o[i] = op.apply(x[i], y[i%c])
		}
	default:
		sa := broadcastStrides(a.Shape, out.Shape)
		sb := broadcastStrides(b.Shape, out.Shape)
		idx := make([]int, len(out.Shape))
		ia, ib := 0, 0
		for i := range o {
			o[i] = op.apply(x[ia], y[ib])
			// Advance the multi-index like an odometer.
			for d := len(idx) - 1; d >= 0; d-- {
				idx[d]++
				ia += sa[d]
				ib += sb[d]
				if idx[d] < out.Shape[d] {
					break
				}
				ia -= sa[d] * idx[d]
				ib -= sb[d] * idx[d]
				idx[d] = 0
			}
		}
	}
}

// isLastAxisVector reports whether shape s broadcasts to out as a vector
// along out's last axis (all its other dimensions are 1).
func isLastAxisVector(s, out []int) bool {
	if len(s) == 0 || len(out) == 0 || s[len(s)-1] != out[len(out)-1] {
		return false
	}
	for _, d := range s[:len(s)-1] {
		if d != 1 {
			return false
		}
	}
	return true
}

// broadcastStrides returns, for each axis of out, the step in a tensor
// shaped s when the index along that axis grows by one: zero along
// broadcast axes.
func broadcastStrides(s, out []int) []int {
	st := make([]int, len(out))
	step := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(s) - len(out) + i
		if j < 0 {
			continue
		}
		if s[j] != 1 {
			st[i] = step
		}
		step *= s[j]
	}
	return st
}

// UnaryOp is an element-wise function of one tensor.
type UnaryOp uint8

// The element-wise functions.
const (
	OpRelu UnaryOp = iota
	OpRelu6
	OpSigmoid
	OpTanh
	OpExp
	OpNeg
)

func (op UnaryOp) String() string {
	names := [...]string{"Relu", "Relu6", "Sigmoid", "Tanh", "Exp", "Neg"}
	if int(op) < len(names) {
		return names[op]
	}
	return fmt.Sprintf("UnaryOp(%d)", uint8(op))
}

// Unary applies op to every value of x and returns a new tensor.
func Unary(op UnaryOp, x *Tensor) *Tensor {
	out := &Tensor{Shape: append([]int(nil), x.Shape...), Data: make([]float32, len(x.Data))}
	unaryInto(op, out.Data, x.Data)
	return out
}

// UnaryInPlace applies op to every value of x, overwriting it.
func UnaryInPlace(op UnaryOp, x *Tensor) { unaryInto(op, x.Data, x.Data) }

func unaryInto(op UnaryOp, dst, src []float32) {
	dst = dst[:len(src)]
	switch op {
	case OpRelu:
		for i, v := range src {
			dst[i] = max(v, 0)
		}
	case OpRelu6:
		for i, v := range src {
			dst[i] = min(max(v, 0), 6)
		}
	case OpSigmoid:
		for i, v := range src {
			dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case OpTanh:
		for i, v := range src {
			dst[i] = float32(math.Tanh(float64(v)))
		}
	case OpExp:
		for i, v := range src {
			dst[i] = float32(math.Exp(float64(v)))
		}
	case OpNeg:
		for i, v := range src {
			dst[i] = -v
		}
	}
}

// Softmax returns exp(x)/sum(exp(x)) along the last axis of x, computed
// stably by subtracting each row's maximum first.
func Softmax(x *Tensor) (*Tensor, error) {
	if len(x.Shape) == 0 || x.Shape[len(x.Shape)-1] == 0 {
		return nil, fmt.Errorf("nn: softmax of shape %v", x.Shape)
	}
	out := x.Clone()
	c := x.Shape[len(x.Shape)-1]
	for r := 0; r+c <= len(out.Data); r += c {
		row := out.Data[r : r+c]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		sum := 0.0
		for i, v := range row {
			e := math.Exp(float64(v - m))
			row[i] = float32(e)
			sum += e
		}
		for i := range row {
			row[i] = float32(float64(row[i]) / sum)
		}
	}
	return out, nil
}
