package idproof

import (
	"errors"
	"fmt"
)

// Error codes. They are transport independent; the HTTP layer maps each to a
// status in one table.
const (
	EINVALID        = "invalid"         // the request is malformed or fails validation
	EUNAUTHORIZED   = "unauthorized"    // missing or invalid credentials
	EFORBIDDEN      = "forbidden"       // authenticated but not allowed
	ENOTFOUND       = "not_found"       // no such resource (or not visible to the caller)
	ECONFLICT       = "conflict"        // the resource exists or changed concurrently
	ETOOLARGE       = "too_large"       // a body or object exceeds a limit
	EUNSUPPORTED    = "unsupported"     // unsupported media type
	ETOOMANY        = "too_many"        // rate limited
	ENOTIMPLEMENTED = "not_implemented" // a feature that is switched off or not available
	EUNAVAILABLE    = "unavailable"     // a dependency (database, storage) is down
	EINTERNAL       = "internal"        // a bug or an unexpected failure
)

// Error is a domain error: a code the transport maps to a status, and a
// message safe to show to the caller.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for any error that is not an
// *Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err. Errors that are not
// *Error carry internal detail and are replaced by a generic message.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
