package mrzread_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof/mrzread"
	"github.com/idproof/idproof/mrzread/mrztest"
)

// mild is the degradation every round trip is read through: sensor noise,
// a slightly soft lens and JPEG at the quality capture clients upload.
func mild(charHeight float64, seed uint64) mrztest.Options {
	return mrztest.Options{CharHeight: charHeight, Border: 12, Noise: 6, Blur: 0.6, JPEGQuality: 85, Seed: seed}
}

// sizes are the MRZ capital heights, in pixels, that the reader supports;
// the smallest is 10 pixels (an MRZ about 1.2 mm per pixel short of a
// 100 dpi scan of a passport).
var sizes = []float64{10, 12, 20, 35}

func examples() map[string][]string {
	rng := rand.New(rand.NewPCG(7, 9))
	ex := map[string][]string{"TD1": mrztest.TD1, "TD2": mrztest.TD2, "TD3": mrztest.TD3}
	for i := range 6 {
		n := []int{30, 36, 44}[i%3]
		ex[fmt.Sprintf("random%d-%d", n, i)] = mrztest.RandomMRZ(rng, n)
	}
	return ex
}

func TestReadRoundTrip(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	for name, lines := range examples() {
		for _, h := range sizes {
			t.Run(fmt.Sprintf("%s/%gpx", name, h), func(t *testing.T) {
				t.Parallel()
				img := card(t, lines, nil, mild(h, uint64(h)))
				r, err := mrzread.Read(img)
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				if diff := cmp.Diff(lines, r.Lines); diff != "" {
					t.Errorf("lines (-want +got):\n%s", diff)
				}
				for i, c := range r.Confidence {
					if c < 0.8 {
						t.Errorf("line %d confidence %.3f, want ≥ 0.8 for mild degradation", i, c)
					}
				}
				// The zone is at the bottom of the card and spans most of
				// its width.
				b := img.Bounds()
				if !r.Box.In(b) || r.Box.Min.Y < b.Dy()/2 || r.Box.Dx() < b.Dx()*2/3 {
					t.Errorf("box %v implausible for image %v", r.Box, b)
				}
			})
		}
	}
}

func TestReadWithPortrait(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	for _, h := range []float64{12, 20} {
		img := card(t, mrztest.TD3, face(), mild(h, 3))
		r, err := mrzread.Read(img)
		if err != nil {
			t.Fatalf("%gpx: %v", h, err)
		}
		if diff := cmp.Diff(mrztest.TD3, r.Lines); diff != "" {
			t.Errorf("%gpx: lines (-want +got):\n%s", h, diff)
		}
	}
}

func TestReadNoMRZ(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	white := image.NewGray(image.Rect(0, 0, 800, 500))
	draw.Draw(white, white.Bounds(), image.White, image.Point{}, draw.Src)
	noise := image.NewGray(image.Rect(0, 0, 640, 480))
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rng.IntN(256))
	}
	cases := map[string]image.Image{
		"nil":         nil,
		"blank white": white,
		"blank black": image.NewGray(image.Rect(0, 0, 800, 500)),
		"white noise": noise,
		"tiny":        image.NewGray(image.Rect(0, 0, 3, 2)),
		"card":        card(t, nil, face(), mild(20, 1)),
		"small card":  card(t, nil, nil, mild(12, 2)),
		"face only":   face(),
	}
	for name, img := range cases {
		r, err := mrzread.Read(img)
		if !errors.Is(err, mrzread.ErrNoMRZ) {
			t.Errorf("%s: Read = %+v, %v; want ErrNoMRZ", name, r, err)
		}
	}
}

