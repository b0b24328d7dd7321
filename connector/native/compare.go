package native

import (
	"errors"
	"fmt"
	"image"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/face"
)

// faceOf finds the one face of a picture for comparison or liveness, and
// says what is wrong when there is none to use: no face (IDV0042), several
// (IDV0043), or one too small for its descriptor to be trusted (IDV0041).
// where names the picture in messages.
func faceOf(m *face.Image, where string) (face.Face, string, string) {
	f, err := m.Single()
	var many *face.ManyFacesError
	switch {
	case errors.Is(err, face.ErrNoFace):
		return f, "IDV0042", "no face found on " + where
	case errors.As(err, &many):
		return f, "IDV0043", fmt.Sprintf("%d faces found on %s; exactly one is expected", len(many.Faces), where)
	case err != nil:
		return f, "IDV0021", "the face models failed on " + where + ": " + err.Error()
	case !whole(m, f):
		return f, "IDV0041", "the face on " + where + " is cut off by the edge of the picture: centre the face and retake it"
	case f.Width() < face.MinDescribeWidth:
		return f, "IDV0041", fmt.Sprintf("the face on %s is %.0f px wide; %d px are needed to compare it: move closer or use a higher resolution",
			where, f.Width(), face.MinDescribeWidth)
	}
	return f, "", ""
}

// whole reports whether the eyes, nose and mouth of f are in the picture:
// a descriptor made with one of them guessed beyond the edge means little.
func whole(m *face.Image, f face.Face) bool {
	b := m.Bounds()
	for _, k := range []int{face.LeftEye, face.RightEye, face.Nose, face.Mouth} {
		p := f.Keypoints[k]
		if p.X < float64(b.Min.X) || p.Y < float64(b.Min.Y) || p.X >= float64(b.Max.X) || p.Y >= float64(b.Max.Y) {
			return false
		}
	}
	return true
}

// portraitImage is the part of the front to look for the portrait in: the
// located document, with a margin, so that a face beside the document (the
// holder's own, holding it up) is not taken for its portrait.
func portraitImage(sd *sideImage) *face.Image {
	img := sd.img
	doc := sd.q.Document
	type subImager interface {
		SubImage(image.Rectangle) image.Image
	}
	if s, ok := img.(subImager); ok && !doc.Empty() {
		m := max(doc.Dx(), doc.Dy()) / 50
		img = s.SubImage(doc.Inset(-m).Intersect(img.Bounds()))
	}
	return face.NewImage(img)
}

// subject is the selfie's face, found once for the comparison and the
// liveness checks.
type subject struct {
	img         *face.Image
	face        face.Face
	reason, msg string // why there is no face to use
	desc        *face.Descriptor
}

func newSubject(img image.Image) *subject {
	s := &subject{img: face.NewImage(img)}
	s.face, s.reason, s.msg = faceOf(s.img, "the selfie")
	return s
}

// descriptor describes the selfie's face, once.
func (s *subject) descriptor() (face.Descriptor, error) {
	if s.desc == nil {
		d, err := s.img.Describe(s.face)
		if err != nil {
			return face.Descriptor{}, err
		}
		s.desc = &d[0]
	}
	return *s.desc, nil
}

// faceCompare compares the selfie's face with the document portrait. It
// passes only when both faces were found and their descriptors are closer
// than the configured threshold; without a selfie, a front or a usable
// face on either, it is NOT_PERFORMED, never a pass.
func (r *run) faceCompare(fs *sideImage, s *subject) idproof.Check {
	const name = "native.face_match"
	switch {
	case s == nil:
		return check(name, idproof.CheckNotPerformed, "IDV0016", "no selfie image to compare with the document")
	case fs == nil:
		return check(name, idproof.CheckNotPerformed, "IDV0016", "no front image: the document portrait is on it")
	}
	portrait := portraitImage(fs)
	pf, reason, msg := faceOf(portrait, "the document front")
	if reason == "" {
		reason, msg = s.reason, s.msg
	}
	if reason != "" {
		r.retryable = r.retryable || reason != "IDV0043"
		return check(name, idproof.CheckNotPerformed, reason, msg+"; the faces could not be compared")
	}
	pd, err := portrait.Describe(pf)
	if err != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the face models failed: "+err.Error())
	}
	sd, err := s.descriptor()
	if err != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the face models failed: "+err.Error())
	}
	d := face.Distance(pd[0], sd)
	t := r.c.opts.FaceMatchThreshold
	var c idproof.Check
	if d < t {
		c = check(name, idproof.CheckPass, "", fmt.Sprintf("the selfie matches the document portrait (distance %.3f, below %.2f)", d, t))
	} else {
		c = check(name, idproof.CheckFail, "IDV0050", fmt.Sprintf("the selfie does not match the document portrait (distance %.3f, at or above %.2f)", d, t))
	}
	c.Details = map[string]float64{"distance": round(d, 3), "threshold": t,
		"portraitWidth": round(pf.Width(), 0), "selfieWidth": round(s.face.Width(), 0),
		"portraitScore": round(pf.Score, 3), "selfieScore": round(s.face.Score, 3)}
	return c
}
