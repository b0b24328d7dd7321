package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/idproof/idproof"
)

// Idempotency keys: a creating request sent with an Idempotency-Key header
// can be sent again, after a timeout or a lost connection, without creating
// twice. The first request claims the key in the store; the same request
// sent again gets the first answer; another request with the same key is a
// conflict. A request without the header is served as before.

// IdempotencyKeyHeader names the client's key for a creating request.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotentReplayedHeader is set to "true" on an answer repeated from an
// earlier request with the same key.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// IdempotencyTTL is how long a key and its answer are kept.
const IdempotencyTTL = 24 * time.Hour

// idempotencyStale is how long a request may hold its key without an
// answer before the key is taken to belong to a request that died (the
// process stopped). It outlasts the slowest handler, a connector call of up
// to a minute, so that a slow first request is not run a second time.
const idempotencyStale = 2 * time.Minute

// maxIdempotencyKey bounds the header, as other APIs with these keys do.
const maxIdempotencyKey = 255

// idempotencyPurpose derives the key under which records are indexed.
const idempotencyPurpose = "idempotency v1"

const idemKey ctxKey = 102

// Kinds of kept answer, the first byte of the sealed plaintext: a reply is
// sealed again for an enveloped caller on a route that seals replies, an
// error never is (writeError does not seal either).
const (
	keptReply = 'R'
	keptError = 'E'
)

// errReplayed tells idempotent that decode answered from the store: the
// handler stops at decode and nothing is created again.
var errReplayed = errors.New("answered from an earlier request with the same Idempotency-Key")

// idemCall is the state of one request sent with an Idempotency-Key.
type idemCall struct {
	key     string // the header as sent
	record  string // the record's key in the store, once claimed
	claimed bool   // this request holds the record and must finish or release it
	done    bool   // the record was finished or released
	replay  []byte // the kept answer (kind byte first), when decode found one
	status  int    // the kept answer's status
}

// idempotent runs h for a route that creates. Without the header it is h;
// with it, decode claims the key (or finds the first answer), and the
// answer h gives is kept for the same request sent again, unless it is one
// worth retrying (a 5xx, a 429, a panic), which gives the key back.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h handlerFunc) error {
	vals, sent := r.Header[IdempotencyKeyHeader]
	if !sent {
		return h(w, r)
	}
	if len(vals) != 1 || !validIdempotencyKey(vals[0]) {
		return errorf(idproof.EINVALID, "%s header must be one value of 1 to %d printable ASCII characters", IdempotencyKeyHeader, maxIdempotencyKey)
	}
	if s.admin == nil || s.admin.Keyring == nil {
		return errorf(idproof.ENOTIMPLEMENTED, "%s needs the master key, which this server was not given", IdempotencyKeyHeader)
	}
	call := &idemCall{key: vals[0]}
	defer func() {
		// A panic, or a handler that answered without reply: nothing
		// known is worth repeating, so the key is free again.
		if call.claimed && !call.done {
			s.releaseIdempotency(r, call)
		}
	}()
	r = r.WithContext(context.WithValue(r.Context(), idemKey, call))
	var err error
	if r.ContentLength == 0 {
		// No body, where it is optional: the key is claimed now, for the
		// method and path alone, since decode will not be called.
		err = s.claimIdempotency(r, nil)
	}
	if err == nil {
		err = h(w, r)
	}
	if call.replay != nil {
		return s.sendKept(w, r, call.status, call.replay)
	}
	if !call.claimed || call.done || err == nil {
		return err
	}
	status := errorStatus(err)
	if !keepable(status) {
		s.releaseIdempotency(r, call)
		return err
	}
	body, merr := json.Marshal(errorBody{StatusCode: status, Error: http.StatusText(status), Message: idproof.ErrorMessage(err)})
	if merr == nil {
		// The same bytes writeErrorStatus writes next.
		s.finishIdempotency(r, call, status, keptError, append(body, '\n'))
	}
	return err
}

