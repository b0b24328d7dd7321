package proofing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/imagecheck"
)

// uploadTTL bounds how long a presigned upload URL is usable.
const uploadTTL = 10 * time.Minute

// ImageInput is one image of a submission: inline bytes, or the name of an
// object uploaded through a presigned URL.
type ImageInput struct {
	Name   string // the image name it is stored as
	Inline []byte // base64-decoded bytes, or nil
	Upload string // the uploaded object's image name, when not inline
}

// SideSubmission is what a submission says about one side.
type SideSubmission struct {
	Side      string
	Result    json.RawMessage // the client's extraction result, may be empty
	Images    []ImageInput
	ScreenEvt *Event // optional event reported with the submission
}

// intakeSlots bounds concurrent decodes: each may need ~100 MB.
var intakeSlots = make(chan struct{}, 2)

// PresignUploads returns upload URLs for the named images of a session.
func (e *Engine) PresignUploads(ctx context.Context, id string, a Actor, names []string, contentType string) (map[string]string, error) {
	if len(names) == 0 {
		return nil, invalid("imagesUrl must list at least one image name")
	}
	for i, n := range names {
		if err := CheckImageName(fmt.Sprintf("imagesUrl[%d]", i), n); err != nil {
			return nil, err
		}
	}
	if contentType != "" && contentType != "image/jpeg" && contentType != "image/png" && contentType != "image/webp" {
		return nil, invalid("contentType must be image/jpeg, image/png or image/webp")
	}
	types := make(map[string]string, len(names))
	for _, n := range names {
		types[n] = contentType
		if contentType == "" {
			types[n] = UploadContentType(n)
		}
	}
	s, _, err := e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if s.Status != idproof.StatusInProgress {
			return statusError(s, "take uploads")
		}
		for _, n := range names {
			if d.UploadTypes == nil {
				d.UploadTypes = map[string]string{}
			}
			d.UploadTypes[n] = types[n]
		}
		s.LastActivityAt = now
		return nil
	})
	if err != nil {
		return nil, err
	}
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return nil, err
	}
	ttl := min(uploadTTL, s.ExpiresAt.Sub(e.now()))
	out := map[string]string{}
	for _, n := range names {
		u, err := store.PresignPut(ctx, uploadKey(s, n, types[n]), types[n], ttl)
		if err != nil {
			return nil, err
		}
		out[n] = u
	}
	return out, nil
}

// uploadKey is where the upload of name, bound to contentType, is put.
func uploadKey(s *idproof.Session, name, contentType string) string {
	return objectPrefix(s.TenantID, s.CommunityID, s.ID) + "upload/" + name + Extension(contentType)
}

// checkedKey is where the checked copy of an image is stored.
func checkedKey(s *idproof.Session, name, contentType string) string {
	return objectPrefix(s.TenantID, s.CommunityID, s.ID) + "checked/" + name + Extension(contentType)
}

// Submit checks and stores the images of one or more sides and records the
// client's extraction results. Nothing is verified yet.
func (e *Engine) Submit(ctx context.Context, id string, a Actor, subs []SideSubmission) (*idproof.Session, *Data, error) {
	s, d, err := e.Get(ctx, id, a)
	if err != nil {
		return nil, nil, err
	}
	if err := submittable(s, d); err != nil {
		return nil, nil, err
	}
	for _, sub := range subs {
		if len(sub.Result) > 0 && !isObject(sub.Result) {
			return nil, nil, invalid("%s.result must be an object", sub.Side)
		}
		if len(sub.Result) > 256<<10 {
			return nil, nil, invalid("%s.result is larger than 256 KiB", sub.Side)
		}
	}
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return nil, nil, err
	}
	refs := map[string]ImageRef{}
	var consumed []string
	for _, sub := range subs {
		for _, in := range sub.Images {
			var upKey string
			if in.Upload != "" {
				upKey = uploadKey(s, in.Upload, d.uploadType(in.Upload))
			}
			ref, err := e.intake(ctx, store, s, in, upKey)
			if err != nil {
				return nil, nil, err
			}
			refs[in.Name] = ref
			if upKey != "" {
				consumed = append(consumed, upKey)
			}
		}
	}
	s, d, err = e.change(ctx, id, func(s *idproof.Session, d *Data, now time.Time) error {
		if err := authorize(s, a); err != nil {
			return err
		}
		if err := submittable(s, d); err != nil {
			return err
		}
		if d.Images == nil {
			d.Images = map[string]ImageRef{}
		}
		for n, r := range refs {
			r.TS = ms(now)
			d.Images[n] = r
		}
		if len(refs) > 0 {
			e.audit(s, d, AuditEvidence, evidenceDetail(refs), now)
		}
		for _, sub := range subs {
			if len(sub.Result) > 0 {
				if d.Extracted == nil {
					d.Extracted = map[string]json.RawMessage{}
				}
				d.Extracted[sub.Side] = sub.Result
			}
			if ev := sub.ScreenEvt; ev != nil && validEventName(ev.Name) == nil && len(d.Events) < maxEvents {
				ev.TS = ms(now)
				d.Events = append(d.Events, *ev)
			}
		}
		s.LastActivityAt = now
		return nil
	})
	if err != nil {
		// The checked copies were stored for a change that did not
		// happen (the session ended or was redacted meanwhile).
		e.dropRefs(ctx, store, id, refs)
		return nil, nil, err
	}
	// Raw uploads were replaced by their checked copies; the raw bytes,
	// metadata included, must not stay.
	for _, k := range consumed {
		if err := store.Delete(ctx, k); err != nil {
			e.log().Warn("delete raw upload", "session", id, "key", k, "err", err)
		}
	}
	return s, d, nil
}

