package capture

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/idproof/idproof"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// validID reports whether id can name a session: sessions are UUIDs.
func validID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, c := range id {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// Page serves GET /idproofing/session/{sessionId}: the capture application
// for a session that can still be captured, and a page in plain words for
// one that cannot (404 unknown, 410 expired, abandoned or declined, 200
// completed).
func (h *Handler) Page(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sessionId")
	s, settings, ok := h.lookup(w, r, id)
	if !ok {
		return
	}
	switch status := h.effectiveStatus(s); status {
	case idproof.StatusPending, idproof.StatusInProgress:
	case idproof.StatusCompleted:
		h.endPage(w, r, http.StatusOK, "completed", settings)
		return
	default:
		h.endPage(w, r, http.StatusGone, strings.ToLower(string(status)), settings)
		return
	}
	origins, err := h.d.UploadOrigins(r.Context(), s.TenantID, s.CommunityID)
	if err != nil {
		h.d.Logger.Warn("capture upload origins", "err", err)
	}
	cat := pick(r, settings.Language)
	h.render(w, http.StatusOK, "shell.html", settings, origins, map[string]any{
		"Lang": cat.Lang, "Title": cat.T("page.title"), "Loading": cat.T("page.loading"), "NoScript": cat.T("page.noscript"),
		"CSS": assetURL("capture.css"), "App": assetURL("app.js"), "Strings": assetURL("i18n/" + cat.Lang + ".json"),
		"QR": "/idproofing/session/" + id + "/qr.svg", "Status": "/idproofing/session/" + id + "/status", "SessionID": id,
	})
}

// lookup finds the session of the path, answering the not-found page
// itself when there is none.
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request, id string) (*idproof.Session, Settings, bool) {
	if !validID(id) {
		h.endPage(w, r, http.StatusNotFound, "notFound", Settings{})
		return nil, Settings{}, false
	}
	s, err := h.d.Session(r.Context(), id)
	if idproof.IsNotFound(err) {
		h.endPage(w, r, http.StatusNotFound, "notFound", Settings{})
		return nil, Settings{}, false
	}
	if err != nil {
		h.d.Logger.Error("capture page", "err", err)
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return nil, Settings{}, false
	}
	settings, err := h.d.Settings(r.Context(), s.TenantID, s.CommunityID)
	if err != nil {
		h.d.Logger.Warn("capture settings", "err", err)
	}
	return s, settings, true
}

// endPage answers with a page in plain words instead of the application.
func (h *Handler) endPage(w http.ResponseWriter, r *http.Request, status int, kind string, settings Settings) {
	cat := pick(r, settings.Language)
	h.render(w, status, "end.html", settings, nil, map[string]any{
		"Lang": cat.Lang, "Kind": kind, "Title": cat.T("end." + kind + ".title"), "Body": cat.T("end." + kind + ".body"),
		"CSS": assetURL("capture.css"),
	})
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, settings Settings, origins []string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		h.d.Logger.Error("capture template", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	securityHeaders(hdr, settings, origins)
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Language", data.(map[string]any)["Lang"].(string))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Status serves GET /idproofing/session/{sessionId}/status: the session's
// status alone, for a desktop page that waits while the person continues
// on a phone. It tells nothing the session URL's holder does not know.
func (h *Handler) Status(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sessionId")
	out := map[string]any{"status": "NOT_FOUND"}
	code := http.StatusNotFound
	if validID(id) {
		s, err := h.d.Session(r.Context(), id)
		switch {
		case err == nil:
			code = http.StatusOK
			out["status"] = h.effectiveStatus(s)
			out["started"] = !s.StartedAt.IsZero()
			if s.Status.Terminal() {
				out["outcome"] = s.Outcome
			}
		case !idproof.IsNotFound(err):
			h.d.Logger.Error("capture status", "err", err)
			code = http.StatusServiceUnavailable
			out["status"] = "UNAVAILABLE"
		}
	}
	hdr := w.Header()
	securityHeaders(hdr, Settings{}, nil)
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(out)
}
