package tfjs

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/idproof/idproof/nn"
)

// Port names a model input or output and gives its shape; -1 marks a
// dimension (the batch) that may vary between runs.
type Port struct {
	Name  string
	Shape []int
}

// Model is a loaded graph model. It is immutable after loading and safe for
// concurrent use.
type Model struct {
	// Inputs are the model's placeholders in graph order; Run takes its
	// arguments in this order.
	Inputs []Port
	// Outputs are the model's results, the nodes nothing else consumes,
	// sorted by name; Run returns them in this order. Shapes are those
	// inferred for a batch of one.
	Outputs []Port

	nodes  []*node // computing nodes, in execution order
	consts []*node // float32 constants, whose values are fixed
	values int     // number of value slots
	inputs []int   // value slot of each input
	output []int   // value slot of each output

	largest int // values in the largest tensor of a batch-of-one run
}

// node is one executable step: an op applied to value slots.
type node struct {
	name    string
	opName  string
	impl    op
	in      []int // value slots read
	out     int   // value slot written
	inPlace int   // index into in of a value this node may overwrite, or -1
	release []int // value slots no longer needed after this node
	konst   *nn.Tensor
	isInput bool
}

// op is an implemented TensorFlow op with its attributes and constant
// operands bound.
type op interface {
	// shape returns the output shape for the given input shapes.
	shape(in [][]int) ([]int, error)
	// run computes the output; when inPlace >= 0 it may overwrite in[inPlace].
	run(in []*nn.Tensor, inPlace int) (*nn.Tensor, error)
}

// LoadFS loads the model whose model.json is at name in fsys, reading the
// weight shards from the same folder.
func LoadFS(fsys fs.FS, name string) (*Model, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(name)
	return Load(data, func(shard string) ([]byte, error) {
		return fs.ReadFile(fsys, path.Join(dir, shard))
	})
}

// Load parses a model.json and reads its weight shards with read.
func Load(modelJSON []byte, read ReadFunc) (*Model, error) {
	mf, err := parseModel(modelJSON)
	if err != nil {
		return nil, err
	}
	weights, err := DecodeWeights(mf.WeightsManifest, read)
	if err != nil {
		return nil, err
	}
	return build(mf, weights)
}

// parseModel decodes model.json and checks its overall form.
func parseModel(data []byte) (*modelFile, error) {
	var mf modelFile
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("tfjs: model.json: %w", err)
	}
	if mf.Format != "" && mf.Format != "graph-model" {
		return nil, fmt.Errorf("tfjs: model format %q is not a graph model", mf.Format)
	}
	if mf.ModelTopology == nil || len(mf.ModelTopology.Node) == 0 {
		return nil, fmt.Errorf("tfjs: model.json has no graph")
	}
	if len(mf.ModelTopology.Node) > maxNodes {
		return nil, fmt.Errorf("tfjs: graph has over %d nodes", maxNodes)
	}
	return &mf, nil
}

