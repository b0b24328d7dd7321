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

// degrade applies the optional rotation, perspective, lighting, blur, noise,
// quarter turns and JPEG re-encoding, in the order a camera and an upload
// would. card is where the card lies in img, table the colour around it.
func degrade(img *image.RGBA, card image.Rectangle, table color.Color, opts Options) (image.Image, error) {
	if opts.Rotate != 0 {
		img = rotate(img, opts.Rotate)
	}
	if opts.Tilt != 0 || opts.Keystone != 0 {
		img = perspective(img, card, table, opts.Tilt, opts.Keystone)
	}
	if opts.Light > 0 {
		light(img, min(opts.Light, 1))
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
	img = turn(img, opts.Turns)
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
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	plane := make([]float32, w*h)
	tmp := make([]float32, w*h)
	for c := range 3 {
		for y := range h {
			row := img.Pix[y*img.Stride:]
			for x := range w {
				plane[y*w+x] = float32(row[4*x+c])
			}
		}
		// Rows, then columns, with edge values repeated outward.
		for y := range h {
			in, out := plane[y*w:(y+1)*w], tmp[y*w:(y+1)*w]
			for x := range w {
				var s float32
				if x >= r && x+r < w {
					for j, kv := range k {
						s += kv * in[x+j-r]
					}
				} else {
					for j, kv := range k {
						s += kv * in[min(max(x+j-r, 0), w-1)]
					}
				}
				out[x] = s
			}
		}
		acc := make([]float32, w)
		for y := range h {
			clear(acc)
			for j, kv := range k {
				src := tmp[min(max(y+j-r, 0), h-1)*w:][:w]
				for x, v := range src {
					acc[x] += kv * v
				}
			}
			row := img.Pix[y*img.Stride:]
			for x, s := range acc {
				row[4*x+c] = uint8(min(max(s+0.5, 0), 255))
			}
		}
	}
}
