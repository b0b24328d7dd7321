package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/idproof/idproof/nn"
)

// Limits on what a model file may ask for, so that a hostile file fails
// cleanly instead of exhausting memory.
const (
	maxNodes       = 100_000
	maxWeights     = 100_000
	maxShards      = 1_000
	maxWeightBytes = 1 << 30
)

// modelFile is the part of model.json this package reads.
type modelFile struct {
	Format          string          `json:"format"`
	ModelTopology   *graphDef       `json:"modelTopology"`
	WeightsManifest []WeightGroup   `json:"weightsManifest"`
	Signature       json.RawMessage `json:"signature"`
}

type graphDef struct {
	Node []nodeDef `json:"node"`
}

type nodeDef struct {
	Name  string                     `json:"name"`
	Op    string                     `json:"op"`
	Input []string                   `json:"input"`
	Attr  map[string]json.RawMessage `json:"attr"`
}

// WeightGroup is one entry of a weights manifest: shard files that, read in
// order and concatenated, hold the listed weights back to back.
type WeightGroup struct {
	Paths   []string     `json:"paths"`
	Weights []WeightSpec `json:"weights"`
}

// WeightSpec describes one weight in a manifest.
type WeightSpec struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *Quantization `json:"quantization"`
}

// Quantization says how a weight is stored when not as its own dtype.
type Quantization struct {
	Dtype         string   `json:"dtype"`
	Scale         *float64 `json:"scale"`
	Min           *float64 `json:"min"`
	OriginalDtype string   `json:"original_dtype"`
}

// Weight is a decoded weight: float32 values, or int32 values for int32
// weights (shapes and paddings in graph models).
type Weight struct {
	Shape []int
	Float []float32 // for dtype float32
	Int   []int32   // for dtype int32
}

// Tensor returns a float32 weight as an nn.Tensor sharing its values.
func (w *Weight) Tensor() (*nn.Tensor, error) {
	if w.Float == nil && w.Int != nil {
		return nil, fmt.Errorf("tfjs: int32 weight used as float32")
	}
	return nn.FromData(w.Float, w.Shape...)
}

// ParseManifest parses a standalone weights manifest (a JSON array of
// weight groups), the form that models defined in code are published in.
func ParseManifest(data []byte) ([]WeightGroup, error) {
	var groups []WeightGroup
	if err := json.Unmarshal(data, &groups); err != nil {
		return nil, fmt.Errorf("tfjs: weights manifest: %w", err)
	}
	return groups, nil
}

// ReadFunc returns the contents of a file named relative to the model.
type ReadFunc func(name string) ([]byte, error)

// DecodeWeights reads the shards of every group with read and decodes each
// weight. The shard data must be exactly as long as the weights it holds.
func DecodeWeights(groups []WeightGroup, read ReadFunc) (map[string]*Weight, error) {
	out := map[string]*Weight{}
	total, shards, count := 0, 0, 0
	for gi, g := range groups {
		shards += len(g.Paths)
		count += len(g.Weights)
		if shards > maxShards || count > maxWeights {
			return nil, fmt.Errorf("tfjs: too many shards or weights")
		}
		var data []byte
		for _, p := range g.Paths {
			if err := checkShardPath(p); err != nil {
				return nil, err
			}
			b, err := read(p)
			if err != nil {
				return nil, fmt.Errorf("tfjs: shard %q: %w", p, err)
			}
			total += len(b)
			if total > maxWeightBytes {
				return nil, fmt.Errorf("tfjs: weight data over %d bytes", maxWeightBytes)
			}
			data = append(data, b...)
		}
		off := 0
		for _, spec := range g.Weights {
			n, err := nn.NumElements(spec.Shape)
			if err != nil {
				return nil, fmt.Errorf("tfjs: weight %q: %w", spec.Name, err)
			}
			size, err := spec.storedSize()
			if err != nil {
				return nil, err
			}
			if n > (len(data)-off)/size {
				return nil, fmt.Errorf("tfjs: weight %q: group %d's data ends early", spec.Name, gi)
			}
			w, err := spec.decode(data[off : off+n*size])
			if err != nil {
				return nil, err
			}
			if _, dup := out[spec.Name]; dup {
				return nil, fmt.Errorf("tfjs: weight %q listed twice", spec.Name)
			}
			out[spec.Name] = w
			off += n * size
		}
		if off != len(data) {
			return nil, fmt.Errorf("tfjs: group %d has %d bytes of data, its weights take %d", gi, len(data), off)
		}
	}
	return out, nil
}

// checkShardPath refuses shard names that would leave the model's folder.
func checkShardPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "://") || path.Clean(p) != p || strings.HasPrefix(p, "..") {
		return fmt.Errorf("tfjs: bad shard path %q", p)
	}
	return nil
}

// storedSize returns the number of bytes one value of the weight takes in
// the shard.
func (s *WeightSpec) storedSize() (int, error) {
	if q := s.Quantization; q != nil {
		if s.Dtype != "float32" || (q.OriginalDtype != "" && q.OriginalDtype != "float32") {
			return 0, fmt.Errorf("tfjs: weight %q: quantized %s is not supported", s.Name, s.Dtype)
		}
		switch q.Dtype {
		case "uint8":
			if q.Scale == nil || q.Min == nil {
				return 0, fmt.Errorf("tfjs: weight %q: uint8 quantization without scale and min", s.Name)
			}
			return 1, nil
		case "uint16":
			if q.Scale == nil || q.Min == nil {
				return 0, fmt.Errorf("tfjs: weight %q: uint16 quantization without scale and min", s.Name)
			}
			return 2, nil
		case "float16":
			return 2, nil
		}
		return 0, fmt.Errorf("tfjs: weight %q: quantization %q is not supported", s.Name, q.Dtype)
	}
	switch s.Dtype {
	case "float32", "int32":
		return 4, nil
	}
	return 0, fmt.Errorf("tfjs: weight %q: dtype %q is not supported", s.Name, s.Dtype)
}

// decode turns the weight's stored bytes into values, as TF.js does:
// affine-quantized values are computed in float64 and rounded to float32.
func (s *WeightSpec) decode(b []byte) (*Weight, error) {
	w := &Weight{Shape: append([]int{}, s.Shape...)}
	if q := s.Quantization; q != nil {
		switch q.Dtype {
		case "uint8":
			w.Float = make([]float32, len(b))
			for i, v := range b {
				w.Float[i] = float32(float64(float64(v)**q.Scale) + *q.Min)
			}
		case "uint16":
			w.Float = make([]float32, len(b)/2)
			for i := range w.Float {
				v := binary.LittleEndian.Uint16(b[2*i:])
				w.Float[i] = float32(float64(float64(v)**q.Scale) + *q.Min)
			}
		case "float16":
			w.Float = make([]float32, len(b)/2)
			for i := range w.Float {
				w.Float[i] = halfToFloat(binary.LittleEndian.Uint16(b[2*i:]))
			}
		}
		return w, nil
	}
	switch s.Dtype {
	case "float32":
		w.Float = make([]float32, len(b)/4)
		for i := range w.Float {
			w.Float[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case "int32":
		w.Int = make([]int32, len(b)/4)
		for i := range w.Int {
			w.Int[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
		}
	}
	return w, nil
}

// halfToFloat converts an IEEE 754 half-precision value to float32 exactly.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // zero
		return math.Float32frombits(sign)
	}
	// Subnormal: frac·2⁻²⁴, exact in float32.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