// claimIdempotency is called by decode with the plain body (or by
// idempotent, for a request without one): it claims the
// request's key, or returns why the request cannot run: a conflict, or
// errReplayed once the first answer is ready to send.
func (s *Server) claimIdempotency(r *http.Request, plain []byte) error {
	call, _ := r.Context().Value(idemKey).(*idemCall)
	if call == nil || call.claimed || call.replay != nil {
		return nil // no key, or a second decode of the same request
	}
	ctx := r.Context()
	kr := s.admin.Keyring
	c := callerFrom(ctx)
	// Keys are the caller's own: the same key from another license is
	// another key. Every creating route needs a license; a caller without
	// one is scoped by its public key.
	scope := "key " + c.PublicKey
	if c.License != nil {
		scope = "license " + c.License.ID
	}
	call.record = kr.Index(idempotencyPurpose, scope, call.key)
	hash := requestHash(r, plain)
	now := s.clock.Now()
	rec := &idproof.IdempotencyRecord{Key: call.record, RequestHash: hash, CreatedAt: now, ExpiresAt: now.Add(IdempotencyTTL)}
	held, err := s.store.ClaimIdempotencyKey(ctx, rec, now, now.Add(-idempotencyStale))
	switch {
	case err != nil:
		return err
	case held == nil:
		call.claimed = true
		return nil
	case held.RequestHash != hash:
		return errorf(idproof.ECONFLICT, "this %s was already used with a different request; send a new key for a new request", IdempotencyKeyHeader)
	case held.Status == 0:
		return &retryLater{err: idproof.Errorf(idproof.ECONFLICT, "a request with this %s is still being processed; retry later", IdempotencyKeyHeader), after: time.Second}
	}
	kept, err := kr.Open(held.Response)
	if err != nil || len(kept) == 0 {
		return errorf(idproof.EINTERNAL, "the answer kept for this %s cannot be read", IdempotencyKeyHeader)
	}
	call.replay, call.status = kept, held.Status
	return errReplayed
}

// keepReply keeps the plain reply of a claimed request before it is sent,
// so that a caller who loses the connection now still finds it.
func (s *Server) keepReply(r *http.Request, status int, plain []byte) {
	call, _ := r.Context().Value(idemKey).(*idemCall)
	if call == nil || !call.claimed || call.done {
		return
	}
	if !keepable(status) {
		s.releaseIdempotency(r, call)
		return
	}
	s.finishIdempotency(r, call, status, keptReply, plain)
}

// finishIdempotency stores the answer, sealed: replies hold secrets (a new
// license key, personal data). The request's context may be cancelled by a
// caller gone away; the answer is kept all the same.
func (s *Server) finishIdempotency(r *http.Request, call *idemCall, status int, kind byte, body []byte) {
	call.done = true
	sealed := s.admin.Keyring.Seal(append([]byte{kind}, body...))
	if err := s.store.FinishIdempotencyKey(context.WithoutCancel(r.Context()), call.record, status, sealed); err != nil {
		// The key stays held until it is stale; a retry then runs again.
		logger(r.Context(), s.log).Error("keep idempotent answer", "err", err)
	}
}

// releaseIdempotency gives the key back so that the request can be sent
// again.
func (s *Server) releaseIdempotency(r *http.Request, call *idemCall) {
	call.done = true
	if err := s.store.ReleaseIdempotencyKey(context.WithoutCancel(r.Context()), call.record); err != nil {
		logger(r.Context(), s.log).Error("release idempotency key", "err", err)
	}
}

// sendKept writes a kept answer as the first request got it, sealed for
// this caller where reply would seal.
func (s *Server) sendKept(w http.ResponseWriter, r *http.Request, status int, kept []byte) error {
	w.Header().Set(IdempotentReplayedHeader, "true")
	kind, body := kept[0], kept[1:]
	if kind == keptReply {
		return s.send(w, r, status, body)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// requestHash identifies a request: hex SHA-256 of its method, path (with
// its query, if any) and plain body. The path is the one requested, not the
// route's pattern: the same body posted under two tenants is two requests.
func requestHash(r *http.Request, plain []byte) string {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path))
	if r.URL.RawQuery != "" {
		h.Write([]byte("?" + r.URL.RawQuery))
	}
	h.Write([]byte("\n"))
	h.Write(plain)
	return hex.EncodeToString(h.Sum(nil))
}

// validIdempotencyKey reports whether k is 1 to 255 printable ASCII
// characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < ' ' || k[i] > '~' {
			return false
		}
	}
	return true
}

// keepable reports whether an answer of status is the answer to the
// request, to be repeated: not a failure of the server (5xx), and not a
// request to come back later (429, whose Retry-After would be wrong a
// minute on).
func keepable(status int) bool {
	return status < 500 && status != http.StatusTooManyRequests
}

// errorStatus is the status writeError gives err, from the one table.
func errorStatus(err error) int {
	if st, ok := statusOf[idproof.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}
