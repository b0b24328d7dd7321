package tfjs

import (
	"fmt"
	"slices"

	"github.com/idproof/idproof/nn"
)

// newOp builds the implementation of a node. Constant operands (filters,
// biases, shapes, paddings) are bound into the op; the returned slice lists
// the value slots the op reads when it runs.
func newOp(name string, a attrs, in []int, defs []nodeDef, weights map[string]*Weight) (op, []int, error) {
	if t, err := a.dtype("T"); err != nil || (t != "" && t != "DT_FLOAT") {
		if err == nil {
			err = fmt.Errorf("tfjs: node %q: type %s is not supported", a.node, t)
		}
		return nil, nil, err
	}
	want := map[string]int{
		"Identity": 1, "Relu": 1, "Sigmoid": 1, "Softmax": 1, "MaxPool": 1,
		"Add": 2, "AddV2": 2, "Mul": 2, "Pad": 2, "Reshape": 2, "DepthwiseConv2dNative": 2,
		"_FusedConv2D": 3, "_FusedMatMul": 3,
	}
	n, known := want[name]
	if !known {
		return nil, nil, fmt.Errorf("tfjs: node %q: op %s is not supported", a.node, name)
	}
	if len(in) != n {
		return nil, nil, fmt.Errorf("tfjs: node %q: %s takes %d inputs, has %d", a.node, name, n, len(in))
	}
	// constant returns input k as a decoded constant.
	constant := func(k int) (*Weight, error) {
		d := defs[in[k]]
		w, ok := weights[d.Name]
		if d.Op != "Const" || !ok {
			return nil, fmt.Errorf("tfjs: node %q: input %d (%q) must be a constant", a.node, k, d.Name)
		}
		return w, nil
	}
	floatConst := func(k int) (*nn.Tensor, error) {
		w, err := constant(k)
		if err != nil {
			return nil, err
		}
		if w.Float == nil {
			return nil, fmt.Errorf("tfjs: node %q: input %d must be float32", a.node, k)
		}
		return w.Tensor()
	}
	intConst := func(k int) (*Weight, error) {
		w, err := constant(k)
		if err == nil && w.Int == nil {
			err = fmt.Errorf("tfjs: node %q: input %d must be int32", a.node, k)
		}
		return w, err
	}

	switch name {
	case "Identity":
		return identityOp{}, in, nil
	case "Relu":
		return unaryOp{nn.OpRelu}, in, nil
	case "Sigmoid":
		return unaryOp{nn.OpSigmoid}, in, nil
	case "Softmax":
		return softmaxOp{}, in, nil
	case "Add", "AddV2":
		return binaryOp{nn.OpAdd}, in, nil
	case "Mul":
		return binaryOp{nn.OpMul}, in, nil
	case "MaxPool":
		if err := checkNHWC(a); err != nil {
			return nil, nil, err
		}
		k, err := window4(a, "ksize")
		if err != nil {
			return nil, nil, err
		}
		s, err := window4(a, "strides")
		if err != nil {
			return nil, nil, err
		}
		pad, err := padding(a)
		if err != nil {
			return nil, nil, err
		}
		return &maxPoolOp{kh: k[0], kw: k[1], sh: s[0], sw: s[1], pad: pad}, in, nil
	case "Pad":
		w, err := intConst(1)
		if err != nil {
			return nil, nil, err
		}
		if len(w.Shape) != 2 || w.Shape[1] != 2 {
			return nil, nil, fmt.Errorf("tfjs: node %q: paddings of shape %v", a.node, w.Shape)
		}
		pads := make([][2]int, w.Shape[0])
		for i := range pads {
			pads[i] = [2]int{int(w.Int[2*i]), int(w.Int[2*i+1])}
		}
		return &padOp{pads: pads}, in[:1], nil
	case "Reshape":
		w, err := intConst(1)
		if err != nil {
			return nil, nil, err
		}
		if len(w.Shape) != 1 {
			return nil, nil, fmt.Errorf("tfjs: node %q: shape operand of shape %v", a.node, w.Shape)
		}
		shape := make([]int, len(w.Int))
		for i, v := range w.Int {
			shape[i] = int(v)
		}
		return &reshapeOp{to: shape}, in[:1], nil
	case "DepthwiseConv2dNative":
		if err := checkConvAttrs(a); err != nil {
			return nil, nil, err
		}
		f, err := floatConst(1)
		if err != nil {
			return nil, nil, err
		}
		s, pad, err := stridesPadding(a)
		if err != nil {
			return nil, nil, err
		}
		d, err := nn.NewDepthwiseConv2D(f, nil, s[0], s[1], pad, nn.Linear)
		if err != nil {
			return nil, nil, fmt.Errorf("tfjs: node %q: %w", a.node, err)
		}
		return &depthwiseOp{d}, in[:1], nil
	case "_FusedConv2D":
		if err := checkConvAttrs(a); err != nil {
			return nil, nil, err
		}
		act, err := fusedOps(a)
		if err != nil {
			return nil, nil, err
		}
		f, err := floatConst(1)
		if err != nil {
			return nil, nil, err
		}
		b, err := floatConst(2)
		if err != nil {
			return nil, nil, err
		}
		s, pad, err := stridesPadding(a)
		if err != nil {
			return nil, nil, err
		}
		c, err := nn.NewConv2D(f, b.Data, s[0], s[1], pad, act)
		if err != nil {
			return nil, nil, fmt.Errorf("tfjs: node %q: %w", a.node, err)
		}
		return &convOp{c}, in[:1], nil
	case "_FusedMatMul":
		for _, key := range []string{"transpose_a", "transpose_b"} {
			if t, err := a.boolean(key); err != nil || t {
				if err == nil {
					err = fmt.Errorf("tfjs: node %q: %s is not supported", a.node, key)
				}
				return nil, nil, err
			}
		}
		act, err := fusedOps(a)
		if err != nil {
			return nil, nil, err
		}
		w, err := floatConst(1)
		if err != nil {
			return nil, nil, err
		}
		b, err := floatConst(2)
		if err != nil {
			return nil, nil, err
		}
		d, err := nn.NewDense(w, b.Data, act)
		if err != nil {
			return nil, nil, fmt.Errorf("tfjs: node %q: %w", a.node, err)
		}
		return &denseOp{d}, in[:1], nil
	}
	return nil, nil, fmt.Errorf("tfjs: node %q: op %s is not supported", a.node, name)
}

