package docimage

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/idproof/idproof/mrzread/mrztest"
)

// Portraits as documents print them, for measuring the face detector: the
// real portrait photo of package mrztest aged, overprinted and shrunk the
// way genuine documents show it, and pictures that a document shows where a
// face is not.

// realPortrait decodes mrztest.PortraitJPEG, skipping the test without it.
func realPortrait(t testing.TB) image.Image {
	t.Helper()
	b, err := mrztest.PortraitJPEG()
	if err != nil {
		needTool(t, "the portrait photo", err)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// toRGBA copies img into a new RGBA image whose origin is (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

func clampByte(v float64) uint8 { return uint8(math.Round(min(max(v, 0), 255))) }

// agedPhoto returns img as an old document photo: reduced to grey or sepia,
// its contrast squeezed by contrast (1 keeps it) towards a faded paper tone,
// with film grain of the given strength in levels.
func agedPhoto(img image.Image, sepia bool, contrast, grain float64, seed uint64) *image.RGBA {
	out := toRGBA(img)
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < len(out.Pix); i += 4 {
		r, g, b := float64(out.Pix[i]), float64(out.Pix[i+1]), float64(out.Pix[i+2])
		y := 0.299*r + 0.587*g + 0.114*b
		y = 150 + contrast*(y-128) + rng.NormFloat64()*grain
		if sepia {
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = clampByte(y*1.07+10), clampByte(y*0.92+6), clampByte(y*0.72)
		} else {
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = clampByte(y), clampByte(y), clampByte(y)
		}
	}
	return out
}

// hologram returns img under a transparent security overlay of the given
// opacity: a rainbow foil whose hue drifts across the photo, carrying fine
// guilloche line work (pitch in pixels) and a repeated emblem, the way the
// laminate of a card or passport page covers the portrait.
func hologram(img image.Image, opacity, pitch float64, seed uint64) *image.RGBA {
	out := toRGBA(img)
	w, h := out.Rect.Dx(), out.Rect.Dy()
	rng := rand.New(rand.NewPCG(seed, 11))
	phase, tilt := rng.Float64()*2*math.Pi, 0.3+rng.Float64()*0.6
	cell := float64(min(w, h)) / 3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			// Two families of wavy lines crossing each other.
			l1 := math.Abs(math.Sin(math.Pi * (fy + tilt*fx + 6*math.Sin(fx/17+phase)) / pitch))
			l2 := math.Abs(math.Sin(math.Pi * (fx - tilt*fy + 5*math.Sin(fy/23)) / (1.3 * pitch)))
			lines := math.Pow(max(l1, l2), 8)
			// A ring emblem repeated on a grid.
			cx, cy := math.Mod(fx, cell)-cell/2, math.Mod(fy, cell)-cell/2
			ring := math.Exp(-math.Pow((math.Hypot(cx, cy)-cell*0.3)/(cell*0.04), 2))
			a := opacity * min(1, 0.35+0.65*lines+0.5*ring)
			hue := math.Mod((fx+fy)/float64(w+h)*3+phase, 1)
			fr, fg, fb := rainbow(hue)
			i := out.PixOffset(x, y)
			for c, v := range [3]float64{fr, fg, fb} {
				p := float64(out.Pix[i+c])
				out.Pix[i+c] = clampByte(p*(1-a) + v*a)
			}
		}
	}
	return out
}

// rainbow maps a hue in [0, 1) to a light, saturated foil colour.
func rainbow(hue float64) (r, g, b float64) {
	f := func(off float64) float64 { return 170 + 85*math.Cos(2*math.Pi*(hue-off)) }
	return f(0), f(1.0 / 3), f(2.0 / 3)
}

// overprint returns img with dark guilloche line work printed over it at
// the given ink strength (0–1), as some passports print over the photo.
func overprint(img image.Image, strength, pitch float64) *image.RGBA {
	out := toRGBA(img)
	w, h := out.Rect.Dx(), out.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			s := math.Abs(math.Sin(math.Pi * (fy + 8*math.Sin(fx/(3*pitch))) / pitch))
			a := strength * math.Pow(s, 12)
			i := out.PixOffset(x, y)
			ink := [3]float64{40, 90, 60}
			for c := 0; c < 3; c++ {
				out.Pix[i+c] = clampByte(float64(out.Pix[i+c])*(1-a) + ink[c]*a)
			}
		}
	}
	return out
}

