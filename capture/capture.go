// Package capture is the hosted capture flow: the page a person opens at a
// session's URL (/idproofing/session/{id}) to photograph an identity
// document and a selfie and submit them.
//
// The page is a small application embedded in the binary (assets/): no build
// step, no third-party request. It speaks the public API like any other
// client, with an ephemeral secp256k1 key pair made in the browser, so the
// server grants it nothing another client could not have. This package
// serves the page shell, its assets, the pages shown instead when a session
// cannot be captured (unknown, expired, finished), a QR code of the session
// URL for continuing on a phone, and the session's bare status for a desktop
// page that follows a phone.
//
// Every response carries a strict Content-Security-Policy (no inline
// script, no third-party origin but the community's bucket for uploads),
// Referrer-Policy: no-referrer and no cookie.
package capture

import (
	"context"
	"log/slog"

	"github.com/idproof/idproof"
)

// Settings are a community's choices for its capture page.
type Settings struct {
	// FrameAncestors are the origins allowed to embed the page in a frame
	// (the CSP frame-ancestors directive); none by default.
	FrameAncestors []string `json:"frameAncestors,omitempty"`
	// CORSOrigins are the origins whose own capture pages may call the
	// session endpoints from a browser; none by default.
	CORSOrigins []string `json:"corsOrigins,omitempty"`
	// Language, when set, is the page's language whatever the browser
	// asks for (a language of the catalogue: en, es).
	Language string `json:"language,omitempty"`
}

// Deps are what the handlers need from the rest of the server.
type Deps struct {
	// Session reads a session by id.
	Session func(ctx context.Context, id string) (*idproof.Session, error)
	// Settings returns a community's capture settings.
	Settings func(ctx context.Context, tenantID, communityID string) (Settings, error)
	// UploadOrigins returns the origins the page uploads images to (the
	// community's bucket), for the CSP's connect-src; none for a bucket
	// served by this server.
	UploadOrigins func(ctx context.Context, tenantID, communityID string) ([]string, error)
	// PublicURL is the server's base URL as browsers reach it.
	PublicURL string
	Clock     idproof.Clock
	Logger    *slog.Logger
}

// Handler serves the capture flow; its methods are the handlers the API's
// route table mounts.
type Handler struct {
	d Deps
}

// New returns the capture handlers.
func New(d Deps) *Handler {
	if d.Clock == nil {
		d.Clock = idproof.SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Settings == nil {
		d.Settings = func(context.Context, string, string) (Settings, error) { return Settings{}, nil }
	}
	if d.UploadOrigins == nil {
		d.UploadOrigins = func(context.Context, string, string) ([]string, error) { return nil, nil }
	}
	return &Handler{d: d}
}

// effectiveStatus is the session's status as of now: a session past its
// expiry reads as expired even before the sweeper has marked it.
func (h *Handler) effectiveStatus(s *idproof.Session) idproof.SessionStatus {
	if !s.Status.Terminal() && !s.ExpiresAt.IsZero() && h.d.Clock.Now().After(s.ExpiresAt) {
		return idproof.StatusExpired
	}
	return s.Status
}

// sessionURL is the page of session id as browsers reach it.
func (h *Handler) sessionURL(id string) string {
	return h.d.PublicURL + "/idproofing/session/" + id
}
