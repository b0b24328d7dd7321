package facetest

import (
	"image"
	"image/color"
	"math"
)

// Recapture describes how a picture of a picture was taken.
type Recapture struct {
	// Angle turns the print or screen in the frame, in degrees.
	Angle float64
	// Fill is the print's or screen's width as a fraction of the frame's.
	Fill float64
	// Glare, 0…1, is the strength of a soft specular highlight on the
	// print or screen, at GlareAt (fractions of the frame).
	Glare   float64
	GlareAt [2]float64
	// Blur is the camera's blur, in frame pixels.
	Blur float64
	// Noise is the sensor noise, in 8-bit levels.
	Noise float64
	Seed  uint64

	gain float64 // exposure, for a screen's dimmer sub-pixels
}

// Print returns img printed as a CMYK halftone on paper (cell pixels per
// screen cell at print resolution, twice img's) and photographed again
// into a frame of img's size, on a dark table, as rc says. The screens'
// dots and the camera's resampling of them make the moiré a real
// rephotographed print shows.
func Print(img *image.RGBA, cell float64, rc Recapture) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	const res = 2 // print pixels per image pixel
	pw, ph := w*res, h*res
	paper := [3]float64{246, 242, 232}
	// Ink absorption of cyan, magenta, yellow and black, per channel.
	inks := [4][3]float64{{0.2, 0.9, 1}, {1, 0.25, 0.85}, {1, 1, 0.15}, {0.12, 0.12, 0.14}}
	angles := [4]float64{15, 75, 0, 45}
	sheet := image.NewRGBA(image.Rect(0, 0, pw, ph))
	for y := 0; y < ph; y++ {
		for x := 0; x < pw; x++ {
			c := bilinear(img, (float64(x)+0.5)/res-0.5, (float64(y)+0.5)/res-0.5, color.RGBA{255, 255, 255, 255})
			r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
			k := 1 - math.Max(r, math.Max(g, b))
			cov := [4]float64{0, 0, 0, k}
			if k < 1 {
				cov[0], cov[1], cov[2] = (1-r-k)/(1-k), (1-g-k)/(1-k), (1-b-k)/(1-k)
			}
			out := paper
			for i, a := range angles {
				if dot(float64(x), float64(y), a, cell) < cov[i] {
					for ch := range out {
						out[ch] *= inks[i][ch]
					}
				}
			}
			o := sheet.PixOffset(x, y)
			sheet.Pix[o], sheet.Pix[o+1], sheet.Pix[o+2], sheet.Pix[o+3] = clamp(out[0]), clamp(out[1]), clamp(out[2]), 255
		}
	}
	return recapture(sheet, w, h, rc, color.RGBA{52, 46, 40, 255})
}

// dot is the halftone threshold at (x, y) for a screen at angle deg with
// the given cell: where the coverage exceeds it, the cell is inked, so
// dots grow from the cell centres as the tone darkens.
func dot(x, y, deg, cell float64) float64 {
	a := deg * math.Pi / 180
	u := (x*math.Cos(a) + y*math.Sin(a)) / cell
	v := (-x*math.Sin(a) + y*math.Cos(a)) / cell
	fu, fv := u-math.Floor(u)-0.5, v-math.Floor(v)-0.5
	return math.Min(1, 2*(fu*fu+fv*fv)) // 0 at the centre, 1 at the corners
}

// Screen returns img shown on a display (each pixel three vertical
// sub-pixel stripes, pitch pixels wide at the display's resolution, with
// dark gaps between rows) and photographed again into a frame of img's
// size, as rc says: the sub-pixel grid and the camera's pixels beat into
// moiré. The display is a little blue and its blacks are grey.
func Screen(img *image.RGBA, pitch int, rc Recapture) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pitch = max(pitch, 3)
	sw, sh := w*pitch, h*pitch
	scr := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			c := img.RGBAAt(x/pitch, y/pitch)
			sub := (x % pitch) * 3 / pitch // which stripe: R, G or B
			v := [3]float64{}
			// A third of the light each: the camera's exposure (gain in
			// recapture) brings white back to white.
			v[sub] = ([3]float64{float64(c.R), float64(c.G), float64(c.B)}[sub]*0.9 + 18) / 3
			if y%pitch == pitch-1 { // the gap between rows
				v[sub] *= 0.4
			}
			v[2] += 3
			o := scr.PixOffset(x, y)
			scr.Pix[o], scr.Pix[o+1], scr.Pix[o+2], scr.Pix[o+3] = clamp(v[0]), clamp(v[1]), clamp(v[2]), 255
		}
	}
	rc.gain = 2.9
	return recapture(scr, w, h, rc, color.RGBA{8, 8, 10, 255})
}

// recapture photographs a flat picture into a w×h frame.
func recapture(flat *image.RGBA, w, h int, rc Recapture, bg color.RGBA) *image.RGBA {
	fill := rc.Fill
	if fill <= 0 {
		fill = 0.9
	}
	fw := float64(flat.Rect.Dx())
	scale := fill * float64(w) / fw // frame pixels per flat pixel
	a := rc.Angle * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	fcx, fcy := fw/2, float64(flat.Rect.Dy())/2
	cx, cy := float64(w)/2, float64(h)/2
	// The lens and the sensor's pixel area blur what they sample, though
	// not enough to stop fine patterns aliasing into moiré.
	flat = RGBA(flat)
	Blur(flat, 0.3/scale)
	out := Warp(flat, w, h, func(x, y float64) (float64, float64) {
		u, v := (x-cx)/scale, (y-cy)/scale
		return fcx + c*u - s*v, fcy + s*u + c*v
	}, bg)
	if rc.gain > 0 {
		for i := 0; i < len(out.Pix); i += 4 {
			for ch := 0; ch < 3; ch++ {
				out.Pix[i+ch] = clamp(float64(out.Pix[i+ch]) * rc.gain)
			}
		}
	}
	if rc.Glare > 0 {
		gx, gy := rc.GlareAt[0]*float64(w), rc.GlareAt[1]*float64(h)
		sigma := 0.12 * float64(w)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				d2 := (float64(x)-gx)*(float64(x)-gx) + (float64(y)-gy)*(float64(y)-gy)
				g := rc.Glare * math.Exp(-d2/(2*sigma*sigma))
				o := out.PixOffset(x, y)
				for ch := 0; ch < 3; ch++ {
					p := float64(out.Pix[o+ch])
					out.Pix[o+ch] = clamp(p + g*(255-p))
				}
			}
		}
	}
	Blur(out, rc.Blur)
	Noise(out, rc.Noise, rc.Seed)
	return out
}
