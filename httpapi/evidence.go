package httpapi

import (
	"encoding/json"
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

// sideBody is one side of a submission, in any of the document's forms:
// images inline (an object of base64 strings) and/or imageNames (uploaded
// objects).
type sideBody struct {
	Result     json.RawMessage   `json:"result"`
	Images     map[string]string `json:"images"`
	ImageNames []string          `json:"imageNames"`
	Event      *struct {
		ScreenName string `json:"screen_name"`
		EventName  string `json:"event_name"`
	} `json:"event"`
}

// side converts a body side into the engine's submission.
func (b *sideBody) side(side string) (proofing.SideSubmission, error) {
	sub := proofing.SideSubmission{Side: side, Result: b.Result}
	if string(b.Result) == "null" {
		sub.Result = nil
	}
	for _, field := range []string{"image", "cropped", "face", "imageBarcode"} {
		v, ok := b.Images[field]
		if !ok || v == "" {
			continue
		}
		name, err := proofing.ImageSlot(side, field)
		if err != nil {
			return sub, err
		}
		data, err := proofing.DecodeInline(side+".images."+field, v)
		if err != nil {
			return sub, err
		}
		sub.Images = append(sub.Images, proofing.ImageInput{Name: name, Inline: data})
	}
	for field := range b.Images {
		switch field {
		case "image", "cropped", "face", "imageBarcode":
		default:
			return sub, errorf(idproof.EINVALID, "%s.images.%s is not one of image, cropped, face, imageBarcode", side, field)
		}
	}
	for i, n := range b.ImageNames {
		if err := proofing.CheckImageName(side+".imageNames["+itoa(i)+"]", n); err != nil {
			return sub, err
		}
		sub.Images = append(sub.Images, proofing.ImageInput{Name: n, Upload: n})
	}
	if b.Event != nil && b.Event.EventName != "" {
		sub.ScreenEvt = &proofing.Event{Name: b.Event.EventName, ScreenName: b.Event.ScreenName}
	}
	return sub, nil
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

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
	var body sideBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	sub, err := body.side(proofing.VerificationSide(name))
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
	return s.reply(w, r, http.StatusOK, proofing.Submitted(sess, d))
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
	var body documentBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	switch body.FallbackCaptureMode {
	case "", "manual", "auto":
	default:
		return errorf(idproof.EINVALID, "fallbackCaptureMode must be manual or auto")
	}
	var subs []proofing.SideSubmission
	for side, b := range map[string]*sideBody{proofing.SideFront: body.DocumentFront, proofing.SideBack: body.DocumentBack} {
		if b == nil {
			continue
		}
		sub, err := b.side(side)
		if err != nil {
			return err
		}
		subs = append(subs, sub)
	}
	if body.DocumentFront == nil {
		return errorf(idproof.EINVALID, "document_front is required")
	}
	sess, d, err := s.engine.SubmitDocument(r.Context(), id, actor(r), subs)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, proofing.Validation(sess, d))
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
