// Package docimage measures what the built-in verifier needs to know about a
// document photo or a selfie before trusting it: where the document lies in
// the picture, whether it is sharp and free of glare, and whether what is
// read from it (the MRZ, the portrait) is large enough (Measure, Features,
// Thresholds); which faces it shows (Faces, FacesIn, Portrait); and whether
// the back of a driver's license carries a PDF417 symbol at all (HasPDF417).
//
// Images arrive already checked and normalised by package imagecheck (JPEG or
// PNG, upright, at most 8000 px a side and 24 MP), so the functions here
// accept any image.Image, never fail, and do not re-check limits. All of them
// are safe for concurrent use.
package docimage

import (
	"image"
	"image/color"
)

// raster reads whole rows of an image as 8-bit samples. The standard decoders
// return a handful of concrete types; reading those directly instead of
// through At keeps a 24 MP photo to tens of milliseconds.
type raster struct {
	img image.Image
	b   image.Rectangle
}

func newRaster(img image.Image) raster { return raster{img: img, b: img.Bounds()} }

// rgb fills dst (3 bytes per pixel) with row y, counted from the top of the
// bounds. Colours with alpha are taken premultiplied, i.e. over black, which
// is what At().RGBA() reports for every type.
func (r raster) rgb(y int, dst []uint8) {
	w, y := r.b.Dx(), r.b.Min.Y+y
	switch m := r.img.(type) {
	case *image.YCbCr:
		for x := 0; x < w; x++ {
			px := r.b.Min.X + x
			yi, ci := m.YOffset(px, y), m.COffset(px, y)
			dst[3*x], dst[3*x+1], dst[3*x+2] = color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.Gray:
		row := m.Pix[m.PixOffset(r.b.Min.X, y):]
		for x := 0; x < w; x++ {
			v := row[x]
			dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
		}
	case *image.RGBA:
		row := m.Pix[m.PixOffset(r.b.Min.X, y):]
		for x := 0; x < w; x++ {
			dst[3*x], dst[3*x+1], dst[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
		}
	case *image.NRGBA:
		row := m.Pix[m.PixOffset(r.b.Min.X, y):]
		for x := 0; x < w; x++ {
			a := uint16(row[4*x+3])
			dst[3*x] = uint8(uint16(row[4*x]) * a / 255)
			dst[3*x+1] = uint8(uint16(row[4*x+1]) * a / 255)
			dst[3*x+2] = uint8(uint16(row[4*x+2]) * a / 255)
		}
	default:
		for x := 0; x < w; x++ {
			cr, cg, cb, _ := r.img.At(r.b.Min.X+x, y).RGBA()
			dst[3*x], dst[3*x+1], dst[3*x+2] = uint8(cr>>8), uint8(cg>>8), uint8(cb>>8)
		}
	}
}

// luma fills dst (1 byte per pixel) with the Rec. 601 luma of row y. JPEG's Y
// plane already is that luma, so it is copied as is.
func (r raster) luma(y int, dst []uint8, scratch []uint8) {
	w := r.b.Dx()
	switch m := r.img.(type) {
	case *image.YCbCr:
		yi := m.YOffset(r.b.Min.X, r.b.Min.Y+y)
		copy(dst[:w], m.Y[yi:yi+w])
	case *image.Gray:
		i := m.PixOffset(r.b.Min.X, r.b.Min.Y+y)
		copy(dst[:w], m.Pix[i:i+w])
	default:
		r.rgb(y, scratch)
		for x := 0; x < w; x++ {
			dst[x] = lumaOf(scratch[3*x], scratch[3*x+1], scratch[3*x+2])
		}
	}
}

func lumaOf(r, g, b uint8) uint8 {
	return uint8((299*uint32(r) + 587*uint32(g) + 114*uint32(b) + 500) / 1000)
}

// rgbPlanes is a small float image used for measuring: three planes of
// w×h samples in 0..255.
type rgbPlanes struct {
	w, h    int
	r, g, b []float32
}

func newPlanes(w, h int) *rgbPlanes {
	n := w * h
	return &rgbPlanes{w: w, h: h, r: make([]float32, n), g: make([]float32, n), b: make([]float32, n)}
}

// gray returns the Rec. 601 luma plane.
func (p *rgbPlanes) gray() []float32 {
	out := make([]float32, len(p.r))
	for i := range out {
		out[i] = 0.299*p.r[i] + 0.587*p.g[i] + 0.114*p.b[i]
	}
	return out
}

// fitLong returns the size of w×h scaled so that its long side is long.
func fitLong(w, h, long int) (int, int) {
	if w >= h {
		return long, max(1, (h*long+w/2)/w)
	}
	return max(1, (w*long+h/2)/h), long
}

// shrink reduces img to ow×oh (each no larger than the source) by averaging
// every source pixel into exactly one output pixel. Box averaging is the
// anti-aliasing a measurement needs: nothing is skipped, so a thin line or a
// small highlight still contributes in proportion to its area. Rows are
// streamed, so the full-resolution image is never converted as a whole.
func shrink(img image.Image, ow, oh int) *rgbPlanes {
	return shrinkRect(img, img.Bounds(), ow, oh)
}

// shrinkRect is shrink of the part r of img, which must lie within its
// bounds.
func shrinkRect(img image.Image, r image.Rectangle, ow, oh int) *rgbPlanes {
	rs := raster{img: img, b: r}
	w, h := rs.b.Dx(), rs.b.Dy()
	out := newPlanes(ow, oh)
	col := make([]int, w)
	cnt := make([]float64, ow)
	for x := range col {
		col[x] = x * ow / w
		cnt[col[x]]++
	}
	row := make([]uint8, 3*w)
	sum := make([]uint64, 3*ow)
	rows := 0.0
	flush := func(oy int) {
		for ox := 0; ox < ow; ox++ {
			n := cnt[ox] * rows
			i := oy*ow + ox
			out.r[i] = float32(float64(sum[3*ox]) / n)
			out.g[i] = float32(float64(sum[3*ox+1]) / n)
			out.b[i] = float32(float64(sum[3*ox+2]) / n)
		}
		clear(sum)
		rows = 0
	}
	for y := 0; y < h; y++ {
		oy := y * oh / h
		rs.rgb(y, row)
		for x := 0; x < w; x++ {
			o := 3 * col[x]
			sum[o] += uint64(row[3*x])
			sum[o+1] += uint64(row[3*x+1])
			sum[o+2] += uint64(row[3*x+2])
		}
		rows++
		if y+1 == h || (y+1)*oh/h != oy {
			flush(oy)
		}
	}
	return out
}

// enlarge resamples p up to ow×oh bilinearly. Nearest-neighbour copies would
// add hard pixel steps, which the face cascade's pixel comparisons would
// read as detail; bilinear adds none.
func enlarge(p *rgbPlanes, ow, oh int) *rgbPlanes {
	out := newPlanes(ow, oh)
	xs := make([]int, ow)
	txs := make([]float32, ow)
	for ox := range xs {
		xs[ox], txs[ox] = split((float64(ox)+0.5)*float64(p.w)/float64(ow)-0.5, p.w)
	}
	src := [3][]float32{p.r, p.g, p.b}
	dst := [3][]float32{out.r, out.g, out.b}
	for oy := 0; oy < oh; oy++ {
		y0, ty := split((float64(oy)+0.5)*float64(p.h)/float64(oh)-0.5, p.h)
		r0, r1 := y0*p.w, min(y0+1, p.h-1)*p.w
		for c := range src {
			s, d := src[c], dst[c][oy*ow:(oy+1)*ow]
			for ox, x0 := range xs {
				x1, tx := min(x0+1, p.w-1), txs[ox]
				a := s[r0+x0]*(1-tx) + s[r0+x1]*tx
				b := s[r1+x0]*(1-tx) + s[r1+x1]*tx
				d[ox] = a*(1-ty) + b*ty
			}
		}
	}
	return out
}

// split clamps a sample coordinate into [0, n-1] and returns its integer
// part and fraction.
func split(f float64, n int) (int, float32) {
	if f <= 0 {
		return 0, 0
	}
	if f >= float64(n-1) {
		return n - 1, 0
	}
	i := int(f)
	return i, float32(f - float64(i))
}

// working returns img reduced so that its long side is at most long
// pixels; a smaller image is kept at its own size.
func working(img image.Image, long int) *rgbPlanes {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	ow, oh := fitLong(w, h, long)
	if ow > w || oh > h {
		ow, oh = w, h
	}
	return shrink(img, ow, oh)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
