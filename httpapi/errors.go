package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/idproof/idproof"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	idproof.EINVALID:        http.StatusBadRequest,
	idproof.EUNAUTHORIZED:   http.StatusUnauthorized,
	idproof.EFORBIDDEN:      http.StatusForbidden,
	idproof.ENOTFOUND:       http.StatusNotFound,
	idproof.ECONFLICT:       http.StatusConflict,
	idproof.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	idproof.EUNSUPPORTED:    http.StatusUnsupportedMediaType,
	idproof.ETOOMANY:        http.StatusTooManyRequests,
	idproof.ENOTIMPLEMENTED: http.StatusNotImplemented,
	idproof.EUNAVAILABLE:    http.StatusServiceUnavailable,
	idproof.EINTERNAL:       http.StatusInternalServerError,
}

// errorBody is the error format of every endpoint.
type errorBody struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

// errorf is shorthand for a domain error.
func errorf(code, format string, args ...any) error { return idproof.Errorf(code, format, args...) }

// writeError answers with err in the API's format. Errors that are not
// domain errors are logged and reported as a bare 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		err = errorf(idproof.ETOOLARGE, "request body is larger than %d bytes", maxErr.Limit)
	}
	var later *retryLater
	if errors.As(err, &later) {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(later.after)))
	}
	code := idproof.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		logger(r.Context(), s.log).Error("request failed", "err", err)
	}
	writeErrorStatus(w, status, idproof.ErrorMessage(err))
}

func writeErrorStatus(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{StatusCode: status, Error: http.StatusText(status), Message: msg})
}
