package docimage

import (
	_ "embed"
	"image"
	"math"
	"sync"

	pigo "github.com/esimov/pigo/core"
)

// The pigo frontal-face cascade, copied unmodified from the pigo module
// (see facefinder/README.md): a file inside another module cannot be
// embedded directly.
//
//go:embed facefinder/facefinder
var facefinderCascade []byte

var classifier = sync.OnceValue(func() *pigo.Pigo {
	p, err := pigo.NewPigo().Unpack(facefinderCascade)
	if err != nil {
		// The cascade is compiled in; a failure here is a broken build.
		panic("docimage: facefinder cascade: " + err.Error())
	}
	return p
})

// Face detection parameters.
const (
	// MinFaceFraction is the smallest face searched for, as a fraction of
	// the short side of the region searched (the image, or the document
	// for FacesIn). The face in the portrait of an ID-1 card spans roughly
	// a quarter to two fifths of the card's short side, and a selfie face
	// more; faces in the background of a selfie and face-like texture are
	// smaller and are not what the one-face rule is about.
	MinFaceFraction = 0.1

	// MinFacePixels is the smallest face, in pixels of the image, that is
	// searched for at all, whatever the image's size: the portrait of an
	// ID-1 card about 100 px wide. Portrait faces from 20 px up were all
	// found, clean, aged, under a hologram or a guilloche, and 18 of 20
	// from 16 to 19 px (TestFaceDetectionSize); below that the cascade
	// cannot tell a face from texture.
	MinFacePixels = 20

	// FaceScore is the least score (see Face.Score) that counts as a face.
	// On the portrait families of TestPortraitFamilies the faces found
	// score from 35 (a 240 px page whose portrait is aged to a fifth of
	// its contrast under a hologram, as a JPEG at quality 50) up to 500;
	// the pictures without a face (blank photo boxes, text, seals and
	// security patterns, cartoon animals on a card, the portrait upside
	// down) leave no candidate above 5.2. 20 is four times that and below
	// the weakest face by a good margin.
	FaceScore = 20

	// faceBand is the smallest window, in pixels of a pyramid level, that
	// the cascade is run with; each level covers windows from faceBand to
	// levelStep times that, so every face is searched for at 32–45 px, on
	// a copy averaged down to that size. Averaging is what makes detection
	// robust: the cascade compares single pixels, and on a larger copy
	// those pixels land on film grain, on the lines of a laser-engraved or
	// screened portrait and on the line work of holograms and guilloches
	// printed over the photo, instead of on the face. Windows from 48 or
	// 64 px found 5 or 4 of the 6 line-screened portraits, which 32 px
	// windows all find; windows near the cascade's smallest, 20 px, leave
	// it too few pixels to compare.
	faceBand = 32

	// levelStep is the ratio of the sizes of successive pyramid levels,
	// and so of the largest and smallest window tried on one level.
	levelStep = 1.4142

	// maxEnlarge bounds how much a small image is enlarged so that its
	// smallest face reaches faceBand: a 20 px face is searched for at 32.
	maxEnlarge = 2

	faceShift   = 0.1 // window step, as a fraction of the window
	faceScale   = 1.1 // ratio of successive window sizes
	faceCluster = 0.2 // intersection over union that merges windows
)

// Face is a detected face, in the coordinates of the image passed to Faces.
type Face struct {
	X, Y int // centre
	// Size is the side of the square around the face: from the eyebrows
	// to the chin, and cheek to cheek; the eye centres are about a third
	// of it apart.
	Size int
	// Score is the detection's strength: the summed cascade output of the
	// overlapping windows that make up the detection, ≥ FaceScore.
	Score float32
}

// Rect returns the square around the face.
func (f Face) Rect() image.Rectangle {
	return image.Rect(f.X-f.Size/2, f.Y-f.Size/2, f.X-f.Size/2+f.Size, f.Y-f.Size/2+f.Size)
}

// Faces returns the upright frontal faces in img of at least
// MinFaceFraction of its short side, strongest first.
func Faces(img image.Image) []Face {
	return FacesIn(img, img.Bounds())
}

// FacesIn is Faces restricted to the part r of img, such as the document
// that Measure located (Quality.Document): the smallest face searched for
// is then a fraction of the document rather than of the photo, so the
// portrait of a card that fills a third of the frame is still found.
// Faces are reported in img's coordinates.
func FacesIn(img image.Image, r image.Rectangle) []Face {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return nil
	}
	var out []Face
	for _, d := range scanFaces(img, r) {
		if d.q < FaceScore {
			continue
		}
		out = append(out, Face{
			X:     r.Min.X + int(math.Round(d.x)),
			Y:     r.Min.Y + int(math.Round(d.y)),
			Size:  max(1, int(math.Round(d.size))),
			Score: d.q,
		})
	}
	return out
}

// Portrait returns the largest face in faces, the portrait of a document,
// and how many faces are comparable to it: at least two thirds of its
// size, itself included. A licence or passport may repeat the portrait as
// a "ghost image" at a third to a half of its size, which is not a second
// person; a second face of similar size is.
func Portrait(faces []Face) (Face, int) {
	var best Face
	for _, f := range faces {
		if f.Size > best.Size {
			best = f
		}
	}
	n := 0
	for _, f := range faces {
		if 3*f.Size >= 2*best.Size {
			n++
		}
	}
	return best, n
}
