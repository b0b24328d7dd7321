package face

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/idproof/idproof/imagecheck"
	"golang.org/x/image/webp"
)

// Limits on images Decode accepts: enough for any phone photo (a
// 24-megapixel image), while bounding what decoding costs: the pixels of a
// PNG are declared in a few bytes, and a picture can claim more than any
// memory holds.
const (
	MaxSide   = 12000
	MaxPixels = 50_000_000
)

// ErrFormat is returned by Decode for data that is not a JPEG, PNG or WebP
// image.
var ErrFormat = errors.New("face: not a JPEG, PNG or WebP image")

// Decode reads a JPEG, PNG or WebP image as it is meant to be seen: a
// JPEG's EXIF orientation is applied (a phone stores a portrait photo
// sideways and says so there) and transparency is flattened onto white.
// The declared size is checked against MaxSide and MaxPixels before
// anything is decoded.
func Decode(b []byte) (*Image, error) {
	var (
		config func([]byte) (image.Config, error)
		decode func([]byte) (image.Image, error)
	)
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		config = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
	default:
		return nil, ErrFormat
	}
	cfg, err := config(b)
	if err != nil {
		return nil, fmt.Errorf("face: unreadable image header: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return nil, fmt.Errorf("face: the image is %d×%d pixels; at most %d on a side and %d in all", cfg.Width, cfg.Height, MaxSide, MaxPixels)
	}
	img, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("face: corrupt image: %w", err)
	}
	return &Image{r: newRaster(img, imagecheck.JPEGOrientation(b))}, nil
}
