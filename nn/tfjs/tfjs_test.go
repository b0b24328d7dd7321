package tfjs

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/idproof/idproof/nn"
)

// Test models are built here as model.json text plus one weight shard.

type tnode struct {
	name, op string
	in       []string
	attr     map[string]any
}

type tweight struct {
	name  string
	shape []int
	f     []float32
	i     []int32
}

func attrS(s string) any { return map[string]string{"s": base64.StdEncoding.EncodeToString([]byte(s))} }
func attrInts(v ...int) any {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return map[string]any{"list": map[string]any{"i": s}}
}
func attrStrs(v ...string) any {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = base64.StdEncoding.EncodeToString([]byte(x))
	}
	return map[string]any{"list": map[string]any{"s": s}}
}
func attrShp(dims ...int) any {
	d := make([]map[string]string, len(dims))
	for i, x := range dims {
		d[i] = map[string]string{"size": fmt.Sprint(x)}
	}
	return map[string]any{"shape": map[string]any{"dim": d}}
}

// makeModel returns the model.json and its shard "w.bin".
func makeModel(nodes []tnode, weights []tweight) ([]byte, []byte) {
	var bin []byte
	var specs []map[string]any
	for _, w := range weights {
		dtype := "float32"
		if w.i != nil {
			dtype = "int32"
			for _, v := range w.i {
				bin = binary.LittleEndian.AppendUint32(bin, uint32(v))
			}
		} else {
			for _, v := range w.f {
				bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(v))
			}
		}
		specs = append(specs, map[string]any{"name": w.name, "shape": w.shape, "dtype": dtype})
	}
	var ns []map[string]any
	for _, w := range weights {
		ns = append(ns, map[string]any{"name": w.name, "op": "Const", "attr": map[string]any{}})
	}
	for _, n := range nodes {
		ns = append(ns, map[string]any{"name": n.name, "op": n.op, "input": n.in, "attr": n.attr})
	}
	j, _ := json.Marshal(map[string]any{
		"format":          "graph-model",
		"modelTopology":   map[string]any{"node": ns},
		"weightsManifest": []any{map[string]any{"paths": []string{"w.bin"}, "weights": specs}},
	})
	return j, bin
}

func load(t *testing.T, j, bin []byte) (*Model, error) {
	t.Helper()
	return Load(j, func(name string) ([]byte, error) {
		if name != "w.bin" {
			return nil, fmt.Errorf("no file %q", name)
		}
		return bin, nil
	})
}

