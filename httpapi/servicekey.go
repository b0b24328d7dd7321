package httpapi

import (
	"net/http"
	"net/url"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
)

func (s *Server) serviceKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.admin.ServiceKeys(r.Context())
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, keys)
}

// rotateServiceKey replaces a service key by a new pair. The reply is a
// one-element array, the shape the API document shows.
func (s *Server) rotateServiceKey(w http.ResponseWriter, r *http.Request) error {
	keyID := r.PathValue("keyId")
	// A client that escaped '/' twice, or '+' as %2B, still means the same key.
	if u, err := url.PathUnescape(keyID); err == nil {
		keyID = u
	}
	if keyID == "" {
		return errorf(idproof.EINVALID, "keyId is required")
	}
	k, err := s.admin.RotateServiceKey(r.Context(), keyID)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, []admin.ServiceKeyView{*k})
}