// fusedOps reads a fused op's list, which must be a BiasAdd with one
// argument, optionally followed by Relu.
func fusedOps(a attrs) (nn.Activation, error) {
	ops, err := a.strs("fused_ops")
	if err != nil {
		return 0, err
	}
	if n, _ := a.get("num_args"); n != nil && n.I != nil && *n.I != 1 {
		return 0, fmt.Errorf("tfjs: node %q: fused op with %d arguments", a.node, *n.I)
	}
	switch {
	case slices.Equal(ops, []string{"BiasAdd"}):
		return nn.Linear, nil
	case slices.Equal(ops, []string{"BiasAdd", "Relu"}):
		return nn.ReLU, nil
	}
	return 0, fmt.Errorf("tfjs: node %q: fused ops %q are not supported", a.node, ops)
}

func checkNHWC(a attrs) error {
	f, err := a.str("data_format", "NHWC")
	if err == nil && f != "NHWC" {
		err = fmt.Errorf("tfjs: node %q: data format %s is not supported", a.node, f)
	}
	return err
}

// checkConvAttrs refuses layouts and dilations the kernels do not handle.
func checkConvAttrs(a attrs) error {
	if err := checkNHWC(a); err != nil {
		return err
	}
	d, err := a.ints("dilations")
	if err != nil {
		return err
	}
	for _, v := range d {
		if v != 1 {
			return fmt.Errorf("tfjs: node %q: dilations %v are not supported", a.node, d)
		}
	}
	return nil
}

// window4 reads an NHWC window attribute [1, h, w, 1].
func window4(a attrs, key string) ([2]int, error) {
	v, err := a.ints(key)
	if err != nil {
		return [2]int{}, err
	}
	if len(v) != 4 || v[0] != 1 || v[3] != 1 || v[1] < 1 || v[2] < 1 {
		return [2]int{}, fmt.Errorf("tfjs: node %q: %s %v is not supported", a.node, key, v)
	}
	return [2]int{v[1], v[2]}, nil
}

func padding(a attrs) (nn.Padding, error) {
	p, err := a.str("padding", "")
	if err != nil {
		return 0, err
	}
	switch p {
	case "SAME":
		return nn.Same, nil
	case "VALID":
		return nn.Valid, nil
	}
	return 0, fmt.Errorf("tfjs: node %q: padding %q is not supported", a.node, p)
}

func stridesPadding(a attrs) ([2]int, nn.Padding, error) {
	s, err := window4(a, "strides")
	if err != nil {
		return s, 0, err
	}
	p, err := padding(a)
	return s, p, err
}

