package pdf417

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeArg returns the command-line text and ZXingWriter options that
// make the symbol carry payload byte for byte: ASCII as it is, anything
// else as ISO-8859-1 (each byte a character U+0000–U+00FF), which the
// writer turns back into the same bytes.
func writeArg(payload []byte) (string, []string) {
	ascii := true
	for _, b := range payload {
		if b >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return string(payload), nil
	}
	var sb strings.Builder
	for _, b := range payload {
		sb.WriteRune(rune(b))
	}
	return sb.String(), []string{"-encoding", "ISO-8859-1"}
}

// render prints text as a PDF417 symbol with ZXingWriter and returns the
// image.
func render(t testing.TB, writer, text string, args ...string) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "symbol.png")
	argv := append(append([]string(nil), args...), "PDF417", text, out)
	if msg, err := exec.CommandContext(ctx, writer, argv...).CombinedOutput(); err != nil {
		t.Fatalf("ZXingWriter %q: %v\n%s", args, err, msg)
	}
	return loadImage(t, out)
}

func loadImage(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// zxingRead runs ZXingReader on an image file and returns the bytes of the
// first PDF417 symbol it read.
func zxingRead(reader, path string) ([]byte, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, reader, "-format", "PDF417", "-bytes", path).Output()
	return out, err == nil && len(out) > 0
}

func saveImage(t testing.TB, img image.Image, path string, jpegQuality int) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if jpegQuality > 0 {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// asGray converts any image to *image.Gray.
func asGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, img, b.Min, draw.Src)
	return g
}

// homography maps output pixel (x, y) to source coordinates.
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// quadToRect returns the homography taking the unit square's corners
// (0,0), (1,0), (1,1), (0,1) to the four points.
func squareTo(p [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := p[0][0], p[0][1], p[1][0], p[1][1], p[2][0], p[2][1], p[3][0], p[3][1]
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

func (h homography) inverse() homography {
	a, b, c, d, e, f, g, hh, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	return homography{e*i - f*hh, c*hh - b*i, b*f - c*e, f*g - d*i, a*i - c*g, c*d - a*f, d*hh - e*g, b*g - a*hh, a*e - b*d}
}

func compose(a, b homography) homography { // a after b
	var out homography
	for r := range 3 {
		for c := range 3 {
			for k := range 3 {
				out[3*r+c] += a[3*r+k] * b[3*k+c]
			}
		}
	}
	return out
}

// warp draws src into a w×h image whose pixel (x, y) shows src at
// toSrc(x, y), on a background of bg, bilinearly.
func warp(src *image.Gray, toSrc homography, w, h int, bg uint8) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		for x := range w {
			sx, sy := toSrc.apply(float64(x)+0.5, float64(y)+0.5)
			sx, sy = sx-0.5, sy-0.5
			v := float64(bg)
			if sx >= -1 && sy >= -1 && sx < float64(sw) && sy < float64(sh) {
				x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
				fx, fy := sx-float64(x0), sy-float64(y0)
				px := func(x, y int) float64 {
					if x < 0 || y < 0 || x >= sw || y >= sh {
						return float64(bg)
					}
					return float64(src.Pix[y*src.Stride+x])
				}
				v = (px(x0, y0)*(1-fx)+px(x0+1, y0)*fx)*(1-fy) + (px(x0, y0+1)*(1-fx)+px(x0+1, y0+1)*fx)*fy
			}
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

// place puts the symbol on a white canvas with a margin of pad pixels,
// rotated by deg degrees about its centre and scaled by scale.
func place(src *image.Gray, deg, scale float64, pad int) *image.Gray {
	sw, sh := float64(src.Rect.Dx())*scale, float64(src.Rect.Dy())*scale
	th := deg * math.Pi / 180
	cw := math.Abs(sw*math.Cos(th)) + math.Abs(sh*math.Sin(th))
	ch := math.Abs(sw*math.Sin(th)) + math.Abs(sh*math.Cos(th))
	w, h := int(cw)+2*pad, int(ch)+2*pad
	cos, sin := math.Cos(th), math.Sin(th)
	// output -> source: translate to centre, rotate back, scale back.
	cx, cy := float64(w)/2, float64(h)/2
	scx, scy := float64(src.Rect.Dx())/2, float64(src.Rect.Dy())/2
	toSrc := homography{
		cos / scale, sin / scale, scx - (cos*cx+sin*cy)/scale,
		-sin / scale, cos / scale, scy - (-sin*cx+cos*cy)/scale,
		0, 0, 1,
	}
	return warp(src, toSrc, w, h, 255)
}

// perspective shows the symbol as if photographed at an angle: one side
// shrunk by keystone (0.2 = 20 % shorter), on a white canvas.
func perspective(src *image.Gray, keystone float64, vertical bool, pad int) *image.Gray {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	w, h := int(sw)+2*pad, int(sh)+2*pad
	p := float64(pad)
	var q [4][2]float64
	if vertical { // the right side shorter
		d := sh * keystone / 2
		q = [4][2]float64{{p, p}, {p + sw, p + d}, {p + sw, p + sh - d}, {p, p + sh}}
	} else { // the top shorter
		d := sw * keystone / 2
		q = [4][2]float64{{p + d, p}, {p + sw - d, p}, {p + sw, p + sh}, {p, p + sh}}
	}
	unitToOut := squareTo(q)
	srcToUnit := homography{1 / sw, 0, 0, 0, 1 / sh, 0, 0, 0, 1}
	toSrc := compose(unitToOut, srcToUnit).inverse()
	return warp(src, toSrc, w, h, 255)
}

// blur applies a Gaussian blur of standard deviation sigma pixels.
func blur(src *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := range h {
		for x := range w {
			s := 0.0
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				s += kv * float64(src.Pix[y*src.Stride+xx])
			}
			tmp[y*w+x] = s
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			s := 0.0
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			out.Pix[y*out.Stride+x] = uint8(s + 0.5)
		}
	}
	return out
}

// noise adds Gaussian noise of standard deviation sigma grey levels.
func noise(src *image.Gray, sigma float64, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := image.NewGray(src.Rect)
	for i, p := range src.Pix {
		out.Pix[i] = uint8(min(255, max(0, float64(p)+rng.NormFloat64()*sigma)))
	}
	return out
}
