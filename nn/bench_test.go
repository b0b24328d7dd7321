package nn

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks at the sizes of typical layers of the face models.

func benchConv(b *testing.B, h, ic, k, oc, stride int, pad Padding) {
	r := rand.New(rand.NewPCG(1, 1))
	x := randTensor(r, 1, h, h, ic)
	c, err := NewConv2D(randTensor(r, k, k, ic, oc), randVec(r, oc), stride, stride, pad, ReLU)
	if err != nil {
		b.Fatal(err)
	}
	shape, _ := c.OutputShape(x.Shape)
	macs := float64(shape[1] * shape[2] * oc * k * k * ic)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(macs*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

func BenchmarkConv3x3_35x35x32(b *testing.B)   { benchConv(b, 35, 32, 3, 32, 1, Same) }
func BenchmarkConv3x3_8x8x128(b *testing.B)    { benchConv(b, 8, 128, 3, 128, 1, Same) }
func BenchmarkConv7x7s2_150x150(b *testing.B)  { benchConv(b, 150, 3, 7, 32, 2, Valid) }
func BenchmarkConv1x1_128x128x24(b *testing.B) { benchConv(b, 128, 24, 1, 24, 1, Valid) }
func BenchmarkConv1x1_16x16x96(b *testing.B)   { benchConv(b, 16, 96, 1, 96, 1, Valid) }

func BenchmarkDepthwise3x3_128x128x24(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	x := randTensor(r, 1, 128, 128, 24)
	d, err := NewDepthwiseConv2D(randTensor(r, 3, 3, 24, 1), nil, 1, 1, Same, Linear)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMaxPool2x2_128x128x24(b *testing.B) {
	x := randTensor(rand.New(rand.NewPCG(3, 3)), 1, 128, 128, 24)
	for b.Loop() {
		if _, err := MaxPool(x, 2, 2, 2, 2, Same); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddInPlace_128x128x24(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 4))
	x, y := randTensor(r, 1, 128, 128, 24), randTensor(r, 1, 128, 128, 24)
	for b.Loop() {
		if err := BinaryInPlace(OpAdd, x, y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDense3136x128(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	d, err := NewDense(randTensor(r, 3136, 128), randVec(r, 128), ReLU)
	if err != nil {
		b.Fatal(err)
	}
	x := randTensor(r, 1, 3136)
	for b.Loop() {
		if _, err := d.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
}
