package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/capture"
)

// The capture flow's pages are HTML, not API answers: the capture package
// writes them, errors included.

func (s *Server) capturePage(w http.ResponseWriter, r *http.Request) error {
	return s.withCapture(w, r, s.capture.Page)
}

func (s *Server) captureQR(w http.ResponseWriter, r *http.Request) error {
	return s.withCapture(w, r, s.capture.QR)
}

func (s *Server) captureStatus(w http.ResponseWriter, r *http.Request) error {
	return s.withCapture(w, r, s.capture.Status)
}

func (s *Server) captureAsset(w http.ResponseWriter, r *http.Request) error {
	return s.withCapture(w, r, s.capture.Asset)
}

func (s *Server) withCapture(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) error {
	if s.capture == nil {
		return errorf(idproof.ENOTFOUND, "the hosted capture page is not served by this server")
	}
	h(w, r)
	return nil
}

// crossOrigin returns the request's Origin when it is not this server's
// own: a relying party's page calling the session endpoints from a browser.
func (s *Server) crossOrigin(r *http.Request) string {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return ""
	}
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && strings.EqualFold(origin, u.Scheme+"://"+u.Host) {
		return ""
	}
	return origin
}

// allowCORS adds the CORS headers for a cross-origin call on session id
// when the session's community lets origin in. Nothing is said otherwise,
// and the browser keeps the answer from the page.
func (s *Server) allowCORS(w http.ResponseWriter, r *http.Request, id string) bool {
	origin := s.crossOrigin(r)
	if origin == "" || !idproof.IsUUID(id) {
		return false
	}
	sess, err := s.store.Session(r.Context(), id)
	if err != nil {
		return false
	}
	settings, err := capture.LoadSettings(r.Context(), s.store, sess.CommunityID)
	if err != nil || !settings.AllowsOrigin(origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "X-Request-Id")
	return true
}

// preflight answers the browser's OPTIONS before a cross-origin call of a
// session endpoint.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) error {
	if s.allowCORS(w, r, r.PathValue("sessionId")) {
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "publickey, requestid, licensekey, content-type, x-request-id")
		h.Set("Access-Control-Max-Age", "600")
	}
	w.Header().Set("Allow", "GET, POST, OPTIONS")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// captureScope checks the path's tenant and community for the admin
// endpoints of capture settings.
func (s *Server) captureScope(r *http.Request) (communityID string, err error) {
	tenantID, communityID := r.PathValue("tenantId"), r.PathValue("communityId")
	notFound := errorf(idproof.ENOTFOUND, "community %.40q of tenant %.40q not found", communityID, tenantID)
	if !idproof.IsObjectID(tenantID) || !idproof.IsObjectID(communityID) {
		return "", notFound
	}
	c, err := s.store.Community(r.Context(), communityID)
	if idproof.IsNotFound(err) || (err == nil && c.TenantID != tenantID) {
		return "", notFound
	}
	return communityID, err
}

func (s *Server) adminCaptureSettings(w http.ResponseWriter, r *http.Request) error {
	communityID, err := s.captureScope(r)
	if err != nil {
		return err
	}
	settings, err := capture.LoadSettings(r.Context(), s.store, communityID)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, settings)
}

func (s *Server) adminPutCaptureSettings(w http.ResponseWriter, r *http.Request) error {
	communityID, err := s.captureScope(r)
	if err != nil {
		return err
	}
	var in capture.Settings
	if err := s.decode(r, &in); err != nil {
		return err
	}
	out, err := capture.SaveSettings(r.Context(), s.store, communityID, in)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, out)
}
