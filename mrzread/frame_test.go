package mrzread

import (
	"image"
	"math"
	"testing"
)

func TestFrames(t *testing.T) {
	const w, h = 300, 200
	// A point near the top left corner of an upright image, and where
	// each frame shows it.
	for _, tc := range []struct {
		q      int
		fw, fh int
		x, y   float64 // frame coordinates of image (10, 20)
		deg    float64
	}{
		{0, w, h, 10, 20, 0},
		{1, h, w, h - 20, 10, 90},
		{2, w, h, w - 10, h - 20, 180},
		{3, h, w, 20, w - 10, 270},
	} {
		f := turned(w, h, tc.q)
		if f.w != tc.fw || f.h != tc.fh {
			t.Errorf("turned %d: %d×%d, want %d×%d", tc.q, f.w, f.h, tc.fw, tc.fh)
		}
		if x, y := f.toImage.Apply(tc.x, tc.y); math.Abs(x-10) > 1e-9 || math.Abs(y-20) > 1e-9 {
			t.Errorf("turned %d: frame (%g, %g) shows image (%g, %g), want (10, 20)", tc.q, tc.x, tc.y, x, y)
		}
		if d := f.deg(); math.Abs(d-tc.deg) > 1e-9 {
			t.Errorf("turned %d: lines run at %g°, want %g°", tc.q, d, tc.deg)
		}
		// Boxes map exactly, and back.
		c := comp{x0: 10, y0: 20, x1: 17, y1: 32, area: 40}
		b := f.boxes([]comp{c})[0]
		if r := f.rect(image.Rect(b.x0, b.y0, b.x1, b.y1)); r != image.Rect(10, 20, 17, 32) || b.area != 40 {
			t.Errorf("turned %d: box %+v maps back to %v", tc.q, b, r)
		}
		// A half turn of a half turn is where it started.
		hf := f.halfTurn().halfTurn()
		if hb := halfTurn(halfTurn([]comp{b}, f), f)[0]; hb != b || hf.toImage != f.toImage {
			t.Errorf("turned %d: two half turns give %+v, %v", tc.q, hb, hf.toImage)
		}
	}
}

func TestRotatedFrame(t *testing.T) {
	f := turned(400, 300, 0).rotated(10)
	if f.w < 400 || f.h < 300 {
		t.Errorf("rotated frame %d×%d does not hold the image", f.w, f.h)
	}
	// A level line of the frame falls by tan 10° in the image.
	x0, y0 := f.toImage.Apply(100, 150)
	x1, y1 := f.toImage.Apply(200, 150)
	if slope := (y1 - y0) / (x1 - x0); math.Abs(slope-math.Tan(10*math.Pi/180)) > 1e-9 {
		t.Errorf("slope %g", slope)
	}
	if d := f.deg(); math.Abs(d-350) > 1e-9 {
		t.Errorf("lines run at %g°, want 350°", d)
	}
	// The image's centre is the frame's.
	if x, y := f.toImage.Apply(float64(f.w)/2, float64(f.h)/2); math.Abs(x-200) > 1e-9 || math.Abs(y-150) > 1e-9 {
		t.Errorf("centre maps to (%g, %g)", x, y)
	}
	inv := invert(f.toImage)
	if x, y := inv.Apply(f.toImage.Apply(12, 34)); math.Abs(x-12) > 1e-9 || math.Abs(y-34) > 1e-9 {
		t.Errorf("invert: (%g, %g)", x, y)
	}
	// The mask of the rotated frame holds the image's ink where the map
	// puts it, and none outside the image.
	src := make([]uint8, 400*300)
	src[150*400+200] = 1
	m := f.mask(src, 400, 300)
	var n int
	for i, v := range m {
		if v != 0 {
			n++
			x, y := f.toImage.Apply(float64(i%f.w)+0.5, float64(i/f.w)+0.5)
			if int(x) != 200 || int(y) != 150 {
				t.Errorf("ink at frame %d, image (%g, %g)", i, x, y)
			}
		}
	}
	if n == 0 {
		t.Error("the ink pixel is not in the frame")
	}
}