// TestReadHeavyBlur documents what blur does: confidence falls steadily, and
// once the glyphs run together the zone is no longer found. A blurred read
// can be wrong (0 and O go first), which the check digits must catch; the
// confidence of such reads is below that of clean ones.
func TestReadHeavyBlur(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	const h = 20
	opts := mild(h, 5)
	sharp, err := mrzread.Read(card(t, mrztest.TD3, nil, opts))
	if err != nil {
		t.Fatal(err)
	}
	prev := minOf(sharp.Confidence)
	for _, sigma := range []float64{2.5, 3.5, 6} {
		opts.Blur = sigma
		r, err := mrzread.Read(card(t, mrztest.TD3, nil, opts))
		if errors.Is(err, mrzread.ErrNoMRZ) {
			t.Logf("blur σ=%g px: no MRZ", sigma)
			prev = 0
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		c := minOf(r.Confidence)
		t.Logf("blur σ=%g px: confidence %.3f, lines %q", sigma, c, r.Lines)
		if c >= prev {
			t.Errorf("blur σ=%g px: confidence %.3f, not below %.3f", sigma, c, prev)
		}
		prev = c
	}
	if prev != 0 {
		t.Errorf("blur σ=6 px (0.3 of the character height) still gives a reading")
	}
}

func TestReadTilted(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	for _, deg := range []float64{-4, -2, 1, 3} {
		opts := mild(14, 4)
		opts.Rotate = deg
		r, err := mrzread.Read(card(t, mrztest.TD1, nil, opts))
		if err != nil {
			t.Fatalf("%g°: %v", deg, err)
		}
		if diff := cmp.Diff(mrztest.TD1, r.Lines); diff != "" {
			t.Errorf("%g°: lines (-want +got):\n%s", deg, diff)
		}
	}
}

// TestReadTurned reads a passport photographed on its side, upside down and
// askew: the reading says at what angle the zone lies, encloses it, and is
// not in doubt.
func TestReadTurned(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	for turns, tilt := range []float64{-14, 9, 15, -7} {
		opts := mild(16, uint64(turns))
		opts.Tilt, opts.Turns, opts.Border = tilt, turns, 40
		img := card(t, mrztest.TD3, face(), opts)
		r, err := mrzread.Read(img)
		if err != nil {
			t.Errorf("%d° %+g°: %v", 90*turns, tilt, err)
			continue
		}
		if diff := cmp.Diff(mrztest.TD3, r.Lines); diff != "" {
			t.Errorf("%d° %+g°: lines (-want +got):\n%s", 90*turns, tilt, diff)
		}
		want := math.Mod(float64(90*turns)+tilt+360, 360)
		if d := math.Abs(math.Remainder(r.Angle-want, 360)); d > 2 {
			t.Errorf("%d° %+g°: angle %.1f°, want %g°", 90*turns, tilt, r.Angle, want)
		}
		if r.Doubtful() || len(r.Margins) != 2 || len(r.Margins[1]) != 44 || len(r.Margin) != 2 {
			t.Errorf("%d° %+g°: doubt %.3f, margins %v", 90*turns, tilt, r.Doubt, r.Margin)
		}
		// The zone is a long thin box: along the lines when they run
		// across the picture, along its height when they run up or down.
		b := r.Box
		if !b.In(img.Bounds()) || (turns%2 == 0) != (b.Dx() > b.Dy()) {
			t.Errorf("%d° %+g°: box %v in %v", 90*turns, tilt, b, img.Bounds())
		}
	}
}

// TestReadUpperHalf puts the document at the top of a tall picture, where
// only the whole-image pass finds it.
func TestReadUpperHalf(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	doc := card(t, mrztest.TD2, nil, mild(16, 6))
	b := doc.Bounds()
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), 3*b.Dy()))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{70, 70, 70, 255}), image.Point{}, draw.Src)
	draw.Draw(img, b, doc, b.Min, draw.Src)
	r, err := mrzread.Read(img)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mrztest.TD2, r.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if r.Box.Max.Y > b.Dy() {
		t.Errorf("box %v outside the document (height %d)", r.Box, b.Dy())
	}
}

