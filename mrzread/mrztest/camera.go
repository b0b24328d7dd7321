package mrztest

import (
	"image"
	"image/color"
	"math"
)

// perspective views the picture as a camera would that is turned by tilt
// degrees (counter-clockwise) and not held parallel to the card: the card's
// top edge is shortened by keystone (a fraction of its width) and its right
// edge by half as much. The result is as large as needed to hold the whole
// picture, so no part of the card is cut off; the table colour fills the
// rest.
func perspective(img *image.RGBA, card image.Rectangle, table color.Color, tilt, keystone float64) *image.RGBA {
	x0, y0 := float64(card.Min.X), float64(card.Min.Y)
	x1, y1 := float64(card.Max.X), float64(card.Max.Y)
	w, h := x1-x0, y1-y0
	src := [4][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	dst := [4][2]float64{
		{x0 + keystone*w/2, y0 + keystone*h/8},
		{x1 - keystone*w/2, y0 + keystone*h/4},
		{x1, y1 - keystone*h/8},
		{x0, y1},
	}
	cx, cy := (x0+x1)/2, (y0+y1)/2
	sin, cos := math.Sincos(-tilt * math.Pi / 180) // image y points down
	for i, p := range dst {
		dx, dy := p[0]-cx, p[1]-cy
		dst[i] = [2]float64{cx + cos*dx - sin*dy, cy + sin*dx + cos*dy}
	}
	fwd := homography(src, dst)
	// The picture's own corners, border included, set the output's size.
	b := img.Rect
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range [4][2]float64{{float64(b.Min.X), float64(b.Min.Y)}, {float64(b.Max.X), float64(b.Min.Y)},
		{float64(b.Max.X), float64(b.Max.Y)}, {float64(b.Min.X), float64(b.Max.Y)}} {
		x, y := apply(fwd, p[0], p[1])
		minX, minY = min(minX, x), min(minY, y)
		maxX, maxY = max(maxX, x), max(maxY, y)
	}
	out := image.NewRGBA(image.Rect(0, 0, int(maxX-minX)+1, int(maxY-minY)+1))
	fill(out, out.Rect, table)
	for i := range dst {
		dst[i][0] -= minX
		dst[i][1] -= minY
	}
	inv := homography(dst, src)
	tr, tg, tb, _ := table.RGBA()
	bg := [4]uint8{uint8(tr >> 8), uint8(tg >> 8), uint8(tb >> 8), 255}
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			sx, sy := apply(inv, float64(x)+0.5, float64(y)+0.5)
			bilinear(out.Pix[out.PixOffset(x, y):][:4], img, sx-0.5, sy-0.5, &bg)
		}
	}
	return out
}

// bilinear samples img at (x, y) in pixel-centre coordinates into dst,
// with bg outside.
func bilinear(dst []uint8, img *image.RGBA, x, y float64, bg *[4]uint8) {
	fx, fy := math.Floor(x), math.Floor(y)
	ax, ay := float32(x-fx), float32(y-fy)
	ix, iy := int(fx)-img.Rect.Min.X, int(fy)-img.Rect.Min.Y
	w, h := img.Rect.Dx(), img.Rect.Dy()
	px := func(x, y int) []uint8 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return bg[:]
		}
		return img.Pix[y*img.Stride+4*x:]
	}
	a, b, c, d := px(ix, iy), px(ix+1, iy), px(ix, iy+1), px(ix+1, iy+1)
	for k := range 3 {
		top := float32(a[k])*(1-ax) + float32(b[k])*ax
		bot := float32(c[k])*(1-ax) + float32(d[k])*ax
		dst[k] = uint8(top*(1-ay) + bot*ay + 0.5)
	}
}

