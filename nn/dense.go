package nn

import "fmt"

// Dense is a fully connected layer: x·W + bias, then an activation, for x of
// shape [batch, In]. It is safe for concurrent use.
type Dense struct {
	In, Out int
	Act     Activation

	bias   []float32
	packed []float32
}

// NewDense builds a fully connected layer from a weight matrix of shape
// [In, Out] (TensorFlow's MatMul layout) and an optional bias of Out values.
func NewDense(weights *Tensor, bias []float32, act Activation) (*Dense, error) {
	if weights == nil || len(weights.Shape) != 2 || weights.Shape[0] < 1 || weights.Shape[1] < 1 {
		return nil, fmt.Errorf("nn: dense weights must be a non-empty matrix")
	}
	in, out := weights.Shape[0], weights.Shape[1]
	if bias != nil && len(bias) != out {
		return nil, fmt.Errorf("nn: dense bias has %d values for %d outputs", len(bias), out)
	}
	return &Dense{In: in, Out: out, Act: act,
		bias:   append([]float32(nil), bias...),
		packed: packB(weights.Data, in, out),
	}, nil
}

// Forward returns the layer's output for x of shape [batch, In].
func (d *Dense) Forward(x *Tensor) (*Tensor, error) {
	if x == nil || len(x.Shape) != 2 || x.Shape[1] != d.In {
		var s []int
		if x != nil {
			s = x.Shape
		}
		return nil, fmt.Errorf("nn: dense layer wants [batch, %d], got %v", d.In, s)
	}
	m := x.Shape[0]
	out := New(m, d.Out)
	ep := epilogue{act: d.Act}
	if len(d.bias) > 0 {
		ep.bias = d.bias
	}
	gemm(m, d.Out, d.In, x.Data, d.In, d.packed, ep, out.Data, d.Out)
	return out, nil
}
