package imagecheck

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/idproof/idproof"
)

// halves is a w×h picture: red on the left, blue on the right, with a
// green top-left corner block so orientation is visible.
func halves(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{0, 0, 255, 255}
			if x < w/2 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			if x < 8 && y < 8 {
				c = color.NRGBA{0, 255, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif inserts an APP1 Exif segment holding an orientation tag and a
// camera make (metadata that must not survive intake).
func withExif(jpg []byte, orientation uint16) []byte {
	var t bytes.Buffer
	t.WriteString("II*\x00")
	binary.Write(&t, binary.LittleEndian, uint32(8))
	binary.Write(&t, binary.LittleEndian, uint16(2)) // two entries
	// 0x010F Make, ASCII, count 8, offset 38
	binary.Write(&t, binary.LittleEndian, []uint16{0x010F, 2})
	binary.Write(&t, binary.LittleEndian, []uint32{8, 38})
	// 0x0112 Orientation, SHORT, count 1, value
	binary.Write(&t, binary.LittleEndian, []uint16{0x0112, 3})
	binary.Write(&t, binary.LittleEndian, uint32(1))
	binary.Write(&t, binary.LittleEndian, []uint16{orientation, 0})
	binary.Write(&t, binary.LittleEndian, uint32(0)) // no next IFD
	t.WriteString("SpyCam\x00\x00")
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func near(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { x := int(a>>8) - int(w); return x < 40 && x > -40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestJPEGOrientationAndStripping(t *testing.T) {
	src := withExif(encodeJPEG(t, halves(96, 64)), 6)
	if !bytes.Contains(src, []byte("SpyCam")) || JPEGOrientation(src) != 6 {
		t.Fatal("fixture broken")
	}
	got, err := Check("document_front_image", bytes.NewReader(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got.Width != 64 || got.Height != 96 || got.Orientation != 6 || got.ContentType != "image/jpeg" {
		t.Fatalf("got %dx%d orientation %d %s", got.Width, got.Height, got.Orientation, got.ContentType)
	}
	if bytes.Contains(got.Data, []byte("SpyCam")) || bytes.Contains(got.Data, []byte("Exif")) {
		t.Fatal("metadata survived")
	}
	img, err := jpeg.Decode(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	// Rotated 90° clockwise: the green corner moves to the top right, red to the top.
	if !near(img.At(60, 3), color.NRGBA{0, 255, 0, 255}) || !near(img.At(30, 10), color.NRGBA{255, 0, 0, 255}) || !near(img.At(30, 90), color.NRGBA{0, 0, 255, 255}) {
		t.Fatalf("not upright: %v %v %v", img.At(60, 3), img.At(30, 10), img.At(30, 90))
	}
}

func TestEveryOrientation(t *testing.T) {
	src := halves(20, 10)
	for o := 1; o <= 8; o++ {
		out := orient(src, o)
		w, h := out.Bounds().Dx(), out.Bounds().Dy()
		if (o >= 5) != (w == 10 && h == 20) {
			t.Fatalf("orientation %d: %dx%d", o, w, h)
		}
	}
	// 3 = 180°: the green corner ends bottom right.
	if out := orient(src, 3); !near(out.At(19, 9), color.NRGBA{0, 255, 0, 255}) {
		t.Fatal("180° wrong")
	}
	// 8 = 90° counter-clockwise: green ends bottom left.
	if out := orient(src, 8); !near(out.At(0, 19), color.NRGBA{0, 255, 0, 255}) {
		t.Fatal("270° wrong")
	}
}

func TestPNGAndWebP(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, halves(96, 64))
	got, err := Check("document_back_imageBarcode", &b, DefaultLimits)
	if err != nil || got.ContentType != "image/png" || got.Source != PNG || got.Width != 96 {
		t.Fatalf("png: %+v %v", got, err)
	}
	webpData, err := os.ReadFile("testdata/halves.webp")
	if err != nil {
		t.Fatal(err)
	}
	got, err = Check("selfie_liveness_image", bytes.NewReader(webpData), DefaultLimits)
	if err != nil || got.Source != WebP || got.ContentType != "image/png" || got.Width != 96 || got.Height != 64 {
		t.Fatalf("webp: %+v %v", got, err)
	}
}

// pngHeader returns a PNG signature and a valid IHDR declaring w×h, with
// no image data: all a decompression bomb needs to look legitimate.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	var c bytes.Buffer
	c.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&c, binary.BigEndian, uint32(13))
	c.WriteString("IHDR")
	c.Write(ihdr)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	return c.Bytes()
}

func TestRefusals(t *testing.T) {
	good := encodeJPEG(t, halves(96, 64))
	big := encodeJPEG(t, halves(640, 480))
	cases := []struct {
		name string
		data []byte
		lim  Limits
		code string
		msg  string
	}{
		{"truncated jpeg", big[:len(big)*3/4], DefaultLimits, idproof.EINVALID, "truncated"},
		{"png bomb", pngHeader(100000, 100000), DefaultLimits, idproof.EINVALID, "100000×100000"},
		{"too many pixels", pngHeader(7000, 7000), DefaultLimits, idproof.EINVALID, "pixels in all"},
		{"too small", encodeJPEG(t, halves(20, 20)), DefaultLimits, idproof.EINVALID, "at least 64"},
		{"not an image", []byte("%PDF-1.7 hello"), DefaultLimits, idproof.EINVALID, "not a JPEG, PNG or WebP"},
		{"empty", nil, DefaultLimits, idproof.EINVALID, "empty"},
		{"oversize", good, Limits{MaxBytes: 100, MaxSide: 8000, MaxPixels: 1e7, MinSide: 1}, idproof.ETOOLARGE, "larger than 100 bytes"},
		{"bad header", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 40)...), DefaultLimits, idproof.EINVALID, "header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check("document_front_image", bytes.NewReader(c.data), c.lim)
			if idproof.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "document_front_image") {
				t.Fatalf("err = %v, want %s containing %q and the image name", err, c.code, c.msg)
			}
		})
	}
}

// FuzzCheck: no input panics intake, and every refusal is a caller error.
func FuzzCheck(f *testing.F) {
	var b bytes.Buffer
	png.Encode(&b, halves(64, 64))
	f.Add(b.Bytes())
	jb, _ := os.ReadFile("testdata/halves.webp")
	f.Add(jb)
	var j bytes.Buffer
	jpeg.Encode(&j, halves(64, 64), nil)
	f.Add(withExif(j.Bytes(), 6))
	f.Add(pngHeader(1<<31-1, 1))
	lim := Limits{MaxBytes: 1 << 20, MaxSide: 512, MaxPixels: 200_000, MinSide: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Check("x", bytes.NewReader(data), lim)
		if err != nil {
			if c := idproof.ErrorCode(err); c != idproof.EINVALID && c != idproof.ETOOLARGE {
				t.Fatalf("code %s: %v", c, err)
			}
			return
		}
		if img.Width > lim.MaxSide || img.Height > lim.MaxSide || len(img.Data) == 0 {
			t.Fatalf("accepted %dx%d", img.Width, img.Height)
		}
	})
}

// FuzzJPEGOrientation: the hand-written EXIF walk never panics or reads
// out of bounds, and answers 1..8.
func FuzzJPEGOrientation(f *testing.F) {
	f.Add(withExif([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 6))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := JPEGOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
