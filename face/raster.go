package face

import (
	"image"
	"image/draw"
	"math"

	"github.com/idproof/idproof/imagecheck"
)

// A raster is an image read once into 8-bit RGB, with a pyramid of copies
// each averaged down by two. The models read small resampled views of it
// (a 256-pixel square for the detector, a 150-pixel face crop for the
// descriptor): sampling from the copy closest above the wanted scale keeps
// bilinear interpolation from aliasing when a 12-megapixel photo is shrunk
// to a few hundred pixels, without filtering the whole photo at every
// scale.
type raster struct {
	levels []plane // levels[0] is the image; each next one is half as large
}

// plane is one pyramid level: w×h pixels, 3 bytes each.
type plane struct {
	w, h int
	pix  []uint8
}

// minLevelSide stops the pyramid: a level smaller than this is not needed
// by any view (the detector's input is 256 pixels).
const minLevelSide = 64

// stripRows is how many rows are converted at a time, bounding the RGBA
// scratch to a strip rather than a copy of the whole image.
const stripRows = 64

// newRaster reads img, turned upright by an EXIF orientation (1–8; 1 is
// as stored). Transparent pixels are flattened onto white, as a viewer
// shows them: a cut-out portrait on a transparent background would
// otherwise read as a face on black.
func newRaster(img image.Image, orientation int) *raster {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if orientation < 1 || orientation > 8 {
		orientation = 1
	}
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	base := plane{w: dw, h: dh, pix: make([]uint8, 3*w*h)}
	strip := image.NewRGBA(image.Rect(0, 0, w, min(stripRows, h)))
	for y0 := 0; y0 < h; y0 += stripRows {
		rows := min(stripRows, h-y0)
		s := strip.SubImage(image.Rect(0, 0, w, rows)).(*image.RGBA)
		for i := range s.Pix[:4*w*rows] {
			s.Pix[i] = 0xff
		}
		// Over a white strip: image/draw has fast paths for the types
		// decoders return (YCbCr, RGBA, NRGBA, Gray, CMYK).
		draw.Draw(s, s.Rect, img, image.Pt(b.Min.X, b.Min.Y+y0), draw.Over)
		if orientation == 1 {
			dst := base.pix[3*w*y0:]
			for i := 0; i < w*rows; i++ {
				dst[3*i], dst[3*i+1], dst[3*i+2] = s.Pix[4*i], s.Pix[4*i+1], s.Pix[4*i+2]
			}
			continue
		}
		for r := 0; r < rows; r++ {
			y := y0 + r
			for x := 0; x < w; x++ {
				dx, dy := imagecheck.Turned(orientation, w, h, x, y)
				d, o := 3*(dy*dw+dx), 4*(r*w+x)
				base.pix[d], base.pix[d+1], base.pix[d+2] = s.Pix[o], s.Pix[o+1], s.Pix[o+2]
			}
		}
	}
	r := &raster{levels: []plane{base}}
	for p := base; min(p.w, p.h) >= 2*minLevelSide; {
		p = p.half()
		r.levels = append(r.levels, p)
	}
	return r
}

// half averages 2×2 blocks; an odd last row or column is dropped.
func (p plane) half() plane {
	q := plane{w: p.w / 2, h: p.h / 2}
	q.pix = make([]uint8, 3*q.w*q.h)
	for y := 0; y < q.h; y++ {
		r0 := p.pix[3*p.w*(2*y):]
		r1 := p.pix[3*p.w*(2*y+1):]
		dst := q.pix[3*q.w*y:]
		for x := 0; x < q.w; x++ {
			for c := 0; c < 3; c++ {
				i := 6*x + c
				dst[3*x+c] = uint8((int(r0[i]) + int(r0[i+3]) + int(r1[i]) + int(r1[i+3]) + 2) >> 2)
			}
		}
	}
	return q
}

// width and height are the image's size.
func (r *raster) width() int  { return r.levels[0].w }
func (r *raster) height() int { return r.levels[0].h }

// affine maps the pixels of an n×n view into the image: the centre of
// view pixel (i, j) is at origin + (i+½)·ax + (j+½)·ay, in image
// coordinates where pixel (x, y) covers [x, x+1) × [y, y+1).
type affine struct {
	origin, ax, ay [2]float64
}

// squareView maps an n×n view onto the axis-aligned square of the given
// side whose top-left corner is (x0, y0).
func squareView(x0, y0, side float64, n int) affine {
	s := side / float64(n)
	return affine{origin: [2]float64{x0, y0}, ax: [2]float64{s, 0}, ay: [2]float64{0, s}}
}

// at returns the image point of view coordinates (u, v), continuous, in
// view pixels.
func (a affine) at(u, v float64) (float64, float64) {
	return a.origin[0] + u*a.ax[0] + v*a.ay[0], a.origin[1] + u*a.ax[1] + v*a.ay[1]
}

// sample fills dst (n×n×3, RGB in 0…255) with the view a; points outside
// the image are black, as the detector's square padding is.
func (r *raster) sample(dst []float32, n int, a affine) {
	scale := max(math.Hypot(a.ax[0], a.ax[1]), math.Hypot(a.ay[0], a.ay[1]))
	level := 0
	for level+1 < len(r.levels) && scale >= float64(int(2)<<level) {
		level++
	}
	p := &r.levels[level]
	f := 1 / float64(int(1)<<level)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := a.at(float64(i)+0.5, float64(j)+0.5)
			// Continuous level coordinates, relative to pixel centres.
			p.bilinear(dst[3*(j*n+i):3*(j*n+i)+3], x*f-0.5, y*f-0.5)
		}
	}
}

// bilinear writes the colour at (x, y), pixel centres at integers, into
// out; beyond the plane's edge the colour fades to black over half a pixel.
func (p *plane) bilinear(out []float32, x, y float64) {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	ix, iy := int(x0), int(y0)
	out[0], out[1], out[2] = 0, 0, 0
	if ix < -1 || iy < -1 || ix >= p.w || iy >= p.h {
		return
	}
	weights := [4]float32{(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy}
	for k, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		px, py := ix+d[0], iy+d[1]
		if px < 0 || py < 0 || px >= p.w || py >= p.h || weights[k] == 0 {
			continue
		}
		s := p.pix[3*(py*p.w+px):]
		out[0] += weights[k] * float32(s[0])
		out[1] += weights[k] * float32(s[1])
		out[2] += weights[k] * float32(s[2])
	}
}
