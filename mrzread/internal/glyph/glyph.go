// Package glyph fixes the geometry of a character cell, shared by the template
// generator and the reader, so that a glyph rendered from the font and a glyph
// cut out of a photograph are normalised in exactly the same way.
//
// A cell is one character pitch wide (the MRZ is monospaced, so the pitch is
// the one measurement every line gives precisely) and is anchored on the
// baseline. The scale comes from the pitch alone, in both directions, so glyph
// proportions survive (OCR-B's 0 is narrower than its O, its digits are taller
// than its capitals) and the cell does not depend on the height of whichever
// glyphs happen to be in a line.
package glyph

import "math"

// Grid dimensions of a normalised cell.
const (
	W     = 16     // columns across one pitch
	H     = 20     // rows: Above the baseline plus Below it
	Above = 18     // rows above the baseline (OCR-B digits reach 1.09 pitch)
	Below = H - 18 // rows below the baseline (round glyphs overshoot it)
	N     = W * H  // values per cell
)

// Plane is an 8-bit image in which larger values mean more ink.
type Plane struct {
	Pix    []uint8
	Stride int
	W, H   int
}

// at returns the bilinear ink value at continuous coordinates, where pixel
// (x, y) covers [x, x+1) × [y, y+1). Outside the plane the nearest edge
// pixel is used.
func (p Plane) at(x, y float64) float32 {
	x -= 0.5
	y -= 0.5
	x0 := math.Floor(x)
	y0 := math.Floor(y)
	fx := float32(x - x0)
	fy := float32(y - y0)
	ix, iy := int(x0), int(y0)
	a := p.px(ix, iy)
	b := p.px(ix+1, iy)
	c := p.px(ix, iy+1)
	d := p.px(ix+1, iy+1)
	top := a + (b-a)*fx
	bot := c + (d-c)*fx
	return top + (bot-top)*fy
}

func (p Plane) px(x, y int) float32 {
	x = min(max(x, 0), p.W-1)
	y = min(max(y, 0), p.H-1)
	return float32(p.Pix[y*p.Stride+x])
}

// Cell samples the character cell centred horizontally on cx, with its
// baseline at baseline, for a character pitch of pitch pixels. The grid is
// extended by mx columns and my rows on each side so a caller can look for
// the best alignment without sampling again; dst must hold
// (W+2mx)×(H+2my) values, row by row. Each grid value is the mean of
// several bilinear samples, so downscaling does not alias and upscaling stays
// smooth.
func (p Plane) Cell(dst []float32, cx, baseline, pitch float64, mx, my int) {
	p.CellAt(dst, Identity, cx, baseline, pitch, mx, my)
}

// Affine maps the coordinates of a view of a plane (turned, rotated) to the
// plane's own: x' = m[0]x + m[1]y + m[2], y' = m[3]x + m[4]y + m[5].
type Affine [6]float64

// Identity is the Affine of the plane itself.
var Identity = Affine{1, 0, 0, 0, 1, 0}

// Apply maps (x, y).
func (m Affine) Apply(x, y float64) (float64, float64) {
	return m[0]*x + m[1]*y + m[2], m[3]*x + m[4]*y + m[5]
}

// CellAt is Cell with cx and baseline given in the coordinates of a view
// that m maps onto the plane: the cell is sampled along the view's axes,
// so a character that stands upright in the view is sampled upright
// whatever its angle in the plane.
func (p Plane) CellAt(dst []float32, m Affine, cx, baseline, pitch float64, mx, my int) {
	if p.W <= 0 || p.H <= 0 {
		clear(dst)
		return
	}
	g := pitch / W
	n := int(math.Ceil(g))
	n = min(max(n, 2), 8)
	step := g / float64(n)
	x0 := cx - pitch/2 - float64(mx)*g
	y0 := baseline - float64(Above+my)*g
	cols := W + 2*mx
	rows := H + 2*my
	inv := 1 / float32(n*n)
	clear(dst[:cols*rows])
	// The samples of a row of the view lie on a straight line in the
	// plane, a fixed step apart.
	sx, sy := m[0]*step, m[3]*step
	// When every sample is at least a pixel inside the plane, the edge
	// clamping can be skipped.
	inside := true
	for _, c := range [4][2]float64{{x0, y0}, {x0 + float64(cols)*g, y0}, {x0, y0 + float64(rows)*g}, {x0 + float64(cols)*g, y0 + float64(rows)*g}} {
		px, py := m.Apply(c[0], c[1])
		if px < 1.5 || py < 1.5 || px > float64(p.W)-1.5 || py > float64(p.H)-1.5 {
			inside = false
		}
	}
	for j := range rows {
		out := dst[j*cols : (j+1)*cols]
		for sub := range n {
			y := y0 + float64(j)*g + (float64(sub)+0.5)*step
			px, py := m.Apply(x0+0.5*step, y)
			for i := range cols {
				var sum float32
				for range n {
					if inside {
						sum += p.atInside(px, py)
					} else {
						sum += p.at(px, py)
					}
					px += sx
					py += sy
				}
				out[i] += sum
			}
		}
		for i := range out {
			out[i] *= inv
		}
	}
}

// atInside is at for a point at least a pixel inside the plane.
func (p Plane) atInside(x, y float64) float32 {
	x -= 0.5
	y -= 0.5
	ix, iy := int(x), int(y)
	fx, fy := float32(x-float64(ix)), float32(y-float64(iy))
	o := iy*p.Stride + ix
	a, b := float32(p.Pix[o]), float32(p.Pix[o+1])
	c, d := float32(p.Pix[o+p.Stride]), float32(p.Pix[o+p.Stride+1])
	top := a + (b-a)*fx
	bot := c + (d-c)*fx
	return top + (bot-top)*fy
}

// Window copies the W×H window at offset (dx, dy) out of an extended grid of
// cols columns.
func Window(dst, ext []float32, cols, dx, dy int) {
	for j := range H {
		copy(dst[j*W:(j+1)*W], ext[(j+dy)*cols+dx:])
	}
}

// Blur returns a W×H cell blurred by a Gaussian of sigma grid units, with
// edge values repeated outward.
func Blur(c []float32, sigma float64) []float32 {
	out := make([]float32, N)
	if sigma <= 0 {
		copy(out, c)
		return out
	}
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
	tmp := make([]float32, N)
	for y := range H {
		for x := range W {
			var s float32
			for j, kv := range k {
				s += kv * c[y*W+min(max(x+j-r, 0), W-1)]
			}
			tmp[y*W+x] = s
		}
	}
	for y := range H {
		for x := range W {
			var s float32
			for j, kv := range k {
				s += kv * tmp[min(max(y+j-r, 0), H-1)*W+x]
			}
			out[y*W+x] = s
		}
	}
	return out
}
