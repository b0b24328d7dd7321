package nn

import "fmt"

// Padding is how a sliding window (convolution or pooling) treats the
// borders, with TensorFlow's meaning.
type Padding uint8

const (
	// Valid uses only windows that lie wholly inside the input.
	Valid Padding = iota
	// Same pads so that the output has ceil(in/stride) positions, with the
	// odd pixel of padding, if any, at the bottom or right.
	Same
)

// String names the padding as TensorFlow does.
func (p Padding) String() string {
	switch p {
	case Valid:
		return "VALID"
	case Same:
		return "SAME"
	}
	return fmt.Sprintf("Padding(%d)", uint8(p))
}

// window returns the output size along one axis and the padding before the
// first input element, for an input of size in, a window of size k and a
// stride.
func window(in, k, stride int, p Padding) (out, before int, err error) {
	if k < 1 || stride < 1 {
		return 0, 0, fmt.Errorf("nn: window %d with stride %d", k, stride)
	}
	switch p {
	case Valid:
		if in < k {
			return 0, 0, fmt.Errorf("nn: input %d is smaller than window %d", in, k)
		}
		return (in-k)/stride + 1, 0, nil
	case Same:
		out = (in + stride - 1) / stride
		total := max((out-1)*stride+k-in, 0)
		return out, total / 2, nil
	}
	return 0, 0, fmt.Errorf("nn: unknown padding %v", p)
}
