package face

import (
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/nn"
)

// The descriptor golden test compares the Go network with face-api's own
// computation (face/models/golden/golden.mjs) on the same 150×150 inputs.

type descriptorGolden struct {
	Input      string    `json:"input"`
	Descriptor []float32 `json:"descriptor"`
}

func readDescriptorGoldens(t testing.TB) []descriptorGolden {
	t.Helper()
	data, err := os.ReadFile("testdata/golden/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Descriptors []descriptorGolden `json:"descriptors"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Descriptors) == 0 {
		t.Fatal("no golden descriptors")
	}
	return g.Descriptors
}

// descriptorInput returns a golden input: the synthetic pattern golden.mjs
// also builds, or a PNG crop.
func descriptorInput(t testing.TB, name string) image.Image {
	t.Helper()
	if name == "synthetic" {
		img := image.NewRGBA(image.Rect(0, 0, DescriptorInput, DescriptorInput))
		for i := 0; i < DescriptorInput*DescriptorInput; i++ {
			for c := 0; c < 3; c++ {
				img.Pix[4*i+c] = uint8(((3*i+c)*7919 + 104729) % 256)
			}
			img.Pix[4*i+3] = 255
		}
		return img
	}
	f, err := os.Open(filepath.Join("testdata/golden/inputs", "resnet_"+name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func distance(a, b Descriptor) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func TestDescriptorGolden(t *testing.T) {
	t.Parallel()
	got := map[string]Descriptor{}
	for _, g := range readDescriptorGoldens(t) {
		d, err := Describe(descriptorInput(t, g.Input))
		if err != nil {
			t.Fatal(err)
		}
		got[g.Input] = d
		c := cosine(d[:], g.Descriptor)
		e := nn.MaxAbsDiff(d[:], g.Descriptor)
		t.Logf("%s: cosine %.8f, max abs error %.2g", g.Input, c, e)
		if c < 0.9999 {
			t.Errorf("%s: cosine %.6f with face-api's descriptor < 0.9999", g.Input, c)
		}
	}
	// The descriptors tell the two people apart at face-api's usual
	// threshold of 0.6.
	same := [][2]string{{"obama", "obama2"}, {"biden", "biden2"}}
	diff := [][2]string{{"obama", "biden"}, {"obama", "biden2"}, {"obama2", "biden"}, {"obama2", "biden2"}}
	for _, p := range same {
		if d := distance(got[p[0]], got[p[1]]); d >= 0.6 {
			t.Errorf("%s–%s: distance %.3f, same person", p[0], p[1], d)
		} else {
			t.Logf("%s–%s: %.3f", p[0], p[1], d)
		}
	}
	for _, p := range diff {
		if d := distance(got[p[0]], got[p[1]]); d < 0.6 {
			t.Errorf("%s–%s: distance %.3f, different people", p[0], p[1], d)
		} else {
			t.Logf("%s–%s: %.3f", p[0], p[1], d)
		}
	}
}

func TestDescribeBatch(t *testing.T) {
	t.Parallel()
	r, err := LoadResNet()
	if err != nil {
		t.Fatal(err)
	}
	one, err := Describe(descriptorInput(t, "obama"))
	if err != nil {
		t.Fatal(err)
	}
	// A batch of two identical crops gives the single descriptor twice.
	x := nn.New(2, DescriptorInput, DescriptorInput, 3)
	img := descriptorInput(t, "obama")
	for b := 0; b < 2; b++ {
		for y := 0; y < DescriptorInput; y++ {
			for xx := 0; xx < DescriptorInput; xx++ {
				cr, cg, cb, _ := img.At(xx, y).RGBA()
				p := x.Data[((b*DescriptorInput+y)*DescriptorInput+xx)*3:]
				p[0], p[1], p[2] = float32(cr>>8), float32(cg>>8), float32(cb>>8)
			}
		}
	}
	ds, err := r.Describe(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range ds {
		if e := nn.MaxAbsDiff(d[:], one[:]); e > 1e-6 {
			t.Errorf("batch item %d differs by %g", i, e)
		}
	}
	for name, bad := range map[string]*nn.Tensor{
		"size":     nn.New(1, 149, 150, 3),
		"channels": nn.New(1, 150, 150, 4),
		"rank":     nn.New(150, 150, 3),
		"nil":      nil,
	} {
		if _, err := r.Describe(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := r.DescribeImage(image.NewRGBA(image.Rect(0, 0, 100, 150))); err == nil {
		t.Error("100×150 crop accepted")
	}
}

func TestNewResNetChecksWeights(t *testing.T) {
	t.Parallel()
	if _, err := NewResNet(nil); err == nil {
		t.Error("empty weight map accepted")
	}
}

func BenchmarkDescriptor(b *testing.B) {
	r, err := LoadResNet()
	if err != nil {
		b.Fatal(err)
	}
	img := descriptorInput(b, "obama")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.DescribeImage(img); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDescribeImageTypes checks that the RGBA fast path and the generic
// colour-model path read the same pixels.
func TestDescribeImageTypes(t *testing.T) {
	t.Parallel()
	src := descriptorInput(t, "obama2")
	rgba := image.NewRGBA(image.Rect(10, 20, 10+DescriptorInput, 20+DescriptorInput))
	nrgba := image.NewNRGBA(rgba.Bounds())
	for y := 0; y < DescriptorInput; y++ {
		for x := 0; x < DescriptorInput; x++ {
			c := src.At(x, y)
			rgba.Set(10+x, 20+y, c)
			nrgba.Set(10+x, 20+y, c)
		}
	}
	a, err := Describe(rgba)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Describe(nrgba)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("RGBA and NRGBA crops give different descriptors")
	}
}
