// Package floor is a measuring tool, not a server to deploy: the floor of an
// authenticated request. It answers the session create and result endpoints
// with the same paths and header scheme as the real server, doing only the
// work no implementation of the API can avoid:
//
//   - the header crypto of package wire: ECDH with the caller's publickey
//     (shared keys cached, as the real server caches them), AES-GCM opening
//     of the requestid and of the licensekey, the requestid's time window;
//   - a replay check of (publickey, uuid), in memory;
//   - one durable insert (create) or one read by primary key (result), in a
//     database of its own: SQLite (WAL, synchronous=FULL) or PostgreSQL
//     (synchronous_commit as the server has it).
//
// It does not do what the product does on top: no tenants, communities or
// configurations (its one license, made at start, is compared in memory),
// no license or key look-up in the database, no replay record shared by
// replicas, no connector sealing, no session document, no rate limits, no
// logging, no encrypted replies. Replies are the smallest bodies the client
// accepts. Driving it and the real server with the same load shows how
// much of a request's cost is the product's own work.
package floor

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/wire"
)

// AllowedTimeSpan is how far a requestid's ts may be from now, the real
// server's default.
const AllowedTimeSpan = 60 * time.Second

// maxBody bounds a request body: the load tool's bodies are well under a
// kilobyte.
const maxBody = 64 << 10

// store is the one table the floor keeps.
type store interface {
	insert(ctx context.Context, id string, created time.Time, body []byte) error
	// created returns when session id was made, errNotFound when it was not.
	created(ctx context.Context, id string) (time.Time, error)
	kind() string
	Close() error
}

var errNotFound = errors.New("session not found")

// Server is the floor server. It is an http.Handler.
type Server struct {
	keys    *wire.Server
	license []byte
	store   store
	replay  replay
	mux     *http.ServeMux
	now     func() time.Time
}

func newServer(st store) (*Server, error) {
	key, err := wire.GenerateKey()
	if err != nil {
		return nil, err
	}
	lic := make([]byte, 24)
	if _, err := rand.Read(lic); err != nil {
		return nil, err
	}
	s := &Server{
		keys:    wire.NewServer(key, 0),
		license: []byte("floor-" + base64.RawURLEncoding.EncodeToString(lic)),
		store:   st,
		replay:  replay{seen: map[string]time.Time{}},
		mux:     http.NewServeMux(),
		now:     time.Now,
	}
	s.mux.HandleFunc("GET /publickeys", s.publicKeys)
	s.mux.HandleFunc("POST /document_share_session/create", s.create)
	s.mux.HandleFunc("POST /document_share_session/result", s.result)
	return s, nil
}

// License is the license key the server accepts, made when it started.
func (s *Server) License() string { return string(s.license) }

// Store names the database: "sqlite" or "postgresql".
func (s *Server) Store() string { return s.store.kind() }

// Close closes the database.
func (s *Server) Close() error { return s.store.Close() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) publicKeys(w http.ResponseWriter, _ *http.Request) {
	reply(w, http.StatusOK, map[string]string{"publicKey": s.keys.PublicKey()})
}

// authenticate is the floor of every licensed request: the headers open
// under the caller's shared key, the license is the one, and the requestid
// has not been seen.
func (s *Server) authenticate(r *http.Request) (wire.SharedKey, error) {
	now := s.now()
	pub := r.Header.Get("publickey")
	shared, rid, err := s.keys.OpenRequest(pub, r.Header.Get("requestid"), now, AllowedTimeSpan)
	if err != nil {
		return shared, err
	}
	lic, err := wire.Decrypt(shared, r.Header.Get("licensekey"))
	if err != nil {
		return shared, fmt.Errorf("licensekey: %w", err)
	}
	if subtle.ConstantTimeCompare(lic, s.license) != 1 {
		return shared, errors.New("unknown license")
	}
	until := time.Unix(rid.TS, 0).Add(AllowedTimeSpan + time.Second)
	if !s.replay.use(pub+"\x00"+rid.UUID, now, until) {
		return shared, errors.New("requestid already used")
	}
	return shared, nil
}

// body reads the request body, opening the {"data": "<encrypted>"}
// envelope the vendor's clients send.
func body(r *http.Request, shared wire.SharedKey) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		return nil, errors.New("body unreadable or too large")
	}
	if !bytes.Contains(b, []byte(`"data"`)) {
		return b, nil
	}
	var env struct {
		Data string `json:"data"`
	}
	if json.Unmarshal(b, &env) != nil || env.Data == "" {
		return b, nil
	}
	return wire.Decrypt(shared, env.Data)
}

// open authenticates r and reads its body into dst; it answers the
// failure itself and returns the body's bytes, or nil after a failure.
func (s *Server) open(w http.ResponseWriter, r *http.Request, dst any, valid func() bool, required string) []byte {
	shared, err := s.authenticate(r)
	if err != nil {
		fail(w, http.StatusUnauthorized, err.Error())
		return nil
	}
	b, err := body(r, shared)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return nil
	}
	if json.Unmarshal(b, dst) != nil || !valid() {
		fail(w, http.StatusBadRequest, required+" is required")
		return nil
	}
	return b
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		DVCID string `json:"dvcID"`
	}
	b := s.open(w, r, &req, func() bool { return req.DVCID != "" }, "dvcID")
	if b == nil {
		return
	}
	id := idproof.NewUUID()
	if err := s.store.insert(r.Context(), id, s.now(), b); err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	reply(w, http.StatusOK, map[string]string{"sessionId": id, "url": "http://" + r.Host + "/idproofing/session/" + id})
}

func (s *Server) result(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SessionID string `json:"sessionId"`
	}
	if s.open(w, r, &req, func() bool { return req.SessionID != "" }, "sessionId") == nil {
		return
	}
	created, err := s.store.created(r.Context(), req.SessionID)
	switch {
	case errors.Is(err, errNotFound):
		fail(w, http.StatusNotFound, err.Error())
		return
	case err != nil:
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	reply(w, http.StatusOK, map[string]any{"responseStatus": "INPROGRESS", "id": req.SessionID, "createdAt": created.UnixMilli()})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fail answers in the API's error format, which the client decodes.
func fail(w http.ResponseWriter, status int, msg string) {
	reply(w, status, map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg})
}

// replay remembers the (publickey, uuid) pairs seen, each until its
// requestid would fail the time window anyway.
type replay struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	sweep time.Time
}

// use records key and reports whether it was new.
func (p *replay) use(key string, now, until time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.seen[key]; ok && t.After(now) {
		return false
	}
	p.seen[key] = until
	// Dropping expired pairs once a window keeps the map at about one
	// window of requests.
	if now.After(p.sweep) {
		for k, t := range p.seen {
			if !t.After(now) {
				delete(p.seen, k)
			}
		}
		p.sweep = now.Add(AllowedTimeSpan)
	}
	return true
}
