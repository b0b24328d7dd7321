package face_test

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
)

// TestSeparation: on the labelled photos, every pair of photos of one
// person is closer than face.Threshold and every pair of different people
// is further, each by a margin; the distances stay near the ones
// docs/faces.md reports.
func TestSeparation(t *testing.T) {
	t.Parallel()
	ls := mustLabelled(t)
	const margin = 0.03
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			a, b := ls[i], ls[j]
			d := face.Distance(a.desc, b.desc)
			t.Logf("%-22s %-22s %.3f", a.name, b.name, d)
			switch {
			case a.who == b.who && d > face.Threshold-margin:
				t.Errorf("%s and %s, both %s: distance %.3f, not below %.2f", a.name, b.name, a.who, d, face.Threshold-margin)
			case a.who != b.who && d < face.Threshold+margin:
				t.Errorf("%s (%s) and %s (%s): distance %.3f, not above %.2f", a.name, a.who, b.name, b.who, d, face.Threshold+margin)
			case sameShot(a.name, b.name) && d > 0.15:
				t.Errorf("%s and %s are one photograph: distance %.3f", a.name, b.name, d)
			}
		}
	}
}

// TestAlignedCropSeparates: the crop placed by the eyes and the mouth
// separates the two people by far more than a crop of the detector's box,
// padded or not, which is why it is used.
func TestAlignedCropSeparates(t *testing.T) {
	t.Parallel()
	ls := mustLabelled(t)
	gap := func(describe func(l labelled) face.Descriptor) float64 {
		ds := make([]face.Descriptor, len(ls))
		for i, l := range ls {
			ds[i] = describe(l)
		}
		same, diff := 0.0, 2.0
		for i := range ls {
			for j := i + 1; j < len(ls); j++ {
				d := face.Distance(ds[i], ds[j])
				if ls[i].who == ls[j].who {
					same = max(same, d)
				} else {
					diff = min(diff, d)
				}
			}
		}
		return diff - same
	}
	aligned := gap(func(l labelled) face.Descriptor { return l.desc })
	box := gap(func(l labelled) face.Descriptor {
		// The box, 1.2 times, as a plain square crop.
		img, err := facetest.Photo(l.file)
		if err != nil {
			t.Fatal(err)
		}
		w := 1.2 * l.face.Width()
		cx, cy := (l.face.Box[0]+l.face.Box[2])/2, (l.face.Box[1]+l.face.Box[3])/2
		x0, y0, n := int(cx-w/2), int(cy-w/2), int(w)
		crop := facetest.Crop(img, image.Rect(x0, y0, x0+n, y0+n))
		d, err := face.Describe(facetest.Resize(crop, face.DescriptorInput))
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
	t.Logf("gap between the farthest same-person pair and the closest different-person pair: aligned %.3f, box %.3f", aligned, box)
	if aligned < 0.25 || aligned < box+0.08 {
		t.Errorf("aligned crops separate by %.3f, box crops by %.3f", aligned, box)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	dir := facetest.PhotoDir()
	load := func(name string) *face.Image {
		m, err := decodeFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	obama, obama2, biden2 := load("obama.jpg"), load("obama2.jpg"), load("biden2.jpg")
	c, err := face.Compare(obama, obama2)
	if err != nil || !c.Match(face.Threshold) {
		t.Errorf("obama–obama2: %+v, %v", c, err)
	}
	c, err = face.Compare(obama2, biden2)
	if err != nil || c.Match(face.Threshold) {
		t.Errorf("obama2–biden2: %+v, %v", c, err)
	}
	// The partial face, cut from obama.jpg, still matches obama2.jpg.
	c, err = face.Compare(load("obama_partial_face.jpg"), obama2)
	if err != nil || !c.Match(face.Threshold) {
		t.Errorf("obama_partial_face–obama2: %+v, %v", c, err)
	}
	var many *face.ManyFacesError
	if _, err := face.Compare(obama, load("two_people.jpg")); !errors.As(err, &many) || !strings.HasPrefix(err.Error(), "second image:") {
		t.Errorf("two people: %v", err)
	}
}

// BenchmarkCompare is one comparison from the files' bytes: decoding both
// photos, finding the face in each, describing both faces and the
// distance. Run with -cpu 1 for the CPU time it takes.
func BenchmarkCompare(b *testing.B) {
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(facetest.PhotoDir(), name))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	for _, pair := range [][2]string{{"obama.jpg", "obama2.jpg"}, {"biden.jpg", "biden2.jpg"}} {
		x, y := read(pair[0]), read(pair[1])
		b.Run(pair[0]+"-"+pair[1], func(b *testing.B) {
			for b.Loop() {
				ix, err := face.Decode(x)
				if err != nil {
					b.Fatal(err)
				}
				iy, err := face.Decode(y)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := face.Compare(ix, iy); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
