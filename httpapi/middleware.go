package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/metrics"
)

// PathPrefix is the base path of the vendor's hosted API. Requests under it
// are served as if it were absent, so clients configured with the vendor's
// base URL shape (https://host/idproofingapi) work unchanged.
const PathPrefix = "/idproofingapi"

type ctxKey int

const (
	loggerKey ctxKey = iota
	callerKey
)

// logger returns the request-scoped logger.
func logger(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return fallback
}

// observeRequest counts each request in the metrics; a variable so that
// the middleware's own cost can be measured without it.
var observeRequest = metrics.ObserveRequest

// middleware wraps the router with what every request gets: a request id,
// an access log line, panic recovery, the optional path prefix and the API
// error format for answers the router makes itself.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := r.Header.Get("X-Request-Id")
		if !validRequestID(reqID) {
			reqID = newRequestID()
		}
		w.Header().Set("X-Request-Id", reqID)
		log := s.log.With("request_id", reqID)
		r = r.WithContext(context.WithValue(r.Context(), loggerKey, log))

		if p, ok := trimPathPrefix(r.URL.Path); ok {
			r.URL.Path = p
			r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, PathPrefix)
		}
		// A keyId is base64: it may begin with '/' or hold "//", which the
		// router would clean away with a redirect. Its slashes are kept
		// escaped, so the route sees the key as sent.
		if rest, ok := strings.CutPrefix(r.URL.Path, "/servicekey/"); ok && rest != "" {
			r.URL.RawPath = "/servicekey/" + url.PathEscape(rest)
		}
		// API replies carry credentials, session state and personal data:
		// no cache, shared or private, may keep them. Handlers whose replies
		// are public and stable (capture assets, the JWK Set) set their own.
		w.Header().Set("Cache-Control", "no-store")

		rw := &responseWriter{ResponseWriter: w, r: r}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "panic", fmt.Sprint(v))
				if !rw.wroteHeader {
					writeErrorStatus(rw, http.StatusInternalServerError, "internal error")
				}
			}
			elapsed := time.Since(start)
			log.Info("request", "method", r.Method, "path", logPath(r.URL.Path), "status", rw.status,
				"bytes", rw.bytes, "duration_ms", elapsed.Milliseconds(), "remote", r.RemoteAddr)
			// The mux set r.Pattern on this very request when it matched a
			// route: the pattern, not the path, keeps session ids out of
			// the labels.
			observeRequest(r.Pattern, rw.status, elapsed)
		}()
		next.ServeHTTP(rw, r)
	})
}

// trimPathPrefix returns p without PathPrefix, and whether it had it.
func trimPathPrefix(p string) (string, bool) {
	if p != PathPrefix && !strings.HasPrefix(p, PathPrefix+"/") {
		return p, false
	}
	p = strings.TrimPrefix(p, PathPrefix)
	if p == "" {
		p = "/"
	}
	return p, true
}

// logPath shortens each UUID segment of p (session ids, which are the
// capability to a session and its personal data) to its first 8
// characters, enough to follow one session through the log without making
// the log a list of live sessions.
func logPath(p string) string {
	if !strings.Contains(p, "-") {
		return p // no UUID: the common case costs no allocation
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if idproof.IsUUID(s) {
			segs[i] = s[:8] + "…"
		}
	}
	return strings.Join(segs, "/")
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// responseWriter records the status for the access log and turns the plain
// text errors of http.ServeMux (404, 405) into the API error format.
type responseWriter struct {
	http.ResponseWriter
	r           *http.Request
	status      int
	bytes       int64
	wroteHeader bool
	swallow     bool
}

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.status = status
	if status >= 400 && strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		w.swallow = true
		msg := http.StatusText(status)
		switch status {
		case http.StatusNotFound:
			msg = fmt.Sprintf("no endpoint %s %s", w.r.Method, w.r.URL.Path)
		case http.StatusMethodNotAllowed:
			msg = fmt.Sprintf("method %s is not allowed on %s; allowed: %s", w.r.Method, w.r.URL.Path, w.Header().Get("Allow"))
		}
		writeErrorStatus(w.ResponseWriter, status, msg)
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
