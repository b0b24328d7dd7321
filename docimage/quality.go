package docimage

import (
	"fmt"
	"image"
	"math"
)

// WorkingSide is the long side, in pixels, of the copy of an image that
// Measure works on. Blur and glare are properties of the scene, not of the
// camera's pixel count: measuring every image at the same size makes a
// 12 MP photo and a 2 MP photo of the same card give the same numbers, so
// one threshold fits both.
const WorkingSide = 1000

// GlareLevel is the value (0–255) that every colour channel of a working
// pixel must reach for the pixel to count as a specular highlight. A camera
// clips a reflection of a lamp to pure white; a correctly exposed white card
// stock or paper background sits well below (200–235), and anything with a
// colour cast has at least one channel below. So "all channels ≥ 245" means
// near-white and unsaturated, with a margin for JPEG ringing around 255.
const GlareLevel = 245

// Quality is what Measure finds.
type Quality struct {
	Width, Height int // of the image as received

	// Sharpness is the variance of the Laplacian (kernel 0 1 0 / 1 −4 1 /
	// 0 1 0) of the luma of the working copy. Edges of printed text and
	// lines give large second derivatives; defocus and motion blur spread
	// them out, so the variance falls quickly with blur.
	Sharpness float64

	// Glare is the area of the largest 4-connected region of highlight
	// pixels (see GlareLevel), as a fraction of the working copy. Only the
	// largest region counts: a reflection is one contiguous hot spot that
	// hides whatever is under it, whereas white lettering, hologram sparkle
	// or specks of a bright background are many small regions that hide
	// nothing and would otherwise add up.
	Glare float64

	// Brightness is the mean luma (0–255) of the working copy.
	Brightness float64
}

// Measure computes the quality measures of img. An empty image measures
// as zero.
func Measure(img image.Image) Quality {
	b := img.Bounds()
	q := Quality{Width: b.Dx(), Height: b.Dy()}
	if q.Width <= 0 || q.Height <= 0 {
		return Quality{}
	}
	p := working(img, WorkingSide, true)
	gray := p.gray()
	q.Sharpness = laplacianVariance(gray, p.w, p.h)
	q.Glare = largestHighlight(p)
	var sum float64
	for _, v := range gray {
		sum += float64(v)
	}
	q.Brightness = sum / float64(len(gray))
	return q
}

// laplacianVariance returns the variance of the 4-neighbour Laplacian over
// the interior pixels of a w×h plane (0 when there is no interior).
func laplacianVariance(g []float32, w, h int) float64 {
	if w < 3 || h < 3 {
		return 0
	}
	var sum, sq float64
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			l := float64(g[i-w] + g[i+w] + g[i-1] + g[i+1] - 4*g[i])
			sum += l
			sq += l * l
		}
	}
	n := float64((w - 2) * (h - 2))
	mean := sum / n
	return math.Max(0, sq/n-mean*mean)
}

// largestHighlight returns the area fraction of the largest 4-connected
// region of pixels whose three channels all reach GlareLevel.
func largestHighlight(p *rgbPlanes) float64 {
	n := p.w * p.h
	hot := make([]bool, n)
	for i := range hot {
		hot[i] = p.r[i] >= GlareLevel && p.g[i] >= GlareLevel && p.b[i] >= GlareLevel
	}
	largest := 0
	var stack []int32
	for start := range hot {
		if !hot[start] {
			continue
		}
		hot[start] = false
		stack = append(stack[:0], int32(start))
		size := 0
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			size++
			x := i % p.w
			for _, j := range [4]int{i - p.w, i + p.w, i - 1, i + 1} {
				switch {
				case j < 0 || j >= n, j == i-1 && x == 0, j == i+1 && x == p.w-1:
					continue
				}
				if hot[j] {
					hot[j] = false
					stack = append(stack, int32(j))
				}
			}
		}
		largest = max(largest, size)
	}
	return float64(largest) / float64(n)
}

// Thresholds are the limits a document photo must meet.
type Thresholds struct {
	MinShortSide int     // pixels, of the image as received
	MinSharpness float64 // Quality.Sharpness must be at least this
	MaxGlare     float64 // Quality.Glare must be at most this
}

// DefaultThresholds are for photos of identity documents; a selfie, which
// is mostly smooth skin and background, measures far less sharp and needs
// its own numbers.
//
// MinShortSide 600: an ID-1 card (85.6 × 54 mm) filling the frame is then
// imaged at ≥ 280 dpi, which keeps 2 mm tall text (MRZ, dates) above 20 px.
//
// MinSharpness and MaxGlare come from a synthetic card front (text from 2.5
// to 8 % of the card height, a portrait, 1 px guilloche lines, off-white
// stock) rendered at 1000, 1600 and 3200 px wide; the ranges are over
// those sizes:
//
//	sharpness  sharp                          1556–1857
//	           Gaussian blur σ = 1.5 working px    52–56   (text still legible)
//	           Gaussian blur σ = 2 working px      20–23
//	           Gaussian blur σ = 3 working px     4.1–5.1  (must be rejected)
//	glare      clean (largest blob: white title lettering)  0.0006–0.0007
//	           clipped spot, core 1 % of the card          0.014
//	           clipped spot, core 2 % of the card          0.029
//	           clipped spot, core 8 % of the card          0.111–0.112
//
// (a spot's measure exceeds its core because the inner part of its soft
// halo is clipped too). MinSharpness 15 is three times the σ = 3 value and
// the geometric mean of the σ = 1.5 and σ = 3 values, so it falls at a
// blur of about σ = 2.3; it is a hundred times below the sharp card, which
// leaves room for real photos: they have less contrast than a rendering
// and the card seldom fills the frame, and both lower the variance in
// proportion. MaxGlare 0.02 is thirty times the clean card's largest white
// region and five times below the 8 % spot; it rejects a reflection from
// about 1.4 % of the frame up, about the size of one data field of a card
// that fills the frame.
var DefaultThresholds = Thresholds{MinShortSide: 600, MinSharpness: 15, MaxGlare: 0.02}

// Problem is one failed check.
type Problem struct {
	Check   string // "resolution", "blur" or "glare"
	Message string // for people: the measured value against the threshold
}

// Check returns the problems q has against t, in a fixed order; none means
// the image is fit to be read.
func (t Thresholds) Check(q Quality) []Problem {
	var out []Problem
	if short := min(q.Width, q.Height); short < t.MinShortSide {
		out = append(out, Problem{"resolution", fmt.Sprintf(
			"image is %d×%d px; its short side %d is below the minimum %d", q.Width, q.Height, short, t.MinShortSide)})
	}
	if q.Sharpness < t.MinSharpness {
		out = append(out, Problem{"blur", fmt.Sprintf(
			"sharpness %.1f is below the minimum %.1f (image is blurred or out of focus)", q.Sharpness, t.MinSharpness)})
	}
	if q.Glare > t.MaxGlare {
		out = append(out, Problem{"glare", fmt.Sprintf(
			"a glare spot covers %.1f%% of the image; at most %.1f%% is allowed", 100*q.Glare, 100*t.MaxGlare)})
	}
	return out
}
