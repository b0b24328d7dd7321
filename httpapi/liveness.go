package httpapi

import (
	"fmt"
	"net/http"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// livenessChallenge is GET /proofingsession/{sessionId}/liveness/challenge:
// the head movement the person must make in this attempt, picked by the
// server (not in the API document; see docs/api.md).
func (s *Server) livenessChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	c, err := s.engine.Challenge(r.Context(), id, actor(r))
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, challengeView(c))
}

func challengeView(c *proofing.LivenessChallenge) map[string]any {
	return map[string]any{"direction": c.Direction, "attempt": c.Attempt, "issuedTS": c.IssuedTS,
		"minFrames": proofing.MinLivenessFrames, "maxFrames": proofing.MaxLivenessFrames, "received": len(c.Frames)}
}

// livenessFrames is POST /proofingsession/{sessionId}/liveness/frames
// {"frames": ["<base64 JPEG or PNG>", ...]}: the burst filmed while the
// person made the movement, oldest first.
func (s *Server) livenessFrames(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	if err := s.canSubmit(r, id); err != nil {
		return err
	}
	var body struct {
		Frames inlineList `json:"frames"`
	}
	if err := s.decode(r, &body); err != nil {
		return err
	}
	if len(body.Frames) > proofing.MaxLivenessFrames {
		return errorf(idproof.EINVALID, "frames holds %d images; at most %d are taken", len(body.Frames), proofing.MaxLivenessFrames)
	}
	frames := make([][]byte, len(body.Frames))
	for i, f := range body.Frames {
		if frames[i], err = f.use(fmt.Sprintf("frames[%d]", i)); err != nil {
			return err
		}
	}
	c, err := s.engine.SubmitLivenessFrames(r.Context(), id, actor(r), frames)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, challengeView(c))
}
