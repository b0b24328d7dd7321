package native

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/docimage"
	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
	"github.com/idproof/idproof/mrzread/mrztest"
)

// people are the test photos' faces: Obama's official portrait and a
// second photo of him, and Biden.
type person struct {
	photo *image.RGBA
	face  face.Face
}

var people = sync.OnceValues(func() (map[string]person, error) {
	out := map[string]person{}
	for name, file := range map[string]string{"obama": "obama.jpg", "obama2": "obama2.jpg", "biden": "biden2.jpg"} {
		img, err := facetest.Photo(file)
		if err != nil {
			return nil, err
		}
		f, err := face.NewImage(img).Single()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out[name] = person{img, f}
	}
	return out, nil
})

func mustPeople(t *testing.T) map[string]person {
	t.Helper()
	p, err := people()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// passportOf draws a Dutch passport data page whose portrait is p's.
func passportOf(t *testing.T, p person) []byte {
	t.Helper()
	mrztest.Require(t)
	card, err := mrztest.Card(matrixZones()[0].lines, facetest.Portrait(p.photo, p.face.Box), mrztest.Options{CharHeight: 24})
	if err != nil {
		t.Fatal(err)
	}
	return facetest.PNG(card)
}

func selfieOf(p person) []byte { return facetest.JPEG(facetest.Selfie(p.photo, p.face.Box), 90) }

// verifyFaces runs the verifier on a passport front, a selfie and frames.
func verifyFaces(t *testing.T, opts Options, checks []string, front, selfie []byte, challenge string, frames [][]byte) (*idproof.Verdict, map[string]idproof.Check) {
	t.Helper()
	if opts.FaceMatchThreshold == 0 {
		opts.FaceMatchThreshold = face.Threshold
	}
	opts.MaxAgeYears = 120
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	c := &Connector{opts: opts, now: func() time.Time { return now }, thresholds: docimage.DefaultThresholds}
	images := map[string][]byte{}
	if front != nil {
		images["document_front_image"] = front
	}
	if selfie != nil {
		images["selfie_liveness_image"] = selfie
	}
	ev := idproof.Evidence{DocumentType: idproof.DocPassport, Checks: checks, Images: images, Challenge: challenge}
	for i, f := range frames {
		name := fmt.Sprintf("selfie_liveness_frame_%02d", i)
		images[name] = f
		ev.ChallengeFrames = append(ev.ChallengeFrames, name)
	}
	v, err := c.Verify(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]idproof.Check{}
	for _, ch := range v.Checks {
		got[ch.Name] = ch
	}
	return v, got
}

func wantCheck(t *testing.T, got map[string]idproof.Check, name string, result idproof.CheckResult, reason string) {
	t.Helper()
	c, ok := got[name]
	if !ok || c.Result != result || c.Reason != reason {
		js, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("%s: %s %s (%s), want %s %s\n%s", name, c.Result, c.Reason, c.Message, result, reason, js)
	}
}

// TestFaceCompare: a passport printed with A's portrait and a selfie of A
// (another photo) passes face_compare; a selfie of B fails it; without a
// selfie, a face, or with two, it is not performed.
func TestFaceCompare(t *testing.T) {
	t.Parallel()
	p := mustPeople(t)
	front := passportOf(t, p["obama"])
	blank := image.NewRGBA(image.Rect(0, 0, 480, 640))
	draw.Draw(blank, blank.Rect, image.NewUniform(color.RGBA{150, 140, 130, 255}), image.Point{}, draw.Src)
	twoPeople, err := facetest.Photo("two_people.jpg")
	if err != nil {
		t.Fatal(err)
	}
	checks := []string{"document_liveness_front", "face_compare"}
	tests := []struct {
		name      string
		front     []byte
		selfie    []byte
		threshold float64
		result    idproof.CheckResult
		reason    string
	}{
		{"same person, another photo", front, selfieOf(p["obama2"]), 0, idproof.CheckPass, ""},
		{"another person", front, selfieOf(p["biden"]), 0, idproof.CheckFail, "IDV0050"},
		{"same person, threshold set very strict", front, selfieOf(p["obama2"]), 0.2, idproof.CheckFail, "IDV0050"},
		{"no selfie", front, nil, 0, idproof.CheckNotPerformed, "IDV0016"},
		{"no face on the selfie", front, facetest.JPEG(blank, 90), 0, idproof.CheckNotPerformed, "IDV0042"},
		{"two faces on the selfie", front, facetest.JPEG(twoPeople, 90), 0, idproof.CheckNotPerformed, "IDV0043"},
		{"no portrait on the document", passportOf(t, person{photo: blank, face: face.Face{Box: [4]float64{100, 100, 300, 300}}}),
			selfieOf(p["obama2"]), 0, idproof.CheckNotPerformed, "IDV0042"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, got := verifyFaces(t, Options{FaceMatchThreshold: tc.threshold}, checks, tc.front, tc.selfie, "", nil)
			wantCheck(t, got, "face_compare", tc.result, tc.reason)
			wantCheck(t, got, "native.face_match", tc.result, tc.reason)
			c := got["face_compare"]
			if tc.result != idproof.CheckNotPerformed {
				d, ok := c.Details["distance"]
				if !ok || (tc.result == idproof.CheckPass) != (d < c.Details["threshold"]) {
					t.Errorf("details %v", c.Details)
				}
				t.Logf("distance %.3f", d)
			}
			if tc.reason == "IDV0050" && v.Retryable {
				t.Error("another person's face is not a reason to retake a photo")
			}
		})
	}
}

