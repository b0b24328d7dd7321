package httpapi

import (
	"net/http"
	"net/url"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/wire"
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
	// Unescaped again, the id is checked again. A keyId is a public key in
	// base64: anything else names no service key and is not looked up.
	if p := textProblem(keyID, nil); p != "" {
		return errorf(idproof.ENOTFOUND, "service key not found: keyId %s", p)
	}
	if _, err := wire.ParsePublicKey(keyID); err != nil {
		return errorf(idproof.ENOTFOUND, "service key %.60q not found: keyId is not a public key", keyID)
	}
	k, err := s.admin.RotateServiceKey(r.Context(), keyID)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, []admin.ServiceKeyView{*k})
}