func randT(r *rand.Rand, shape ...int) *nn.Tensor {
	t := nn.New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

// allOps is a small network that uses every supported op, with the nn
// calls it should amount to.
func allOps(r *rand.Rand) (nodes []tnode, weights []tweight, want func(x *nn.Tensor) []*nn.Tensor) {
	f1, b1 := randT(r, 3, 3, 3, 4), randT(r, 4)
	dw := randT(r, 3, 3, 4, 1)
	scale := randT(r, 4)
	fc, fb := randT(r, 4*4*8, 3), randT(r, 3)
	weights = []tweight{
		{name: "f1", shape: f1.Shape, f: f1.Data}, {name: "b1", shape: b1.Shape, f: b1.Data},
		{name: "dw", shape: dw.Shape, f: dw.Data}, {name: "scale", shape: scale.Shape, f: scale.Data},
		{name: "pads", shape: []int{4, 2}, i: []int32{0, 0, 0, 0, 0, 0, 0, 4}},
		{name: "flat", shape: []int{2}, i: []int32{-1, 4 * 4 * 8}},
		{name: "fc", shape: fc.Shape, f: fc.Data}, {name: "fb", shape: fb.Shape, f: fb.Data},
	}
	conv := map[string]any{"strides": attrInts(1, 1, 1, 1), "padding": attrS("SAME"), "fused_ops": attrStrs("BiasAdd", "Relu"), "num_args": map[string]string{"i": "1"}, "data_format": attrS("NHWC"), "dilations": attrInts(1, 1, 1, 1), "T": map[string]string{"type": "DT_FLOAT"}}
	nodes = []tnode{
		{"x", "Placeholder", nil, map[string]any{"shape": attrShp(-1, 8, 8, 3), "dtype": map[string]string{"type": "DT_FLOAT"}}},
		{"c1", "_FusedConv2D", []string{"x", "f1", "b1"}, conv},
		{"d1", "DepthwiseConv2dNative", []string{"c1", "dw"}, map[string]any{"strides": attrInts(1, 1, 1, 1), "padding": attrS("SAME")}},
		{"a1", "AddV2", []string{"d1", "c1"}, nil},
		{"m1", "Mul", []string{"a1", "scale"}, nil},
		{"r1", "Relu", []string{"m1"}, nil},
		{"p1", "MaxPool", []string{"r1"}, map[string]any{"ksize": attrInts(1, 2, 2, 1), "strides": attrInts(1, 2, 2, 1), "padding": attrS("VALID")}},
		{"pad", "Pad", []string{"p1", "pads"}, nil},
		{"a2", "Add", []string{"pad", "pad"}, nil},
		{"flat1", "Reshape", []string{"a2", "flat"}, nil},
		{"mm", "_FusedMatMul", []string{"flat1", "fc", "fb"}, map[string]any{"fused_ops": attrStrs("BiasAdd"), "transpose_a": map[string]bool{"b": false}}},
		{"sm", "Softmax", []string{"mm"}, nil},
		{"Identity", "Identity", []string{"sm"}, nil},
		{"sg", "Sigmoid", []string{"mm", "^r1"}, nil},
	}
	want = func(x *nn.Tensor) []*nn.Tensor {
		must := func(t *nn.Tensor, err error) *nn.Tensor {
			if err != nil {
				panic(err)
			}
			return t
		}
		c, _ := nn.NewConv2D(f1, b1.Data, 1, 1, nn.Same, nn.ReLU)
		c1 := must(c.Forward(x))
		d, _ := nn.NewDepthwiseConv2D(dw, nil, 1, 1, nn.Same, nn.Linear)
		a1 := must(nn.Binary(nn.OpAdd, must(d.Forward(c1)), c1))
		r1 := nn.Unary(nn.OpRelu, must(nn.Binary(nn.OpMul, a1, scale)))
		p1 := must(nn.MaxPool(r1, 2, 2, 2, 2, nn.Valid))
		pad := must(nn.Pad(p1, [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, 4}}, 0))
		flat := must(must(nn.Binary(nn.OpAdd, pad, pad)).Reshape(-1, 4*4*8))
		dn, _ := nn.NewDense(fc, fb.Data, nn.Linear)
		mm := must(dn.Forward(flat))
		return []*nn.Tensor{must(nn.Softmax(mm)), nn.Unary(nn.OpSigmoid, mm)}
	}
	return nodes, weights, want
}

