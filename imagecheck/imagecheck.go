// Package imagecheck is the intake of every image a session receives: it
// identifies the format from the bytes, reads the declared size before
// decoding anything, enforces byte and pixel limits, applies the EXIF
// orientation and re-encodes the picture, which drops all metadata (GPS
// position, device, timestamps) before anything is stored long-term or sent
// to a connector.
package imagecheck

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/idproof/idproof"
)

// Limits bound what an image may be.
type Limits struct {
	MaxBytes  int64 // encoded size
	MaxSide   int   // width and height, each
	MaxPixels int   // width × height
	MinSide   int   // smaller pictures cannot be verified
}

// DefaultLimits fit phone cameras (12–48 MP photos are resized by capture
// clients; 24 MP raw is accepted) while bounding decode memory to ~100 MB.
var DefaultLimits = Limits{MaxBytes: 15 << 20, MaxSide: 8000, MaxPixels: 24_000_000, MinSide: 64}

// Image is a checked, normalised image.
type Image struct {
	Data        []byte // re-encoded, without metadata
	ContentType string // image/jpeg or image/png
	Source      string // the format received: jpeg, png or webp
	Width       int    // after orientation
	Height      int
	Orientation int // the EXIF orientation that was applied (1 = none)
}

// Format names.
const (
	JPEG = "jpeg"
	PNG  = "png"
	WebP = "webp"
)

// Sniff identifies the format from the first bytes, or returns "".
func Sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG
	case len(b) >= 8 && bytes.Equal(b[:8], []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

func bad(name, format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, "image %s: %s", name, fmt.Sprintf(format, args...))
}

// Check reads an image from r and returns it normalised. name is used in
// error messages, which are all caller-facing 4xx errors.
func Check(name string, r io.Reader, l Limits) (*Image, error) {
	raw, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("image %s: read: %w", name, err)
	}
	if int64(len(raw)) > l.MaxBytes {
		return nil, idproof.Errorf(idproof.ETOOLARGE, "image %s: larger than %d bytes", name, l.MaxBytes)
	}
	if len(raw) == 0 {
		return nil, bad(name, "empty")
	}
	format := Sniff(raw)
	if format == "" {
		return nil, bad(name, "not a JPEG, PNG or WebP image")
	}
	// The declared size comes first: a 100000×100000 PNG is a few hundred
	// bytes but would need 40 GB to decode.
	cfg, err := decodeConfig(format, raw)
	if err != nil {
		return nil, bad(name, "unreadable %s header", format)
	}
	switch {
	case cfg.Width > l.MaxSide || cfg.Height > l.MaxSide:
		return nil, bad(name, "declares %d×%d pixels; each side may be at most %d", cfg.Width, cfg.Height, l.MaxSide)
	case cfg.Width*cfg.Height > l.MaxPixels:
		return nil, bad(name, "declares %d×%d pixels; at most %d pixels in all", cfg.Width, cfg.Height, l.MaxPixels)
	case cfg.Width < l.MinSide || cfg.Height < l.MinSide:
		return nil, bad(name, "is %d×%d pixels; each side must be at least %d", cfg.Width, cfg.Height, l.MinSide)
	}
	img, err := decode(format, raw)
	if err != nil {
		return nil, bad(name, "truncated or corrupt %s data", format)
	}
	orientation := 1
	if format == JPEG {
		orientation = jpegOrientation(raw)
	}
	img = orient(img, orientation)
	out := &Image{Source: format, Orientation: orientation, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	var buf bytes.Buffer
	if format == JPEG {
		// Photos stay JPEG; a high quality keeps what checks need.
		out.ContentType = "image/jpeg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92})
	} else {
		// PNG and WebP (often barcodes and crops) are kept lossless.
		out.ContentType = "image/png"
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	}
	if err != nil {
		return nil, fmt.Errorf("image %s: encode: %w", name, err)
	}
	out.Data = buf.Bytes()
	return out, nil
}

func decodeConfig(format string, b []byte) (image.Config, error) {
	r := bytes.NewReader(b)
	switch format {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, errors.New("unknown format")
}

func decode(format string, b []byte) (image.Image, error) {
	r := bytes.NewReader(b)
	switch format {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case WebP:
		return webp.Decode(r)
	}
	return nil, errors.New("unknown format")
}
