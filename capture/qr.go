package capture

import (
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"

	"github.com/idproof/idproof"
	"rsc.io/qr"
)

// QR serves GET /idproofing/session/{sessionId}/qr.svg: the session URL as a
// QR code, so a person on a computer without a camera can continue on a
// phone. It is drawn here: no third-party service sees the URL.
func (h *Handler) QR(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sessionId")
	s, settings, ok := h.lookup(w, r, id)
	if !ok {
		return
	}
	if st := h.effectiveStatus(s); st != idproof.StatusPending && st != idproof.StatusInProgress {
		h.endPage(w, r, http.StatusGone, strings.ToLower(string(st)), settings)
		return
	}
	svg, err := qrSVG(h.sessionURL(id))
	if err != nil {
		h.d.Logger.Error("qr", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	securityHeaders(hdr, settings, nil)
	hdr.Set("Content-Type", "image/svg+xml")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Vary", "Accept-Encoding")
	if !acceptsGzip(r) {
		_, _ = w.Write([]byte(svg))
		return
	}
	// The path repeats one pattern per module: it shrinks to a fifth.
	hdr.Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	_, _ = zw.Write([]byte(svg))
	_ = zw.Close()
}

// qrSVG draws text as a QR code (error correction M) in SVG: one path of
// unit squares with a four-module quiet zone, black on white.
func qrSVG(text string) (string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
