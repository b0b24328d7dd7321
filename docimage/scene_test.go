package docimage

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"github.com/idproof/idproof/mrzread/mrztest"
)

// Scenes: a document as it reaches the verifier, scanned on a flatbed or
// photographed on a table.

// document draws an ICAO document with the real portrait: lines choose
// the format, width its size in pixels (0 for MRZ capitals of charHeight
// pixels) and tint its stock (nil for the default pale blue).
func document(t testing.TB, lines []string, width int, charHeight float64, tint color.Color) *image.RGBA {
	t.Helper()
	mrztest.Require(t)
	img, err := mrztest.Card(lines, realPortrait(t), mrztest.Options{Width: width, CharHeight: charHeight, Tint: tint})
	if err != nil {
		t.Fatal(err)
	}
	return toRGBA(img)
}

// place draws doc turned by deg degrees (counter-clockwise) about its
// centre, centred on a canvas of cw×ch filled by background, with
// bilinear edges.
func place(doc image.Image, cw, ch int, deg float64, background func(*image.RGBA)) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, cw, ch))
	background(out)
	b := doc.Bounds()
	sin, cos := math.Sincos(-deg * math.Pi / 180)
	dx, dy := float64(cw)/2, float64(ch)/2
	sx, sy := float64(b.Min.X+b.Max.X)/2, float64(b.Min.Y+b.Max.Y)/2
	// Maps doc's coordinates to the canvas': rotate about the doc's centre
	// and move that centre to the canvas'.
	m := f64.Aff3{cos, -sin, dx - cos*sx + sin*sy, sin, cos, dy - sin*sx - cos*sy}
	xdraw.BiLinear.Transform(out, m, doc, b, xdraw.Over, nil)
	return out
}

// whiteScan is a flatbed scanner's lid: clipped white with a little
// sensor noise below it.
func whiteScan(img *image.RGBA) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < len(img.Pix); i += 4 {
		v := clampByte(255 - math.Abs(rng.NormFloat64()*1.5))
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 255
	}
}

// darkTable is a wooden table under a lamp: dark brown grain, brighter
// towards one corner, with noise.
func darkTable(img *image.RGBA) {
	rng := rand.New(rand.NewPCG(9, 9))
	b := img.Rect
	diag := float64(b.Dx() + b.Dy())
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			grain := 8 * math.Sin(float64(y)/3+4*math.Sin(float64(x)/90))
			light := 0.7 + 0.5*float64(x+y)/diag
			n := rng.NormFloat64() * 4
			i := img.PixOffset(x, y)
			img.Pix[i] = clampByte((70 + grain + n) * light)
			img.Pix[i+1] = clampByte((48 + grain*0.7 + n) * light)
			img.Pix[i+2] = clampByte((32 + grain*0.5 + n) * light)
			img.Pix[i+3] = 255
		}
	}
}

// inset is the document's place on a canvas of cw×ch when placed unturned.
func inset(doc image.Image, cw, ch int) image.Rectangle {
	b := doc.Bounds()
	return image.Rect((cw-b.Dx())/2, (ch-b.Dy())/2, (cw-b.Dx())/2+b.Dx(), (ch-b.Dy())/2+b.Dy())
}

// glareOn returns img with a lamp reflection whose clipped core covers frac
// of the rectangle r, centred at (cx, cy) given as fractions of r.
func glareOn(img image.Image, r image.Rectangle, frac, cx, cy float64) *image.RGBA {
	out := toRGBA(img)
	spot := addGlare(out.SubImage(r), frac, cx, cy)
	draw.Draw(out, r, spot, image.Point{}, draw.Src)
	return out
}
