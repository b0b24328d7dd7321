package face

import (
	"image"
)

// Image is a picture read for the face models: converted once to RGB, with
// transparency flattened onto white, and kept with the reduced copies its
// views are sampled from. Detect, Describe and the liveness scores all
// work on an Image, so a photo is converted once however many models read
// it. An Image is safe for concurrent use.
type Image struct {
	r *raster
}

// NewImage reads img; it is not kept. img is taken as it is displayed:
// an EXIF orientation is applied by Decode, not here.
func NewImage(img image.Image) *Image { return &Image{r: newRaster(img, 1)} }

// Bounds returns the image's size, with its top-left corner at (0, 0);
// every Face is in these coordinates.
func (m *Image) Bounds() image.Rectangle { return image.Rect(0, 0, m.r.width(), m.r.height()) }
