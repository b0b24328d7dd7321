package capture

import (
	"net/http"
	"strings"
)

// securityHeaders sets what every response of the capture flow carries: a
// Content-Security-Policy that allows no inline script and no origin but
// this server's (and, for uploads, the community's bucket), no referrer,
// the camera for this origin only, and no caching of session pages.
func securityHeaders(h http.Header, s Settings, uploadOrigins []string) {
	connect := append([]string{"'self'"}, uploadOrigins...)
	ancestors := "'none'"
	if len(s.FrameAncestors) > 0 {
		ancestors = strings.Join(s.FrameAncestors, " ")
	}
	csp := []string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: blob:",
		"media-src 'self' blob: mediastream:",
		"connect-src " + strings.Join(connect, " "),
		"font-src 'self'",
		"frame-src 'self'",
		"child-src 'self' blob:",
		"worker-src 'self' blob:",
		"manifest-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors " + ancestors,
	}
	h.Set("Content-Security-Policy", strings.Join(csp, "; "))
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if len(s.FrameAncestors) == 0 {
		// For browsers that predate frame-ancestors.
		h.Set("X-Frame-Options", "DENY")
	}
}
