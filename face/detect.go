package face

import (
	"math"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn"
)

// The keypoints of a Face, in the order of Face.Keypoints. "Left" and
// "right" are as seen in the image: LeftEye has the smaller x in an
// upright, unmirrored photo, and is the subject's right eye.
const (
	LeftEye  = models.LeftEye
	RightEye = models.RightEye
	Nose     = models.Nose
	Mouth    = models.Mouth
	LeftEar  = models.LeftEar
	RightEar = models.RightEar
)

// Point is a position in an image, in pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Face is a detected face, in the coordinates of the image it was found in.
type Face struct {
	// Score is the detector's confidence, 0…1.
	Score float64 `json:"score"`
	// Box is the face from the brows to the chin and cheek to cheek:
	// x0, y0, x1, y1.
	Box [4]float64 `json:"box"`
	// Keypoints are the eyes' centres, the tip of the nose, the mouth's
	// centre and the tragions, indexed by LeftEye … RightEar.
	Keypoints [models.NumKeypoints]Point `json:"keypoints"`
}

// Width is the width of the face's box.
func (f Face) Width() float64 { return f.Box[2] - f.Box[0] }

// EyeDistance is the distance between the centres of the eyes.
func (f Face) EyeDistance() float64 { return dist(f.Keypoints[LeftEye], f.Keypoints[RightEye]) }

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// Detection parameters.
const (
	// minScore is the detector score that counts as a face: the one the
	// reference measurements kept every real face with (face/models).
	minScore = 0.7
	// maxOverlap is the intersection over union above which two
	// detections are the same face.
	maxOverlap = 0.3
)

// detectView runs the detector on the square of the image with corner
// (x0, y0) and the given side, and returns the faces in it, in image
// coordinates.
func (r *raster) detectView(x0, y0, side float64) ([]Face, error) {
	m, err := models.BlazeFace()
	if err != nil {
		return nil, err
	}
	const n = models.BlazeFaceSize
	x := nn.New(1, n, n, 3)
	r.sample(x.Data, n, squareView(x0, y0, side, n))
	for i, v := range x.Data {
		x.Data[i] = v/127.5 - 1
	}
	outs, err := m.Run(x)
	if err != nil {
		return nil, err
	}
	dets, err := models.DecodeBlazeFace(outs)
	if err != nil {
		return nil, err
	}
	k := side / n
	var faces []Face
	for _, d := range models.NonMaxSuppression(dets, minScore, maxOverlap) {
		f := Face{Score: float64(d.Score)}
		for i := range f.Box {
			f.Box[i] = float64(d.Box[i]) * k
		}
		f.Box[0], f.Box[2] = f.Box[0]+x0, f.Box[2]+x0
		f.Box[1], f.Box[3] = f.Box[1]+y0, f.Box[3]+y0
		for i, p := range d.Keypoints {
			f.Keypoints[i] = Point{x0 + float64(p[0])*k, y0 + float64(p[1])*k}
		}
		faces = append(faces, f)
	}
	return faces, nil
}

// The detector sees a 256-pixel square. It finds faces from about 12 to
// 170 of its pixels wide (scores above 0.8 from 12 up on the test photos;
// from about 190 up the box no longer fits the face), so one view of a
// whole photo misses faces under a twentieth of its side: small faces are
// looked for in overlapping tiles, each resampled to 256 pixels.
const (
	// viewMinFace is the least face width, as a fraction of a view's
	// side, that one view finds well.
	viewMinFace = 12.0 / models.BlazeFaceSize
	// A face found narrower than refineBelow or wider than refineAbove
	// (fractions of the view) is detected again in a view where it is
	// viewGoodFace wide: its keypoints are placed better there.
	refineBelow  = 48.0 / models.BlazeFaceSize
	refineAbove  = 160.0 / models.BlazeFaceSize
	viewGoodFace = 96.0 / models.BlazeFaceSize
	// levelRatio bounds the ratio of the sides of successive levels of
	// views, so that the faces too small for one level are well within
	// the next.
	levelRatio = 4
)

// DefaultMinFace is the smallest face width, in pixels, that Detect looks
// for by default.
const DefaultMinFace = 40

// maxViews bounds the detector runs of one search: at about 0.1 s each, a
// 24-megapixel photo searched for 40-pixel faces would need over a
// hundred. Past the bound, the smallest face searched for grows.
const maxViews = 64

// view is one square the detector is run on.
type view struct {
	x0, y0, side float64
	// inner are the view's edges that lie inside the image: a face cut
	// by one of them is whole in a neighbouring tile.
	inner [4]bool // left, top, right, bottom
}

// levels plans the views that find faces from minFace pixels wide, from
// the whole image down to the finest tiles: each entry is one level's
// tiles. It also returns the smallest face width the plan reaches.
func levels(w, h int, minFace float64) ([][]view, float64) {
	side := float64(max(w, h))
	whole := view{x0: (float64(w) - side) / 2, y0: (float64(h) - side) / 2, side: side}
	finest := max(minFace/viewMinFace, 64)
	for {
		// Levels evenly spaced in scale, at most levelRatio apart.
		n := 0
		if side > finest {
			n = int(math.Ceil(math.Log(side/finest) / math.Log(levelRatio)))
		}
		plan := [][]view{{whole}}
		count := 1
		for k := 1; k <= n; k++ {
			t := side * math.Pow(finest/side, float64(k)/float64(n))
			// Tiles overlap by more than the smallest face the level
			// above finds, so a face too small for it is whole in one.
			overlap := min(1.3*viewMinFace*plan[k-1][0].side, t/2)
			tiles := tile(w, h, t, overlap)
			plan = append(plan, tiles)
			count += len(tiles)
		}
		if count <= maxViews {
			return plan, min(finest, side) * viewMinFace
		}
		finest *= 1.25
	}
}

// tile covers the image with squares of side t overlapping by at least
// overlap; an image smaller than t gets one square, centred.
func tile(w, h int, t, overlap float64) []view {
	starts := func(n int) []float64 {
		if float64(n) <= t {
			return []float64{(float64(n) - t) / 2}
		}
		k := int(math.Ceil((float64(n) - overlap) / (t - overlap)))
		step := (float64(n) - t) / float64(k-1)
		out := make([]float64, k)
		for i := range out {
			out[i] = float64(i) * step
		}
		return out
	}
	var out []view
	xs, ys := starts(w), starts(h)
	for j, y := range ys {
		for i, x := range xs {
			out = append(out, view{x0: x, y0: y, side: t,
				inner: [4]bool{i > 0, j > 0, i < len(xs)-1, j < len(ys)-1}})
		}
	}
	return out
}
