package native

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/face"
)

// Liveness is decided by the head turn the server asked for, filmed in a
// burst of frames; the passive models only inform (docs/faces.md).
//
// The passive models are weak: on the photos measured, prints of a face
// photographed again scored as high as live faces on both, and the
// antispoof model scored some live faces lower than every attack. So they
// never pass selfie_liveness, and never fail it: the liveness model's
// score below passiveLiveMin, where screens replayed to the camera fell
// and no live face did, holds a pass back (NOT_PERFORMED, IDV0055).
// selfie_liveness passes only when the selfie is usable, the head turn was
// seen and the passive model does not object.

// passiveLiveMin is the liveness model's least score for the selfie not to
// be held back: live faces scored 0.67–1.00, faces shown on a screen and
// photographed 0.30–0.65, random noise 0.45 (prints, 0.87 and more, are
// not caught).
const passiveLiveMin = 0.5

// minTurn is the least movement of the nose relative to the eyes, in eye
// distances (face.Face.Turn), in the direction asked: heads turned by 24°
// in the synthesised turns moved it 0.19–0.26, while flat pictures moved,
// turned, scaled or narrowed (a print turned away about its vertical axis)
// moved it at most 0.105, from keypoint noise.
const minTurn = 0.15

// maxRollSpan is how far, in degrees, the face may turn in the picture's
// plane over the burst: a head turning sideways tilts a little; a photo
// rotated in front of the camera shifts its keypoints, by up to 0.13 eye
// distances once past 45°, and would otherwise mimic a turn. Within 30°,
// rotating a flat picture moved the nose by at most 0.06.
const maxRollSpan = 30

// Challenge directions, as the person turns (proofing.TurnLeft and
// TurnRight): the person's left is the unmirrored camera's right.
const (
	turnLeft  = "turn_left"
	turnRight = "turn_right"
)

// passiveLiveness reports the passive models' scores on the selfie.
func (r *run) passiveLiveness(s *subject) idproof.Check {
	const name = "native.passive_liveness"
	if s.reason != "" {
		return check(name, idproof.CheckNotPerformed, s.reason, s.msg)
	}
	p, err := s.img.PassiveScores(s.face)
	if err != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the liveness models failed: "+err.Error())
	}
	var c idproof.Check
	if p.Live < passiveLiveMin {
		c = check(name, idproof.CheckNotPerformed, "IDV0055", fmt.Sprintf(
			"the liveness model scores the selfie %.2f, below %.2f: it may be a screen or a print, so liveness cannot be confirmed", p.Live, passiveLiveMin))
	} else {
		c = check(name, idproof.CheckPass, "", fmt.Sprintf(
			"the passive models do not flag the selfie (liveness %.2f, antispoof %.2f); on their own they prove nothing", p.Live, p.Antispoof))
	}
	c.Details = map[string]float64{"live": round(p.Live, 3), "antispoof": round(p.Antispoof, 3), "liveMin": passiveLiveMin}
	return c
}

// activeLiveness checks the head turn in the burst of frames: the nose
// moved far enough relative to the eyes, in the direction asked, in frames
// that are not one picture repeated and that show the selfie's person
// throughout.
func (r *run) activeLiveness(ctx context.Context, s *subject) idproof.Check {
	const name = "native.active_liveness"
	ev := r.ev
	if len(ev.ChallengeFrames) == 0 {
		return check(name, idproof.CheckNotPerformed, "IDV0051",
			"no head-turn frames were filmed; the passive models alone cannot confirm liveness")
	}
	if ev.Challenge != turnLeft && ev.Challenge != turnRight {
		return check(name, idproof.CheckNotPerformed, "IDV0051", fmt.Sprintf("unknown head-turn challenge %q", ev.Challenge))
	}
	if s.reason != "" {
		return check(name, idproof.CheckNotPerformed, s.reason, s.msg+"; the frames cannot be matched to it")
	}
	ref, err := s.descriptor()
	if err != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the face models failed: "+err.Error())
	}
	var frames []*face.Image
	for _, n := range ev.ChallengeFrames {
		if img := r.img(n); img != nil {
			frames = append(frames, face.NewImage(img))
		}
	}
	if ctx.Err() != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the verification was stopped")
	}
	if len(frames) < minFrames {
		return check(name, idproof.CheckNotPerformed, "IDV0051", fmt.Sprintf("%d of the %d head-turn frames could be read; %d are needed", len(frames), len(ev.ChallengeFrames), minFrames))
	}
	t, err := face.MeasureTurn(frames, &ref)
	if err != nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the face models failed: "+err.Error())
	}
	asked, other := t.Right, t.Left
	if ev.Challenge == turnRight {
		asked, other = t.Left, t.Right
	}
	repeats := 0
	for _, f := range t.Frames {
		if f.Repeat {
			repeats++
		}
	}
	thr := r.c.opts.FaceMatchThreshold
	var c idproof.Check
	switch {
	case t.Faces < minFrames && repeats > 0:
		c = check(name, idproof.CheckFail, "IDV0053", fmt.Sprintf("%d of the %d frames repeat an earlier one: a still picture, not a camera filming", repeats, len(frames)))
	case t.Faces < minFrames:
		r.retryable = true
		c = check(name, idproof.CheckNotPerformed, "IDV0042", fmt.Sprintf("one face was found in %d of the %d frames; %d are needed: keep the face in the oval while turning", t.Faces, len(frames), minFrames))
	case t.Reference >= thr:
		c = check(name, idproof.CheckFail, "IDV0054", fmt.Sprintf("the face in the frames is not the selfie's (distance %.3f, at or above %.2f)", t.Reference, thr))
	case t.Step >= thr:
		c = check(name, idproof.CheckFail, "IDV0054", fmt.Sprintf("the face changes between two frames (distance %.3f, at or above %.2f)", t.Step, thr))
	case t.RollSpan > maxRollSpan:
		r.retryable = true
		c = check(name, idproof.CheckFail, "IDV0052", fmt.Sprintf(
			"the face rotated %.0f° in the picture while turning, more than %d°: keep the head upright (a photo rotated in front of the camera can mimic a turn)", t.RollSpan, maxRollSpan))
	case asked >= minTurn:
		c = check(name, idproof.CheckPass, "", fmt.Sprintf("the head turned as asked (%s): the nose moved %.2f eye distances relative to the eyes, %.2f needed", ev.Challenge, asked, minTurn))
	case other >= minTurn:
		r.retryable = true
		c = check(name, idproof.CheckFail, "IDV0052", fmt.Sprintf("the head turned the other way: %s was asked", ev.Challenge))
	default:
		r.retryable = true
		c = check(name, idproof.CheckFail, "IDV0052", fmt.Sprintf(
			"no head turn was seen: the nose moved %.2f eye distances relative to the eyes, %.2f are needed (a flat picture moved or turned keeps it still)", max(asked, other), minTurn))
	}
	c.Details = map[string]float64{"frames": float64(len(frames)), "faces": float64(t.Faces), "repeats": float64(repeats),
		"turn": round(asked, 3), "otherWay": round(other, 3), "minTurn": minTurn,
		"frameStep": round(t.Step, 3), "selfieDistance": round(t.Reference, 3), "threshold": thr,
		"rollSpan": round(t.RollSpan, 1), "maxRollSpan": maxRollSpan}
	return c
}

// minFrames is the least number of frames, each with one face, that a turn
// is measured on: a start, a middle and an end (proofing.MinLivenessFrames).
const minFrames = 3
