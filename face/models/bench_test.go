package models_test

import (
	"testing"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn/tfjs"
)

func benchModel(b *testing.B, load func() (*tfjs.Model, error), name string) {
	m, err := load()
	if err != nil {
		b.Fatal(err)
	}
	size := m.Inputs[0].Shape[1]
	x := loadInput(b, name, "synthetic", size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Run(x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlazeFace(b *testing.B) { benchModel(b, models.BlazeFace, "blazeface") }
func BenchmarkAntispoof(b *testing.B) { benchModel(b, models.Antispoof, "antispoof") }
func BenchmarkLiveness(b *testing.B)  { benchModel(b, models.Liveness, "liveness") }
