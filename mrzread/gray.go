package mrzread

import (
	"image"
	"image/color"

	"github.com/idproof/idproof/mrzread/internal/glyph"
)

// ink returns the image as a glyph plane, ink bright on dark paper.
func (g gray) ink() glyph.Plane {
	p := glyph.Plane{Pix: make([]uint8, len(g.pix)), Stride: g.w, W: g.w, H: g.h}
	for i, v := range g.pix {
		p.Pix[i] = 255 - v
	}
	return p
}

// toGray converts img to luminance, averaging f×f blocks when f > 1. The
// common decoder outputs are read directly; other types go through the
// colour model, which is slower but correct.
func toGray(img image.Image, f int) gray {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	g := gray{pix: make([]uint8, w*h), w: w, h: h}
	if f == 1 {
		for y := range h {
			lumaRow(img, b.Min.Y+y, g.pix[y*w:(y+1)*w])
		}
		return g
	}
	row := make([]uint8, b.Dx())
	acc := make([]uint32, w)
	for oy := range h {
		clear(acc)
		for sy := range f {
			lumaRow(img, b.Min.Y+oy*f+sy, row)
			for ox := range w {
				for sx := range f {
					acc[ox] += uint32(row[ox*f+sx])
				}
			}
		}
		div := uint32(f * f)
		for ox := range w {
			g.pix[oy*w+ox] = uint8((acc[ox] + div/2) / div)
		}
	}
	return g
}

// lumaRow fills row with the luminance of the image row y.
func lumaRow(img image.Image, y int, row []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		copy(row, m.Pix[m.PixOffset(b.Min.X, y):])
	case *image.YCbCr:
		copy(row, m.Y[m.YOffset(b.Min.X, y):])
	case *image.RGBA:
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range row {
			row[x] = luma(p[4*x], p[4*x+1], p[4*x+2])
		}
	case *image.NRGBA:
		// Transparent areas are treated as white paper, not black.
		p := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range row {
			a := uint32(p[4*x+3])
			l := uint32(luma(p[4*x], p[4*x+1], p[4*x+2]))
			row[x] = uint8((l*a + 255*(255-a) + 127) / 255)
		}
	default:
		for x := range row {
			c := color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray)
			row[x] = c.Y
		}
	}
}

// luma uses the BT.601 weights, as JPEG and color.GrayModel do.
func luma(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}
