package tfjs

import (
	"fmt"

	"github.com/idproof/idproof/nn"
)

// Run executes the model on inputs given in the order of m.Inputs and
// returns the outputs in the order of m.Outputs. Each input must have its
// placeholder's shape, with any batch size where the batch may vary. The
// inputs are not modified; outputs are new tensors owned by the caller.
func (m *Model) Run(inputs ...*nn.Tensor) ([]*nn.Tensor, error) {
	if len(inputs) != len(m.Inputs) {
		return nil, fmt.Errorf("tfjs: model takes %d inputs, got %d", len(m.Inputs), len(inputs))
	}
	values := make([]*nn.Tensor, m.values)
	for _, c := range m.consts {
		values[c.out] = c.konst
	}
	for k, x := range inputs {
		p := m.Inputs[k]
		if x == nil || !fits(x.Shape, p.Shape) || len(x.Data) != count(x.Shape) {
			var s []int
			if x != nil {
				s = x.Shape
			}
			return nil, fmt.Errorf("tfjs: input %q wants shape %v, got %v", p.Name, p.Shape, s)
		}
		values[m.inputs[k]] = x
	}
	in := make([]*nn.Tensor, 0, 4)
	for _, n := range m.nodes {
		in = in[:0]
		for _, j := range n.in {
			in = append(in, values[j])
		}
		out, err := n.impl.run(in, n.inPlace)
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %q (%s): %w", n.name, n.opName, err)
		}
		values[n.out] = out
		for _, j := range n.release {
			values[j] = nil
		}
	}
	outs := make([]*nn.Tensor, len(m.output))
	for k, j := range m.output {
		outs[k] = values[j]
	}
	return outs, nil
}

// fits reports whether shape matches a placeholder's, where -1 matches any
// size.
func fits(shape, want []int) bool {
	if len(shape) != len(want) {
		return false
	}
	for i := range shape {
		if want[i] != -1 && shape[i] != want[i] {
			return false
		}
	}
	return true
}

func count(shape []int) int {
	n, err := nn.NumElements(shape)
	if err != nil {
		return -1
	}
	return n
}

// Output returns the index in m.Outputs of the output named name, or -1.
func (m *Model) Output(name string) int {
	for i, p := range m.Outputs {
		if p.Name == name {
			return i
		}
	}
	return -1
}
