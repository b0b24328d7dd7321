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
	"image/color"
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
	// MaxDecodeBytes bounds the memory that decoding the image and turning
	// it upright hold at their peak, estimated from the header before any
	// pixel is decoded (see decodeCost); 0 means no bound. Pixels alone do
	// not bound it: a 16-bit PNG takes 8 bytes a pixel where a JPEG takes
	// 1.5 to 3, and compresses a flat 24 MP picture into a few hundred KB.
	MaxDecodeBytes int64
}

// DefaultLimits fit phone cameras: photos are 12 MP by default (24 MP on
// some), and the capture page sends them smaller still; 48–50 MP sensors
// write 12 MP unless asked for full resolution, which is over MaxSide. The
// decode budget is what the largest accepted photo costs, a 24 MP JPEG
// turned upright (24 MP × 3 bytes, twice): a 24 MP 16-bit PNG (192 MB, and
// seconds of CPU) is refused, an 8-bit one (96 MB) is not.
var DefaultLimits = Limits{MaxBytes: 15 << 20, MaxSide: 8000, MaxPixels: 24_000_000, MinSide: 64, MaxDecodeBytes: 144_000_000}

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
	orientation := 1
	if format == JPEG {
		orientation = JPEGOrientation(raw)
	}
	if cost, what := decodeCost(cfg, orientation); l.MaxDecodeBytes > 0 && cost > l.MaxDecodeBytes {
		return nil, bad(name, "declares %d×%d pixels of %s, which take %d MB to decode; at most %d MB: send fewer pixels or 8-bit colour",
			cfg.Width, cfg.Height, what, cost/1_000_000, l.MaxDecodeBytes/1_000_000)
	}
	img, err := decode(format, raw)
	if err != nil {
		return nil, bad(name, "truncated or corrupt %s data", format)
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

// decodeCost estimates, from the header, the bytes that decoding an image
// and turning it upright hold at their peak, and names its colour for
// messages. The decoded bytes per pixel follow the colour model; a JPEG's
// chroma subsampling is not in its header, so YCbCr counts as unsubsampled.
// Turning a YCbCr image keeps a second copy (see orient); any other
// picture is turned through two 4-byte-per-pixel copies, the first made
// while the decoded one is still held.
func decodeCost(cfg image.Config, orientation int) (int64, string) {
	bpp, what := int64(8), "an unknown colour model"
	switch m := cfg.ColorModel; m {
	case color.RGBA64Model, color.NRGBA64Model:
		bpp, what = 8, "16-bit colour"
	case color.Gray16Model:
		bpp, what = 2, "16-bit grey"
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		bpp, what = 4, "8-bit colour"
	case color.YCbCrModel:
		bpp, what = 3, "8-bit colour"
	case color.GrayModel, color.AlphaModel:
		bpp, what = 1, "8-bit grey"
	default:
		if _, ok := m.(color.Palette); ok {
			bpp, what = 1, "palette colour"
		}
	}
	switch {
	case orientation < 2 || orientation > 8:
	case cfg.ColorModel == color.YCbCrModel:
		bpp *= 2
	default:
		bpp = max(bpp+4, 8)
	}
	return int64(cfg.Width) * int64(cfg.Height) * bpp, what
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