func TestRunAllOps(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	nodes, weights, want := allOps(r)
	j, bin := makeModel(nodes, weights)
	m, err := load(t, j, bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Inputs) != 1 || m.Inputs[0].Name != "x" || !nn.SameShape(m.Inputs[0].Shape, []int{-1, 8, 8, 3}) {
		t.Fatalf("inputs %+v", m.Inputs)
	}
	if len(m.Outputs) != 2 || m.Outputs[0].Name != "Identity" || m.Outputs[1].Name != "sg" || m.Output("sg") != 1 {
		t.Fatalf("outputs %+v", m.Outputs)
	}
	for _, batch := range []int{1, 3} {
		x := randT(r, batch, 8, 8, 3)
		before := x.Clone()
		got, err := m.Run(x)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want(x) {
			if !nn.SameShape(got[i].Shape, w.Shape) {
				t.Fatalf("output %d shape %v, want %v", i, got[i].Shape, w.Shape)
			}
			if d := nn.MaxAbsDiff(got[i].Data, w.Data); d > 1e-5 {
				t.Errorf("batch %d output %d: max abs error %g", batch, i, d)
			}
		}
		if nn.MaxAbsDiff(x.Data, before.Data) != 0 {
			t.Error("Run modified its input")
		}
	}
	// Running again gives the same result: nothing in place touched the
	// model's constants.
	x := randT(r, 1, 8, 8, 3)
	a, _ := m.Run(x)
	b, _ := m.Run(x)
	if nn.MaxAbsDiff(a[0].Data, b[0].Data) != 0 {
		t.Error("second run differs")
	}
	for name, bad := range map[string][]*nn.Tensor{
		"shape":  {nn.New(1, 8, 7, 3)},
		"rank":   {nn.New(8, 8, 3)},
		"count":  {nil, nil},
		"nil":    {nil},
		"nodata": {{Shape: []int{1, 8, 8, 3}}},
	} {
		if _, err := m.Run(bad...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLoadErrors edits the all-ops model into malformed ones; each must be
// refused at load with an error that says why.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	nodes, weights, _ := allOps(rand.New(rand.NewPCG(3, 4)))
	edit := func(f func(n []tnode, w []tweight) ([]tnode, []tweight)) ([]byte, []byte) {
		n := append([]tnode(nil), nodes...)
		w := append([]tweight(nil), weights...)
		for i := range n {
			a := map[string]any{}
			for k, v := range n[i].attr {
				a[k] = v
			}
			n[i].attr = a
			n[i].in = append([]string(nil), n[i].in...)
		}
		return makeModel(f(n, w))
	}
	find := func(n []tnode, name string) *tnode {
		for i := range n {
			if n[i].name == name {
				return &n[i]
			}
		}
		panic(name)
	}
	good, bin := makeModel(nodes, weights)
	tests := []struct {
		name, want string
		json, bin  []byte
	}{
		{"not json", "model.json", []byte("{"), bin},
		{"no graph", "no graph", []byte(`{"format":"graph-model","modelTopology":{"node":[]}}`), bin},
		{"layers model", "not a graph model", []byte(`{"format":"layers-model"}`), bin},
		{"short shard", "ends early", good, bin[:len(bin)-4]},
		{"long shard", "bytes of data", good, append(append([]byte{}, bin...), 0, 0, 0, 0)},
		{"bad shard path", "bad shard path", []byte(strings.Replace(string(good), `"w.bin"`, `"../w.bin"`, 1)), bin},
		{"unknown op", "op Erf is not supported", nil, nil},
		{"dilations", "dilations", nil, nil},
		{"explicit padding", "padding \"EXPLICIT\"", nil, nil},
		{"NCHW", "data format NCHW", nil, nil},
		{"fused batch norm", "fused ops", nil, nil},
		{"dangling input", "unknown node", nil, nil},
		{"cycle", "cycle", nil, nil},
		{"second output", "only single-output", nil, nil},
		{"filter not constant", "must be a constant", nil, nil},
		{"channel mismatch", "channels", nil, nil},
		{"reshape mismatch", "cannot reshape", nil, nil},
		{"int as data", "int32 constant", nil, nil},
		{"missing weight", "has no weight", nil, nil},
		{"duplicate node", "two nodes", nil, nil},
		{"transpose", "transpose_b", nil, nil},
		{"inputs count", "takes 2 inputs", nil, nil},
		{"no placeholder", "no placeholder", []byte(`{"modelTopology":{"node":[{"name":"b","op":"Const"},{"name":"r","op":"Relu","input":["b"]}]},
			"weightsManifest":[{"paths":["w.bin"],"weights":[{"name":"b","shape":[1],"dtype":"float32"}]}]}`), []byte{0, 0, 0, 0}},
		{"double type", "type DT_DOUBLE", nil, nil},
		{"negative dim", "negative dimension", nil, nil},
	}
	edits := map[string]func(n []tnode, w []tweight) ([]tnode, []tweight){
		"unknown op": func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "r1").op = "Erf"; return n, w },
		"dilations": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "c1").attr["dilations"] = attrInts(1, 2, 2, 1)
			return n, w
		},
		"explicit padding": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "d1").attr["padding"] = attrS("EXPLICIT")
			return n, w
		},
		"NCHW": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "c1").attr["data_format"] = attrS("NCHW")
			return n, w
		},
		"fused batch norm": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "c1").attr["fused_ops"] = attrStrs("FusedBatchNorm", "Relu")
			return n, w
		},
		"dangling input": func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "r1").in = []string{"nowhere"}; return n, w },
		"cycle":          func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "c1").in[0] = "r1"; return n, w },
		"second output":  func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "r1").in = []string{"m1:1"}; return n, w },
		"filter not constant": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "d1").in = []string{"c1", "c1"}
			return n, w
		},
		"channel mismatch": func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "d1").in[0] = "x"; return n, w },
		"reshape mismatch": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			w[5] = tweight{name: "flat", shape: []int{2}, i: []int32{7, -1}}
			return n, w
		},
		"int as data": func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "m1").in[1] = "pads"; return n, w },
		"missing weight": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			return append(n, tnode{"lost", "Const", nil, nil}), w
		},
		"duplicate node": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			return append(n, tnode{"r1", "Relu", []string{"m1"}, nil}), w
		},
		"transpose": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "mm").attr["transpose_b"] = map[string]bool{"b": true}
			return n, w
		},
		"inputs count": func(n []tnode, w []tweight) ([]tnode, []tweight) { find(n, "a1").in = []string{"d1"}; return n, w },
		"double type": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			find(n, "r1").attr = map[string]any{"T": map[string]string{"type": "DT_DOUBLE"}}
			return n, w
		},
		"negative dim": func(n []tnode, w []tweight) ([]tnode, []tweight) {
			w[1] = tweight{name: "b1", shape: []int{-4}, f: nil}
			return n, w
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, b := tc.json, tc.bin
			if j == nil {
				j, b = edit(edits[tc.name])
			}
			_, err := load(t, j, b)
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestDecodeQuantized(t *testing.T) {
	t.Parallel()
	scale, minV := 0.5, -1.25
	groups := []WeightGroup{{Paths: []string{"a.bin", "b.bin"}, Weights: []WeightSpec{
		{Name: "u8", Shape: []int{3}, Dtype: "float32", Quantization: &Quantization{Dtype: "uint8", Scale: &scale, Min: &minV}},
		{Name: "u16", Shape: []int{2}, Dtype: "float32", Quantization: &Quantization{Dtype: "uint16", Scale: &scale, Min: &minV}},
		{Name: "f16", Shape: []int{8}, Dtype: "float32", Quantization: &Quantization{Dtype: "float16"}},
		{Name: "i32", Shape: []int{1}, Dtype: "int32"},
	}}}
	var data []byte
	data = append(data, 0, 1, 255)
	data = binary.LittleEndian.AppendUint16(data, 0)
	data = binary.LittleEndian.AppendUint16(data, 1000)
	// 1, -2, 65504 (largest), 2^-24 (smallest subnormal), -0, +Inf, 0.333, NaN.
	for _, h := range []uint16{0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555, 0x7e00} {
		data = binary.LittleEndian.AppendUint16(data, h)
	}
	data = binary.LittleEndian.AppendUint32(data, uint32(0xffffff85)) // -123
	w, err := DecodeWeights(groups, func(name string) ([]byte, error) {
		// The group's data is split over two shards.
		if name == "a.bin" {
			return data[:4], nil
		}
		return data[4:], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := w["u8"].Float; got[0] != -1.25 || got[1] != -0.75 || got[2] != 126.25 {
		t.Errorf("uint8: %v", got)
	}
	if got := w["u16"].Float; got[0] != -1.25 || got[1] != 498.75 {
		t.Errorf("uint16: %v", got)
	}
	f16 := w["f16"].Float
	want := []float32{1, -2, 65504, float32(math.Ldexp(1, -24)), float32(math.Copysign(0, -1)), float32(math.Inf(1)), 0.33325195}
	for i, v := range want {
		if f16[i] != v || math.Signbit(float64(f16[i])) != math.Signbit(float64(v)) {
			t.Errorf("float16 %d: %v, want %v", i, f16[i], v)
		}
	}
	if !math.IsNaN(float64(f16[7])) {
		t.Errorf("float16 NaN: %v", f16[7])
	}
	if w["i32"].Int[0] != -123 {
		t.Errorf("int32: %v", w["i32"].Int)
	}
	if _, err := w["i32"].Tensor(); err == nil {
		t.Error("int32 weight converted to float32")
	}
	groups[0].Weights[0].Quantization.Dtype = "int4"
	if _, err := DecodeWeights(groups, func(string) ([]byte, error) { return data, nil }); err == nil {
		t.Error("unknown quantization accepted")
	}
	if _, err := ParseManifest([]byte(`{"paths":1}`)); err == nil {
		t.Error("bad manifest accepted")
	}
}

// TestConcurrentRuns runs one model from several goroutines (run the tests
// with -race): a Model has no mutable state of its own.
func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	nodes, weights, want := allOps(r)
	j, bin := makeModel(nodes, weights)
	m, err := load(t, j, bin)
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]*nn.Tensor, 4)
	for i := range xs {
		xs[i] = randT(r, 2, 8, 8, 3)
	}
	errs := make(chan error, len(xs))
	for _, x := range xs {
		go func() {
			for range 5 {
				got, err := m.Run(x)
				if err != nil {
					errs <- err
					return
				}
				if d := nn.MaxAbsDiff(got[0].Data, want(x)[0].Data); d > 1e-5 {
					errs <- fmt.Errorf("max abs error %g", d)
					return
				}
			}
			errs <- nil
		}()
	}
	for range xs {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
