package face_test

import (
	"image"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
)

// labelled is one face of the test photos, with who it is.
type labelled struct {
	file  string
	name  string // file, and which face when it has several
	who   string
	image *face.Image
	face  face.Face
	desc  face.Descriptor
}

// labelledFaces are the faces of face/testdata/photos: three photos of
// each of two people (two_people.jpg holds one of each).
// obama_partial_face.jpg is left out: it is cut from obama.jpg.
var labelledFaces = sync.OnceValues(func() ([]labelled, error) {
	var out []labelled
	for _, p := range []struct{ file, who string }{
		{"obama.jpg", "Obama"}, {"obama2.jpg", "Obama"}, {"biden.jpg", "Biden"}, {"biden2.jpg", "Biden"},
		{"two_people.jpg", ""},
	} {
		m, err := decodeFile(filepath.Join(facetest.PhotoDir(), p.file))
		if err != nil {
			return nil, err
		}
		faces, err := m.Detect(0)
		if err != nil {
			return nil, err
		}
		if p.who != "" {
			out = append(out, labelled{file: p.file, name: p.file, who: p.who, image: m, face: faces[0]})
			continue
		}
		left, right := faces[0], faces[1]
		if left.Box[0] > right.Box[0] {
			left, right = right, left
		}
		out = append(out, labelled{file: p.file, name: "two_people.jpg, left", who: "Obama", image: m, face: left},
			labelled{file: p.file, name: "two_people.jpg, right", who: "Biden", image: m, face: right})
	}
	for i := range out {
		d, err := out[i].image.Describe(out[i].face)
		if err != nil {
			return nil, err
		}
		out[i].desc = d[0]
	}
	return out, nil
})

func decodeFile(path string) (*face.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return face.Decode(b)
}

func mustLabelled(t testing.TB) []labelled {
	t.Helper()
	ls, err := labelledFaces()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// sameShot reports whether two labelled faces come from one photograph:
// two_people.jpg's right half is the photo biden.jpg is cut from.
func sameShot(a, b string) bool {
	return (a == "biden.jpg" && b == "two_people.jpg, right") || (b == "biden.jpg" && a == "two_people.jpg, right")
}

// selfie returns a selfie-like picture of a labelled face: the head and
// shoulders, 480 pixels wide, as the capture page films them.
func selfie(t testing.TB, l labelled) *image.RGBA {
	t.Helper()
	img, err := facetest.Photo(l.file)
	if err != nil {
		t.Fatal(err)
	}
	return facetest.Selfie(img, l.face.Box)
}

// headOf is the head geometry facetest.Turn needs.
func headOf(f face.Face) facetest.Head {
	p := func(i int) [2]float64 { return [2]float64{f.Keypoints[i].X, f.Keypoints[i].Y} }
	return facetest.Head{LeftEye: p(face.LeftEye), RightEye: p(face.RightEye), Nose: p(face.Nose), Mouth: p(face.Mouth)}
}
