package imagecheck

import (
	"image"
	"image/draw"
)

// orient returns img turned upright according to an EXIF orientation:
// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
// 7 transverse, 8 rotate 90° counter-clockwise.
//
// A JPEG's YCbCr planes are turned as they are, which holds one more copy of
// the decoded size (3 bytes a pixel at most, 1.5 for the usual 4:2:0)
// instead of two of 4 bytes a pixel, and keeps the encoder's fast path.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	if m, ok := img.(*image.YCbCr); ok {
		if out := orientYCbCr(m, o); out != nil {
			return out
		}
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			si := src.PixOffset(x, y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// Turned maps pixel (x, y) of a w×h picture stored with EXIF orientation
// o to its place in the upright picture: 2 mirrored, 3 turned 180°, 4
// flipped, 5 transposed, 6 turned 90° clockwise, 7 transversed, 8 turned
// 90° counter-clockwise.
func Turned(o, w, h, x, y int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return h - 1 - y, x
	case 7:
		return h - 1 - y, w - 1 - x
	case 8:
		return y, w - 1 - x
	}
	return x, y
}

// transposed is the subsampling of a YCbCr image whose axes are swapped.
var transposed = map[image.YCbCrSubsampleRatio]image.YCbCrSubsampleRatio{
	image.YCbCrSubsampleRatio444: image.YCbCrSubsampleRatio444,
	image.YCbCrSubsampleRatio420: image.YCbCrSubsampleRatio420,
	image.YCbCrSubsampleRatio422: image.YCbCrSubsampleRatio440,
	image.YCbCrSubsampleRatio440: image.YCbCrSubsampleRatio422,
}

// orientYCbCr turns each plane of m, or returns nil for a subsampling
// that has no transposed form in package image (4:1:1, 4:1:0). With an
// odd side, the chroma of the edge pixel pairs with its other neighbour:
// half a chroma sample, below what the re-encoding itself moves.
func orientYCbCr(m *image.YCbCr, o int) *image.YCbCr {
	if m.Rect.Min != (image.Point{}) {
		return nil // a decoder's picture starts at the origin; no need to handle others
	}
	ratio := m.SubsampleRatio
	if o >= 5 {
		r, ok := transposed[ratio]
		if !ok {
			return nil
		}
		ratio = r
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
	turnPlane(out.Y, out.YStride, m.Y, m.YStride, o, w, h)
	cw, ch := chromaSize(w, h, m.SubsampleRatio)
	turnPlane(out.Cb, out.CStride, m.Cb, m.CStride, o, cw, ch)
	turnPlane(out.Cr, out.CStride, m.Cr, m.CStride, o, cw, ch)
	return out
}

// turnPlane writes the w×h plane src, turned by o, into dst.
func turnPlane(dst []byte, dstStride int, src []byte, srcStride, o, w, h int) {
	for y := 0; y < h; y++ {
		row := src[y*srcStride : y*srcStride+w]
		for x, v := range row {
			dx, dy := Turned(o, w, h, x, y)
			dst[dy*dstStride+dx] = v
		}
	}
}

// chromaSize is the size of the chroma planes of a w×h picture.
func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}
