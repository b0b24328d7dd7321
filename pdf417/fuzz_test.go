package pdf417

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// FuzzDecodeCodewords: any codeword sequence decodes or fails, never
// panics, and a decoded payload is bounded by the input.
func FuzzDecodeCodewords(f *testing.F) {
	f.Add([]byte{0, 5, 1, 197, 0, 178, 0, 121, 0, 239})
	f.Add([]byte{0, 8, 3, 133, 0, 1, 0, 2, 3, 134, 0, 7, 0, 9, 3, 132})
	f.Add([]byte{0, 6, 3, 160, 0, 100, 0, 200, 3, 155, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		cw := make([]int, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			cw = append(cw, (int(b[i])<<8|int(b[i+1]))%1000)
		}
		res, err := DecodeCodewords(cw)
		if err == nil && len(res.Payload) > 6*len(cw)+3*len(cw) {
			t.Fatalf("%d bytes from %d codewords", len(res.Payload), len(cw))
		}
		k := 2 << (len(b) % 9)
		if len(cw) > k {
			_, _ = correct(append([]int(nil), cw...), k, []int{0, len(cw) / 2, len(cw) + 5, -1})
		}
	})
}

// FuzzDecodeImage: any image decodes or fails, never panics. The input
// is a PNG, or else raw bytes taken as a small grey image.
func FuzzDecodeImage(f *testing.F) {
	var buf bytes.Buffer
	g := image.NewGray(image.Rect(0, 0, 120, 40))
	for i := range g.Pix {
		if (i%120)/3%3 == 0 {
			g.Pix[i] = 255
		}
	}
	_ = png.Encode(&buf, g)
	f.Add(buf.Bytes())
	f.Add(bytes.Repeat([]byte{0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 255, 0, 255, 0, 255, 255, 255}, 200))
	f.Fuzz(func(t *testing.T, b []byte) {
		var img image.Image
		if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err == nil {
			// Bound the PNG decoder's work, not only the reader's.
			if cfg.Width*cfg.Height > 1<<20 {
				return
			}
			m, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				return
			}
			img = m
		} else {
			w := 64 + len(b)%97
			h := len(b) / w
			if h < 1 {
				return
			}
			img = &image.Gray{Pix: b[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
		}
		_, _ = Decode(img)
	})
}
