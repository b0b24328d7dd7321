package tfjs

import (
	"math/rand/v2"
	"testing"

	"github.com/idproof/idproof/nn"
)

// FuzzLoad feeds mutated model.json text, with the weight shard of the
// all-ops test model, to Load, and runs whatever loads on a zero input: a
// malformed model must be an error, never a panic or a hang.
func FuzzLoad(f *testing.F) {
	nodes, weights, _ := allOps(rand.New(rand.NewPCG(5, 6)))
	good, bin := makeModel(nodes, weights)
	f.Add(good)
	f.Add([]byte(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder","attr":{"shape":{"shape":{"dim":[{"size":"1"},{"size":"2"}]}}}},{"name":"r","op":"Relu","input":["x"]}]},"weightsManifest":[]}`))
	f.Add([]byte(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder","attr":{"shape":{"shape":{"dim":[{"size":"-1"},{"size":"4"},{"size":"4"},{"size":"1"}]}}}},{"name":"p","op":"MaxPool","input":["x"],"attr":{"ksize":{"list":{"i":["1","2","2","1"]}},"strides":{"list":{"i":["1","2","2","1"]}},"padding":{"s":"U0FNRQ=="}}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data, func(string) ([]byte, error) { return bin, nil })
		if err != nil {
			return
		}
		in := make([]*nn.Tensor, len(m.Inputs))
		total := 0
		for i, p := range m.Inputs {
			shape := append([]int(nil), p.Shape...)
			for k, d := range shape {
				if d < 0 {
					shape[k] = 1
				}
			}
			n, err := nn.NumElements(shape)
			if err != nil {
				return
			}
			total += n
			if total > 1<<16 {
				return
			}
			in[i] = nn.New(shape...)
		}
		if m.largest > 1<<20 {
			return // valid, but too slow to run at fuzzing speed
		}
		_, _ = m.Run(in...)
	})
}
