package face_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
)

// checkFace requires the geometry of a face: keypoints in order, eyes,
// nose and mouth inside the box, a box about square.
func checkFace(t *testing.T, f face.Face) {
	t.Helper()
	k := f.Keypoints
	in := func(p face.Point) bool {
		return p.X > f.Box[0] && p.X < f.Box[2] && p.Y > f.Box[1] && p.Y < f.Box[3]
	}
	if f.Score < 0.7 || f.Score > 1 {
		t.Errorf("score %.3f", f.Score)
	}
	if w, h := f.Box[2]-f.Box[0], f.Box[3]-f.Box[1]; w <= 0 || math.Abs(w-h) > 0.2*w {
		t.Errorf("box %.0f is not a face's", f.Box)
	}
	for _, i := range []int{face.LeftEye, face.RightEye, face.Nose, face.Mouth} {
		if !in(k[i]) {
			t.Errorf("keypoint %d %v outside the box %.0f", i, k[i], f.Box)
		}
	}
	if k[face.LeftEye].X >= k[face.RightEye].X || k[face.Nose].Y >= k[face.Mouth].Y || k[face.LeftEar].X >= k[face.RightEar].X {
		t.Errorf("keypoints out of order: %v", k)
	}
}

func TestDetectPhotos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		faces int
		// width is the face's approximate width in pixels.
		width float64
	}{
		{"obama.jpg", 1, 267},
		{"obama2.jpg", 1, 313},
		{"biden.jpg", 1, 305},
		{"biden2.jpg", 1, 490},
		{"two_people.jpg", 2, 160},
		// Cut by the left edge: found, its box reaching past the edge.
		{"obama_partial_face.jpg", 1, 265},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			m, err := decodeFile(filepath.Join(facetest.PhotoDir(), tc.file))
			if err != nil {
				t.Fatal(err)
			}
			faces, err := m.Detect(0)
			if err != nil {
				t.Fatal(err)
			}
			if len(faces) != tc.faces {
				t.Fatalf("%d faces, want %d: %+v", len(faces), tc.faces, faces)
			}
			for _, f := range faces {
				checkFace(t, f)
				if math.Abs(f.Width()-tc.width) > 0.1*tc.width {
					t.Errorf("face %.0f px wide, want about %.0f", f.Width(), tc.width)
				}
			}
		})
	}
}

// TestSingle: one face, none, or two of one size.
func TestSingle(t *testing.T) {
	t.Parallel()
	ls := mustLabelled(t)
	f, err := ls[0].image.Single()
	if err != nil || f.Box != ls[0].face.Box {
		t.Errorf("obama.jpg: %v, %+v", err, f)
	}
	two := ls[len(ls)-1].image
	var many *face.ManyFacesError
	if _, err := two.Single(); !errors.As(err, &many) || len(many.Faces) != 2 || err.Error() != "face: 2 faces found; exactly one is expected" {
		t.Errorf("two_people.jpg: %v", err)
	}
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(blank, blank.Rect, image.NewUniform(color.Gray{120}), image.Point{}, draw.Src)
	if _, err := face.NewImage(blank).Single(); !errors.Is(err, face.ErrNoFace) {
		t.Errorf("blank: %v", err)
	}
}

// TestSmallFaceInLargePhoto: a face 44 pixels wide in a 12-megapixel photo
// (4032×3024) is 3 pixels wide in one 256-pixel view of the whole, a
// quarter of what the detector needs: the tiles find it, and Single too.
func TestSmallFaceInLargePhoto(t *testing.T) {
	t.Parallel()
	ls := mustLabelled(t)
	src := selfie(t, ls[3]) // biden2, face about 180 px wide in 480
	small := 44.0
	scale := small / (ls[3].face.Width() * 480 / (2.6 * ls[3].face.Width()))
	big := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
	draw.Draw(big, big.Rect, image.NewUniform(color.RGBA{90, 110, 100, 255}), image.Point{}, draw.Src)
	part := facetest.Resize(src, int(480*scale))
	sw := part.Rect.Dx()
	at := image.Pt(2900, 2100)
	draw.Draw(big, part.Rect.Add(at), part, image.Point{}, draw.Src)
	m := face.NewImage(big)
	if got := m.MinFace(0); got > face.DefaultMinFace {
		t.Errorf("the search reaches faces of %.0f px, want %d", got, face.DefaultMinFace)
	}
	f, err := m.Single()
	if err != nil {
		t.Fatal(err)
	}
	checkFace(t, f)
	cx := (f.Box[0] + f.Box[2]) / 2
	if math.Abs(f.Width()-small) > 0.25*small || cx < float64(at.X) || cx > float64(at.X+sw) {
		t.Errorf("found %.0f px wide at %.0f; want about %.0f px at %v", f.Width(), f.Box, small, at)
	}
}

// BenchmarkDetect12MP is finding the one face of a 12-megapixel photo from
// its JPEG bytes: a face a fifth of the photo wide takes one detector run,
// a 44-pixel face the whole search.
func BenchmarkDetect12MP(b *testing.B) {
	ls := mustLabelled(b)
	src := selfie(b, ls[3])
	for _, width := range []float64{800, 44} {
		big := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
		draw.Draw(big, big.Rect, image.NewUniform(color.RGBA{90, 110, 100, 255}), image.Point{}, draw.Src)
		part := facetest.Resize(src, int(480*width/(480/2.6)))
		draw.Draw(big, part.Rect.Add(image.Pt(1500, 300)), part, image.Point{}, draw.Src)
		data := facetest.JPEG(big, 90)
		b.Run(fmt.Sprintf("face %.0f px", width), func(b *testing.B) {
			for b.Loop() {
				m, err := face.Decode(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Single(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