// homography returns the projective map taking each src point to the dst
// point of the same index, as the 8 coefficients of a 3×3 matrix whose last
// entry is 1.
func homography(src, dst [4][2]float64) [8]float64 {
	var m [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		m[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		m[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	// Gauss-Jordan elimination with partial pivoting.
	for col := range 8 {
		p := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[p][col]) {
				p = r
			}
		}
		m[col], m[p] = m[p], m[col]
		for r := range 8 {
			if r == col || m[col][col] == 0 {
				continue
			}
			f := m[r][col] / m[col][col]
			for k := col; k < 9; k++ {
				m[r][k] -= f * m[col][k]
			}
		}
	}
	var h [8]float64
	for i := range 8 {
		if m[i][i] != 0 {
			h[i] = m[i][8] / m[i][i]
		}
	}
	return h
}

func apply(h [8]float64, x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + 1
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// light dims the picture unevenly, by up to strength: brighter on the left
// than on the right, darker towards the corners, and a soft-edged shadow
// falling across one side, as from a hand or a phone above the card. A
// single global threshold cannot separate ink from paper across it.
func light(img *image.RGBA, strength float64) {
	w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
	diag := math.Hypot(w, h) / 2
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			fx, fy := float64(x), float64(y)
			grad := 1 - 0.35*strength*fx/w
			r := math.Hypot(fx-w/2, fy-h/2) / diag
			vig := 1 - 0.4*strength*r*r
			// The shadow's edge runs diagonally, blurred over a tenth
			// of the picture.
			s := (fx/w + 0.6*fy/h - 0.9) / 0.1
			shadow := 1 - 0.4*strength*min(max(s, 0), 1)
			f := grad * vig * shadow
			i := img.PixOffset(x+img.Rect.Min.X, y+img.Rect.Min.Y)
			for c := range 3 {
				img.Pix[i+c] = clamp8(float64(img.Pix[i+c]) * f)
			}
		}
	}
}

// turn rotates img by n quarter turns counter-clockwise.
func turn(img *image.RGBA, n int) *image.RGBA {
	n = ((n % 4) + 4) % 4
	if n == 0 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ow, oh := h, w
	if n == 2 {
		ow, oh = w, h
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			var ox, oy int
			switch n {
			case 1: // counter-clockwise: the top edge goes to the left
				ox, oy = y, w-1-x
			case 2:
				ox, oy = w-1-x, h-1-y
			case 3:
				ox, oy = h-1-y, x
			}
			si := img.PixOffset(x+img.Rect.Min.X, y+img.Rect.Min.Y)
			copy(out.Pix[out.PixOffset(ox, oy):][:4], img.Pix[si:si+4])
		}
	}
	return out
}

// security covers the card with two families of fine wavy lines in
// different hues, the MRZ's area included, like the printed background of
// a passport's data page. strength is the darkening of a line's centre in
// 8-bit levels.
func security(img *image.RGBA, card image.Rectangle, pitch, strength float64) {
	spacing := max(pitch*0.45, 3)
	width := max(pitch*0.07, 0.8)
	wave1 := make([]float64, card.Dx())
	wave2 := make([]float64, card.Dx())
	for x := range wave1 {
		t := float64(x) / pitch
		wave1[x] = 1.2 * pitch * math.Sin(t/2.3)
		wave2[x] = 0.9*pitch*math.Sin(t/1.7+1) - 0.3*float64(x)
	}
	// Colours a line takes from the paper, per channel: a rose and a
	// green family.
	hue := [2][3]float64{{0.3, 1, 0.8}, {1, 0.35, 0.9}}
	line := func(phase float64) float64 {
		d := math.Abs(phase-math.Floor(phase)-0.5) * spacing // distance to the line's centre
		return min(max((width-d)/width+0.5, 0), 1)
	}
	for y := card.Min.Y; y < card.Max.Y; y++ {
		for x := card.Min.X; x < card.Max.X; x++ {
			i := x - card.Min.X
			fy := float64(y - card.Min.Y)
			a := line((fy + wave1[i]) / spacing)
			b := line((fy + wave2[i]) / spacing)
			if a == 0 && b == 0 {
				continue
			}
			p := img.PixOffset(x, y)
			for c := range 3 {
				d := strength * max(a*hue[0][c], b*hue[1][c])
				img.Pix[p+c] = clamp8(float64(img.Pix[p+c]) - d)
			}
		}
	}
}
