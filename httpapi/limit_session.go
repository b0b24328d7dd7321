package httpapi

import (
	"net/http"

	"github.com/idproof/idproof"
)

// canSubmit refuses, before a large body is read, what the engine would
// refuse for the session alone: a session that does not exist, one bound
// to another key, or one not taking submissions. Reading tens of MiB
// first would let anyone with a key pair of their own making (which is all
// a session route asks for) make the server hold them.
func (s *Server) canSubmit(r *http.Request, id string) error {
	sess, d, err := s.engine.Get(r.Context(), id, actor(r))
	if err != nil {
		return err
	}
	// The same answers as the engine's, which checks again with the body.
	switch {
	case sess.Status.Terminal():
		return errorf(idproof.EINVALID, "session is %s: it cannot take submissions any more", sess.Status)
	case sess.Status != idproof.StatusInProgress:
		return errorf(idproof.EINVALID, "session is %s: it cannot take submissions", sess.Status)
	case d.Verdict != nil:
		return errorf(idproof.EINVALID, "session is %s and this attempt is already verified; call retry to submit again", sess.Status)
	}
	return nil
}
