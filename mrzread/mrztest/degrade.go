package mrztest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// degrade applies the optional rotation, blur, noise and JPEG re-encoding, in
// the order a camera and an upload would.
func degrade(img *image.RGBA, opts Options) (image.Image, error) {
	if opts.Rotate != 0 {
		img = rotate(img, opts.Rotate)
	}
	if opts.Blur > 0 {
		gaussianBlur(img, opts.Blur)
	}
	if opts.Noise > 0 {
		rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
		for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
			row := img.Pix[img.PixOffset(img.Rect.Min.X, y):]
			for x := range img.Rect.Dx() {
				for c := range 3 {
					i := 4*x + c
					row[i] = clamp8(float64(row[i]) + rng.NormFloat64()*opts.Noise)
				}
			}
		}
	}
	if opts.JPEGQuality <= 0 {
		return img, nil
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: min(opts.JPEGQuality, 100)}); err != nil {
		return nil, err
	}
	return jpeg.Decode(&buf)
}

// rotate turns img by deg degrees counter-clockwise about its centre,
// keeping its size and filling the uncovered corners with the background.
func rotate(img *image.RGBA, deg float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	fill(out, out.Rect, color.RGBA{62, 66, 72, 255})
	a := -deg * math.Pi / 180 // image y points down
	sin, cos := math.Sincos(a)
	cx := float64(img.Rect.Min.X+img.Rect.Max.X) / 2
	cy := float64(img.Rect.Min.Y+img.Rect.Max.Y) / 2
	// Maps source to destination: rotate about (cx, cy).
	m := f64.Aff3{cos, -sin, cx - cos*cx + sin*cy, sin, cos, cy - sin*cx - cos*cy}
	xdraw.BiLinear.Transform(out, m, img, img.Rect, xdraw.Over, nil)
	return out
}

func clamp8(v float64) uint8 {
	return uint8(math.Round(min(max(v, 0), 255)))
}

// gaussianBlur blurs the colour channels in place with a separable kernel.
func gaussianBlur(img *image.RGBA, sigma float64) {
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
	w, h := img.Rect.Dx(), img.Rect.Dy()
	buf := make([]float64, max(w, h))
	out := make([]float64, max(w, h))
	pass := func(n int, get func(int) float64, set func(int, float64)) {
		for i := range n {
			buf[i] = get(i)
		}
		for i := range n {
			var s float64
			for j, kv := range k {
				s += kv * buf[min(max(i+j-r, 0), n-1)]
			}
			out[i] = s
		}
		for i := range n {
			set(i, out[i])
		}
	}
	for c := range 3 {
		for y := range h {
			base := y * img.Stride
			pass(w, func(x int) float64 { return float64(img.Pix[base+4*x+c]) },
				func(x int, v float64) { img.Pix[base+4*x+c] = clamp8(v) })
		}
		for x := range w {
			pass(h, func(y int) float64 { return float64(img.Pix[y*img.Stride+4*x+c]) },
				func(y int, v float64) { img.Pix[y*img.Stride+4*x+c] = clamp8(v) })
		}
	}
}