// portraitCard draws an ICAO document (lines choose its format) of the
// given width carrying face, as a JPEG at quality 85.
func portraitCard(t testing.TB, lines []string, face image.Image, width int) image.Image {
	t.Helper()
	mrztest.Require(t)
	img, err := mrztest.Card(lines, face, mrztest.Options{Width: width, Noise: 2, Seed: uint64(width)})
	if err != nil {
		t.Fatal(err)
	}
	return jpegRoundTrip(t, img, 85)
}

// textPage draws a block of printed text of w×h: a heading and lines of
// body text in two sizes, as on the back of a card or a visa page.
func textPage(t testing.TB, w, h int, seed uint64) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{244, 240, 230, 255})
	rng := rand.New(rand.NewPCG(seed, 3))
	words := []string{"VALID", "FOR", "ALL", "COUNTRIES", "EXCEPT", "HOLDER", "SIGNATURE",
		"THIS", "DOCUMENT", "REMAINS", "PROPERTY", "OF", "THE", "ISSUING", "STATE", "0123", "1974"}
	fh := float64(h)
	text(t, img, gomonobold.TTF, fh*0.07, color.Black, w/20, h/10, "CONDITIONS OF ISSUE")
	for y := h / 5; y < h-h/20; y += int(fh * 0.055) {
		line := ""
		for len(line) < 60 {
			line += words[rng.IntN(len(words))] + " "
		}
		text(t, img, goregular.TTF, fh*0.04, color.RGBA{30, 30, 40, 255}, w/20, y, line)
	}
	return img
}

// pattern draws a security background of w×h: kind 0 is a rosette of
// interfering rings, 1 a field of crossing waves, 2 a tiled emblem of
// circles and bars, the shapes logos and seals are made of.
func pattern(w, h, kind int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			var v float64
			switch kind {
			case 0:
				d1 := math.Hypot(fx-float64(w)*0.3, fy-float64(h)*0.5)
				d2 := math.Hypot(fx-float64(w)*0.7, fy-float64(h)*0.5)
				v = 0.5 + 0.25*math.Sin(d1/3) + 0.25*math.Sin(d2/3.3)
			case 1:
				v = 0.5 + 0.25*math.Sin(fx/7+3*math.Sin(fy/40)) + 0.25*math.Sin(fy/5+2*math.Sin(fx/31))
			default:
				cell := float64(h) / 3
				cx, cy := math.Mod(fx, cell)-cell/2, math.Mod(fy, cell)-cell/2
				r := math.Hypot(cx, cy)
				v = 1
				switch {
				case r < cell*0.38 && r > cell*0.32:
					v = 0.1
				case math.Abs(cy-cell*0.12) < cell*0.04 && math.Abs(cx) < cell*0.2:
					v = 0.2
				case math.Hypot(math.Abs(cx)-cell*0.1, cy+cell*0.08) < cell*0.06:
					v = 0.15
				}
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clampByte(90+150*v), clampByte(100+140*v), clampByte(130+110*v), 255
		}
	}
	return img
}

// lineScreen returns img as a laser-engraved or line-screened print: grey
// tones made of dark lines of varying width at the given pitch (pixels of
// img), at an angle, on light stock.
func lineScreen(img image.Image, pitch, angle float64) *image.RGBA {
	out := toRGBA(img)
	sin, cos := math.Sincos(angle * math.Pi / 180)
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			i := out.PixOffset(x, y)
			lum := (0.299*float64(out.Pix[i]) + 0.587*float64(out.Pix[i+1]) + 0.114*float64(out.Pix[i+2])) / 255
			// Distance from the centre line of the nearest screen line, 0–0.5.
			u := (float64(x)*cos + float64(y)*sin) / pitch
			d := math.Abs(u - math.Floor(u) - 0.5)
			// The line is as wide as the tone is dark; edges are antialiased.
			half := (1 - lum) / 2
			a := min(1, max(0, (half-d)*pitch+0.5))
			v := 235 - 210*a
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = clampByte(v), clampByte(v*0.98), clampByte(v*0.95)
		}
	}
	return out
}

// soften blurs img by sigma pixels, as an old lens or a reprint does.
func soften(img image.Image, sigma float64) *image.RGBA { return gaussianBlur(img, sigma) }