// The op implementations.

type identityOp struct{}

func (identityOp) shape(in [][]int) ([]int, error) { return in[0], nil }
func (identityOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) {
	return in[0], nil
}

type unaryOp struct{ f nn.UnaryOp }

func (unaryOp) canInPlace()                     {}
func (unaryOp) shape(in [][]int) ([]int, error) { return in[0], nil }
func (o unaryOp) run(in []*nn.Tensor, inPlace int) (*nn.Tensor, error) {
	if inPlace == 0 {
		nn.UnaryInPlace(o.f, in[0])
		return in[0], nil
	}
	return nn.Unary(o.f, in[0]), nil
}

type softmaxOp struct{}

func (softmaxOp) shape(in [][]int) ([]int, error) {
	if len(in[0]) == 0 {
		return nil, fmt.Errorf("softmax of a scalar")
	}
	return in[0], nil
}
func (softmaxOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) { return nn.Softmax(in[0]) }

type binaryOp struct{ f nn.BinaryOp }

func (binaryOp) canInPlace() {}
func (binaryOp) shape(in [][]int) ([]int, error) {
	return nn.BroadcastShape(in[0], in[1])
}
func (o binaryOp) run(in []*nn.Tensor, inPlace int) (*nn.Tensor, error) {
	switch {
	case inPlace == 0:
		if err := nn.BinaryInPlace(o.f, in[0], in[1]); err == nil {
			return in[0], nil
		}
	case inPlace == 1 && o.f != nn.OpSub && o.f != nn.OpDiv:
		// Add and Mul commute, so the second operand can take the result.
		if err := nn.BinaryInPlace(o.f, in[1], in[0]); err == nil {
			return in[1], nil
		}
	}
	return nn.Binary(o.f, in[0], in[1])
}

type maxPoolOp struct {
	kh, kw, sh, sw int
	pad            nn.Padding
}

func (o *maxPoolOp) shape(in [][]int) ([]int, error) {
	return nn.PoolShape(in[0], o.kh, o.kw, o.sh, o.sw, o.pad)
}
func (o *maxPoolOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) {
	return nn.MaxPool(in[0], o.kh, o.kw, o.sh, o.sw, o.pad)
}

type padOp struct{ pads [][2]int }

func (o *padOp) shape(in [][]int) ([]int, error) {
	if len(o.pads) != len(in[0]) {
		return nil, fmt.Errorf("%d paddings for rank %d", len(o.pads), len(in[0]))
	}
	out := make([]int, len(in[0]))
	for i, p := range o.pads {
		if p[0] < 0 || p[1] < 0 || p[0] > 1<<20 || p[1] > 1<<20 {
			return nil, fmt.Errorf("bad paddings %v", o.pads)
		}
		out[i] = in[0][i] + p[0] + p[1]
	}
	return out, nil
}
func (o *padOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) { return nn.Pad(in[0], o.pads, 0) }

type reshapeOp struct{ to []int }

func (o *reshapeOp) shape(in [][]int) ([]int, error) {
	n, err := nn.NumElements(in[0])
	if err != nil {
		return nil, err
	}
	s, err := nn.ResolveShape(n, o.to)
	if err != nil {
		return nil, fmt.Errorf("cannot reshape %v into %v: %w", in[0], o.to, err)
	}
	return s, nil
}

func (o *reshapeOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) {
	return in[0].Reshape(o.to...)
}

type convOp struct{ c *nn.Conv2D }

func (o *convOp) shape(in [][]int) ([]int, error)                { return o.c.OutputShape(in[0]) }
func (o *convOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) { return o.c.Forward(in[0]) }

type depthwiseOp struct{ d *nn.DepthwiseConv2D }

func (o *depthwiseOp) shape(in [][]int) ([]int, error)                { return o.d.OutputShape(in[0]) }
func (o *depthwiseOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) { return o.d.Forward(in[0]) }

type denseOp struct{ d *nn.Dense }

func (o *denseOp) shape(in [][]int) ([]int, error) {
	if len(in[0]) != 2 || in[0][1] != o.d.In {
		return nil, fmt.Errorf("matmul of %v by [%d %d]", in[0], o.d.In, o.d.Out)
	}
	return []int{in[0][0], o.d.Out}, nil
}
func (o *denseOp) run(in []*nn.Tensor, _ int) (*nn.Tensor, error) { return o.d.Forward(in[0]) }
