package docimage

import (
	_ "embed"
	"image"
	"math"
	"sort"
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
	// FaceSide is the long side of the copy faces are searched in. A face
	// that matters (the selfie, or the portrait on a card that fills the
	// frame) is then still ≥ 40 px, well within the cascade's range, and
	// the cascade's cost does not grow with the camera's pixel count.
	FaceSide = 640

	// MinFaceFraction is the smallest face searched for, as a fraction of
	// the image's short side. The face in the portrait of an ID-1 card that
	// fills the frame spans roughly a quarter to two fifths of the short
	// side, and a selfie face more; the small "ghost" portrait printed on
	// many licences, faces in the background of a selfie and face-like
	// texture are smaller and are not what the one-face rule is about.
	MinFaceFraction = 0.1

	// FaceScore is the least clustered cascade score (the sum of the
	// scores of the overlapping windows that make up one detection) that
	// counts as a face. With the parameters below, the pigo sample portrait
	// scores 42 when its face is just at the minimum size and 165–430 from
	// 1.1× that size up to filling the image, alone, side by side or as the
	// portrait of a synthetic card. The strongest non-faces measured were
	// the same portrait upside down (8.5), small abstract and colour-map
	// pictures (2.6–5.7) and the portrait with its eyes painted over (0.5);
	// blank, gradient, noise, barcode and synthetic card images without a
	// face give no detection at all. 20 is more than twice the strongest
	// non-face and half the weakest face measured at a relevant size.
	// Faces of 20 px, the cascade's smallest window, in a 150×103 video
	// still score 8–18 and are missed; the faces this package is for are
	// several times larger.
	FaceScore = 20

	minFacePx   = 20 // the cascade's own smallest useful window
	faceShift   = 0.1
	faceScale   = 1.1
	faceCluster = 0.2 // intersection over union that merges windows
)

// Face is a detected face, in the coordinates of the image passed to Faces.
type Face struct {
	X, Y  int     // centre
	Size  int     // side of the square around the face
	Score float32 // clustered cascade score, ≥ FaceScore
}

// Rect returns the square around the face.
func (f Face) Rect() image.Rectangle {
	return image.Rect(f.X-f.Size/2, f.Y-f.Size/2, f.X-f.Size/2+f.Size, f.Y-f.Size/2+f.Size)
}

// Faces returns the upright frontal faces in img, strongest first.
func Faces(img image.Image) []Face {
	clusters, scale := detect(img)
	var kept []pigo.Detection
	for _, d := range clusters {
		if d.Q >= FaceScore {
			kept = append(kept, d)
		}
	}
	kept = dropNested(kept)
	origin := img.Bounds().Min
	faces := make([]Face, 0, len(kept))
	for _, d := range kept {
		faces = append(faces, Face{
			X:     origin.X + int(math.Round((float64(d.Col)+0.5)*scale)),
			Y:     origin.Y + int(math.Round((float64(d.Row)+0.5)*scale)),
			Size:  int(math.Round(float64(d.Scale) * scale)),
			Score: d.Q,
		})
	}
	return faces
}

// detect runs the cascade on the working copy of img and returns the
// clustered detections, in working coordinates, and the factor from those
// to img's.
func detect(img image.Image) ([]pigo.Detection, float64) {
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, 1
	}
	p := working(img, FaceSide, false)
	gray := p.gray()
	pix := make([]uint8, len(gray))
	for i, v := range gray {
		pix[i] = uint8(v + 0.5)
	}
	short := min(p.w, p.h)
	params := pigo.CascadeParams{
		MinSize:     max(minFacePx, int(MinFaceFraction*float64(short))),
		MaxSize:     short,
		ShiftFactor: faceShift,
		ScaleFactor: faceScale,
		ImageParams: pigo.ImageParams{Pixels: pix, Rows: p.h, Cols: p.w, Dim: p.w},
	}
	scale := float64(b.Dx()) / float64(p.w)
	if params.MinSize > params.MaxSize {
		return nil, scale
	}
	pg := classifier()
	return pg.ClusterDetections(pg.RunCascade(params, 0), faceCluster), scale
}

// dropNested removes detections whose centre lies inside a stronger one.
// Clustering by overlap merges windows of similar size; a face also fires
// windows of quite different sizes (the eyes-and-nose region, the head
// with hair) that overlap too little to merge but are the same face.
func dropNested(dets []pigo.Detection) []pigo.Detection {
	sort.Slice(dets, func(i, j int) bool { return dets[i].Q > dets[j].Q })
	var out []pigo.Detection
	for _, d := range dets {
		inside := false
		for _, k := range out {
			if abs(d.Row-k.Row) <= k.Scale/2 && abs(d.Col-k.Col) <= k.Scale/2 {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, d)
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
