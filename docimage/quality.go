package docimage

import (
	"image"
	"math"
)

// WorkingSide is the long side, in pixels, of the copy of an image that
// Measure works on; a smaller image is measured as it is. Blur and glare
// are properties of the scene, not of the camera's pixel count: measuring
// every large image at the same size makes a 12 MP photo and a 2 MP photo
// of the same card give the same numbers, so one threshold fits both.
// Small images are not enlarged: enlarging adds no detail, and would
// make a small but sharp image measure as blurred, which is the business
// of the resolution check, not of the blur check.
const WorkingSide = 1000

// Quality is what Measure finds, for a verifier to check (Thresholds.Check)
// and to report.
type Quality struct {
	Width, Height int // of the image as received

	// Document is the located document (the card or page), in the image's
	// coordinates: the bounding box of what differs from a uniform
	// background around it. When Background is false no such background
	// was found and Document is the whole image, as for a picture cropped
	// to the card.
	Document   image.Rectangle
	Background bool

	// Sharpness is the variance of the Laplacian (kernel 0 1 0 / 1 −4 1 /
	// 0 1 0) of the luma of the document, at its own size or reduced to
	// WorkingSide. Edges of printed text and lines give large second
	// derivatives; defocus and motion blur spread them out, so the
	// variance falls quickly with blur. The background is left out: a
	// card on a plain table would otherwise measure blurrier the smaller
	// it is in the frame.
	Sharpness float64

	// Glare is the area of the largest 4-connected region of clipped
	// highlight pixels (see GlareLevel) inside the document, as a share of
	// the document's area; GlareBox is where it lies, in the image's
	// coordinates (empty when there is none). A white background, as
	// around a scan, is not glare.
	Glare    float64
	GlareBox image.Rectangle

	// Brightness is the mean luma (0–255) of the document.
	Brightness float64

	// Features are the sizes of what the verifier read from the image.
	// Measure leaves them zero; the caller fills in what it found, so that
	// Thresholds.Check judges the resolution by them.
	Features Features
}

// Measure computes the quality measures of img. An empty image measures
// as zero.
func Measure(img image.Image) Quality {
	b := img.Bounds()
	q := Quality{Width: b.Dx(), Height: b.Dy()}
	if q.Width <= 0 || q.Height <= 0 {
		return Quality{}
	}
	p := working(img, WorkingSide)
	reg := locate(p)
	toImage := func(r image.Rectangle) image.Rectangle {
		if r.Empty() {
			return image.Rectangle{}
		}
		fx, fy := float64(q.Width)/float64(p.w), float64(q.Height)/float64(p.h)
		return image.Rect(
			int(math.Floor(float64(r.Min.X)*fx)), int(math.Floor(float64(r.Min.Y)*fy)),
			int(math.Ceil(float64(r.Max.X)*fx)), int(math.Ceil(float64(r.Max.Y)*fy)),
		).Add(b.Min).Intersect(b)
	}
	docW := reg.bounds()
	q.Document, q.Background = toImage(docW), reg.background
	var gb image.Rectangle
	q.Glare, gb = glare(p, reg)
	q.GlareBox = toImage(gb)

	gray := p.gray()
	var sum float64
	for y := docW.Min.Y; y < docW.Max.Y; y++ {
		l, r := reg.span(y)
		for x := l; x < r; x++ {
			sum += float64(gray[y*p.w+x])
		}
	}
	q.Brightness = sum / float64(reg.area)

	// The document at its own size, or reduced to WorkingSide: the working
	// copy when it is near enough that size, else a fresh reduction of the
	// document alone from the image.
	long := max(q.Document.Dx(), q.Document.Dy())
	target := min(long, WorkingSide)
	if float64(max(docW.Dx(), docW.Dy())) >= 0.9*float64(target) {
		q.Sharpness = laplacianVariance(crop(gray, p.w, docW), docW.Dx(), docW.Dy())
	} else {
		dw, dh := fitLong(q.Document.Dx(), q.Document.Dy(), target)
		d := shrinkRect(img, q.Document, dw, dh)
		q.Sharpness = laplacianVariance(d.gray(), d.w, d.h)
	}
	return q
}

// crop copies the rectangle r out of a plane of width w.
func crop(g []float32, w int, r image.Rectangle) []float32 {
	out := make([]float32, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		out = append(out, g[y*w+r.Min.X:y*w+r.Max.X]...)
	}
	return out
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
