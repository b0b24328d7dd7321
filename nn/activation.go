package nn

import "fmt"

// Activation is an element-wise function fused into the end of a layer.
type Activation uint8

// The activations the kernels can fuse.
const (
	Linear Activation = iota // identity
	ReLU                     // max(x, 0)
	ReLU6                    // min(max(x, 0), 6)
)

func (a Activation) apply(v float32) float32 {
	switch a {
	case ReLU:
		if v < 0 {
			return 0
		}
	case ReLU6:
		if v < 0 {
			return 0
		}
		if v > 6 {
			return 6
		}
	}
	return v
}

// String names the activation as TensorFlow does.
func (a Activation) String() string {
	switch a {
	case Linear:
		return "Linear"
	case ReLU:
		return "Relu"
	case ReLU6:
		return "Relu6"
	}
	return fmt.Sprintf("Activation(%d)", uint8(a))
}
