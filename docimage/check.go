package docimage

import (
	"fmt"
	"image"
)

// Features are the sizes, in pixels of the image, of what a verifier reads
// from a document image. Resolution is judged by them, not by the pixel
// count of the photo: a 500 px crop of a card whose machine readable zone
// is legible is good enough, and a 4000 px photo of a card across the room
// is not. Zero means the feature was not found.
type Features struct {
	// MRZCharHeight is the capital height of the characters of the machine
	// readable zone: see MRZCharHeight.
	MRZCharHeight float64
	// FaceSize is Face.Size of the document's portrait (see Portrait).
	FaceSize int
}

// ocrbCapRatio is the capital height of OCR-B over its pitch: the MRZ is
// printed at 10 characters per inch (2.54 mm) with capitals 2.46 mm high.
const ocrbCapRatio = 0.97

// MRZCharHeight returns the capital height, in pixels, of the characters
// of a machine readable zone whose box is box and whose lines have
// lineLength characters: mrzread.Reading.Box and len(Reading.Lines[0]).
// It is taken from the box's width, which is lineLength character pitches
// (ICAO 9303 fixes the pitch, and OCR-B's capitals are 0.97 of it), rather
// than from its height, which also holds the line spacing and grows with
// any tilt. It is 0 for an empty box or a line length below 1.
func MRZCharHeight(box image.Rectangle, lineLength int) float64 {
	if lineLength < 1 || box.Dx() <= 0 {
		return 0
	}
	return ocrbCapRatio * float64(box.Dx()) / float64(lineLength)
}

// Thresholds are the limits a document photo must meet. A zero limit is
// not checked.
type Thresholds struct {
	// MinShortSide is the least short side, in pixels, of the image as
	// received. Documents are judged by their features instead (below);
	// it remains for pictures that have none, such as selfies.
	MinShortSide int

	MinSharpness float64 // Quality.Sharpness must be at least this
	MaxGlare     float64 // Quality.Glare must be at most this

	// Resolution of a document, by the features found on it: each one
	// found must reach its limit.
	MinMRZCharHeight float64 // Features.MRZCharHeight, px
	MinFaceSize      int     // Features.FaceSize, px

	// MinDocumentSide is the least short side, in pixels, of the located
	// document (Quality.Document, or the whole image when that is empty)
	// when no feature was found: the smallest document on which any
	// feature could be big enough.
	MinDocumentSide int
}

// DefaultThresholds are for photos and scans of identity documents; a
// selfie, which is mostly smooth skin and background, measures far less
// sharp and needs its own numbers.
//
// MinMRZCharHeight 10: the MRZ reader (package mrzread) reads every
// character of noisy, slightly blurred JPEG documents from 10 px capitals
// up, and this is its supported minimum. A TD1 card whose MRZ capitals are
// 10 px is about 350 × 220 px; a TD3 passport page 510 × 360 px.
//
// MinFaceSize 32: the face detector found every portrait face from 20 px
// up, clean, aged to a fifth of its contrast, under a hologram or under a
// printed guilloche, and 18 of 20 from 16 to 19 px (TestFaceDetectionSize);
// 32 leaves a margin of 1.6 for photographs worse than those renderings.
// A face comparator that works on 112 px crops aligned on the eyes would
// want faces of about 100 px; the verifier does not compare faces yet, and
// should raise this when it does.
//
// MinDocumentSide 220: the short side of a TD1 card, the smallest ICAO
// format, whose MRZ capitals are 10 px high (54 mm / 2.46 mm × 10 px); a
// smaller document cannot have a legible MRZ, and its portrait face is
// under 70 px.
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
// leaves room for real photos, which have less contrast than a rendering.
// MaxGlare 0.02 is thirty times the clean card's largest white region and
// five times below the 8 % spot; it rejects a reflection from about 1.4 %
// of the document up, about the size of one data field of a card.
//
// On the scenes of TestDocumentScenes (cards and passport pages scanned on
// white or photographed on a dark table, askew up to 20°, from 270 px to
// 2400 px wide) sharp documents measure a sharpness of 950–8700 and a
// glare of at most 0.0003; blurred by σ = 3 px they measure 2–4, and a
// reflection whose core covers 3 % of the card measures 0.034–0.043, in
// its middle or at its edge (on a white background a reflection that
// reaches the card's edge merges with the background and is not counted).
// Measured on the whole picture, the white around a scanned card counted
// as 0.39–0.92 of glare.
var DefaultThresholds = Thresholds{
	MinSharpness:     15,
	MaxGlare:         0.02,
	MinMRZCharHeight: 10,
	MinFaceSize:      32,
	MinDocumentSide:  220,
}