// TestReadImageTypes checks that every pixel format and a non-zero origin
// give the same reading, with the box in the image's own coordinates.
func TestReadImageTypes(t *testing.T) {
	mrztest.Require(t)
	t.Parallel()
	src := card(t, mrztest.TD3, nil, mild(16, 8))
	b := src.Bounds()
	want, err := mrzread.Read(src)
	if err != nil {
		t.Fatal(err)
	}
	gray := image.NewGray(b)
	nrgba := image.NewNRGBA(b)
	cmyk := image.NewCMYK(b)
	for _, dst := range []draw.Image{gray, nrgba, cmyk} {
		draw.Draw(dst, b, src, b.Min, draw.Src)
	}
	shifted := image.NewRGBA(b.Add(image.Pt(300, 200)))
	draw.Draw(shifted, shifted.Bounds(), src, b.Min, draw.Src)
	big := card(t, mrztest.TD3, nil, mrztest.Options{Width: 4200, Noise: 4, JPEGQuality: 85})
	for name, img := range map[string]image.Image{
		"gray": gray, "nrgba": nrgba, "cmyk (generic)": cmyk, "offset": shifted, "4200 px wide": big,
	} {
		r, err := mrzread.Read(img)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want.Lines, r.Lines); diff != "" {
			t.Errorf("%s: lines (-want +got):\n%s", name, diff)
		}
		if !r.Box.In(img.Bounds()) {
			t.Errorf("%s: box %v outside %v", name, r.Box, img.Bounds())
		}
	}
	if r, err := mrzread.Read(shifted); err == nil && r.Box != want.Box.Add(image.Pt(300, 200)) {
		t.Errorf("offset image: box %v, want %v", r.Box, want.Box.Add(image.Pt(300, 200)))
	}
}

func BenchmarkRead(b *testing.B) {
	mrztest.Require(b)
	img := card(b, mrztest.TD1, face(), mrztest.Options{Width: 1600, Noise: 4, Blur: 0.6, JPEGQuality: 85})
	b.Logf("image %v", img.Bounds())
	benchRead(b, img)
}

// The pages of the latency comparison in docs/mrz-reading.md: a passport
// photographed square on, then askew and upside down, and a card side
// without a zone, which every orientation is searched for in vain.
var benchPages = map[string]mrztest.Options{
	"upright":     {Width: 1500, Border: 40, Noise: 5, Blur: 0.8, JPEGQuality: 85},
	"tilted 12°":  {Width: 1500, Border: 40, Noise: 5, Blur: 0.8, JPEGQuality: 85, Tilt: 12},
	"upside down": {Width: 1500, Border: 40, Noise: 5, Blur: 0.8, JPEGQuality: 85, Tilt: -5, Turns: 2},
	"no zone":     {Width: 1500, Border: 40, Noise: 5, Blur: 0.8, JPEGQuality: 85},
}

func BenchmarkReadPage(b *testing.B) {
	mrztest.Require(b)
	for _, name := range []string{"upright", "tilted 12°", "upside down", "no zone"} {
		lines := mrztest.TD3
		if name == "no zone" {
			lines = nil
		}
		img := card(b, lines, face(), benchPages[name])
		b.Run(name, func(b *testing.B) {
			if lines == nil {
				for b.Loop() {
					if _, err := mrzread.Read(img); err == nil {
						b.Fatal("read a zone where there is none")
					}
				}
				return
			}
			benchRead(b, img)
		})
	}
}

func benchRead(b *testing.B, img image.Image) {
	for b.Loop() {
		if _, err := mrzread.Read(img); err != nil {
			b.Fatal(err)
		}
	}
}

func card(t testing.TB, lines []string, face image.Image, opts mrztest.Options) image.Image {
	t.Helper()
	img, err := mrztest.Card(lines, face, opts)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// face draws a stand-in portrait: a lit background, a head and shoulders,
// hair and eyes, enough structure to give the binariser dark blobs that are
// not text.
func face() image.Image {
	const w, h = 300, 380
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(150 + x/6), uint8(170 + y/10), 200, 255}
			dx, dy := float64(x-w/2)/95, float64(y-165)/125
			switch {
			case dx*dx+dy*dy < 1 && y < 110:
				c = color.RGBA{40, 28, 20, 255} // hair
			case dx*dx+dy*dy < 1:
				c = color.RGBA{224, 180, 150, 255}
			case y > 300 && math.Abs(float64(x-w/2)) < float64(y-230):
				c = color.RGBA{30, 40, 70, 255} // shoulders
			}
			for _, ex := range []int{w/2 - 38, w/2 + 38} {
				if ex2, ey := float64(x-ex)/14, float64(y-160)/7; ex2*ex2+ey*ey < 1 {
					c = color.RGBA{30, 30, 30, 255}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}
