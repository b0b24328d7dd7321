package local

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/idproof/idproof"
)

// statusOf maps the domain errors the handler returns to HTTP statuses.
var statusOf = map[string]int{
	idproof.EINVALID:     http.StatusBadRequest,
	idproof.EFORBIDDEN:   http.StatusForbidden,
	idproof.ENOTFOUND:    http.StatusNotFound,
	idproof.ECONFLICT:    http.StatusConflict,
	idproof.ETOOLARGE:    http.StatusRequestEntityTooLarge,
	idproof.EUNSUPPORTED: http.StatusUnsupportedMediaType,
}

// Handler serves the presigned URLs. The server mounts it at /blob/, and it
// expects the whole path, /blob/<key>. It answers GET and HEAD with the
// object's bytes and stored content type, and PUT by storing the body; each
// only for a URL signed for that method, and a PUT only with the signed
// Content-Type and at most MaxObjectBytes. Bodies are streamed between the
// connection and the disk, never held in memory.
//
// Refusals carry a JSON body {"statusCode","error","message"}: 400 for an
// unsafe key, 403 for a wrong method, a bad signature or an expired URL,
// 413 for a body over the limit and 415 for a Content-Type other than the
// signed one.
func (s *Store) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serve(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Store) serve(w http.ResponseWriter, r *http.Request) error {
	key, ok := strings.CutPrefix(r.URL.Path, "/blob/")
	if !ok {
		return idproof.Errorf(idproof.ENOTFOUND, "not found")
	}
	if err := checkKey(key); err != nil {
		return err
	}
	method, err := s.verify(r, key)
	if err != nil {
		return err
	}
	if method == http.MethodPut {
		return s.servePut(w, r, key)
	}
	return s.serveGet(w, r, key)
}

func (s *Store) servePut(w http.ResponseWriter, r *http.Request, key string) error {
	if r.ContentLength > s.max {
		return tooLarge(s.max)
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, s.max)}
	err := s.write(key, r.Header.Get("Content-Type"), body, func() error { return nil })
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(body.err, &maxErr):
		return tooLarge(s.max)
	case body.err != nil && err != nil:
		// The client went away or sent a broken body; not the server's fault.
		return idproof.Errorf(idproof.EINVALID, "upload incomplete: %v", body.err)
	case err != nil:
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// bodyReader remembers the error that ended a request body, other than
// io.EOF, so that it can be told apart from a failure to write the file.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func tooLarge(limit int64) error {
	return idproof.Errorf(idproof.ETOOLARGE, "object is larger than %d bytes", limit)
}

func (s *Store) serveGet(w http.ResponseWriter, r *http.Request, key string) error {
	o, err := s.open(key)
	if err != nil {
		return err
	}
	defer o.Close()
	h := w.Header()
	h.Set("Content-Type", o.contentType)
	// Identity document images: no shared caches, no sniffing, and nothing
	// active should a stored type ever be one a browser would run.
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", o.modTime, o.SectionReader)
	return nil
}

// writeError answers with err as a JSON error body. Errors that are not
// domain errors are logged and answered with a bare 500.
func (s *Store) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, ok := statusOf[idproof.ErrorCode(err)]
	if !ok {
		status = http.StatusInternalServerError
		s.log.ErrorContext(r.Context(), "blob request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}{status, http.StatusText(status), idproof.ErrorMessage(err)})
}
