package proofing

import (
	"context"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// SubmitVerification handles submit/verification/{name}: the images and
// extraction result of one side. It stores them; verification runs when the
// document is submitted (or at validate/complete).
func (e *Engine) SubmitVerification(ctx context.Context, id string, a Actor, name string, sub SideSubmission) (*idproof.Session, *Data, error) {
	side, ok := verificationSides[name]
	if !ok {
		return nil, nil, invalid("verificationName must be document_liveness_front, document_liveness_back or selfie_liveness")
	}
	sub.Side = side
	return e.Submit(ctx, id, a, []SideSubmission{sub})
}

// SubmitDocument stores the given sides (inline or uploaded images) and
// verifies the attempt: the v2 and v3 submit endpoints.
func (e *Engine) SubmitDocument(ctx context.Context, id string, a Actor, subs []SideSubmission) (*idproof.Session, *Data, error) {
	if len(subs) > 0 {
		if _, _, err := e.Submit(ctx, id, a, subs); err != nil {
			return nil, nil, err
		}
	}
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, nil, err
	}
	if err := submittable(s, d); err != nil {
		return nil, nil, err
	}
	return e.verifyAndStore(ctx, s, a)
}

// SubmitUploaded verifies what was uploaded through presigned URLs: every
// image name with an uploaded object is checked and verified (the v1
// submit endpoint).
func (e *Engine) SubmitUploaded(ctx context.Context, id string, a Actor) (*idproof.Session, *Data, error) {
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, nil, err
	}
	if err := submittable(s, d); err != nil {
		return nil, nil, err
	}
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return nil, nil, err
	}
	prefix := objectPrefix(s.TenantID, s.CommunityID, s.ID) + "upload/"
	keys, err := store.List(ctx, prefix)
	if err != nil {
		return nil, nil, err
	}
	bySide := map[string]*SideSubmission{}
	for _, k := range keys {
		// Only the object the last URL for the name was bound to counts:
		// a name presigned twice with different types may have both.
		name, ct, ok := uploadName(strings.TrimPrefix(k, prefix))
		if !ok || ct != d.uploadType(name) {
			continue
		}
		side := SideSelfie
		switch {
		case strings.HasPrefix(name, "document_front"):
			side = SideFront
		case strings.HasPrefix(name, "document_back"):
			side = SideBack
		}
		if bySide[side] == nil {
			bySide[side] = &SideSubmission{Side: side}
		}
		bySide[side].Images = append(bySide[side].Images, ImageInput{Name: name, Upload: name})
	}
	if len(bySide) == 0 && len(d.Images) == 0 {
		return nil, nil, invalid("nothing was uploaded for session %s", id)
	}
	var subs []SideSubmission
	for _, side := range []string{SideFront, SideBack, SideSelfie} {
		if sub := bySide[side]; sub != nil {
			subs = append(subs, *sub)
		}
	}
	return e.SubmitDocument(ctx, id, a, subs)
}

// UploadCancel ends a session whose user gave up while uploading
// high-resolution images: COMPLETED, NOT_PERFORMED, IDV0016; the uploaded
// images are deleted by the sweeper, which Kick wakes at once.
func (e *Engine) UploadCancel(ctx context.Context, id string, a Actor, screen string) (*idproof.Session, *Data, error) {
	if len(screen) > 200 {
		return nil, nil, invalid("screenName is longer than 200 characters")
	}
	s, d, err := e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "cancel an upload")
		}
		if !d.Settings.UseHighResolutionImages {
			return invalid("upload/cancel needs useHighResolutionImages in the session's verification config")
		}
		e.finish(s, d, idproof.StatusCompleted, idproof.OutcomeNotPerformed, ReasonNoImages, Reasons[ReasonNoImages], "UPLOAD_CANCELLED", a, now)
		if screen != "" {
			d.History[len(d.History)-1].ScreenName = screen
		}
		// The uploaded images go now (the sweeper deletes them), whatever
		// the retention of the rest: the user abandoned them.
		d.Images, d.UploadTypes, d.DeleteObjects = nil, nil, true
		return nil
	})
	return s, d, err
}
