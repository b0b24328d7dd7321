package proofing_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// completeAs runs a sandbox session for uid to its end and returns its id.
func completeAs(t *testing.T, f *fixture, uid string) string {
	t.Helper()
	ctx := proofing.WithCaller(context.Background(), proofing.Caller{Who: "user:abc", IP: "192.0.2.7"})
	s := f.create(t, uid)
	if _, _, err := f.engine.Start(ctx, s.ID, alice); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.engine.Submit(ctx, s.ID, alice, []proofing.SideSubmission{{Side: proofing.SideFront,
		Images: []proofing.ImageInput{{Name: "document_front_image", Inline: pngPicture(t, 320, 200)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.engine.Complete(ctx, s.ID, alice); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// proofClaims decodes the payload of a compact JWS without checking it
// (the signing package's tests check signatures).
func proofClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func eventTypes(t *testing.T, f *fixture, id string) []string {
	t.Helper()
	evs, err := f.store.WebhookEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func countEvents(t *testing.T, f *fixture, id, typ string) int {
	n := 0
	for _, e := range eventTypes(t, f, id) {
		if e == typ {
			n++
		}
	}
	return n
}

func equal(a, b []string) bool { return slices.Equal(a, b) }

// TestReview: a session the connector sent to review is approved or
// rejected once, by a license that sees it, with a reason; the decision
// changes the outcome, is in the history and the trail, makes a new
// proof, and sends session.reviewed then session.completed.
func TestReview(t *testing.T) {
	for _, tc := range []struct {
		decision string
		outcome  idproof.Outcome
		reason   string
	}{
		{"approve", idproof.OutcomePass, ""},
		{"REJECT", idproof.OutcomeFailed, proofing.ReasonReviewRejected},
	} {
		t.Run(tc.decision, func(t *testing.T) {
			f := newFixture(t, sqliteStore(t))
			withBucket(t, f)
			ctx := proofing.WithCaller(context.Background(), proofing.Caller{Who: "license:reviewer", IP: "198.51.100.4"})
			id := completeAs(t, f, "sandbox-review")
			s, d := f.load(t, id)
			if s.Outcome != idproof.OutcomeReview {
				t.Fatalf("outcome %s, want REVIEW", s.Outcome)
			}
			before := d.ProofJWT

			_, _, err := f.engine.Review(ctx, f.license, id, tc.decision, "")
			wantCode(t, err, idproof.EINVALID, "reason is required")
			_, _, err = f.engine.Review(ctx, f.license, id, "maybe", "x")
			wantCode(t, err, idproof.EINVALID, "APPROVE or REJECT")
			other := &idproof.License{ID: "other", TenantID: idproof.NewObjectID(), AuthLevel: idproof.AuthService}
			_, _, err = f.engine.Review(ctx, other, id, tc.decision, "looks fine")
			wantCode(t, err, idproof.ENOTFOUND, "not found")

			f.clock.Advance(time.Minute)
			s, d, err = f.engine.Review(ctx, f.license, id, tc.decision, "portrait checked by hand")
			if err != nil {
				t.Fatal(err)
			}
			if s.Outcome != tc.outcome || d.Reason != tc.reason || d.Review == nil || d.Review.Reviewer != "license:reviewer" ||
				d.Review.Previous != idproof.OutcomeReview {
				t.Fatalf("after review: outcome %s reason %q review %+v", s.Outcome, d.Reason, d.Review)
			}
			if d.ProofJWT == before {
				t.Fatal("the proof was not made again")
			}
			if c := proofClaims(t, d.ProofJWT); c["resultStatus"] != string(tc.outcome) || c["auditHead"] != d.AuditHead {
				t.Fatalf("proof claims %v, want resultStatus %s and auditHead %s", c, tc.outcome, d.AuditHead)
			}
			if last := d.History[len(d.History)-1]; !strings.HasPrefix(last.Activity, "REVIEW_") {
				t.Fatalf("last history entry %+v", last)
			}
			types := eventTypes(t, f, id)
			if !equal(types[len(types)-3:], []string{idproof.EventSessionReview, idproof.EventSessionReviewed, idproof.EventSessionCompleted}) {
				t.Fatalf("events %v", types)
			}
			_, _, err = f.engine.Review(ctx, f.license, id, tc.decision, "again")
			wantCode(t, err, idproof.ECONFLICT, "reviewed already")
		})
	}
}

// TestReviewOnlyForReview: a session that did not end in REVIEW cannot be
// reviewed.
func TestReviewOnlyForReview(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	withBucket(t, f)
	id := completeAs(t, f, "alice")
	_, _, err := f.engine.Review(context.Background(), f.license, id, "APPROVE", "why not")
	wantCode(t, err, idproof.EINVALID, "COMPLETED with the outcome COMPLETED_PASS")
	pending := f.create(t, "bob")
	_, _, err = f.engine.Review(context.Background(), f.license, pending.ID, "APPROVE", "why not")
	wantCode(t, err, idproof.EINVALID, "PENDING")
}
