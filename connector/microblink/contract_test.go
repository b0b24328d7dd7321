package microblink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/microblink"
	mbt "github.com/idproof/idproof/connector/microblink/microblinktest"
	"github.com/idproof/idproof/netguard"
	"github.com/idproof/idproof/proofing"
)

var (
	docChecks = []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}
	allChecks = proofing.KnownChecks
	front     = []byte("\xff\xd8\xff front image")
	back      = []byte("\xff\xd8\xff back image")
	barcode   = []byte("\x89PNG barcode image")
)

const sessionID = "3f2c6a1e-session"

// build makes a connector to srv from connector.config fields merged over
// working defaults, and an optional verification.config.
func build(t *testing.T, srv *mbt.Server, fields map[string]any, verification string) *microblink.Connector {
	t.Helper()
	cfg := map[string]any{
		"clientId": mbt.ClientID, "clientSecret": mbt.ClientSecret,
		"verifierUrlV2": srv.URLV2(), "verifierUrl": srv.URLV1(), "timeoutSeconds": 10,
	}
	for k, v := range fields {
		cfg[k] = v
	}
	raw, _ := json.Marshal(cfg)
	c, err := microblink.New(connector.Config{
		Connector: raw, Verification: json.RawMessage(verification), AllowPrivate: true,
		HTTP: netguard.Client(netguard.Options{AllowPrivate: true, Timeout: 10 * time.Second}),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func evidence(checks []string) idproof.Evidence {
	return idproof.Evidence{
		SessionID: sessionID, DocumentType: idproof.DocDriversLicense, Checks: checks, Attempt: 1,
		Images: map[string][]byte{"document_front_image": front, "document_back_image": back, "document_back_imageBarcode": barcode},
	}
}

// outcome applies the engine's rule: a connector error makes every check
// NOT_PERFORMED; otherwise the checks and the review flag decide.
func outcome(v *idproof.Verdict, err error) idproof.Outcome {
	if err != nil {
		return idproof.OutcomeNotPerformed
	}
	o, _, _ := proofing.DeriveOutcome(v.Checks, v.Review, false)
	return o
}

func lookup(v *idproof.Verdict, name string) (idproof.Check, bool) {
	for _, c := range v.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return idproof.Check{}, false
}

func find(t *testing.T, v *idproof.Verdict, name string) idproof.Check {
	t.Helper()
	c, ok := lookup(v, name)
	if !ok {
		t.Fatalf("no check %s in %+v", name, v.Checks)
	}
	return c
}

type scenario struct {
	name    string
	sc      mbt.Scenario
	v1      bool
	wantErr string          // a part of the error, "" for a verdict
	docOnly idproof.Outcome // outcome with document checks only
	all     idproof.Outcome // outcome with every known check
	check   func(*testing.T, *idproof.Verdict)
}

var scenarios = []scenario{
	{name: "v2 accept", sc: mbt.Accept, docOnly: idproof.OutcomePass, all: idproof.OutcomeNotPerformed,
		check: func(t *testing.T, v *idproof.Verdict) {
			if c, ok := lookup(v, "selfie_liveness"); ok && (c.Result != idproof.CheckNotPerformed || c.Reason != "IDV0022") {
				t.Errorf("selfie_liveness = %+v", c)
			}
			if c := find(t, v, "microblink.VisualCheck"); c.Result != idproof.CheckPass {
				t.Errorf("vendor check = %+v", c)
			}
			if c := find(t, v, "fraud_detection"); !strings.Contains(c.Message, "I001: All checks completed") {
				t.Errorf("vendor messages not kept: %q", c.Message)
			}
		}},
	{name: "v2 accept without liveness", sc: mbt.AcceptLivenessNotDone, docOnly: idproof.OutcomeNotPerformed, all: idproof.OutcomeNotPerformed,
		check: func(t *testing.T, v *idproof.Verdict) {
			if c := find(t, v, "document_liveness_front"); c.Result != idproof.CheckNotPerformed || c.Reason != "IDV0021" {
				t.Errorf("document_liveness_front = %+v", c)
			}
		}},
	{name: "v2 reject", sc: mbt.Reject, docOnly: idproof.OutcomeFailed, all: idproof.OutcomeFailed,
		check: func(t *testing.T, v *idproof.Verdict) {
			c := find(t, v, "fraud_detection")
			if c.Result != idproof.CheckFail || c.Reason != "IDV0010" || !strings.Contains(c.Message, "VisualCheck.PhotoForgeryCheck") ||
				!strings.Contains(c.Message, "ExtractedDataCheck.LogicCheck") {
				t.Errorf("fraud_detection = %+v", c)
			}
			if v.Retryable || v.Review {
				t.Errorf("retryable %v review %v", v.Retryable, v.Review)
			}
		}},
	{name: "v2 retry", sc: mbt.Retry, docOnly: idproof.OutcomeFailed, all: idproof.OutcomeFailed,
		check: func(t *testing.T, v *idproof.Verdict) {
			if !v.Retryable {
				t.Error("Retry is not retryable")
			}
			if c := find(t, v, "document_liveness_front"); !strings.Contains(c.Message, "W005") {
				t.Errorf("W005 not kept: %q", c.Message)
			}
		}},
	{name: "v2 manually review", sc: mbt.ManuallyReview, docOnly: idproof.OutcomeReview, all: idproof.OutcomeReview,
		check: func(t *testing.T, v *idproof.Verdict) {
			if c := find(t, v, "document_liveness_front"); c.Result != idproof.CheckPass {
				t.Errorf("liveness passed at the vendor but = %+v", c)
			}
			if c := find(t, v, "fraud_detection"); c.Result != idproof.CheckNotPerformed || c.Reason != "IDV0023" {
				t.Errorf("fraud_detection = %+v", c)
			}
			if c := find(t, v, "microblink.VisualCheck"); c.Result != idproof.CheckNotPerformed || !strings.Contains(c.Message, "Fail") {
				t.Errorf("failed vendor check under review = %+v", c)
			}
		}},
	{name: "v2 undeterminable", sc: mbt.Undeterminable, docOnly: idproof.OutcomeReview, all: idproof.OutcomeReview},
	{name: "v2 not completed", sc: mbt.NotCompleted, wantErr: "processingStatus"},
	{name: "v2 unknown outcome", sc: mbt.UnknownOutcome, wantErr: "unknown recommendedOutcome"},
	{name: "v2 missing outcome", sc: mbt.MissingOutcome, wantErr: "recommendedOutcome"},
	{name: "v2 wrong shape", sc: mbt.WrongShape, wantErr: "malformed"},
	{name: "401", sc: mbt.Unauthorized, wantErr: "credentials were refused (HTTP 401)"},
	{name: "403", sc: mbt.Forbidden, wantErr: "HTTP 403"},
	{name: "500", sc: mbt.ServerError, wantErr: "HTTP 500: INTERNAL_ERROR"},
	{name: "timeout", sc: mbt.Slow, wantErr: "no answer within 1s"},
	{name: "malformed JSON", sc: mbt.Malformed, wantErr: "not valid JSON"},
	{name: "empty body", sc: mbt.Empty, wantErr: "empty"},
	{name: "oversized body", sc: mbt.Oversized, wantErr: "larger than"},
	{name: "v1 pass", sc: mbt.Accept, v1: true, docOnly: idproof.OutcomePass, all: idproof.OutcomeNotPerformed},
	{name: "v1 fail", sc: mbt.Reject, v1: true, docOnly: idproof.OutcomeFailed, all: idproof.OutcomeFailed,
		check: func(t *testing.T, v *idproof.Verdict) {
			if c := find(t, v, "fraud_detection"); !strings.Contains(c.Message, "visualCheck.photoForgeryCheck") ||
				!strings.Contains(c.Message, "dataCheck.matchCheck.firstNameMatch") {
				t.Errorf("failed v1 checks not named: %q", c.Message)
			}
			if c := find(t, v, "microblink.visualCheck"); c.Result != idproof.CheckFail {
				t.Errorf("visualCheck = %+v", c)
			}
		}},
	{name: "v1 not performed, blurred", sc: mbt.Undeterminable, v1: true, docOnly: idproof.OutcomeFailed, all: idproof.OutcomeFailed,
		check: func(t *testing.T, v *idproof.Verdict) {
			if !v.Retryable {
				t.Error("a blurred v1 image is not retryable")
			}
		}},
	{name: "v1 not completed", sc: mbt.NotCompleted, v1: true, wantErr: "processingStatus"},
	{name: "v1 missing result", sc: mbt.V1MissingOverallResult, v1: true, wantErr: "overallFraudCheck.result.result"},
	{name: "v1 wrong shape", sc: mbt.WrongShape, v1: true, wantErr: "malformed"},
	{name: "v1 500", sc: mbt.ServerError, v1: true, wantErr: "HTTP 500"},
	{name: "v1 timeout", sc: mbt.Slow, v1: true, wantErr: "no answer within"},
}

// TestContract runs every scenario against the fake with document checks
// only and with every check, and holds the result to the engine's rule:
// only a v2 Accept or v1 PASS, with document checks only, passes.
func TestContract(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	for _, s := range scenarios {
		for _, checks := range [][]string{docChecks, allChecks} {
			srv.SetScenario(s.sc)
			fields := map[string]any{"useV1BlinkIdVerify": s.v1}
			if s.sc == mbt.Slow {
				fields["timeoutSeconds"] = 1 // the fake waits 5 s
			}
			c := build(t, srv, fields, "")
			before := len(srv.Requests())
			v, err := c.Verify(context.Background(), evidence(checks))
			got := outcome(v, err)
			label := s.name + " / " + strings.Join(checks, ",")
			if s.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), s.wantErr) || v != nil {
					t.Errorf("%s: got verdict %+v, error %v; want an error containing %q", label, v, err, s.wantErr)
				}
			} else if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			if got == idproof.OutcomePass && !(s.sc == mbt.Accept && len(checks) == len(docChecks)) {
				t.Errorf("%s: passed", label)
			}
			if s.wantErr == "" {
				want := s.all
				if len(checks) == len(docChecks) {
					want = s.docOnly
				}
				if got != want {
					t.Errorf("%s: outcome %s, want %s; checks %+v", label, got, want, v.Checks)
				}
				if s.check != nil {
					s.check(t, v)
				}
				if !json.Valid(v.Raw) || len(v.Raw) == 0 {
					t.Errorf("%s: raw response not kept", label)
				}
			}
			reqs := srv.Requests()
			if len(reqs) != before+1 && s.sc != mbt.Unauthorized {
				t.Fatalf("%s: the fake accepted %d requests, want 1; problems: %v", label, len(reqs)-before, srv.Problems())
			}
			if s.sc != mbt.Unauthorized {
				checkRequest(t, label, reqs[len(reqs)-1], s.v1)
			}
		}
	}
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("the fake refused requests: %v", p)
	}
}

// checkRequest holds a request to what the connector must send.
func checkRequest(t *testing.T, label string, r mbt.Request, v1 bool) {
	t.Helper()
	wantVersion := 2
	if v1 {
		wantVersion = 1
	}
	if r.Version != wantVersion {
		t.Errorf("%s: sent to v%d, want v%d", label, r.Version, wantVersion)
	}
	if !bytes.Equal(r.Front.Data, front) || r.Back == nil || !bytes.Equal(r.Back.Data, back) ||
		r.Barcode == nil || !bytes.Equal(r.Barcode.Data, barcode) {
		t.Errorf("%s: images not sent intact: %+v", label, r)
	}
	if r.TraceID != sessionID || (!v1 && r.CaptureSessionID != sessionID) {
		t.Errorf("%s: traceId %q captureSessionId %q, want %q", label, r.TraceID, r.CaptureSessionID, sessionID)
	}
}
