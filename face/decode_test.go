package face_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
)

// withOrientation inserts an EXIF APP1 segment with the given orientation
// after a JPEG's SOI marker.
func withOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	tiff := make([]byte, 26)
	if order == binary.BigEndian {
		copy(tiff, "MM")
	} else {
		copy(tiff, "II")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)       // one entry
	order.PutUint16(tiff[10:], 0x0112) // orientation
	order.PutUint16(tiff[12:], 3)      // SHORT
	order.PutUint32(tiff[14:], 1)      // count
	order.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// stored returns img as a camera would store it with orientation o: the
// transform that o undoes.
func stored(img *image.RGBA, o int) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			// (x, y) in the stored image shows upright pixel (ux, uy).
			var ux, uy int
			switch o {
			case 3:
				ux, uy = sw-1-x, sh-1-y
			case 6:
				ux, uy = sh-1-y, x
			case 8:
				ux, uy = y, sw-1-x
			default:
				ux, uy = x, y
			}
			out.SetRGBA(x, y, img.RGBAAt(ux, uy))
		}
	}
	return out
}

// TestDecodeOrientation: a photo stored sideways or upside down with its
// EXIF orientation is read upright, and its face is found where it is in
// the upright photo.
func TestDecodeOrientation(t *testing.T) {
	t.Parallel()
	ls := mustLabelled(t)
	upright := selfie(t, ls[0])
	want, err := face.NewImage(upright).Single()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o     int
		order binary.ByteOrder
	}{{6, binary.LittleEndian}, {3, binary.BigEndian}, {8, binary.BigEndian}} {
		m, err := face.Decode(withOrientation(facetest.JPEG(stored(upright, tc.o), 95), uint16(tc.o), tc.order))
		if err != nil {
			t.Fatal(err)
		}
		if m.Bounds() != upright.Rect {
			t.Errorf("orientation %d: %v, want %v", tc.o, m.Bounds(), upright.Rect)
		}
		f, err := m.Single()
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		for i := range f.Box {
			if math.Abs(f.Box[i]-want.Box[i]) > 4 {
				t.Errorf("orientation %d: box %.0f, want %.0f", tc.o, f.Box, want.Box)
				break
			}
		}
	}
}

// TestDecodeTransparency: transparent pixels are white, as shown.
func TestDecodeTransparency(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < 32*64; i++ {
		img.Pix[4*i], img.Pix[4*i+3] = 200, 0 // top half: red, transparent
	}
	for i := 32 * 64; i < 64*64; i++ {
		img.Pix[4*i+2], img.Pix[4*i+3] = 200, 255 // bottom half: opaque blue
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	m, err := face.Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	crop := m.Crop(face.Face{Keypoints: [6]face.Point{{27, 10}, {37, 10}, {}, {32, 19}}}) // around the top half
	if c := crop.RGBAAt(75, 60); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent pixel reads %v", c)
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{
		"empty":    nil,
		"text":     []byte("hello, world"),
		"gif":      []byte("GIF89a\x01\x00\x01\x00"),
		"truncate": facetest.JPEG(image.NewGray(image.Rect(0, 0, 64, 64)), 90)[:100],
		"huge":     pngHeader(20000, 20000),
		"wide":     pngHeader(face.MaxSide+1, 10),
	} {
		if _, err := face.Decode(data); err == nil {
			t.Errorf("%s: decoded", name)
		} else if name == "text" && !errors.Is(err, face.ErrFormat) {
			t.Errorf("text: %v", err)
		} else if !strings.HasPrefix(err.Error(), "face: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// pngHeader is the start of a PNG declaring w×h pixels: what a decoder
// reads before deciding to allocate them.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 2 // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// FuzzDecode: no input makes Decode panic, and what it accepts is within
// the limits.
func FuzzDecode(f *testing.F) {
	small := facetest.JPEG(image.NewGray(image.Rect(0, 0, 16, 16)), 80)
	f.Add(small)
	f.Add(withOrientation(small, 6, binary.LittleEndian))
	f.Add(facetest.PNG(image.NewNRGBA(image.Rect(0, 0, 8, 8))))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := face.Decode(data)
		if err != nil {
			return
		}
		b := m.Bounds()
		if b.Dx() < 1 || b.Dy() < 1 || b.Dx() > face.MaxSide || b.Dy() > face.MaxSide {
			t.Fatalf("accepted %v", b)
		}
	})
}
