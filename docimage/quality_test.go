package docimage

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"testing"
)

// The measurements behind DefaultThresholds: a sharp synthetic card passes,
// the same card blurred with σ = 3 working pixels fails "blur", and with a
// clipped reflection covering 8 % of it fails "glare".
func TestDefaultThresholdsSeparateCalibrationImages(t *testing.T) {
	t.Parallel()
	const w, h = 1600, 1010
	card := cardFront(t, w, h, nil)
	px := float64(w) / WorkingSide // source pixels per working pixel
	tests := []struct {
		name string
		img  image.Image
		want string // the one failed check, or ""
	}{
		{"sharp", card, ""},
		{"sharp, JPEG q80", jpegRoundTrip(t, card, 80), ""},
		{"blur σ=1.5", gaussianBlur(card, 1.5*px), ""},
		{"blur σ=3", gaussianBlur(card, 3*px), "blur"},
		{"glare 1%", addGlare(card, 0.01, 0.62, 0.45), ""},
		{"glare 8%", addGlare(card, 0.08, 0.62, 0.45), "glare"},
		{"glare 8% on the portrait", addGlare(card, 0.08, 0.2, 0.5), "glare"},
	}
	for _, tc := range tests {
		q := Measure(tc.img)
		t.Logf("%-26s sharpness %7.1f  glare %.4f  brightness %.1f", tc.name, q.Sharpness, q.Glare, q.Brightness)
		var got []string
		for _, p := range DefaultThresholds.Check(q) {
			got = append(got, p.Check)
		}
		if want := strings.Fields(tc.want); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: problems %v, want %v", tc.name, got, want)
		}
	}
}

// Measuring on a fixed working size makes the numbers independent of the
// camera's resolution.
func TestMeasureDoesNotDependOnResolution(t *testing.T) {
	t.Parallel()
	var sharp, glare []float64
	for _, w := range []int{1000, 1600, 3200} {
		card := cardFront(t, w, w*1010/1600, nil)
		q := Measure(card)
		g := Measure(addGlare(card, 0.08, 0.62, 0.45))
		t.Logf("%d px: sharpness %.1f, glare clean %.4f, with 8%% spot %.4f", w, q.Sharpness, q.Glare, g.Glare)
		sharp, glare = append(sharp, q.Sharpness), append(glare, g.Glare)
		if q.Width != w {
			t.Errorf("Width = %d, want %d", q.Width, w)
		}
	}
	for i := range sharp {
		if r := sharp[i] / sharp[0]; r < 0.75 || r > 1.33 {
			t.Errorf("sharpness varies with resolution: %v", sharp)
		}
		if math.Abs(glare[i]-glare[0]) > 0.005 {
			t.Errorf("glare varies with resolution: %v", glare)
		}
	}
}

// A white card background that is not clipped is not glare, and neither
// are many small highlights.
func TestGlareCountsOnlyTheLargestHighlight(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 1000, 600))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{235, 235, 235, 255}), image.Point{}, draw.Src)
	if g := Measure(img).Glare; g != 0 {
		t.Errorf("white (235) card: glare %v, want 0", g)
	}
	// 100 separate clipped 10×10 squares over the whole card: 1.7 % of it
	// in all.
	for i := 0; i < 100; i++ {
		x, y := 20+(i%10)*100, 20+(i/10)*62
		draw.Draw(img, image.Rect(x, y, x+10, y+10), image.White, image.Point{}, draw.Src)
	}
	if q := Measure(img); math.Abs(q.Glare-100.0/600000) > 1e-9 || q.GlareBox.Dx() != 10 || q.GlareBox.Dy() != 10 {
		t.Errorf("speckles: glare %v at %v, want the area of one square %v", q.Glare, q.GlareBox, 100.0/600000)
	}
	// A saturated colour is bright but not a reflection.
	draw.Draw(img, image.Rect(0, 0, 500, 600), image.NewUniform(color.RGBA{255, 255, 0, 255}), image.Point{}, draw.Src)
	if g := Measure(img).Glare; g > 0.001 {
		t.Errorf("yellow half: glare %v, want ~0", g)
	}
}

func TestMeasureEdgeCases(t *testing.T) {
	t.Parallel()
	if q := Measure(image.NewGray(image.Rect(0, 0, 0, 0))); q != (Quality{}) {
		t.Errorf("empty image: %+v", q)
	}
	if q := Measure(image.NewGray(image.Rect(0, 0, 1, 1))); q.Width != 1 || q.Sharpness != 0 {
		t.Errorf("1×1 image: %+v", q)
	}
	// A sub-image measures like the same pixels on their own.
	card := cardFront(t, 1000, 631, nil)
	canvas := image.NewRGBA(image.Rect(0, 0, 1400, 900))
	draw.Draw(canvas, card.Bounds().Add(image.Pt(200, 100)), card, image.Point{}, draw.Src)
	sub := canvas.SubImage(card.Bounds().Add(image.Pt(200, 100)))
	if a, b := Measure(card), Measure(sub); math.Abs(a.Sharpness-b.Sharpness) > 1e-6*a.Sharpness || a.Glare != b.Glare {
		t.Errorf("sub-image measures %+v, the same pixels %+v", b, a)
	}
	// Paletted images take the generic path and agree with RGBA.
	pal := image.NewPaletted(image.Rect(0, 0, 300, 200), color.Palette{color.Black, color.White})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 7 % 2)
	}
	rgba := image.NewRGBA(pal.Bounds())
	draw.Draw(rgba, rgba.Bounds(), pal, image.Point{}, draw.Src)
	if a, b := Measure(pal), Measure(rgba); a != b {
		t.Errorf("paletted %+v, RGBA %+v", a, b)
	}
}

func BenchmarkMeasure(b *testing.B) {
	for _, size := range []image.Point{{96, 96}, {1600, 1010}, {6000, 3788}} {
		img := jpegRoundTrip(b, scaleTo(cardFront(b, 1600, 1010, nil), size.X, size.Y), 90)
		b.Run(fmt.Sprintf("%dx%d", size.X, size.Y), func(b *testing.B) {
			for b.Loop() {
				Measure(img)
			}
		})
	}
}
