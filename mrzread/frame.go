package mrzread

import (
	"image"
	"math"

	"github.com/idproof/idproof/mrzread/internal/glyph"
)

// A frame is a view of the working image in which the zone's lines would
// run left to right with their characters upright: the image turned by
// quarter turns (a phone held sideways or upside down) and then rotated by
// the tilt that the projection of its components showed. Lines are found
// in frame coordinates; characters are sampled from the working image
// through the frame's map, so turning costs no resampling of the picture.
type frame struct {
	w, h int
	// toImage maps frame coordinates to the working image's.
	toImage glyph.Affine
}

// turned returns the frame of a w×h image turned clockwise by q quarter
// turns, which brings upright a picture that was taken turned q quarter
// turns counter-clockwise.
func turned(w, h, q int) frame {
	fw, fh := float64(w), float64(h)
	switch q & 3 {
	case 1: // frame (X, Y) shows image (Y, h−X)
		return frame{w: h, h: w, toImage: glyph.Affine{0, 1, 0, -1, 0, fh}}
	case 2:
		return frame{w: w, h: h, toImage: glyph.Affine{-1, 0, fw, 0, -1, fh}}
	case 3: // frame (X, Y) shows image (w−Y, X)
		return frame{w: h, h: w, toImage: glyph.Affine{0, -1, fw, 1, 0, 0}}
	}
	return frame{w: w, h: h, toImage: glyph.Identity}
}

// halfTurn returns f turned upside down.
func (f frame) halfTurn() frame {
	return frame{w: f.w, h: f.h, toImage: compose(f.toImage, glyph.Affine{-1, 0, float64(f.w), 0, -1, float64(f.h)})}
}

// halfTurn maps components of frame f into f.halfTurn().
func halfTurn(cs []comp, f frame) []comp {
	out := make([]comp, len(cs))
	for i, c := range cs {
		out[i] = comp{x0: f.w - c.x1, y0: f.h - c.y1, x1: f.w - c.x0, y1: f.h - c.y0, area: c.area}
	}
	return out
}

// rotated returns the frame that turns f by deg degrees counter-clockwise,
// so that lines sloping down by deg in f run level. It is large enough to
// hold all of f.
func (f frame) rotated(deg float64) frame {
	sin, cos := math.Sincos(deg * math.Pi / 180)
	as, ac := math.Abs(sin), math.Abs(cos)
	fw, fh := float64(f.w), float64(f.h)
	nw, nh := math.Ceil(fw*ac+fh*as), math.Ceil(fw*as+fh*ac)
	// A level line in the new frame is a line of slope tan(deg) in f:
	// f = R(deg)·(n − centre of n) + centre of f.
	r := glyph.Affine{cos, -sin, fw/2 - cos*nw/2 + sin*nh/2, sin, cos, fh/2 - sin*nw/2 - cos*nh/2}
	return frame{w: int(nw), h: int(nh), toImage: compose(f.toImage, r)}
}

// compose returns a∘b: b's result mapped by a.
func compose(a, b glyph.Affine) glyph.Affine {
	return glyph.Affine{
		a[0]*b[0] + a[1]*b[3], a[0]*b[1] + a[1]*b[4], a[0]*b[2] + a[1]*b[5] + a[2],
		a[3]*b[0] + a[4]*b[3], a[3]*b[1] + a[4]*b[4], a[3]*b[2] + a[4]*b[5] + a[5],
	}
}

// invert returns the inverse of an invertible affine map.
func invert(m glyph.Affine) glyph.Affine {
	det := m[0]*m[4] - m[1]*m[3]
	a, b, d, e := m[4]/det, -m[1]/det, -m[3]/det, m[0]/det
	return glyph.Affine{a, b, -(a*m[2] + b*m[5]), d, e, -(d*m[2] + e*m[5])}
}

// deg returns the angle, counter-clockwise in degrees from 0 to 360, at
// which the frame's level lines run in the image.
func (f frame) deg() float64 {
	d := math.Atan2(-f.toImage[3], f.toImage[0]) * 180 / math.Pi
	if d < 0 {
		d += 360
	}
	return d
}

// boxes maps components of the image into the frame, which must be turned
// by quarter turns only, so that boxes stay exact.
func (f frame) boxes(cs []comp) []comp {
	inv := invert(f.toImage)
	out := make([]comp, len(cs))
	for i, c := range cs {
		x0, y0 := inv.Apply(float64(c.x0), float64(c.y0))
		x1, y1 := inv.Apply(float64(c.x1), float64(c.y1))
		out[i] = comp{
			x0: int(math.Round(min(x0, x1))), y0: int(math.Round(min(y0, y1))),
			x1: int(math.Round(max(x0, x1))), y1: int(math.Round(max(y0, y1))),
			area: c.area,
		}
	}
	return out
}

// mask samples the image's ink mask (w pixels wide) into the frame, nearest
// pixel, with no ink outside the image.
func (f frame) mask(src []uint8, w, h int) []uint8 {
	out := make([]uint8, f.w*f.h)
	m := f.toImage
	// Step along each row in fixed point, 16 fractional bits: the map is
	// affine, and the frame is never over 2^14 pixels on a side.
	const one = 1 << 16
	dx, dy := int64(m[0]*one), int64(m[3]*one)
	for y := range f.h {
		x0, y0 := m.Apply(0.5, float64(y)+0.5)
		px, py := int64(math.Floor(x0*one)), int64(math.Floor(y0*one))
		row := out[y*f.w : (y+1)*f.w]
		for x := range row {
			sx, sy := px>>16, py>>16
			if sx >= 0 && sy >= 0 && sx < int64(w) && sy < int64(h) {
				row[x] = src[int(sy)*w+int(sx)]
			}
			px += dx
			py += dy
		}
	}
	return out
}

// rect maps a rectangle of the frame to the smallest one of the image that
// holds it.
func (f frame) rect(r image.Rectangle) image.Rectangle {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range []image.Point{r.Min, {r.Max.X, r.Min.Y}, r.Max, {r.Min.X, r.Max.Y}} {
		x, y := f.toImage.Apply(float64(p.X), float64(p.Y))
		minX, minY = min(minX, x), min(minY, y)
		maxX, maxY = max(maxX, x), max(maxY, y)
	}
	return image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY)))
}