// dropRefs deletes images stored for a submission that was refused.
func (e *Engine) dropRefs(ctx context.Context, store idproof.BlobStore, id string, refs map[string]ImageRef) {
	for _, r := range refs {
		if err := store.Delete(ctx, r.Key); err != nil && !idproof.IsNotFound(err) {
			e.log().Warn("delete refused image", "session", id, "key", r.Key, "err", err)
		}
	}
}

func submittable(s *idproof.Session, d *Data) error {
	if s.Status != idproof.StatusInProgress {
		return statusError(s, "take submissions")
	}
	if d.Verdict != nil {
		return invalid("session is %s and this attempt is already verified; call retry to submit again", s.Status)
	}
	return nil
}

// intake checks one image, inline or the uploaded object at upKey, and
// stores its normalised copy.
func (e *Engine) intake(ctx context.Context, store idproof.BlobStore, s *idproof.Session, in ImageInput, upKey string) (ImageRef, error) {
	var r io.Reader
	if in.Inline != nil {
		r = bytes.NewReader(in.Inline)
	} else {
		rc, _, err := store.Open(ctx, upKey)
		if idproof.IsNotFound(err) {
			return ImageRef{}, invalid("image %s was not uploaded", in.Upload)
		}
		if err != nil {
			return ImageRef{}, err
		}
		defer rc.Close()
		r = rc
	}
	select {
	case intakeSlots <- struct{}{}:
	case <-ctx.Done():
		return ImageRef{}, ctx.Err()
	}
	img, err := imagecheck.Check(in.Name, r, imagecheck.DefaultLimits)
	<-intakeSlots
	if err != nil {
		return ImageRef{}, err
	}
	key := checkedKey(s, in.Name, img.ContentType)
	if err := store.Put(ctx, key, img.ContentType, bytes.NewReader(img.Data), int64(len(img.Data))); err != nil {
		return ImageRef{}, err
	}
	sum := sha256.Sum256(img.Data)
	return ImageRef{Key: key, ContentType: img.ContentType, Width: img.Width, Height: img.Height,
		Bytes: len(img.Data), Source: img.Source, SHA256: hex.EncodeToString(sum[:])}, nil
}

// DecodeInline reads a base64 image field (a data: URL prefix is allowed).
func DecodeInline(field, v string) ([]byte, error) {
	if i := strings.Index(v, ";base64,"); strings.HasPrefix(v, "data:") && i > 0 {
		v = v[i+len(";base64,"):]
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(v), "=")); err != nil {
			return nil, invalid("%s is not base64", field)
		}
	}
	return b, nil
}

// loadImages reads the checked images of the current attempt for the
// connector.
func (e *Engine) loadImages(ctx context.Context, s *idproof.Session, d *Data) (map[string][]byte, error) {
	if len(d.Images) == 0 {
		return nil, nil
	}
	out := map[string][]byte{}
	for name, ref := range d.Images {
		b, err := e.readObject(ctx, s, ref.Key)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// readObject reads one object of the session's bucket.
func (e *Engine) readObject(ctx context.Context, s *idproof.Session, key string) ([]byte, error) {
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return nil, err
	}
	rc, _, err := store.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, imagecheck.DefaultLimits.MaxBytes*2))
}

// deleteObjects removes every object of the session from its bucket. It is
// idempotent: retention and upload/cancel may both run it.
func (e *Engine) deleteObjects(ctx context.Context, s *idproof.Session) error {
	if e.Blobs == nil {
		return nil
	}
	store, err := e.Blobs(ctx, s.TenantID, s.CommunityID)
	if err != nil {
		return err
	}
	keys, err := store.List(ctx, objectPrefix(s.TenantID, s.CommunityID, s.ID))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := store.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
