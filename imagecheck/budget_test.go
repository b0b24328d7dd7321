package imagecheck

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// png16 writes a valid w×h 16-bit RGB PNG of one flat colour without
// holding its pixels: the rows are deflated as they are made. 24 MP of it
// is ~190 KB.
func png16(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 2 // bit depth 16, truecolour
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+w*6) // filter byte 0, then 6 bytes a pixel
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// A 24 MP 16-bit PNG is a few hundred KB but took seconds of CPU and
// hundreds of MB to decode and re-encode: it is refused from its header.
func TestSixteenBitPNGOverBudgetRefusedFromHeader(t *testing.T) {
	data := png16(t, 6000, 4000)
	if len(data) > 1<<20 {
		t.Fatalf("test image is %d bytes", len(data))
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.ColorModel != color.RGBA64Model {
		t.Fatalf("not a 16-bit PNG: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Check("selfie_liveness_image", bytes.NewReader(data), DefaultLimits)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), "6000×4000 pixels of 16-bit colour") ||
		!strings.Contains(err.Error(), "192 MB") || !strings.Contains(err.Error(), "selfie_liveness_image") {
		t.Fatalf("err = %v", err)
	}
	// Generous bounds: decoding it costs seconds and ~370 MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 || took > 2*time.Second {
		t.Fatalf("refusal allocated %d bytes in %v", alloc, took)
	}
	t.Logf("refused in %v, %d KB allocated", took, (after.TotalAlloc-before.TotalAlloc)>>10)

	// Within the budget, the same kind of picture is taken.
	small := png16(t, 400, 300)
	img, err := Check("x", bytes.NewReader(small), DefaultLimits)
	if err != nil || img.Width != 400 {
		t.Fatalf("small 16-bit PNG: %v", err)
	}
}

func TestDecodeCost(t *testing.T) {
	const mp24 = 6000 * 4000
	cases := []struct {
		name   string
		model  color.Model
		orient int
		cost   int64
		fits   bool
	}{
		{"24 MP JPEG", color.YCbCrModel, 1, 3 * mp24, true},
		{"24 MP JPEG turned upright", color.YCbCrModel, 6, 6 * mp24, true},
		{"24 MP grey JPEG turned", color.GrayModel, 8, 8 * mp24, false},
		{"24 MP 8-bit RGBA PNG", color.NRGBAModel, 1, 4 * mp24, true},
		{"24 MP 16-bit PNG", color.RGBA64Model, 1, 8 * mp24, false},
		{"24 MP 16-bit grey PNG", color.Gray16Model, 1, 2 * mp24, true},
		{"24 MP palette PNG", color.Palette{color.Black}, 1, mp24, true},
	}
	for _, c := range cases {
		cost, _ := decodeCost(image.Config{ColorModel: c.model, Width: 6000, Height: 4000}, c.orient)
		if cost != c.cost || (cost <= DefaultLimits.MaxDecodeBytes) != c.fits {
			t.Errorf("%s: cost %d, fits %v; want %d, %v", c.name, cost, cost <= DefaultLimits.MaxDecodeBytes, c.cost, c.fits)
		}
	}
}

// Turning the YCbCr planes gives the picture the general path gives.
func TestOrientYCbCrMatchesGeneral(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 24, 16))
	for y := range 16 {
		for x := range 24 {
			src.Set(x, y, color.NRGBA{uint8(x * 10), uint8(y * 15), uint8((x + y) * 6), 255})
		}
	}
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		m := image.NewYCbCr(src.Bounds(), ratio)
		for y := range 16 {
			for x := range 24 {
				r, g, b, _ := src.At(x, y).RGBA()
				yy, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(b>>8))
				m.Y[m.YOffset(x, y)] = yy
				m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = cb, cr
			}
		}
		for o := 2; o <= 8; o++ {
			fast := orientYCbCr(m, o)
			slow := orient(image.Image(struct{ image.Image }{m}), o) // hides the type: the general path
			if fast == nil || fast.Bounds() != slow.Bounds() {
				t.Fatalf("%v orientation %d: bounds %v, want %v", ratio, o, fast.Bounds(), slow.Bounds())
			}
			b := slow.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r1, g1, b1, _ := fast.At(x, y).RGBA()
					r2, g2, b2, _ := slow.At(x, y).RGBA()
					if d := max(diff(r1, r2), diff(g1, g2), diff(b1, b2)); d > 0x200 {
						t.Fatalf("%v orientation %d: (%d,%d) is %v, want %v", ratio, o, x, y, fast.At(x, y), slow.At(x, y))
					}
				}
			}
		}
	}
	// Odd sides keep their sizes.
	odd := image.NewYCbCr(image.Rect(0, 0, 25, 17), image.YCbCrSubsampleRatio420)
	for o := 2; o <= 8; o++ {
		w, h := 25, 17
		if o >= 5 {
			w, h = 17, 25
		}
		if got := orientYCbCr(odd, o).Bounds(); got.Dx() != w || got.Dy() != h {
			t.Fatalf("odd, orientation %d: %v", o, got)
		}
	}
	// And a JPEG turned this way still encodes.
	var b bytes.Buffer
	if err := jpeg.Encode(&b, orientYCbCr(odd, 6), nil); err != nil {
		t.Fatal(err)
	}
}

func diff(a, b uint32) uint32 { return max(a, b) - min(a, b) }
