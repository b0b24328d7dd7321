package mrzread_test

import (
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread"
	"github.com/idproof/idproof/mrzread/mrztest"
)

// FuzzRead feeds small images of arbitrary pixels, sizes and formats, tall
// ones too, which every orientation is searched in. The reader must never
// panic, and anything but ErrNoMRZ must come with lines of an MRZ's shape
// and a score, margin and angle that fit them.
func FuzzRead(f *testing.F) {
	f.Add(uint16(64), uint16(16), byte(0), []byte{0, 255, 0, 255})
	f.Add(uint16(200), uint16(60), byte(1), []byte("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"))
	f.Add(uint16(300), uint16(40), byte(2), []byte{10, 250, 250, 10, 250, 250, 250, 10})
	f.Add(uint16(30), uint16(280), byte(3), []byte{250, 10, 10, 250, 250, 10, 250, 250, 250})
	f.Fuzz(func(t *testing.T, w, h uint16, kind byte, data []byte) {
		w, h = w%400+1, h%300+1
		rect := image.Rect(int(kind)%7, int(kind)%5, int(kind)%7+int(w), int(kind)%5+int(h))
		var img image.Image
		fill := func(pix []byte) {
			for i := range pix {
				if len(data) > 0 {
					// Repeat the data with a stride so short inputs still
					// make structured pictures.
					pix[i] = data[(i*7+i/int(w))%len(data)]
				}
			}
		}
		switch kind % 3 {
		case 0:
			g := image.NewGray(rect)
			fill(g.Pix)
			img = g
		case 1:
			m := image.NewRGBA(rect)
			fill(m.Pix)
			img = m
		default:
			m := image.NewYCbCr(rect, image.YCbCrSubsampleRatio420)
			fill(m.Y)
			img = m
		}
		r, err := mrzread.Read(img)
		if err != nil {
			if !errors.Is(err, mrzread.ErrNoMRZ) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		n := len(r.Lines)
		if (n != 2 && n != 3) || len(r.Confidence) != n || len(r.Margin) != n || len(r.Margins) != n ||
			!r.Box.In(img.Bounds()) || r.Angle < 0 || r.Angle >= 360 || r.Doubt > 1 {
			t.Fatalf("malformed reading %+v", r)
		}
		for i, l := range r.Lines {
			if len(l) != len(r.Lines[0]) || len(r.Margins[i]) != len(l) || strings.Trim(l, mrztest.Alphabet) != "" {
				t.Fatalf("malformed line %d of %+v", i, r)
			}
		}
	})
}
