package docimage

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand"
	"testing"
)

// sampleAAMVA is the AAMVA sample payload from the connector specification.
const sampleAAMVA = "@\n\x1e\rANSI 636000100102DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCUJR\nDCAD\nDCBK\nDCDPH\nDBD06062019\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\nDDB06062018\nDDC06062020\nDDD1\rZVZVA01\r"

func TestHasPDF417Finds(t *testing.T) {
	t.Parallel()
	sym := zxing(t, "PDF417", sampleAAMVA, "1200x400") // 4 px modules
	back := cardBack(t, 1600, 1010, sym)
	// Where cardBack put the symbol, inside ZXingWriter's 10 px margin.
	at := image.Pt((1600-sym.Bounds().Dx())/2, 1010*32/100)
	inner := image.Rect(10, 10, sym.Bounds().Dx()-10, sym.Bounds().Dy()-10).Add(at)

	tests := []struct {
		name   string
		img    image.Image
		module float64         // expected module width
		within image.Rectangle // where the symbol is, if known
	}{
		{"1 px modules", zxing(t, "PDF417", sampleAAMVA, ""), 1, image.Rectangle{}},
		{"2 px modules", zxing(t, "PDF417", sampleAAMVA, "600x200"), 2, image.Rectangle{}},
		{"4 px modules", sym, 4, image.Rectangle{}},
		{"short payload", zxing(t, "PDF417", "DL", ""), 1, image.Rectangle{}},
		{"on a card back", back, 4, inner},
		{"card back, JPEG q60", jpegRoundTrip(t, back, 60), 4, inner},
		{"card back, blur σ=2", gaussianBlur(back, 2), 4, inner},
		{"card back, glare over the middle of the symbol", addGlare(back, 0.03, 0.5, 0.5), 4, inner},
		{"card back at 1000 px (2.5 px modules)", scaleTo(back, 1000, 631), 2.5, image.Rectangle{}},
		{"card back, uneven light and noise", unevenLight(back, 0.35, 6), 4, inner},
		{"card back upside down", rotate180(back), 4, image.Rectangle{}},
	}
	for _, tc := range tests {
		ok, ev := HasPDF417(tc.img)
		t.Logf("%-44s %v %+v", tc.name, ok, ev)
		if !ok {
			t.Errorf("%s: no PDF417 found: %+v", tc.name, ev)
			continue
		}
		if math.Abs(ev.Module-tc.module) > 0.1*tc.module {
			t.Errorf("%s: module %.2f px, want %.2f", tc.name, ev.Module, tc.module)
		}
		if ev.StartRows < PDF417MinRows || ev.StopRows < PDF417MinRows {
			t.Errorf("%s: evidence %+v", tc.name, ev)
		}
		if !tc.within.Empty() && !ev.Bounds.In(tc.within.Inset(-int(2*tc.module))) {
			t.Errorf("%s: bounds %v, symbol at %v", tc.name, ev.Bounds, tc.within)
		}
		if want := tc.name == "card back upside down"; ev.UpsideDown != want {
			t.Errorf("%s: UpsideDown = %v", tc.name, ev.UpsideDown)
		}
	}
}

func TestHasPDF417Rejects(t *testing.T) {
	t.Parallel()
	sym := zxing(t, "PDF417", sampleAAMVA, "600x200")
	half := image.NewRGBA(image.Rect(0, 0, sym.Bounds().Dx()/2, sym.Bounds().Dy()))
	draw.Draw(half, half.Bounds(), sym, sym.Bounds().Min, draw.Src)
	blank := image.NewGray(image.Rect(0, 0, 800, 500))
	for i := range blank.Pix {
		blank.Pix[i] = 200
	}
	tests := []struct {
		name string
		img  image.Image
	}{
		{"QR code", zxing(t, "QRCode", sampleAAMVA, "600x600")},
		{"Code 128", zxing(t, "Code128", "T64235789SAMPLE", "800x200")},
		{"Data Matrix", zxing(t, "DataMatrix", sampleAAMVA, "600x600")},
		{"Aztec", zxing(t, "Aztec", sampleAAMVA, "600x600")},
		{"QR code on a card back", cardBack(t, 1600, 1010, zxing(t, "QRCode", sampleAAMVA, "500x500"))},
		{"Code 128 on a card back", cardBack(t, 1600, 1010, zxing(t, "Code128", "T64235789SAMPLE", "1200x300"))},
		{"left half of a PDF417 symbol", half},
		{"card front (text)", cardFront(t, 1600, 1010, nil)},
		{"random bars of 1–8 modules", stripes(1200, 400, 3, 8)},
		{"photo", pigoSample(t)},
		{"blank", blank},
		{"tiny", image.NewGray(image.Rect(0, 0, 3, 3))},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0))},
	}
	for _, tc := range tests {
		ok, ev := HasPDF417(tc.img)
		t.Logf("%-30s %v %+v", tc.name, ok, ev)
		if ok {
			t.Errorf("%s: PDF417 reported: %+v", tc.name, ev)
		}
		if !ev.Bounds.Empty() {
			t.Errorf("%s: bounds %v without a symbol", tc.name, ev.Bounds)
		}
	}
}

// unevenLight darkens img from right to left down to the factor dark and
// adds Gaussian noise of the given standard deviation.
func unevenLight(img image.Image, dark, noise float64) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	rng := rand.New(rand.NewSource(2))
	px := func(v uint32, f float64) uint8 {
		return uint8(min(255, max(0, float64(v>>8)*f+rng.NormFloat64()*noise)))
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			f := dark + (1-dark)*float64(x)/float64(b.Dx())
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out.SetRGBA(x, y, color.RGBA{px(r, f), px(g, f), px(bl, f), 255})
		}
	}
	return out
}

// stripes draws full-height bars and spaces of random widths from 1 to
// widest modules: perfectly tall and straight, like a symbol's edge, but
// without its patterns.
func stripes(w, h, module, widest int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(3))
	dark := false
	for x := 0; x < w; {
		run := (1 + rng.Intn(widest)) * module
		for ; run > 0 && x < w; run, x = run-1, x+1 {
			v := uint8(230)
			if dark {
				v = 30
			}
			for y := 0; y < h; y++ {
				img.Pix[y*w+x] = v
			}
		}
		dark = !dark
	}
	return img
}

func BenchmarkHasPDF417(b *testing.B) {
	img := jpegRoundTrip(b, cardBack(b, 1600, 1010, zxing(b, "PDF417", sampleAAMVA, "1200x400")), 90)
	b.ResetTimer()
	for b.Loop() {
		if ok, _ := HasPDF417(img); !ok {
			b.Fatal("not found")
		}
	}
}
