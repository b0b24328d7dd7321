package pdf417

import (
	"bytes"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idproof/idproof/internal/zxingtest"
)

// licencePhoto is a 2-megapixel (1632 × 1224) photo-like scene: a table,
// a licence back with a tinted gradient, guilloche lines and blocks of
// "text", and the symbol of an AAMVA payload at three pixels a module,
// tilted by 4°, slightly blurred and noisy.
func licencePhoto(t testing.TB) (*image.Gray, []byte) {
	writer, _ := zxingtest.Tools(t)
	payload, err := os.ReadFile("../docs/examples/licence-barcode.txt")
	if err != nil {
		t.Fatal(err)
	}
	text, args := writeArg(payload)
	sym := asGray(render(t, writer, text, append(args, "-ecc", "5", "-margin", "0", "-size", "1x1")...))
	sym = place(sym, 4, 3, 12)
	const w, h = 1632, 1224
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(5, 6))
	card := image.Rect(140, 180, 1490, 1030)
	for y := range h {
		for x := range w {
			v := 60 + 20*math.Sin(float64(x+y)/90) // the table
			if (image.Point{x, y}).In(card) {
				v = 225 - 25*float64(x-card.Min.X)/float64(card.Dx())
				for k := 1; k <= 3; k++ { // guilloche
					if math.Abs(math.Sin(float64(x)/(23*float64(k))+float64(y)/(31*float64(k)))*40+float64(y%97)-48) < 0.8 {
						v -= 45
					}
				}
			}
			img.Pix[y*w+x] = uint8(v)
		}
	}
	for range 60 { // lines of small print
		x0, y0 := card.Min.X+20+rng.IntN(card.Dx()-300), card.Min.Y+20+rng.IntN(200)
		for x := x0; x < x0+40+rng.IntN(240); x++ {
			if rng.IntN(3) > 0 {
				for y := y0; y < y0+10; y++ {
					if rng.IntN(2) == 0 {
						img.Pix[y*w+x] = 70
					}
				}
			}
		}
	}
	off := image.Pt(card.Min.X+(card.Dx()-sym.Rect.Dx())/2, card.Max.Y-sym.Rect.Dy()-60)
	for y := range sym.Rect.Dy() {
		for x := range sym.Rect.Dx() {
			p := &img.Pix[(off.Y+y)*w+off.X+x]
			*p = uint8(float64(*p) * float64(sym.Pix[y*sym.Stride+x]) / 255)
		}
	}
	return noise(blur(img, 0.8), 6, 1), payload
}

// BenchmarkDecode2MP decodes the symbol of a 2-megapixel licence photo.
func BenchmarkDecode2MP(b *testing.B) {
	img, payload := licencePhoto(b)
	for b.Loop() {
		res, err := Decode(img)
		if err != nil || !bytes.Equal(res.Payload, payload) {
			b.Fatalf("decode: %v", err)
		}
	}
}

// TestDecodeTimeVsZXing times this package and the ZXingReader process on
// the same 2-megapixel photo (the process time includes its start-up,
// measured alone on a 1×1 image).
func TestDecodeTimeVsZXing(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	_, reader := zxingtest.Tools(t)
	img, payload := licencePhoto(t)
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo.png")
	saveImage(t, img, photo, 0)
	tiny := filepath.Join(dir, "tiny.png")
	saveImage(t, image.NewGray(image.Rect(0, 0, 1, 1)), tiny, 0)
	best := func(f func()) time.Duration {
		d := time.Duration(math.MaxInt64)
		for range 5 {
			t0 := time.Now()
			f()
			d = min(d, time.Since(t0))
		}
		return d
	}
	ours := best(func() {
		res, err := Decode(img)
		if err != nil || !bytes.Equal(res.Payload, payload) {
			t.Fatalf("decode: %v", err)
		}
	})
	theirs := best(func() {
		if got, ok := zxingRead(reader, photo); !ok || !bytes.Equal(got, payload) {
			t.Logf("ZXingReader did not read the photo")
		}
	})
	startup := best(func() { zxingRead(reader, tiny) })
	t.Logf("2 MP photo: pdf417 %v; ZXingReader process %v (of which start-up and PNG loading of a 1×1 image %v)", ours, theirs, startup)
}
