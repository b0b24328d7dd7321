package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/wire"
)

// handlerFunc is an endpoint: it writes a success itself and returns errors,
// which the adapter renders in the API format.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// adapt turns a route into an http.Handler: body limit, the address's
// rate, authentication by access class, then the endpoint. Failed
// credentials and unknown sessions count towards a lock-out.
func (s *Server) adapt(rt route) http.Handler {
	rt.handle = checkPathText(rt) // path values are text before any handler reads them
	limit := s.cfg.MaxBodyBytes
	switch {
	case rt.maxBody > DefaultMaxBodyBytes:
		limit = rt.maxBody // images inline, large workflows
	case rt.maxBody > 0:
		limit = min(limit, rt.maxBody) // a route that needs less than plain JSON
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if rt.class == session || rt.class == sessionOrLicense {
			// Before anything can fail: a page of another origin must be
			// able to read the error too.
			s.allowCORS(w, r, r.PathValue("sessionId"))
		}
		hold := &bodyHold{limit: limit}
		defer hold.done()
		ip := s.limits.clientIP(r)
		c := &caller{}
		err := s.limits.admitAddress(ip, rt.class)
		if err == nil {
			c, err = s.authenticate(r, rt.class)
		}
		if err == nil {
			ctx := context.WithValue(r.Context(), callerKey, c)
			ctx = context.WithValue(ctx, sealKey, rt.sealReply)
			ctx = context.WithValue(ctx, holdKey, hold)
			// Who acts and from where, for the session's audit trail.
			ctx = proofing.WithCaller(ctx, proofing.Caller{Who: c.auditName(), IP: ip})
			if rt.idempotent {
				// A creating route: an Idempotency-Key makes it safe to send again.
				err = s.idempotent(w, r.WithContext(ctx), rt.handle)
			} else {
				err = rt.handle(w, r.WithContext(ctx))
			}
		}
		if guessing(rt.class, err) {
			s.limits.failed(ip, c.provenKey())
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// guessing reports whether err is what a caller guessing credentials or
// session ids gets: wrong credentials, or a session that does not exist.
func guessing(cl class, err error) bool {
	switch idproof.ErrorCode(err) {
	case idproof.EUNAUTHORIZED:
		return true
	case idproof.ENOTFOUND:
		return cl == session || cl == sessionOrLicense
	}
	return false
}

const sealKey ctxKey = 100

// decode reads the JSON body into dst. It accepts the plain body of the API
// document, the clients' envelope {"data": "<encrypted JSON>"} and the
// {"data": {...}} wrapper some clients and the document's examples use.
func (s *Server) decode(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !acceptedMediaType(mt) {
			return errorf(idproof.EUNSUPPORTED, "Content-Type %q is not supported; send application/json", ct)
		}
	}
	body, err := s.readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(idproof.EINVALID, "request body is empty; a JSON object is required")
	}
	c := callerFrom(r.Context())
	if !c.HasKey && r.Header.Get("publickey") != "" && r.Header.Get("requestid") != "" && looksEnveloped(body) {
		// A public endpoint does not authenticate, but an encrypted body
		// can only be opened with the caller's key: check the headers now.
		if err := s.checkRequestID(r.Context(), r.Header.Get("publickey"), r.Header.Get("requestid"), s.clock.Now(), c); err != nil {
			return err
		}
	}
	body, err = checkBodyText(unwrapBody(body, c))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return errorf(idproof.EINVALID, "request body is not valid JSON for this endpoint: %s", jsonErrorText(err))
	}
	// An Idempotency-Key is claimed over the plain body, so that the same
	// request sealed in two envelopes is the same request.
	return s.claimIdempotency(r, body)
}

func acceptedMediaType(mt string) bool {
	switch mt {
	case "application/json", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream":
		// curl -d sends x-www-form-urlencoded unless told otherwise; the
		// body is JSON all the same.
		return true
	}
	return strings.HasSuffix(mt, "+json")
}

// looksEnveloped reports whether body is {"data": "<string>", ...}.
func looksEnveloped(body []byte) bool {
	if !json.Valid(body) {
		return false
	}
	m, _ := members(body, 2)
	d := m["data"]
	return len(d) > 0 && d[0] == '"'
}

// unwrapBody removes up to two levels of {"data": ...} wrapping, decrypting
// a string envelope with the caller's shared key. The body is read in
// place: its members are slices of it.
func unwrapBody(body []byte, c *caller) ([]byte, error) {
	for range 2 {
		if !json.Valid(body) {
			break // let the endpoint's decoder report it
		}
		m, ok := members(body, 2)
		if !ok {
			break // not an object: let the endpoint's decoder report it
		}
		data, ok := m["data"]
		if !ok || len(m) > 2 || (len(m) == 2 && m["publicKey"] == nil) {
			break
		}
		switch {
		case len(data) > 0 && data[0] == '"':
			enc, ok := jsonString(data)
			if !ok {
				return nil, errorf(idproof.EINVALID, "data is not a JSON string")
			}
			if !c.HasKey {
				return nil, errorf(idproof.EINVALID, "an encrypted data body needs the publickey and requestid headers")
			}
			plain, err := wire.Decrypt(c.Shared, enc)
			if err != nil {
				return nil, unauthorized("data: %v", err)
			}
			c.Enveloped = true
			body = plain
		case len(data) > 0 && data[0] == '{':
			body = data
		default:
			return body, nil
		}
	}
	return body, nil
}

func jsonErrorText(err error) string { return lenient.Explain(err) }

// reply writes v as JSON with status. If the request came enveloped and the
// route seals replies, v is sent as {"data": "<encrypted>", "publicKey"}.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// Kept plain, before the caller sees it, for an Idempotency-Key.
	s.keepReply(r, status, body)
	return s.send(w, r, status, body)
}

// send writes the JSON body with status, sealed as reply seals it.
func (s *Server) send(w http.ResponseWriter, r *http.Request, status int, body []byte) error {
	var err error
	c := callerFrom(r.Context())
	if seal, _ := r.Context().Value(sealKey).(bool); seal && c.Enveloped {
		body, err = json.Marshal(map[string]string{"data": wire.Encrypt(c.Shared, body), "publicKey": s.keys.PublicKey()})
		if err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err = w.Write(append(body, '\n'))
	if err != nil {
		// The client went away; nothing more can be said to it.
		logger(r.Context(), s.log).Debug("write reply", "err", err)
	}
	return nil
}