// build turns the parsed graph and its weights into an executable model.
func build(mf *modelFile, weights map[string]*Weight) (*Model, error) {
	defs := mf.ModelTopology.Node
	index := make(map[string]int, len(defs))
	for i, d := range defs {
		if d.Name == "" {
			return nil, fmt.Errorf("tfjs: node %d has no name", i)
		}
		if _, dup := index[d.Name]; dup {
			return nil, fmt.Errorf("tfjs: two nodes named %q", d.Name)
		}
		index[d.Name] = i
	}
	// Resolve inputs to node indices; control dependencies ("^name") order
	// nothing here since no op has side effects.
	inputs := make([][]int, len(defs))
	for i, d := range defs {
		for _, s := range d.Input {
			if strings.HasPrefix(s, "^") {
				continue
			}
			name, port, found := strings.Cut(s, ":")
			if found && port != "0" {
				return nil, fmt.Errorf("tfjs: node %q reads output %s of %q; only single-output ops are supported", d.Name, port, name)
			}
			j, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("tfjs: node %q reads unknown node %q", d.Name, name)
			}
			inputs[i] = append(inputs[i], j)
		}
	}
	order, err := topoOrder(defs, inputs)
	if err != nil {
		return nil, err
	}

	consumers := make([]int, len(defs))
	for i := range defs {
		for _, j := range inputs[i] {
			consumers[j]++
		}
	}
	m := &Model{values: len(defs)}
	largest := 0
	nodes := make([]*node, len(defs))
	shapes := make([][]int, len(defs))
	for _, i := range order {
		d := defs[i]
		n := &node{name: d.Name, opName: d.Op, out: i, in: inputs[i], inPlace: -1}
		nodes[i] = n
		a := attrs{node: d.Name, raw: d.Attr}
		switch d.Op {
		case "Const":
			w, ok := weights[d.Name]
			if !ok {
				return nil, fmt.Errorf("tfjs: constant %q has no weight", d.Name)
			}
			if w.Float != nil || w.Int == nil {
				n.konst, _ = w.Tensor()
			}
			shapes[i] = w.Shape
			continue
		case "Placeholder":
			shape, ok, err := a.shape("shape")
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("tfjs: placeholder %q has no fixed rank", d.Name)
			}
			if t, err := a.dtype("dtype"); err != nil || (t != "" && t != "DT_FLOAT") {
				return nil, fmt.Errorf("tfjs: placeholder %q is not float32", d.Name)
			}
			for k, v := range shape {
				if v < -1 || (v == -1 && k > 0) {
					return nil, fmt.Errorf("tfjs: placeholder %q: only the batch dimension may vary, shape %v", d.Name, shape)
				}
			}
			n.isInput = true
			m.Inputs = append(m.Inputs, Port{Name: d.Name, Shape: shape})
			m.inputs = append(m.inputs, i)
			s := slices.Clone(shape)
			if len(s) > 0 && s[0] == -1 {
				s[0] = 1
			}
			if _, err := nn.NumElements(s); err != nil {
				return nil, fmt.Errorf("tfjs: placeholder %q: %w", d.Name, err)
			}
			shapes[i] = s
			continue
		}
		impl, dyn, err := newOp(d.Op, a, n.in, defs, weights)
		if err != nil {
			return nil, err
		}
		n.impl, n.in = impl, dyn
		in := make([][]int, len(dyn))
		for k, j := range dyn {
			if nodes[j].konst == nil && !nodes[j].isInput && nodes[j].impl == nil {
				return nil, fmt.Errorf("tfjs: node %q reads int32 constant %q as data", d.Name, defs[j].Name)
			}
			in[k] = shapes[j]
		}
		if shapes[i], err = impl.shape(in); err != nil {
			return nil, fmt.Errorf("tfjs: node %q (%s): %w", d.Name, d.Op, err)
		}
		size, err := nn.NumElements(shapes[i])
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %q (%s): %w", d.Name, d.Op, err)
		}
		largest = max(largest, size)
	}
	if len(m.Inputs) == 0 {
		return nil, fmt.Errorf("tfjs: graph has no placeholder")
	}

	// Outputs: computed nodes that nothing reads.
	for _, i := range order {
		if consumers[i] == 0 && nodes[i].impl != nil {
			m.Outputs = append(m.Outputs, Port{Name: defs[i].Name, Shape: shapes[i]})
			m.output = append(m.output, i)
		}
	}
	if len(m.Outputs) == 0 {
		return nil, fmt.Errorf("tfjs: graph computes nothing")
	}
	perm := make([]int, len(m.Outputs))
	for k := range perm {
		perm[k] = k
	}
	slices.SortFunc(perm, func(x, y int) int { return strings.Compare(m.Outputs[x].Name, m.Outputs[y].Name) })
	outs, slots := make([]Port, len(perm)), make([]int, len(perm))
	for k, p := range perm {
		outs[k], slots[k] = m.Outputs[p], m.output[p]
	}
	m.Outputs, m.output = outs, slots

	m.largest = largest
	m.schedule(order, nodes)
	return m, nil
}

// schedule fixes the execution order, when each intermediate value can be
// dropped, and which nodes may overwrite an input they are the only reader
// of (values that are not shared, constant, inputs or outputs).
func (m *Model) schedule(order []int, nodes []*node) {
	isOutput := map[int]bool{}
	for _, o := range m.output {
		isOutput[o] = true
	}
	readers := map[int]int{}
	lastUse := map[int]int{}
	for pos, i := range order {
		n := nodes[i]
		if n.impl == nil {
			continue
		}
		for _, j := range n.in {
			readers[j]++
			lastUse[j] = pos
		}
	}
	for pos, i := range order {
		n := nodes[i]
		if n.impl == nil {
			continue
		}
		if _, ok := n.impl.(inPlacer); ok {
			for k, j := range n.in {
				src := nodes[j]
				if readers[j] == 1 && !isOutput[j] && src.impl != nil && ownsOutput(src.impl) {
					n.inPlace = k
					break
				}
			}
		}
		for _, j := range slices.Compact(slices.Sorted(slices.Values(n.in))) {
			if lastUse[j] == pos && !isOutput[j] && nodes[j].impl != nil {
				n.release = append(n.release, j)
			}
		}
		m.nodes = append(m.nodes, n)
	}
	for _, n := range nodes {
		if n.konst != nil {
			m.consts = append(m.consts, n)
		}
	}
}

// inPlacer marks ops that can write their result over an input.
type inPlacer interface{ canInPlace() }

// ownsOutput reports whether an op's result has a buffer of its own, as
// opposed to sharing its input's (Identity, Reshape).
func ownsOutput(o op) bool {
	switch o.(type) {
	case identityOp, *reshapeOp:
		return false
	}
	return true
}

// topoOrder returns node indices so that each comes after its inputs, or an
// error when the graph has a cycle.
func topoOrder(defs []nodeDef, inputs [][]int) ([]int, error) {
	pending := make([]int, len(defs))
	users := make([][]int, len(defs))
	for i := range defs {
		pending[i] = len(inputs[i])
		for _, j := range inputs[i] {
			users[j] = append(users[j], i)
		}
	}
	var order, ready []int
	for i := range defs {
		if pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		i := ready[0]
		ready = ready[1:]
		order = append(order, i)
		for _, u := range users[i] {
			pending[u]--
			if pending[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(order) != len(defs) {
		return nil, fmt.Errorf("tfjs: graph has a cycle")
	}
	return order, nil
}
