package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/idproof/idproof/openapi"
)

// openAPIDoc is the description as served for one server version, with
// the validator that lets clients and caches revalidate it cheaply.
type openAPIDoc struct {
	body []byte
	etag string
}

// openAPIDocs caches the served document by server version: it is the
// same bytes for the life of the process.
var openAPIDocs sync.Map // version -> *openAPIDoc

func openAPIFor(version string) *openAPIDoc {
	if d, ok := openAPIDocs.Load(version); ok {
		return d.(*openAPIDoc)
	}
	body := openapi.ForVersion(version)
	sum := sha256.Sum256(body)
	d, _ := openAPIDocs.LoadOrStore(version, &openAPIDoc{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`})
	return d.(*openAPIDoc)
}

// openAPI is GET /openapi.json: the OpenAPI 3.1 description of this API.
// It is public and changes only with the server's version, so caches may
// keep it for an hour and revalidate it by its ETag.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	d := openAPIFor(s.cfg.Version)
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", d.etag)
	if etagMatches(r.Header.Get("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(d.body)
	return nil
}

// etagMatches reports whether an If-None-Match list names etag (or is *).
// Weak validators compare equal to strong ones for a GET (RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
