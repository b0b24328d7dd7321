package httpapi

import (
	"net/http"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

type presignRequest struct {
	ImagesURL   []string `json:"imagesUrl"`
	ContentType string   `json:"contentType"`
}

// presignURLs issues upload URLs for the named images of a session.
func (s *Server) presignURLs(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var req presignRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	urls, err := s.engine.PresignUploads(r.Context(), id, actor(r), req.ImagesURL, req.ContentType)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, urls)
}

// submitVerification stores one side's images and extraction result.
func (s *Server) submitVerification(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	if proofing.VerificationSide(name) == "" {
		return errorf(idproof.EINVALID, "verificationName must be document_liveness_front, document_liveness_back or selfie_liveness")
	}
	if err := s.canSubmit(r, id); err != nil {
		return err
	}
	var body sideBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	sub, ignored, err := body.side(proofing.VerificationSide(name))
	if err != nil {
		return err
	}
	if len(sub.Images) == 0 {
		return errorf(idproof.EINVALID, "images or imageNames must hold at least one image")
	}
	sess, d, err := s.engine.SubmitVerification(r.Context(), id, actor(r), name, sub)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, withIgnored(proofing.Submitted(sess, d), ignored))
}

type documentBody struct {
	DocumentFront       *sideBody `json:"document_front"`
	DocumentBack        *sideBody `json:"document_back"`
	FallbackCaptureMode string    `json:"fallbackCaptureMode"`
}

// submitDocumentInline is v2: both sides' images inline; v3 is the same
// body with imageNames. One handler takes both forms.
func (s *Server) submitDocumentBody(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	if err := s.canSubmit(r, id); err != nil {
		return err
	}
	var body documentBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	switch body.FallbackCaptureMode {
	case "", "manual", "auto":
	default:
		return errorf(idproof.EINVALID, "fallbackCaptureMode must be manual or auto")
	}
	if body.DocumentFront == nil {
		return errorf(idproof.EINVALID, "document_front is required")
	}
	var subs []proofing.SideSubmission
	var ignored []string
	for _, sd := range []struct {
		side string
		b    *sideBody
	}{{proofing.SideFront, body.DocumentFront}, {proofing.SideBack, body.DocumentBack}} {
		if sd.b == nil {
			continue
		}
		sub, ign, err := sd.b.side(sd.side)
		if err != nil {
			return err
		}
		subs, ignored = append(subs, sub), append(ignored, ign...)
	}
	sess, d, err := s.engine.SubmitDocument(r.Context(), id, actor(r), subs)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, withIgnored(proofing.Validation(sess, d), ignored))
}

// withIgnored adds the list of images a submission carried but did not
// use, so that a client learns of them instead of losing them silently.
func withIgnored(view map[string]any, ignored []string) map[string]any {
	if len(ignored) > 0 {
		view["ignoredImages"] = ignored
	}
	return view
}

// submitDocumentUploaded is v1: verify what was uploaded already.
func (s *Server) submitDocumentUploaded(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	sess, d, err := s.engine.SubmitUploaded(r.Context(), id, actor(r))
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, proofing.Validation(sess, d))
}

func (s *Server) uploadCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var body struct {
		ScreenName string `json:"screenName"`
	}
	if r.ContentLength > 0 {
		if err := s.decode(r, &body); err != nil {
			return err
		}
	}
	sess, _, err := s.engine.UploadCancel(r.Context(), id, actor(r), body.ScreenName)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, map[string]any{"data": map[string]any{"status": sess.Status}})
}

// serveLocalBlob hands /blob/ requests to the local bucket's handler.
func (s *Server) serveLocalBlob(w http.ResponseWriter, r *http.Request) error {
	if s.localBlob == nil {
		return errorf(idproof.ENOTFOUND, "no local bucket on this server")
	}
	s.localBlob.ServeHTTP(w, r)
	return nil
}
