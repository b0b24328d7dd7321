// Package microblinktest is a fake Microblink BlinkID Verify server for
// tests. It checks each request the way the documented API would (method,
// path, Basic credentials, content type, the JSON shape of the v1 or v2
// body, images that decode) and answers with the scenario it is set to:
// a vendor outcome, an error status, a slow, malformed or empty answer.
package microblinktest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Credentials the fake accepts.
const (
	ClientID     = "fake-client-id"
	ClientSecret = "fake-client-secret"
)

// Paths of the two API versions.
const (
	PathV2 = "/api/v2/docver"
	PathV1 = "/api/v1/docver"
)

// Server is the fake. Set its scenario before a request; read what it
// received with Requests and what it refused with Problems.
type Server struct {
	*httptest.Server
	// Delay is how long the Slow scenario waits before answering, unless
	// the client gives up first.
	Delay time.Duration

	mu       sync.Mutex
	scenario Scenario
	requests []Request
	problems []string
}

// Request is a request the fake accepted, decoded.
type Request struct {
	Version          int // 1 or 2
	Front            Image
	Back, Barcode    *Image
	Options          map[string]json.RawMessage // v2 options, or v1 top-level options
	UseCase          json.RawMessage
	CaptureSessionID string
	TraceID          string
}

// Image is a request image: decoded bytes, or the URL given instead.
type Image struct {
	Data []byte
	URL  string
}

