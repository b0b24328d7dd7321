package proofing

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/idproof/idproof"
)

// Active liveness: the server picks how the person must move (turn the
// head left or right), the capture page films a short burst of frames
// while they do, and the verifier checks the movement from the faces in
// the frames. A printed photo or a replayed still cannot follow a
// direction chosen after it was made.

// Directions of the challenge, as the person turns their own head.
const (
	TurnLeft  = "turn_left"
	TurnRight = "turn_right"
)

// Limits of a burst of liveness frames.
const (
	MinLivenessFrames = 3
	MaxLivenessFrames = 12
	// livenessWindow is how long after the challenge its frames are
	// taken: long enough for a slow upload, too short to prepare a fake.
	livenessWindow = 3 * time.Minute
	// maxFrameBytes bounds one frame: a few hundred pixels are enough to
	// follow a face.
	maxFrameBytes = 1 << 20
)

// LivenessChallenge is the movement asked of the person in one attempt.
type LivenessChallenge struct {
	Direction string `json:"direction"`
	Attempt   int    `json:"attempt"`
	IssuedTS  int64  `json:"issuedTS"`
	// Frames are the names the burst's frames are stored under, once
	// received, in the order they were taken.
	Frames []string `json:"frames,omitempty"`
}

// LivenessFrameName is the image name of frame i of a burst.
func LivenessFrameName(i int) string { return fmt.Sprintf("selfie_liveness_frame_%02d", i) }

// Challenge returns the liveness challenge of the session's current
// attempt, making it on the first call. The same attempt always gets the
// same challenge, so asking again cannot fish for a direction a prepared
// video happens to show.
func (e *Engine) Challenge(ctx context.Context, id string, a Actor) (*LivenessChallenge, error) {
	var out *LivenessChallenge
	_, _, err := e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "take a liveness challenge")
		}
		if c := d.Liveness; c != nil && c.Attempt == s.Retries+1 {
			out = c
			return errNoChange
		}
		dir := TurnLeft
		if n, err := rand.Int(rand.Reader, big.NewInt(2)); err != nil {
			return err
		} else if n.Int64() == 1 {
			dir = TurnRight
		}
		d.Liveness = &LivenessChallenge{Direction: dir, Attempt: s.Retries + 1, IssuedTS: ms(now)}
		out = d.Liveness
		s.LastActivityAt = now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SubmitLivenessFrames stores the burst of frames taken for the current
// attempt's challenge. Each frame passes the same intake as every image;
// the verifier reads them with the selfie.
func (e *Engine) SubmitLivenessFrames(ctx context.Context, id string, a Actor, frames [][]byte) (*LivenessChallenge, error) {
	if len(frames) < MinLivenessFrames || len(frames) > MaxLivenessFrames {
		return nil, invalid("frames must hold %d to %d images, got %d", MinLivenessFrames, MaxLivenessFrames, len(frames))
	}
	for i, f := range frames {
		if len(f) > maxFrameBytes {
			return nil, invalid("frames[%d] is larger than %d bytes; send frames of a few hundred pixels", i, maxFrameBytes)
		}
	}
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, err
	}
	if err := submittable(s, d); err != nil {
		return nil, err
	}
	c := d.Liveness
	switch {
	case c == nil || c.Attempt != s.Retries+1:
		return nil, invalid("ask for the liveness challenge first: GET /proofingsession/%s/liveness/challenge", id)
	case e.now().After(time.UnixMilli(c.IssuedTS).Add(livenessWindow)):
		return nil, invalid("the liveness challenge is older than %s; a retry gives a new one", livenessWindow)
	}
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return nil, err
	}
	refs := map[string]ImageRef{}
	var names []string
	for i, f := range frames {
		name := LivenessFrameName(i)
		ref, err := e.intake(ctx, store, s, ImageInput{Name: name, Inline: f}, "")
		if err != nil {
			return nil, err
		}
		refs[name] = ref
		names = append(names, name)
	}
	_, d, err = e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if err := submittable(s, d); err != nil {
			return err
		}
		if d.Liveness == nil || d.Liveness.Attempt != s.Retries+1 {
			return invalid("the liveness challenge changed while the frames were sent; ask for it again")
		}
		if d.Images == nil {
			d.Images = map[string]ImageRef{}
		}
		// A burst replaces the one before it, however many frames each had.
		for _, n := range d.Liveness.Frames {
			delete(d.Images, n)
		}
		for n, r := range refs {
			r.TS = ms(now)
			d.Images[n] = r
		}
		d.Liveness.Frames = names
		s.LastActivityAt = now
		detail := evidenceDetail(refs)
		detail["challenge"] = d.Liveness.Direction
		e.audit(s, d, AuditFrames, detail, now)
		return nil
	})
	if err != nil {
		e.dropRefs(ctx, store, id, refs)
		return nil, err
	}
	return d.Liveness, nil
}
