package docimage

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// fuzzImage builds a small image from fuzz bytes: the first two give the
// size (up to 96×96), the third the pixel type, the rest the pixels.
func fuzzImage(data []byte) image.Image {
	if len(data) < 3 {
		return image.NewGray(image.Rect(0, 0, 0, 0))
	}
	w, h := int(data[0])%97, int(data[1])%97
	pix := data[3:]
	at := func(i int) uint8 {
		if len(pix) == 0 {
			return 0
		}
		return pix[i%len(pix)]
	}
	r := image.Rect(0, 0, w, h).Add(image.Pt(int(data[2]>>2), -int(data[2]>>4))) // arbitrary origin
	switch data[2] % 4 {
	case 0:
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = at(i)
		}
		return img
	case 1:
		img := image.NewNRGBA(r)
		for i := range img.Pix {
			img.Pix[i] = at(i)
		}
		return img
	case 2:
		// The standard library lays out subsampled chroma for non-negative
		// coordinates only (its own At panics above a negative odd origin),
		// and decoders always start at (0, 0).
		r = r.Sub(image.Pt(0, r.Min.Y))
		img := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = at(i)
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = at(len(img.Y)+i), at(len(img.Y)+len(img.Cb)+i)
		}
		return img
	default:
		img := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 255}})
		for i := range img.Pix {
			img.Pix[i] = at(i) % 3
		}
		return img
	}
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 255})
	f.Add([]byte{96, 40, 1, 0, 255, 0, 255, 255, 255, 0, 0})
	f.Add([]byte{80, 30, 2, 10, 240, 10, 240, 240})
	f.Add([]byte{90, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 255, 0, 255, 0, 255, 255, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255})
	f.Add([]byte{64, 64, 3, 0, 1, 2, 1, 0})
	// A light card on a uniform dark ground, small so that the fuzzer's
	// minimisation of what it grows into stays quick.
	card := []byte{24, 16, 0}
	for y := 0; y < 16; y++ {
		for x := 0; x < 24; x++ {
			v := byte(30)
			if x > 4 && x < 19 && y > 3 && y < 12 {
				v = 220
			}
			card = append(card, v)
		}
	}
	f.Add(card)
}

func FuzzMeasure(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		img := fuzzImage(data)
		q := Measure(img)
		if q.Sharpness < 0 || math.IsNaN(q.Sharpness) || q.Glare < 0 || q.Glare > 1 || q.Brightness < 0 || q.Brightness > 255 {
			t.Fatalf("out of range: %+v", q)
		}
		b := img.Bounds()
		if !b.Empty() && (q.Document.Empty() || !q.Document.In(b)) {
			t.Fatalf("document %v in an image of %v", q.Document, b)
		}
		if !q.GlareBox.In(q.Document) {
			t.Fatalf("glare at %v outside the document %v", q.GlareBox, q.Document)
		}
		if len(data) > 4 {
			q.Features = Features{MRZCharHeight: MRZCharHeight(q.Document, int(data[3])-8), FaceSize: int(data[4]) - 8}
			if q.Features.MRZCharHeight < 0 || math.IsNaN(q.Features.MRZCharHeight) {
				t.Fatalf("MRZCharHeight(%v, %d) = %v", q.Document, int(data[3])-8, q.Features.MRZCharHeight)
			}
		}
		for _, p := range DefaultThresholds.Check(q) {
			if p.Code == "" || p.Message == "" || p.Hint == "" {
				t.Fatalf("problem %+v", p)
			}
		}
		for _, r := range []image.Rectangle{b, q.Document, b.Inset(3), image.Rect(-5, -5, 40, 30)} {
			for _, fc := range FacesIn(img, r) {
				if fc.Size <= 0 || fc.Score < FaceScore || !fc.Rect().Overlaps(r.Inset(-fc.Size)) {
					t.Fatalf("face %+v searching %v of %v", fc, r, b)
				}
			}
		}
		Portrait(Faces(img))
	})
}

func FuzzHasPDF417(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		img := fuzzImage(data)
		ok, ev := HasPDF417(img)
		if ok && (ev.Module <= 0 || !ev.Bounds.Overlaps(img.Bounds())) {
			t.Fatalf("found with evidence %+v in %v", ev, img.Bounds())
		}
	})
}