// NewServer starts a fake answering Accept. Close it when done.
func NewServer() *Server {
	s := &Server{scenario: Accept, Delay: 5 * time.Second}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URLV2 is the v2 endpoint of the fake; URLV1 the v1 endpoint.
func (s *Server) URLV2() string { return s.URL + PathV2 }

// URLV1 is the v1 endpoint of the fake.
func (s *Server) URLV1() string { return s.URL + PathV1 }

// SetScenario chooses how the following requests are answered.
func (s *Server) SetScenario(sc Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scenario = sc
}

// Requests returns the requests accepted so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Problems returns why requests were refused with 400, 404, 405 or 415; a
// correct client causes none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	sc, delay := s.scenario, s.Delay
	s.mu.Unlock()
	version := map[string]int{PathV2: 2, PathV1: 1}[r.URL.Path]
	if version == 0 {
		s.refuse(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		s.refuse(w, http.StatusMethodNotAllowed, "method must be POST, not "+r.Method)
		return
	}
	if id, secret, ok := r.BasicAuth(); !ok || id != ClientID || secret != ClientSecret || sc == Unauthorized {
		writeJSON(w, http.StatusUnauthorized, `{"code":"UNAUTHORIZED","message":"invalid client credentials"}`)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.refuse(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		s.refuse(w, http.StatusBadRequest, "unreadable body: "+err.Error())
		return
	}
	req, err := decode(version, body)
	if err != nil {
		s.refuse(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	s.answer(r.Context(), w, sc, version, delay)
}

// refuse answers a request the real API would refuse, and remembers why.
func (s *Server) refuse(w http.ResponseWriter, status int, problem string) {
	s.mu.Lock()
	s.problems = append(s.problems, problem)
	s.mu.Unlock()
	b, _ := json.Marshal(map[string]string{"code": "BAD_REQUEST", "message": problem})
	writeJSON(w, status, string(b))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// v2Fields are the top-level fields of a v2 request; v1 has the images and
// traceId at the top level too, with its options beside them.
var v2Fields = map[string]bool{"imageFront": true, "imageBack": true, "imageBarcode": true, "options": true,
	"useCase": true, "captureSessionId": true, "traceId": true}

// decode checks a request body against the documented shape.
func decode(version int, body []byte) (Request, error) {
	req := Request{Version: version, Options: map[string]json.RawMessage{}}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return req, fmt.Errorf("the body is not a JSON object: %v", err)
	}
	for k, v := range top {
		switch {
		case version == 2 && !v2Fields[k]:
			return req, fmt.Errorf("unknown v2 field %q", k)
		case version == 1 && (k == "options" || k == "useCase" || k == "captureSessionId"):
			return req, fmt.Errorf("%q is a v2 field; v1 takes options at the top level", k)
		case version == 1 && !v2Fields[k]:
			req.Options[k] = v
		}
	}
	front, err := decodeImage(version, "imageFront", top["imageFront"])
	if err != nil {
		return req, err
	}
	if front == nil {
		return req, fmt.Errorf("imageFront is required")
	}
	req.Front = *front
	if req.Back, err = decodeImage(version, "imageBack", top["imageBack"]); err != nil {
		return req, err
	}
	if req.Barcode, err = decodeImage(version, "imageBarcode", top["imageBarcode"]); err != nil {
		return req, err
	}
	if version == 2 {
		if raw, ok := top["options"]; ok && json.Unmarshal(raw, &req.Options) != nil {
			return req, fmt.Errorf("options must be an object")
		}
		var uc map[string]json.RawMessage
		if raw, ok := top["useCase"]; ok && json.Unmarshal(raw, &uc) != nil {
			return req, fmt.Errorf("useCase must be an object")
		}
		req.UseCase = top["useCase"]
		if raw, ok := top["captureSessionId"]; ok && json.Unmarshal(raw, &req.CaptureSessionID) != nil {
			return req, fmt.Errorf("captureSessionId must be a string")
		}
	}
	if raw, ok := top["traceId"]; ok && json.Unmarshal(raw, &req.TraceID) != nil {
		return req, fmt.Errorf("traceId must be a string")
	}
	return req, nil
}

// decodeImage checks one image object: exactly one of base64 and url (v1:
// imageBase64 and imageUrl); base64 that decodes; an absolute http(s) URL.
func decodeImage(version int, name string, raw json.RawMessage) (*Image, error) {
	if raw == nil {
		return nil, nil
	}
	b64Key, urlKey := "base64", "url"
	if version == 1 {
		b64Key, urlKey = "imageBase64", "imageUrl"
	}
	var obj map[string]string
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("%s must be an object of strings: %v", name, err)
	}
	for k := range obj {
		if k != b64Key && k != urlKey {
			return nil, fmt.Errorf("%s.%s is not a v%d image field (%s or %s)", name, k, version, b64Key, urlKey)
		}
	}
	b64, hasB64 := obj[b64Key]
	u, hasURL := obj[urlKey]
	switch {
	case hasB64 == hasURL:
		return nil, fmt.Errorf("%s must have exactly one of %s and %s", name, b64Key, urlKey)
	case hasURL:
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("%s.%s must be an absolute http(s) URL", name, urlKey)
		}
		return &Image{URL: u}, nil
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(data) == 0 {
		return nil, fmt.Errorf("%s.%s must be non-empty standard base64", name, b64Key)
	}
	return &Image{Data: data}, nil
}

// answer writes the scenario's response.
func (s *Server) answer(ctx context.Context, w http.ResponseWriter, sc Scenario, version int, delay time.Duration) {
	switch sc {
	case Forbidden:
		writeJSON(w, http.StatusForbidden, `{"code":"FORBIDDEN","message":"the client may not use docver"}`)
	case ServerError:
		writeJSON(w, http.StatusInternalServerError, `{"code":"INTERNAL_ERROR","message":"internal server error"}`)
	case Slow:
		select {
		case <-time.After(delay):
			writeJSON(w, http.StatusOK, responses[Accept][version])
		case <-ctx.Done():
		}
	case Malformed:
		writeJSON(w, http.StatusOK, `{"processingStatus":"Completed","verification":{"recommendedOutcome":"Accept"`)
	case Empty:
		writeJSON(w, http.StatusOK, "")
	case Oversized:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"processingStatus":"Completed","padding":"`)
		_, _ = io.WriteString(w, strings.Repeat("a", 11<<20))
		_, _ = io.WriteString(w, `"}`)
	default:
		body, ok := responses[sc][version]
		if !ok {
			s.refuse(w, http.StatusBadRequest, fmt.Sprintf("scenario %q has no v%d answer", sc, version))
			return
		}
		writeJSON(w, http.StatusOK, body)
	}
}