// Problem is one failed check.
type Problem struct {
	Check string // "resolution", "blur" or "glare"
	// Code names the measure that failed: "image_size", "document_size",
	// "mrz_size", "face_size" (all Check "resolution"), "sharpness" or
	// "glare".
	Code         string
	Value, Limit float64 // the measured value and the limit it failed
	// Message is for people: what was measured against what is needed,
	// then Hint.
	Message string
	// Hint says how to take a better picture.
	Hint string
}

// Hints, one per cause.
const (
	hintCloser = "move closer or use a higher resolution"
	hintBlur   = "hold the camera still, let it focus and make sure the lens is clean"
	hintGlare  = "tilt the document or move away from the light"
)

func problem(check, code string, value, limit float64, hint, format string, args ...any) Problem {
	return Problem{Check: check, Code: code, Value: value, Limit: limit,
		Message: fmt.Sprintf(format, args...) + ": " + hint, Hint: hint}
}

// Check returns the problems q has against t, in a fixed order
// (resolution, blur, glare); none means the image is fit to be read.
//
// Resolution is judged by q.Features when any is set: each one found must
// reach its limit. Otherwise it is judged by the located document's short
// side.
func (t Thresholds) Check(q Quality) []Problem {
	var out []Problem
	if short := min(q.Width, q.Height); short < t.MinShortSide {
		out = append(out, problem("resolution", "image_size", float64(short), float64(t.MinShortSide), hintCloser,
			"the image is %d×%d px; its short side, %d px, is below the %d px needed", q.Width, q.Height, short, t.MinShortSide))
	}
	f := q.Features
	if f.MRZCharHeight > 0 || f.FaceSize > 0 {
		if f.MRZCharHeight > 0 && f.MRZCharHeight < t.MinMRZCharHeight {
			out = append(out, problem("resolution", "mrz_size", f.MRZCharHeight, t.MinMRZCharHeight, hintCloser,
				"the MRZ characters are %.1f px high; %.0f px are needed", f.MRZCharHeight, t.MinMRZCharHeight))
		}
		if f.FaceSize > 0 && f.FaceSize < t.MinFaceSize {
			out = append(out, problem("resolution", "face_size", float64(f.FaceSize), float64(t.MinFaceSize), hintCloser,
				"the face in the portrait is %d px across; %d px are needed", f.FaceSize, t.MinFaceSize))
		}
	} else {
		doc := q.Document
		if doc.Empty() {
			doc = image.Rect(0, 0, q.Width, q.Height)
		}
		if short := min(doc.Dx(), doc.Dy()); short < t.MinDocumentSide {
			out = append(out, problem("resolution", "document_size", float64(short), float64(t.MinDocumentSide), hintCloser,
				"the document is %d×%d px in the image; its short side, %d px, is below the %d px needed", doc.Dx(), doc.Dy(), short, t.MinDocumentSide))
		}
	}
	if q.Sharpness < t.MinSharpness {
		out = append(out, problem("blur", "sharpness", q.Sharpness, t.MinSharpness, hintBlur,
			"the image is blurred or out of focus (sharpness %.1f, %.1f needed)", q.Sharpness, t.MinSharpness))
	}
	if t.MaxGlare > 0 && q.Glare > t.MaxGlare {
		out = append(out, problem("glare", "glare", q.Glare, t.MaxGlare, hintGlare,
			"glare covers %.1f%% of the document; at most %.1f%% is allowed", 100*q.Glare, 100*t.MaxGlare))
	}
	return out
}
