package facetest

import (
	"image"
	"image/color"
	"math"
)

// Warp returns a w×h image whose pixel (x, y) takes img's colour at
// src(x+½, y+½), a point in img's continuous coordinates (pixel (i, j)
// covers [i, i+1) × [j, j+1)), sampled bilinearly; bg outside img.
func Warp(img *image.RGBA, w, h int, src func(x, y float64) (float64, float64), bg color.RGBA) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := src(float64(x)+0.5, float64(y)+0.5)
			c := bilinear(img, sx-0.5, sy-0.5, bg)
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = c.R, c.G, c.B, 255
		}
	}
	return out
}

// bilinear samples img at (x, y), pixel centres at integers.
func bilinear(img *image.RGBA, x, y float64, bg color.RGBA) color.RGBA {
	b := img.Rect
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	var acc [3]float64
	for k, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		wgt := (1 - fx) * (1 - fy)
		switch k {
		case 1:
			wgt = fx * (1 - fy)
		case 2:
			wgt = (1 - fx) * fy
		case 3:
			wgt = fx * fy
		}
		px, py := int(x0)+d[0]+b.Min.X, int(y0)+d[1]+b.Min.Y
		c := [3]uint8{bg.R, bg.G, bg.B}
		if (image.Point{px, py}).In(b) {
			i := img.PixOffset(px, py)
			c = [3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}
		}
		for ch := range acc {
			acc[ch] += wgt * float64(c[ch])
		}
	}
	return color.RGBA{clamp(acc[0]), clamp(acc[1]), clamp(acc[2]), 255}
}

// Gray is the grey the warps fill uncovered background with.
var Gray = color.RGBA{128, 128, 128, 255}

func clamp(v float64) uint8 { return uint8(math.Min(255, math.Max(0, v+0.5))) }

// Move returns img turned by deg degrees (counter-clockwise, as seen),
// scaled by scale about its centre and shifted by (dx, dy) pixels: a flat
// picture moved in front of a camera, whose projection is affine. The
// uncovered background is grey.
func Move(img *image.RGBA, deg, scale, dx, dy float64) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cx, cy := float64(w)/2, float64(h)/2
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	return Warp(img, w, h, func(x, y float64) (float64, float64) {
		// Invert: undo the shift, the scale and the turn (y grows down,
		// so a counter-clockwise turn as seen is negative in these axes).
		u, v := (x-cx-dx)/scale, (y-cy-dy)/scale
		return cx + c*u - s*v, cy + s*u + c*v
	}, color.RGBA{128, 128, 128, 255})
}

// Squeeze returns img narrowed horizontally by factor about its centre
// column: a flat picture turned about its vertical axis, away from the
// camera, as someone holding up a print might turn it to fake a head turn.
func Squeeze(img *image.RGBA, factor float64) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cx := float64(w) / 2
	return Warp(img, w, h, func(x, y float64) (float64, float64) {
		return cx + (x-cx)/factor, y
	}, color.RGBA{128, 128, 128, 255})
}

// Blur applies a Gaussian blur of the given sigma in place.
func Blur(img *image.RGBA, sigma float64) {
	if sigma <= 0 {
		return
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	tmp := make([]float64, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				s := 0.0
				for j, kv := range k {
					xx := min(max(x+j-r, 0), w-1)
					s += kv * float64(img.Pix[y*img.Stride+4*xx+c])
				}
				tmp[3*(y*w+x)+c] = s
			}
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				s := 0.0
				for j, kv := range k {
					yy := min(max(y+j-r, 0), h-1)
					s += kv * tmp[3*(yy*w+x)+c]
				}
				img.Pix[y*img.Stride+4*x+c] = clamp(s)
			}
		}
	}
}

// Noise adds Gaussian noise of the given standard deviation, in 8-bit
// levels, reproducibly from seed.
func Noise(img *image.RGBA, sigma float64, seed uint64) {
	rng := newRand(seed)
	for i := 0; i < len(img.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			img.Pix[i+c] = clamp(float64(img.Pix[i+c]) + sigma*rng.norm())
		}
	}
}

// rnd is a small deterministic generator (SplitMix64), so that pictures
// do not change with the standard library's generators.
type rnd struct{ s uint64 }

func newRand(seed uint64) *rnd { return &rnd{s: seed} }

func (r *rnd) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform value in [0, 1).
func (r *rnd) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// norm returns a standard normal value (Box–Muller).
func (r *rnd) norm() float64 {
	u := max(r.float(), 1e-12)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}
