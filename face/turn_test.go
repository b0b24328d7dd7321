package face_test

import (
	"image"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
)

// turnFrames are bursts of frames made from a selfie: a head turning
// (synthesised in 2.5 dimensions), the picture repeated, and the picture
// moved and turned as a flat photo in front of the camera.
func turnFrames(t testing.TB, l labelled) (selfieImg *image.RGBA, seqs map[string][]*image.RGBA) {
	t.Helper()
	s := selfie(t, l)
	f, err := face.NewImage(s).Single()
	if err != nil {
		t.Fatal(err)
	}
	h := headOf(f)
	seqs = map[string][]*image.RGBA{}
	for i, deg := range []float64{0, 6, 12, 18, 24} {
		seqs["turn to the image's right"] = append(seqs["turn to the image's right"], facetest.Turn(s, h, deg))
		seqs["turn to the image's left"] = append(seqs["turn to the image's left"], facetest.Turn(s, h, -deg))
		seqs["still"] = append(seqs["still"], s)
		k := float64(i)
		seqs["flat, moved"] = append(seqs["flat, moved"], facetest.Move(s, 3*k, 1+0.03*k, 12*k, -5*k))
		seqs["flat, turned away"] = append(seqs["flat, turned away"], facetest.Squeeze(s, 1-0.08*k))
		seqs["flat, rotated"] = append(seqs["flat, rotated"], facetest.Move(s, 25*k, 0.8, 0, 0))
	}
	return s, seqs
}

func images(frames []*image.RGBA) []*face.Image {
	out := make([]*face.Image, len(frames))
	for i, f := range frames {
		out[i] = face.NewImage(f)
	}
	return out
}

// TestMeasureTurn: a head turning moves the nose relative to the eyes by
// far more than keypoint noise, in its direction only; a flat picture
// moved, turned or narrowed does not; a repeated picture is marked.
func TestMeasureTurn(t *testing.T) {
	t.Parallel()
	l := mustLabelled(t)[0]
	s, seqs := turnFrames(t, l)
	m := face.NewImage(s)
	f, err := m.Single()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := m.Describe(f)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		seq                string
		right, left, still bool // movement expected (≥ 0.15) or none (< 0.1)
		repeats            int
		rolled             bool // rotated in the picture's plane by more than 60°
	}{
		{seq: "turn to the image's right", right: true},
		{seq: "turn to the image's left", left: true},
		{seq: "still", still: true, repeats: 4},
		{seq: "flat, moved", still: true},
		{seq: "flat, turned away", still: true},
		// Rotated by 100°: the keypoints drift (movement not checked);
		// the roll gives it away.
		{seq: "flat, rotated", rolled: true},
	}
	for _, tc := range tests {
		t.Run(tc.seq, func(t *testing.T) {
			tm, err := face.MeasureTurn(images(seqs[tc.seq]), &ref[0])
			if err != nil {
				t.Fatal(err)
			}
			repeats := 0
			for _, fr := range tm.Frames {
				if fr.Repeat {
					repeats++
				}
			}
			t.Logf("right %.3f, left %.3f, roll span %.0f°, step %.3f, to the selfie %.3f, %d repeats", tm.Right, tm.Left, tm.RollSpan, tm.Step, tm.Reference, repeats)
			if tc.rolled {
				if tm.RollSpan < 60 {
					t.Errorf("roll span %.0f°", tm.RollSpan)
				}
				return
			}
			moved := func(v float64, want bool) bool { return (want && v >= 0.15) || (!want && v < 0.1) }
			if !moved(tm.Right, tc.right) || !moved(tm.Left, tc.left) || tm.RollSpan > 20 {
				t.Errorf("movement right %.3f, left %.3f, roll span %.0f°", tm.Right, tm.Left, tm.RollSpan)
			}
			if repeats != tc.repeats || tm.Faces != len(seqs[tc.seq])-repeats {
				t.Errorf("%d repeats, %d faces measured", repeats, tm.Faces)
			}
			if tm.Step >= face.Threshold || tm.Reference < 0 || tm.Reference >= face.Threshold {
				t.Errorf("one person throughout: step %.3f, to the selfie %.3f", tm.Step, tm.Reference)
			}
		})
	}
}

// TestPassiveScores: both scores are probabilities, and a live face in a
// good photo is not flagged by the liveness model.
func TestPassiveScores(t *testing.T) {
	t.Parallel()
	l := mustLabelled(t)[0]
	p, err := l.image.PassiveScores(l.face)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: antispoof %.3f, live %.3f", l.name, p.Antispoof, p.Live)
	if p.Antispoof < 0 || p.Antispoof > 1 || p.Live < 0.5 || p.Live > 1 {
		t.Errorf("%+v", p)
	}
}
