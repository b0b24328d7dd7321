package capture

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// The page's files. They are served as embedded, never from disk, so the
// binary alone is the whole application.
//
//go:embed assets
var assetFS embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	body, gz    []byte // gz is nil when compression does not pay
	contentType string
	etag        string // quoted, from the content hash
	version     string // short content hash, for ?v= in links
}

// assets indexes the embedded files by their path under assets/.
var assets = sync.OnceValue(func() map[string]*asset {
	out := map[string]*asset{}
	_ = fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, contentType: contentType(p), etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
			version: hex.EncodeToString(sum[:6])}
		if compressible(a.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body) {
				a.gz = buf.Bytes()
			}
		}
		out[strings.TrimPrefix(p, "assets/")] = a
		return nil
	})
	return out
})

func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".LICENSE", ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "image/svg")
}

// assetURL is the link to an embedded file, versioned by its content so
// that browsers may keep it for good.
func assetURL(name string) string {
	if a, ok := assets()[name]; ok {
		return "/idproofing/assets/" + name + "?v=" + a.version
	}
	return "/idproofing/assets/" + name
}

// Asset serves GET /idproofing/assets/{path...}.
func (h *Handler) Asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	a, ok := assets()[name]
	if !ok || strings.HasPrefix(name, "i18n/") && !strings.HasSuffix(name, ".json") {
		h.endPage(w, r, http.StatusNotFound, "notFound", Settings{})
		return
	}
	hdr := w.Header()
	securityHeaders(hdr, Settings{}, nil)
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", a.etag)
	hdr.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.version {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Unversioned (a module imported by another): revalidate.
		hdr.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		hdr.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