// frames encodes a burst as the capture page sends it: JPEG at 0.8.
func frames(imgs ...*image.RGBA) [][]byte {
	out := make([][]byte, len(imgs))
	for i, img := range imgs {
		out[i] = facetest.JPEG(img, 80)
	}
	return out
}

// TestActiveLiveness: a head turning the way asked passes; the other way,
// a still repeated, a flat photo moved, or another person's face fail;
// without frames the check is not performed, and selfie_liveness cannot
// pass on the passive models alone.
func TestActiveLiveness(t *testing.T) {
	t.Parallel()
	p := mustPeople(t)
	sel := facetest.Selfie(p["obama"].photo, p["obama"].face.Box)
	head := func(img *image.RGBA) facetest.Head {
		f, err := face.NewImage(img).Single()
		if err != nil {
			t.Fatal(err)
		}
		pt := func(i int) [2]float64 { return [2]float64{f.Keypoints[i].X, f.Keypoints[i].Y} }
		return facetest.Head{LeftEye: pt(face.LeftEye), RightEye: pt(face.RightEye), Nose: pt(face.Nose), Mouth: pt(face.Mouth)}
	}
	h := head(sel)
	other := facetest.Selfie(p["biden"].photo, p["biden"].face.Box)
	oh := head(other)
	var turning, still, moved, rotated, impostor []*image.RGBA
	for i, deg := range []float64{0, 7, 14, 21, 28} {
		// The person's left is the unmirrored camera's right: the nose
		// moves towards the image's right (positive degrees).
		turning = append(turning, facetest.Turn(sel, h, deg))
		still = append(still, sel)
		k := float64(i)
		moved = append(moved, facetest.Move(sel, 4*k, 1+0.04*k, 10*k, 6*k))
		rotated = append(rotated, facetest.Move(sel, 25*k, 0.8, 0, 0))
		impostor = append(impostor, facetest.Turn(other, oh, deg))
	}
	checks := []string{"selfie_liveness"}
	selfieJPEG := facetest.JPEG(sel, 90)
	tests := []struct {
		name      string
		challenge string
		frames    [][]byte
		active    idproof.CheckResult
		reason    string
	}{
		{"turned left as asked", "turn_left", frames(turning...), idproof.CheckPass, ""},
		{"asked to turn right", "turn_right", frames(turning...), idproof.CheckFail, "IDV0052"},
		{"one still frame repeated", "turn_left", frames(still...), idproof.CheckFail, "IDV0053"},
		{"a flat photo moved and turned", "turn_left", frames(moved...), idproof.CheckFail, "IDV0052"},
		{"a flat photo rotated by 100°", "turn_left", frames(rotated...), idproof.CheckFail, "IDV0052"},
		{"another person turning", "turn_left", frames(impostor...), idproof.CheckFail, "IDV0054"},
		{"no frames", "", nil, idproof.CheckNotPerformed, "IDV0051"},
		{"two frames", "turn_left", frames(turning[0], turning[4]), idproof.CheckNotPerformed, "IDV0051"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, got := verifyFaces(t, Options{}, checks, nil, selfieJPEG, tc.challenge, tc.frames)
			wantCheck(t, got, "native.active_liveness", tc.active, tc.reason)
			wantCheck(t, got, "native.passive_liveness", idproof.CheckPass, "")
			// The session check is what the parts allow: a pass only with
			// the head turn seen.
			wantCheck(t, got, "selfie_liveness", tc.active, tc.reason)
			t.Logf("%v", got["native.active_liveness"].Details)
		})
	}
}

// TestLivenessNeedsASelfie: without a selfie, neither liveness nor the
// comparison can be made.
func TestLivenessNeedsASelfie(t *testing.T) {
	t.Parallel()
	front := passportOf(t, mustPeople(t)["obama"])
	_, got := verifyFaces(t, Options{}, []string{"selfie_liveness", "face_compare"}, front, nil, "turn_left", nil)
	wantCheck(t, got, "selfie_liveness", idproof.CheckNotPerformed, "IDV0016")
	wantCheck(t, got, "face_compare", idproof.CheckNotPerformed, "IDV0016")
}
