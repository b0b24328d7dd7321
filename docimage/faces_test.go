package docimage

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand"
	"testing"
)

func TestFaces(t *testing.T) {
	t.Parallel()
	photo := pigoSample(t) // a passport-style portrait of one man
	gradient := image.NewGray(image.Rect(0, 0, 1600, 1000))
	for y := 0; y < 1000; y++ {
		for x := 0; x < 1600; x++ {
			gradient.Pix[y*1600+x] = uint8((x + y) * 255 / 2600)
		}
	}
	blank := image.NewRGBA(image.Rect(0, 0, 800, 500))
	draw.Draw(blank, blank.Bounds(), image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	noise := image.NewGray(image.Rect(0, 0, 800, 500))
	rand.New(rand.NewSource(1)).Read(noise.Pix)

	// A face far below MinFaceFraction of the frame, like a ghost portrait
	// or a bystander, is not counted.
	distant := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	draw.Draw(distant, distant.Bounds(), image.NewUniform(color.RGBA{120, 130, 140, 255}), image.Point{}, draw.Src)
	draw.Draw(distant, image.Rect(700, 400, 764, 480), scaleTo(photo, 64, 80), image.Point{}, draw.Src)

	tests := []struct {
		name string
		img  image.Image
		want int
	}{
		{"pigo sample photo", photo, 1},
		{"photo, JPEG q50", jpegRoundTrip(t, photo, 50), 1},
		{"photo at 4× (selfie size)", scaleTo(photo, 1280, 1600), 1},
		{"photo at 0.4×", scaleTo(photo, 128, 160), 1},
		{"photo twice side by side", sideBySide(photo, photo), 2},
		{"photo as the portrait of a card", cardFront(t, 1600, 1010, photo), 1},
		{"photo as the portrait of a small card", cardFront(t, 800, 505, photo), 1},
		{"photo upside down", rotate180(photo), 0},
		{"photo at 5 % of the frame height", distant, 0},
		{"card with a drawn head", cardFront(t, 1600, 1010, nil), 0},
		{"blank", blank, 0},
		{"gradient", gradient, 0},
		{"noise", noise, 0},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0)), 0},
		{"tiny", image.NewGray(image.Rect(0, 0, 5, 5)), 0},
	}
	for _, tc := range tests {
		faces := Faces(tc.img)
		t.Logf("%-38s %v", tc.name, faces)
		if len(faces) != tc.want {
			t.Errorf("%s: %d faces, want %d: %+v", tc.name, len(faces), tc.want, faces)
		}
		for _, f := range faces {
			if f.Score < FaceScore || !f.Rect().Overlaps(tc.img.Bounds()) {
				t.Errorf("%s: implausible face %+v", tc.name, f)
			}
		}
	}
}

// The face is reported where it is, in the caller's coordinates.
func TestFacePosition(t *testing.T) {
	t.Parallel()
	photo := pigoSample(t)
	// In the photo itself the face is centred at about (160, 200).
	card := cardFront(t, 1600, 1010, photo)
	box := image.Rect(1600*4/100, 1010*22/100, 1600*31/100, 1010*86/100) // the card's photo box
	offset := image.Pt(300, 200)
	canvas := image.NewRGBA(card.Bounds().Add(offset))
	draw.Draw(canvas, canvas.Bounds(), card, image.Point{}, draw.Src)
	faces := Faces(canvas)
	if len(faces) != 1 {
		t.Fatalf("%d faces, want 1: %+v", len(faces), faces)
	}
	f := faces[0]
	if c := image.Pt(f.X, f.Y); !c.In(box.Add(offset)) {
		t.Errorf("face centre %v is outside the photo box %v", c, box.Add(offset))
	}
	if f.Size < box.Dx()/2 || f.Size > box.Dx()*3/2 {
		t.Errorf("face size %d for a %d px wide photo", f.Size, box.Dx())
	}
}

func BenchmarkFaces(b *testing.B) {
	img := jpegRoundTrip(b, cardFront(b, 1600, 1000, pigoSample(b)), 90)
	b.ResetTimer()
	for b.Loop() {
		if n := len(Faces(img)); n != 1 {
			b.Fatalf("%d faces", n)
		}
	}
}
