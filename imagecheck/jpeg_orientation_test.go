package imagecheck

import (
	"encoding/binary"
	"testing"
)

func TestExifOrientation(t *testing.T) {
	t.Parallel()
	entry := func(order binary.ByteOrder, tag, typ uint16, count uint32, v uint16) []byte {
		tiff := make([]byte, 26)
		copy(tiff, "II")
		if order == binary.BigEndian {
			copy(tiff, "MM")
		}
		order.PutUint16(tiff[2:], 42)
		order.PutUint32(tiff[4:], 8)
		order.PutUint16(tiff[8:], 1)
		order.PutUint16(tiff[10:], tag)
		order.PutUint16(tiff[12:], typ)
		order.PutUint32(tiff[14:], count)
		order.PutUint16(tiff[18:], v)
		return tiff
	}
	jpeg := func(tiff []byte) []byte {
		seg := append([]byte("Exif\x00\x00"), tiff...)
		b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 'J', 'F', 0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(b[10:], uint16(len(seg)+2))
		b = append(b, seg...)
		return append(b, 0xFF, 0xDA, 0, 2)
	}
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"little-endian 6", jpeg(entry(binary.LittleEndian, 0x0112, 3, 1, 6)), 6},
		{"big-endian 8", jpeg(entry(binary.BigEndian, 0x0112, 3, 1, 8)), 8},
		{"out of range", jpeg(entry(binary.LittleEndian, 0x0112, 3, 1, 9)), 1},
		{"wrong type", jpeg(entry(binary.LittleEndian, 0x0112, 4, 1, 6)), 1},
		{"other tag", jpeg(entry(binary.LittleEndian, 0x0110, 3, 1, 6)), 1},
		{"truncated", jpeg(entry(binary.LittleEndian, 0x0112, 3, 1, 6))[:30], 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
	}
	for _, tc := range tests {
		if got := JPEGOrientation(tc.data); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// FuzzExifOrientation: whatever the bytes, the orientation is 1–8 and no
// offset is followed out of the data.
func FuzzExifOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 8, 'E', 'x', 'i', 'f', 0, 0})
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x03\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := JPEGOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
