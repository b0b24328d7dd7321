package native

import (
	"fmt"
	"image"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/docimage"
)

// sideImage is one side of the document: its image, what was measured on
// it, and the detail checks made on it.
type sideImage struct {
	img    image.Image
	checks *[]idproof.Check
	q      docimage.Quality // Features are filled as they are found
	face   docimage.Face    // the portrait, when one was found
	faces  int              // faces of about the portrait's size
}

// measure measures a side; it returns nil when the side was not sent.
func (r *run) measure(img image.Image, checks *[]idproof.Check) *sideImage {
	if img == nil {
		return nil
	}
	return &sideImage{img: img, checks: checks, q: docimage.Measure(img)}
}

// selfieThresholds are looser than a document's: a face photo has far less
// fine detail than printed text (a sharp portrait measures about 7 where a
// sharp card measures over 1500), and skin highlights are not glare on a
// laminate.
var selfieThresholds = docimage.Thresholds{MinShortSide: 240, MinSharpness: 2, MaxGlare: 0.15}

// quality checks a document side's resolution (by the size of what was
// read on it), sharpness and glare, measured on the document itself.
func (r *run) quality(name string, sd *sideImage) idproof.Check {
	q := sd.q
	if sd.faces > 0 {
		q.Features.FaceSize = sd.face.Size
	}
	return r.judge(name, q, r.c.thresholds)
}

// selfieQuality checks a selfie's size, sharpness and glare.
func (r *run) selfieQuality(img image.Image) idproof.Check {
	return r.judge("native.selfie_quality", docimage.Measure(img), selfieThresholds)
}

func (r *run) judge(name string, q docimage.Quality, t docimage.Thresholds) idproof.Check {
	problems := t.Check(q)
	details := qualityDetails(q)
	if len(problems) == 0 {
		c := check(name, idproof.CheckPass, "", fmt.Sprintf("%dx%d, document %dx%d, sharpness %.0f, glare %.3f",
			q.Width, q.Height, q.Document.Dx(), q.Document.Dy(), q.Sharpness, q.Glare))
		c.Details = details
		return c
	}
	r.retryable = true
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	c := check(name, idproof.CheckFail, "IDV0041", strings.Join(msgs, "; "))
	c.Details = details
	return c
}

// qualityDetails are the measures behind a quality check.
func qualityDetails(q docimage.Quality) map[string]float64 {
	d := map[string]float64{
		"width": float64(q.Width), "height": float64(q.Height),
		"documentWidth": float64(q.Document.Dx()), "documentHeight": float64(q.Document.Dy()),
		"sharpness": round(q.Sharpness, 1), "glare": round(q.Glare, 4), "brightness": round(q.Brightness, 1),
	}
	if q.Features.MRZCharHeight > 0 {
		d["mrzCharHeight"] = round(q.Features.MRZCharHeight, 1)
	}
	if q.Features.FaceSize > 0 {
		d["faceSize"] = float64(q.Features.FaceSize)
	}
	return d
}

func round(v float64, decimals int) float64 {
	p := 1.0
	for range decimals {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

// portrait requires exactly one portrait on the document front, looked for
// on the located document; a small "ghost" repeat of the portrait, printed
// on many cards, is not a second person.
func (r *run) portrait(sd *sideImage) idproof.Check {
	sd.face, sd.faces = docimage.Portrait(docimage.FacesIn(sd.img, sd.q.Document))
	c := faceCheck("native.front_face", sd.faces, "the document front", r)
	if sd.faces > 0 {
		c.Details = map[string]float64{"faces": float64(sd.faces), "faceSize": float64(sd.face.Size), "faceScore": round(float64(sd.face.Score), 1)}
	}
	return c
}

// faces requires exactly one face on a selfie.
func (r *run) faces(name string, img image.Image, where string) idproof.Check {
	found := docimage.Faces(img)
	c := faceCheck(name, len(found), where, r)
	if len(found) > 0 {
		c.Details = map[string]float64{"faces": float64(len(found)), "faceSize": float64(found[0].Size), "faceScore": round(float64(found[0].Score), 1)}
	}
	return c
}

func faceCheck(name string, n int, where string, r *run) idproof.Check {
	switch {
	case n == 1:
		return check(name, idproof.CheckPass, "", "one face on "+where)
	case n == 0:
		r.retryable = true
		return check(name, idproof.CheckFail, "IDV0042", "no face found on "+where)
	default:
		return check(name, idproof.CheckFail, "IDV0043", fmt.Sprintf("%d faces found on %s; exactly one is expected", n, where))
	}
}
