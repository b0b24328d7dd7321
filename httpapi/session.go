package httpapi

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/proofing"
)

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	var req proofing.CreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if err := checkCreateText(&req); err != nil {
		return err
	}
	sess, err := s.engine.Create(r.Context(), callerFrom(r.Context()).License, req)
	if err != nil {
		return err
	}
	// Plain either way: the vendor's clients read this reply unencrypted.
	return s.reply(w, r, http.StatusOK, map[string]string{"sessionId": sess.ID, "url": s.engine.SessionURL(sess.ID)})
}

// resultRequest is the body of the result endpoints. The connector and
// verification objects the document's example also sends are not needed:
// the session keeps its own.
type resultRequest struct {
	SessionID          string       `json:"sessionId"`
	DVCID              string       `json:"dvcID"`
	IncludeMetadata    lenient.Bool `json:"includeMetadata"`
	APIVersion         string       `json:"apiVersion"`
	AlwaysReturnAssets lenient.Bool `json:"alwaysReturnAssets"`
	GranularStatus     lenient.Bool `json:"granularStatus"`
}

func (s *Server) sessionResult(w http.ResponseWriter, r *http.Request) error {
	return s.result(w, r, false)
}

func (s *Server) sessionResultV3(w http.ResponseWriter, r *http.Request) error {
	return s.result(w, r, true)
}

func (s *Server) result(w http.ResponseWriter, r *http.Request, v3 bool) error {
	var req resultRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.SessionID == "" {
		return errorf(idproof.EINVALID, "sessionId is required")
	}
	if err := checkTexts("sessionId", req.SessionID, "dvcID", req.DVCID, "apiVersion", req.APIVersion); err != nil {
		return err
	}
	if !idproof.IsUUID(req.SessionID) {
		// Session ids are UUIDs: anything else names no session.
		return errorf(idproof.ENOTFOUND, "session %.40q not found", req.SessionID)
	}
	switch strings.ToLower(req.APIVersion) {
	case "", "v1", "v2":
	case "v3":
		v3 = true
	default:
		return errorf(idproof.EINVALID, "apiVersion %q is not supported; use v3 or leave it out", req.APIVersion)
	}
	out, err := s.engine.Result(r.Context(), callerFrom(r.Context()).License, req.SessionID, proofing.ResultOptions{
		V3: v3, IncludeMetadata: req.IncludeMetadata.Value, AlwaysReturnAssets: req.AlwaysReturnAssets.Value, GranularStatus: req.GranularStatus.Value,
	})
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, out)
}

// actor describes the caller of a session endpoint for the engine.
func actor(r *http.Request) proofing.Actor {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	return proofing.NewActor(callerFrom(r.Context()).PublicKey, ip, r.UserAgent())
}

// sessionID reads the path's session id. Ids are UUIDs; anything else
// cannot name a session, and is not looked up.
func sessionID(r *http.Request) (string, error) {
	id := r.PathValue("sessionId")
	if !idproof.IsUUID(id) {
		return "", errorf(idproof.ENOTFOUND, "session %.40q not found", id)
	}
	return id, nil
}

// checkCreateText checks the identifiers and names of a create body, which
// are stored as text and searched by fetch.
func checkCreateText(req *proofing.CreateRequest) error {
	if err := checkText("dvcID", req.DVCID); err != nil {
		return err
	}
	sr := req.SessionRequest
	if sr == nil {
		return nil // the engine says what is missing
	}
	return checkTexts("sessionRequest.tenantDNS", sr.TenantDNS, "sessionRequest.tenantId", sr.TenantID,
		"sessionRequest.communityName", sr.CommunityName, "sessionRequest.communityId", sr.CommunityID,
		"sessionRequest.documentType", sr.DocumentType, "sessionRequest.did", sr.DID, "sessionRequest.userUID", sr.UserUID,
		"sessionRequest.user.uid", sr.User.UID, "sessionRequest.user.username", sr.User.Username,
		"sessionRequest.user.firstname", sr.User.Firstname, "sessionRequest.user.lastname", sr.User.Lastname)
}

// sessionAction adapts an engine call on one session to a handler.
func (s *Server) sessionAction(act func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error), view func(*idproof.Session, *proofing.Data) any) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := sessionID(r)
		if err != nil {
			return err
		}
		sess, d, err := act(r, id, actor(r))
		if err != nil {
			return err
		}
		return s.reply(w, r, http.StatusOK, view(sess, d))
	}
}

func (s *Server) sessionDetails(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Get(r.Context(), id, a)
	}, func(sess *idproof.Session, d *proofing.Data) any { return proofing.Details(sess, d) })(w, r)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Start(r.Context(), id, a)
	}, func(sess *idproof.Session, d *proofing.Data) any {
		return map[string]any{"data": proofing.Record(sess, d)}
	})(w, r)
}

func (s *Server) validateSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Validate(r.Context(), id, a)
	}, func(sess *idproof.Session, d *proofing.Data) any { return proofing.Validation(sess, d) })(w, r)
}

func (s *Server) completeSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Complete(r.Context(), id, a)
	}, completion)(w, r)
}

func completion(sess *idproof.Session, _ *proofing.Data) any {
	return map[string]any{"completionStatus": sess.Outcome}
}

func (s *Server) declineSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Decline(r.Context(), id, a)
	}, func(sess *idproof.Session, _ *proofing.Data) any { return proofing.DeclineView(sess) })(w, r)
}

func (s *Server) retrySession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.Retry(r.Context(), id, a)
	}, func(sess *idproof.Session, d *proofing.Data) any {
		return map[string]any{"status": sess.Status, "retriesLeft": max(0, d.Settings.MaxRetries-sess.Retries)}
	})(w, r)
}

func (s *Server) cancelRetry(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(func(r *http.Request, id string, a proofing.Actor) (*idproof.Session, *proofing.Data, error) {
		return s.engine.RetryCancel(r.Context(), id, a)
	}, completion)(w, r)
}

// eventRequest is the body of submit/event. status and error are kept as
// sent (a boolean or a string; a string or an object): the engine checks
// their form.
type eventRequest struct {
	ScreenName string          `json:"screen_name"`
	Status     json.RawMessage `json:"status"`
	Error      json.RawMessage `json:"error"`
}

func (s *Server) sessionEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var req eventRequest
	if r.ContentLength != 0 {
		if err := s.decode(r, &req); err != nil {
			return err
		}
	}
	if err := checkText("screen_name", req.ScreenName); err != nil {
		return err
	}
	ev := proofing.Event{Name: r.PathValue("eventName"), ScreenName: req.ScreenName, Status: req.Status, Error: req.Error}
	if _, err := s.engine.Event(r.Context(), id, actor(r), ev); err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, map[string]string{"eventName": ev.Name, "status": "stored"})
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) error {
	if s.signer == nil {
		return errorf(idproof.ENOTIMPLEMENTED, "result signing is not configured")
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	return s.reply(w, r, http.StatusOK, s.signer.JWKS())
}

// verifyDocument checks one document synchronously and returns its signed
// certificate.
func (s *Server) verifyDocument(w http.ResponseWriter, r *http.Request) error {
	var req proofing.DocumentRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	cert, err := s.engine.VerifyDocument(r.Context(), callerFrom(r.Context()).License, req, s.engine.Connectors.HTTPClient())
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, cert)
}
