package docimage

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Synthetic documents for the tests: an ID-1 card layout drawn at any size,
// so that thresholds are measured on something with the structure of a real
// card (text in several sizes, a portrait, fine background lines) rather
// than on noise.

var (
	cardBackground = color.RGBA{236, 233, 224, 255}
	cardBand       = color.RGBA{20, 50, 110, 255}
	cardLine       = color.RGBA{196, 212, 228, 255}
)

func face(t testing.TB, ttf []byte, px float64) font.Face {
	t.Helper()
	f, err := opentype.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func text(t testing.TB, dst draw.Image, ttf []byte, px float64, c color.Color, x, y int, s string) {
	t.Helper()
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face(t, ttf, px), Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func fill(dst draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// cardFront draws the front of a driver's license, w×h, with portrait as the
// photo (scaled and centre-cropped into the photo box), or a drawn head
// shape when portrait is nil.
func cardFront(t testing.TB, w, h int, portrait image.Image) *image.RGBA {
	t.Helper()
	img := cardBase(t, w, h, "DRIVER LICENSE")
	box := image.Rect(w*4/100, h*22/100, w*31/100, h*86/100)
	if portrait != nil {
		pasteCover(img, box, portrait)
	} else {
		fill(img, box, color.RGBA{170, 190, 210, 255})
		ph := img.SubImage(box).(*image.RGBA)
		ellipse(ph, box.Min.X+box.Dx()/2, box.Min.Y+box.Dy()*45/100, box.Dx()*30/100, box.Dy()*30/100, color.RGBA{200, 160, 130, 255})
		ellipse(ph, box.Min.X+box.Dx()/2, box.Max.Y, box.Dx()*45/100, box.Dy()*25/100, color.RGBA{60, 60, 80, 255})
	}
	fh := float64(h)
	x := w * 35 / 100
	fields := [][2]string{
		{"DL NO", "T64235789"}, {"DOB", "06/06/1986"}, {"EXP", "12/10/2024"},
		{"NAME", "SAMPLE, MICHAEL JOHN"}, {"ADDRESS", "2300 WEST BROAD STREET"}, {"", "RICHMOND, VA 23269"},
	}
	for i, f := range fields {
		y := h*28/100 + i*h*10/100
		text(t, img, goregular.TTF, fh*0.032, color.Gray{90}, x, y, f[0])
		text(t, img, gomonobold.TTF, fh*0.05, color.Black, x, y+int(fh*0.052), f[1])
	}
	text(t, img, goregular.TTF, fh*0.025, color.RGBA{120, 30, 30, 255}, x, h*94/100, "CLASS C  SEX M  HGT 5-08  EYES BRO  ISS 06/06/2019")
	return img
}

// cardBack draws the back of a license with sym pasted at its natural size
// (a barcode must not be resampled) below a text block.
func cardBack(t testing.TB, w, h int, sym image.Image) *image.RGBA {
	t.Helper()
	img := cardBase(t, w, h, "RESTRICTIONS / ENDORSEMENTS")
	fh := float64(h)
	text(t, img, goregular.TTF, fh*0.035, color.Black, w*5/100, h*25/100, "NONE. ORGAN DONOR. VETERAN. 2300 WEST BROAD ST")
	sb := sym.Bounds()
	at := image.Pt((w-sb.Dx())/2, h*32/100)
	draw.Draw(img, sb.Sub(sb.Min).Add(at), sym, sb.Min, draw.Src)
	return img
}

// cardBase draws the background, guilloche lines and title band.
func cardBase(t testing.TB, w, h int, title string) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), cardBackground)
	thick := max(1, w/800)
	for k := 0; k < 14; k++ {
		amp, freq, base := float64(h)*0.03, 2*math.Pi*(3+float64(k%4))/float64(w), float64(h)*(0.2+0.055*float64(k))
		for x := 0; x < w; x++ {
			y := int(base + amp*math.Sin(freq*float64(x)+float64(k)))
			fill(img, image.Rect(x, y, x+1, y+thick), cardLine)
		}
	}
	fill(img, image.Rect(0, 0, w, h*16/100), cardBand)
	text(t, img, goregular.TTF, float64(h)*0.08, color.White, w*4/100, h*11/100, "UTOPIA  "+title)
	return img
}

func ellipse(img *image.RGBA, cx, cy, rx, ry int, c color.Color) {
	b := img.Bounds()
	for y := max(b.Min.Y, cy-ry); y < min(b.Max.Y, cy+ry+1); y++ {
		for x := max(b.Min.X, cx-rx); x < min(b.Max.X, cx+rx+1); x++ {
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy <= 1 {
				img.Set(x, y, c)
			}
		}
	}
}

// pasteCover scales src to cover box and crops the overflow evenly.
func pasteCover(dst draw.Image, box image.Rectangle, src image.Image) {
	sb := src.Bounds()
	s := math.Max(float64(box.Dx())/float64(sb.Dx()), float64(box.Dy())/float64(sb.Dy()))
	sw, sh := int(math.Ceil(float64(sb.Dx())*s)), int(math.Ceil(float64(sb.Dy())*s))
	scaled := image.NewRGBA(image.Rect(0, 0, sw, sh))
	xdraw.CatmullRom.Scale(scaled, scaled.Bounds(), src, sb, xdraw.Src, nil)
	draw.Draw(dst, box, scaled, image.Pt((sw-box.Dx())/2, (sh-box.Dy())/2), draw.Src)
}

// gaussianBlur returns img blurred with a Gaussian of the given sigma (px).
func gaussianBlur(img image.Image, sigma float64) *image.RGBA {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	pass := func(in *image.RGBA, dx, dy int) *image.RGBA {
		out := image.NewRGBA(in.Bounds())
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var acc [3]float64
				for i, kv := range k {
					sx := min(max(x+(i-r)*dx, 0), w-1)
					sy := min(max(y+(i-r)*dy, 0), h-1)
					o := in.PixOffset(sx, sy)
					for c := 0; c < 3; c++ {
						acc[c] += kv * float64(in.Pix[o+c])
					}
				}
				o := out.PixOffset(x, y)
				for c := 0; c < 3; c++ {
					out.Pix[o+c] = uint8(math.Round(acc[c]))
				}
				out.Pix[o+3] = 255
			}
		}
		return out
	}
	return pass(pass(src, 1, 0), 0, 1)
}

// addGlare returns a copy of img with a lamp reflection: an elliptical spot
// clipped to white whose core covers frac of the image, fading out over a
// halo 60 % wider, centred at (cx, cy) given as fractions of the size.
func addGlare(img image.Image, frac, cx, cy float64) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	ry := math.Sqrt(frac * float64(w*h) / (1.3 * math.Pi))
	rx := 1.3 * ry
	px, py := cx*float64(w), cy*float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := (float64(x)+0.5-px)/rx, (float64(y)+0.5-py)/ry
			d := math.Sqrt(dx*dx + dy*dy)
			a := 1.0
			if d > 1 {
				a = math.Max(0, 1-(d-1)/0.6)
			}
			if a == 0 {
				continue
			}
			o := out.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				v := float64(out.Pix[o+c])
				out.Pix[o+c] = uint8(math.Round(v + (255-v)*a))
			}
		}
	}
	return out
}
