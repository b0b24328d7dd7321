package proofing_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// trailText is a session's audit trail and webhook events as the store
// returns them, for looking for personal data.
func trailText(t *testing.T, f *fixture, id string) string {
	t.Helper()
	ctx := context.Background()
	audit, err := f.store.AuditEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.store.WebhookEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"audit": audit, "events": events})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRedactOnRequest: redaction deletes every personal field of the
// record and every object of the session in the bucket, at once, on both
// stores; it is idempotent, says so in the session, fires one
// session.redacted event and leaves the trail verifiable.
func TestRedactOnRequest(t *testing.T) {
	for _, rs := range rawStores {
		t.Run(rs.name, func(t *testing.T) {
			st, row := rs.open(t)
			f := newFixture(t, st)
			bucket := withBucket(t, f)
			ctx := context.Background()
			id := completedWithPersonalData(t, f)
			keys, err := bucket.List(ctx, "")
			if err != nil || len(keys) == 0 {
				t.Fatalf("no image in the bucket before redaction: %v %v", keys, err)
			}

			s, d, err := f.engine.Redact(ctx, f.license, id, "erasure request from Zebulon Quixotez")
			if err != nil {
				t.Fatal(err)
			}
			if r := proofing.RedactionStatus(d); r.Status != proofing.RedactionAll || r.Cause != proofing.CauseRequest || r.Scope != "all" {
				t.Fatalf("redaction status %+v", r)
			}
			if s.User != (idproof.SessionUser{}) || s.DID != "" || d.Extracted != nil || len(d.Images) != 0 {
				t.Fatalf("personal data left in the session: %+v %q %s %v", s.User, s.DID, d.Extracted, d.Images)
			}
			if keys, _ := bucket.List(ctx, ""); len(keys) != 0 {
				t.Fatalf("objects left in the bucket: %v", keys)
			}
			noPersonal(t, "redacted session row", row(id))
			noPersonal(t, "trail and events", trailText(t, f, id))

			// Again: nothing changes, no second event.
			_, d2, err := f.engine.Redact(ctx, f.license, id, "")
			if err != nil || d2.PurgedTS != d.PurgedTS {
				t.Fatalf("second redaction: %v, purged at %d then %d", err, d.PurgedTS, d2.PurgedTS)
			}
			if n := countEvents(t, f, id, idproof.EventSessionRedacted); n != 1 {
				t.Fatalf("%d session.redacted events, want 1", n)
			}
			trail, err := st.AuditEvents(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := idproof.VerifyAuditChain(trail); err != nil {
				t.Fatal(err)
			}
			if last := trail[len(trail)-1]; last.Action != proofing.RedactionAll || last.Actor != "system" && last.Actor == "" {
				t.Fatalf("last trail entry %+v", last)
			}
		})
	}
}

// TestRedactActiveSession: a session still under way is ended (DECLINED,
// IDV0034) and redacted; a license of another tenant does not see it.
func TestRedactActiveSession(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	withBucket(t, f)
	ctx := context.Background()
	s := f.create(t, "alice")
	mustDo(t, f, "start", s.ID)

	other := &idproof.License{ID: "other", TenantID: idproof.NewObjectID(), AuthLevel: idproof.AuthService}
	if _, _, err := f.engine.Redact(ctx, other, s.ID, ""); idproof.ErrorCode(err) != idproof.ENOTFOUND {
		t.Fatalf("another tenant's redaction: %v", err)
	}
	got, d, err := f.engine.Redact(ctx, f.license, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != idproof.StatusDeclined || d.Reason != proofing.ReasonRedacted || !d.Purged {
		t.Fatalf("status %s reason %s purged %v", got.Status, d.Reason, d.Purged)
	}
	want := []string{idproof.EventSessionCreated, idproof.EventSessionStarted, idproof.EventSessionDeclined, idproof.EventSessionRedacted}
	if got := eventTypes(t, f, s.ID); !equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// TestBiometricRetention: with a biometric retention shorter than the
// rest, the sweeper deletes the selfie (bucket and record) when it ends
// and keeps the document image until the session's own retention.
func TestBiometricRetention(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	bucket := withBucket(t, f)
	ctx := context.Background()
	s, err := f.engine.Create(ctx, f.license, proofing.CreateRequest{
		Connector:    json.RawMessage(`{"type":"sandbox"}`),
		Verification: json.RawMessage(`{"config":{"piiRetentionInMin":60,"biometricRetentionInMin":5}}`),
		SessionRequest: &proofing.SessionRequest{TenantDNS: f.creds.TenantDNS, CommunityName: f.creds.CommunityName,
			DocumentType: idproof.DocDriversLicense, User: idproof.SessionUser{UID: "bio"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, f, "start", s.ID)
	_, _, err = f.engine.Submit(ctx, s.ID, alice, []proofing.SideSubmission{
		{Side: proofing.SideFront, Images: []proofing.ImageInput{{Name: "document_front_image", Inline: pngPicture(t, 320, 200)},
			{Name: "document_front_face", Inline: pngPicture(t, 120, 160)}}},
		{Side: proofing.SideSelfie, Images: []proofing.ImageInput{{Name: "selfie_liveness_image", Inline: pngPicture(t, 240, 320)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.engine.Complete(ctx, s.ID, alice); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(4 * time.Minute)
	if face := resultFace(t, f, s.ID); face == "" {
		t.Fatal("the result leaves the portrait out before its retention ended")
	}
	f.sweep(t)
	if _, d := f.load(t, s.ID); d.Images["selfie_liveness_image"].Key == "" {
		t.Fatal("the selfie went before its retention ended")
	}
	f.clock.Advance(2 * time.Minute)
	// Due, not yet swept: the result already leaves the portrait out.
	if face := resultFace(t, f, s.ID); face != "" {
		t.Fatal("the result shows the document portrait after its retention ended")
	}
	f.sweep(t)
	_, d := f.load(t, s.ID)
	if _, ok := d.Images["selfie_liveness_image"]; ok {
		t.Fatal("the selfie is still in the record")
	}
	if _, ok := d.Images["document_front_image"]; !ok || d.Purged {
		t.Fatal("the document image went with the selfie")
	}
	if r := proofing.RedactionStatus(d); r.Status != proofing.RedactionBiometric {
		t.Fatalf("redaction status %+v", r)
	}
	keys, err := bucket.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if proofing.Biometric(baseName(k)) {
			t.Fatalf("biometric object left: %s", k)
		}
	}
	if len(keys) != 1 {
		t.Fatalf("objects %v, want the document image only", keys)
	}
	f.clock.Advance(time.Hour)
	f.sweep(t)
	if _, d := f.load(t, s.ID); !d.Purged {
		t.Fatal("the session's own retention did not purge it")
	}
	if keys, _ := bucket.List(ctx, ""); len(keys) != 0 {
		t.Fatalf("objects left after retention: %v", keys)
	}
}

// TestBiometricRetentionBounds: biometric data cannot be kept longer than
// the rest.
func TestBiometricRetentionBounds(t *testing.T) {
	_, err := proofing.ParseSettings(json.RawMessage(`{"config":{"piiRetentionInMin":10,"biometricRetentionInMin":20}}`))
	wantCode(t, err, idproof.EINVALID, "biometricRetentionInMin")
	s, err := proofing.ParseSettings(json.RawMessage(`{"config":{"piiRetentionInMin":10}}`))
	if err != nil || s.BiometricRetentionMin == nil || *s.BiometricRetentionMin != 10 {
		t.Fatalf("default biometric retention: %v %v", s.BiometricRetentionMin, err)
	}
}

func baseName(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			key = key[i+1:]
			break
		}
	}
	for i := range len(key) {
		if key[i] == '.' {
			return key[:i]
		}
	}
	return key
}

func (f *fixture) sweep(t *testing.T) {
	t.Helper()
	if _, err := f.engine.Sweep(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) load(t *testing.T, id string) (*idproof.Session, *proofing.Data) {
	t.Helper()
	s, d, err := f.engine.Session(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

// resultFace is the document portrait a v3 result shows, "" for none.
func resultFace(t *testing.T, f *fixture, id string) string {
	t.Helper()
	out, err := f.engine.Result(context.Background(), f.license, id, proofing.ResultOptions{V3: true, AlwaysReturnAssets: true})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := out["document"].(map[string]any)
	face, _ := doc["face"].(string)
	return face
}

// failingList is a bucket whose listing fails, as an unreachable one does.
type failingList struct{ idproof.BlobStore }

func (failingList) List(context.Context, string) ([]string, error) {
	return nil, errors.New("bucket unreachable")
}

// TestRedactBucketDown: when the images cannot be deleted, nothing is
// marked redacted and the caller is told to try again; once the bucket
// answers, the redaction goes through.
func TestRedactBucketDown(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	bucket := withBucket(t, f)
	ctx := context.Background()
	id := completedWithPersonalData(t, f)
	f.engine.Blobs = func(context.Context, string, string) (idproof.BlobStore, error) { return failingList{bucket}, nil }
	_, _, err := f.engine.Redact(ctx, f.license, id, "")
	wantCode(t, err, idproof.EUNAVAILABLE, "try again")
	if _, d := f.load(t, id); d.Purged || d.Extracted == nil {
		t.Fatal("the session was marked redacted with its images still in the bucket")
	}
	f.engine.Blobs = func(context.Context, string, string) (idproof.BlobStore, error) { return bucket, nil }
	if _, d, err := f.engine.Redact(ctx, f.license, id, ""); err != nil || !d.Purged {
		t.Fatalf("redaction once the bucket answers: %v", err)
	}
}
