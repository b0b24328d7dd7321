package models_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn"
	"github.com/idproof/idproof/nn/tfjs"
)

// The golden tests run the embedded graph models on the inputs in
// face/testdata/golden and compare every output tensor with what
// TensorFlow.js computed for the same inputs (golden/golden.mjs).

const goldenDir = "../testdata/golden"

type goldenFile struct {
	TFJS   string `json:"tfjs"`
	Graphs []struct {
		Model   string `json:"model"`
		Input   string `json:"input"`
		File    string `json:"file"`
		Outputs []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
		} `json:"outputs"`
	} `json:"graphs"`
}

// maxAbsErr bounds each model's outputs. BlazeFace's logits reach ±100
// and its regressions are in pixels, and float32 sums taken in another
// order drift by about 2e-5 of that through its 70 convolutions (2.4e-3
// measured); the classifiers' outputs are probabilities.
var maxAbsErr = map[string]float64{
	"blazeface": 5e-3,
	"antispoof": 1e-5,
	"liveness":  1e-5,
}

var loaders = map[string]func() (*tfjs.Model, error){
	"blazeface": models.BlazeFace,
	"antispoof": models.Antispoof,
	"liveness":  models.Liveness,
}

func TestGoldenGraphs(t *testing.T) {
	t.Parallel()
	g := readGolden(t)
	if len(g.Graphs) == 0 {
		t.Fatal("no golden graph runs")
	}
	for _, run := range g.Graphs {
		t.Run(run.Model+"/"+run.Input, func(t *testing.T) {
			m, err := loaders[run.Model]()
			if err != nil {
				t.Fatal(err)
			}
			size := m.Inputs[0].Shape[1]
			x := loadInput(t, run.Model, run.Input, size)
			if run.Model == "blazeface" {
				for i, v := range x.Data {
					x.Data[i] = v/127.5 - 1
				}
			} else {
				for i, v := range x.Data {
					x.Data[i] = v / 255
				}
			}
			outs, err := m.Run(x)
			if err != nil {
				t.Fatal(err)
			}
			want := readF32(t, filepath.Join(goldenDir, run.File))
			off := 0
			for i, o := range run.Outputs {
				if m.Outputs[i].Name != o.Name || !nn.SameShape(outs[i].Shape, o.Shape) {
					t.Fatalf("output %d is %s %v, golden %s %v", i, m.Outputs[i].Name, outs[i].Shape, o.Name, o.Shape)
				}
				n := outs[i].Len()
				if off+n > len(want) {
					t.Fatalf("golden file too short")
				}
				d := nn.MaxAbsDiff(outs[i].Data, want[off:off+n])
				t.Logf("%s: max abs error %.3g", o.Name, d)
				if d > maxAbsErr[run.Model] {
					t.Errorf("%s: max abs error %.3g > %.3g", o.Name, d, maxAbsErr[run.Model])
				}
				off += n
			}
			if off != len(want) {
				t.Errorf("golden file has %d values, outputs %d", len(want), off)
			}
		})
	}
}

// TestBlazeFaceDecode checks the decoded detections on the reference
// outputs: the expected number of faces at the threshold that kept every
// real face in the reference measurements, with plausible geometry.
func TestBlazeFaceDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		input string
		faces int
	}{
		{"obama", 1}, {"biden", 1}, {"two_people", 2}, {"synthetic", 0},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			want := readF32(t, filepath.Join(goldenDir, "blazeface_"+tc.input+".f32"))
			shapes := [][]int{{1, 512, 1}, {1, 384, 1}, {1, 512, 16}, {1, 384, 16}}
			outs := make([]*nn.Tensor, 4)
			off := 0
			for i, s := range shapes {
				n, _ := nn.NumElements(s)
				outs[i], _ = nn.FromData(want[off:off+n], s...)
				off += n
			}
			dets, err := models.DecodeBlazeFace(outs)
			if err != nil {
				t.Fatal(err)
			}
			faces := models.NonMaxSuppression(dets, 0.7, 0.3)
			if len(faces) != tc.faces {
				t.Fatalf("%d faces, want %d: %+v", len(faces), tc.faces, faces)
			}
			for _, f := range faces {
				w, h := f.Box[2]-f.Box[0], f.Box[3]-f.Box[1]
				if w < 10 || h < 10 || math.Abs(float64(w-h)) > 0.2*float64(w) {
					t.Errorf("box %v is not a plausible face", f.Box)
				}
				kp := f.Keypoints
				inside := func(p [2]float32) bool {
					return p[0] > f.Box[0] && p[0] < f.Box[2] && p[1] > f.Box[1] && p[1] < f.Box[3]
				}
				if !inside(kp[models.LeftEye]) || !inside(kp[models.RightEye]) || !inside(kp[models.Nose]) || !inside(kp[models.Mouth]) {
					t.Errorf("eyes, nose or mouth outside the box: %+v", f)
				}
				if kp[models.LeftEye][0] >= kp[models.RightEye][0] || kp[models.Nose][1] >= kp[models.Mouth][1] ||
					kp[models.LeftEye][1] >= kp[models.Mouth][1] || kp[models.LeftEar][0] >= kp[models.RightEar][0] {
					t.Errorf("keypoints out of order: %+v", kp)
				}
			}
		})
	}
}

func readGolden(t testing.TB) *goldenFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// loadInput returns the named golden input of a model as a [1, size, size,
// 3] tensor of 0…255 values: a PNG file, or the synthetic pattern that
// golden.mjs also builds.
func loadInput(t testing.TB, model, input string, size int) *nn.Tensor {
	t.Helper()
	x := nn.New(1, size, size, 3)
	if input == "synthetic" {
		for i := range x.Data {
			x.Data[i] = float32((i*7919 + 104729) % 256)
		}
		return x
	}
	f, err := os.Open(filepath.Join(goldenDir, "inputs", fmt.Sprintf("%s_%s.png", model, input)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, size, size) {
		t.Fatalf("input is %v, want %d×%d", img.Bounds(), size, size)
	}
	for y := 0; y < size; y++ {
		for xx := 0; xx < size; xx++ {
			r, g, b, _ := img.At(xx, y).RGBA()
			p := x.Data[(y*size+xx)*3:]
			p[0], p[1], p[2] = float32(r>>8), float32(g>>8), float32(b>>8)
		}
	}
	return x
}

func readF32(t testing.TB, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
