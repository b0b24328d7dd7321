package facetest

import (
	"image"
	"image/color"
	"math"
)

// Head is where a face is in a frontal photo, from a detector's keypoints:
// enough to give it a rough depth.
type Head struct {
	LeftEye, RightEye, Nose, Mouth [2]float64 // x, y in the image
}

// depth is a rough relief of the head at (x, y), in pixels towards the
// camera: a paraboloid over the face, as wide as the cheeks and as tall as
// brow to chin, rising to about the eye distance, and a nose in front of it
// whose tip stands about a third of the eye distance further out. The
// eyes sit on the paraboloid's flank, so the nose is about 0.6 eye
// distances in front of them, as on a real face.
func (h Head) depth(x, y float64) float64 {
	eyes := math.Hypot(h.RightEye[0]-h.LeftEye[0], h.RightEye[1]-h.LeftEye[1])
	cx := (h.LeftEye[0] + h.RightEye[0] + h.Mouth[0]) / 3
	cy := (h.LeftEye[1] + h.RightEye[1] + h.Mouth[1]) / 3
	a, b := 1.1*eyes, 1.5*eyes // half width, half height
	u, v := (x-cx)/a, (y-cy)/b
	d := eyes * math.Max(0, 1-u*u-v*v)
	nx, ny := x-h.Nose[0], y-h.Nose[1]
	s := 0.22 * eyes
	return d + 0.35*eyes*math.Exp(-(nx*nx+ny*ny)/(2*s*s))
}

// Turn returns the photo with the head turned by deg degrees about a
// vertical axis, synthesised in 2.5 dimensions: each pixel moves
// sideways by sin(deg)·depth, so the nose moves further than the eyes and
// the cheeks, as in a real turn and unlike any picture of a flat photo.
// Positive degrees move the nose towards the image's right: the subject
// turning to their own left, seen by an unmirrored camera.
func Turn(img *image.RGBA, h Head, deg float64) *image.RGBA {
	s := math.Sin(deg * math.Pi / 180)
	w, ht := img.Rect.Dx(), img.Rect.Dy()
	return Warp(img, w, ht, func(x, y float64) (float64, float64) {
		// The source of x is the point sx with sx + s·depth(sx) = x:
		// found by iteration, which converges as the relief's slope
		// times s stays below one.
		sx := x
		for range 12 {
			sx = x - s*h.depth(sx, y)
		}
		return sx, y
	}, color.RGBA{128, 128, 128, 255})
}
