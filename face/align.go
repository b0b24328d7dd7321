package face

import (
	"image"
	"math"

	"github.com/idproof/idproof/nn"
)

// The descriptor network was trained on faces cut out at one scale and
// position, and its distances mean something only on crops made alike.
// The crop is placed by the eyes and the mouth, which the detector locates
// more steadily than the edges of its box: its side is the mean distance
// from each eye to the mouth divided by alignEyeMouth, and the centroid of
// the eyes and the mouth sits at (alignCentroidX, alignCentroidY) of the
// side. The crop is turned so that the eyes are level. docs/faces.md
// compares this with a crop of the detector's box.
const (
	alignEyeMouth  = 0.45
	alignCentroidX = 0.5
	alignCentroidY = 0.43
)

// alignment returns the view of the descriptor's crop of f.
func alignment(f Face) affine {
	le, re, mo := f.Keypoints[LeftEye], f.Keypoints[RightEye], f.Keypoints[Mouth]
	side := (dist(le, mo) + dist(re, mo)) / 2 / alignEyeMouth
	cx, cy := (le.X+re.X+mo.X)/3, (le.Y+re.Y+mo.Y)/3
	angle := math.Atan2(re.Y-le.Y, re.X-le.X)
	c, s := math.Cos(angle), math.Sin(angle)
	k := side / DescriptorInput
	ax := [2]float64{k * c, k * s}  // one crop pixel to the right
	ay := [2]float64{-k * s, k * c} // one crop pixel down
	u, v := alignCentroidX*DescriptorInput, alignCentroidY*DescriptorInput
	return affine{origin: [2]float64{cx - u*ax[0] - v*ay[0], cy - u*ax[1] - v*ay[1]}, ax: ax, ay: ay}
}

// Crop returns the 150×150 crop of f that the descriptor reads, for
// inspection; Describe makes the same crop itself.
func (m *Image) Crop(f Face) *image.RGBA {
	const n = DescriptorInput
	buf := make([]float32, 3*n*n)
	m.r.sample(buf, n, alignment(f))
	out := image.NewRGBA(image.Rect(0, 0, n, n))
	for i := 0; i < n*n; i++ {
		for c := 0; c < 3; c++ {
			out.Pix[4*i+c] = uint8(min(255, max(0, buf[3*i+c]+0.5)))
		}
		out.Pix[4*i+3] = 255
	}
	return out
}

// Describe returns the descriptors of faces found in m, in one batch.
func (m *Image) Describe(faces ...Face) ([]Descriptor, error) {
	if len(faces) == 0 {
		return nil, nil
	}
	r, err := LoadResNet()
	if err != nil {
		return nil, err
	}
	const n = DescriptorInput
	x := nn.New(len(faces), n, n, 3)
	for i, f := range faces {
		m.r.sample(x.Data[i*3*n*n:(i+1)*3*n*n], n, alignment(f))
	}
	return r.Describe(x)
}

// Distance is the Euclidean distance between two descriptors: small for
// two photos of one person (see Threshold).
func Distance(a, b Descriptor) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
