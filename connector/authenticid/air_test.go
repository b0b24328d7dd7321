package authenticid

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof"
)

var docChecks = []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}

func evidence(t *testing.T, docType string, back bool) idproof.Evidence {
	ev := idproof.Evidence{
		SessionID: "sess-1", DocumentType: docType, Checks: docChecks, Attempt: 1,
		Images: map[string][]byte{"document_front_image": pngImage(t, 40)},
	}
	if back {
		ev.Images["document_back_image"] = pngImage(t, 90)
	}
	return ev
}

// errHints are what some errors must say, so each case fails for the
// reason it sets up.
var errHints = map[string]string{
	"timeout": "no answer in time", "401": "credentials refused", "403": "credentials refused", "500": "HTTP 500",
	"malformed JSON": "not a JSON object", "empty body": "empty response", "JSON array": "not a JSON object",
	"error codes": "E100", "unknown result": "unknown authentication result", "no action code": "no action code",
}

// TestVerifyContract runs every vendor answer through Verify and the
// engine's outcome rule: only the pass answers may end COMPLETED_PASS, and
// answers that cannot be understood must be errors.
func TestVerifyContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		reply     http.HandlerFunc
		want      idproof.Outcome // "" when Verify must fail
		retryable bool
	}{
		{"pass", reply(200, airBody(99, "Passed", "")), idproof.OutcomePass, false},
		{"pass by segment", reply(200, airBody(99, "", "Verified")), idproof.OutcomePass, false},
		{"fail", reply(200, airBody(99, "Failed", "Verified")), idproof.OutcomeFailed, false},
		{"fraud segment", reply(200, airBody(99, "", "Fraud")), idproof.OutcomeFailed, false},
		{"review", reply(200, airBody(99, "Attention", "")), idproof.OutcomeReview, false},
		{"retry: rescan action code", reply(200, airBody(7, "Passed", "")), idproof.OutcomeFailed, true},
		{"retry: rescan code, no word", reply(200, airBody(7, "", "")), idproof.OutcomeFailed, true},
		{"rescan code but fraud", reply(200, airBody(7, "", "Fraud")), idproof.OutcomeFailed, false},
		{"unknown result", reply(200, airBody(99, "Unknown", "")), "", false},
		{"no result word", reply(200, airBody(99, "", "")), "", false},
		{"account segment name", reply(200, airBody(99, "", "Tier 2")), "", false},
		{"no action code", reply(200, `{"AuthenticationResult":"Passed"}`), "", false},
		{"null action code", reply(200, `{"AuthenticationResult":"Passed","ActionCodes":{"code":null}}`), "", false},
		{"error codes", reply(200, strings.Replace(airBody(99, "Passed", ""), `"ErrorCodes": {}`, `"ErrorCodes": {"E100": "image unreadable"}`, 1)), "", false},
		{"401", reply(401, `{"message":"bad key"}`), "", false},
		{"403", reply(403, ``), "", false},
		{"500", reply(500, `{"message":"boom"}`), "", false},
		{"503 html", reply(503, `<html>down</html>`), "", false},
		{"timeout", stall, "", false},
		{"malformed JSON", reply(200, `{"AuthenticationResult":"Passed","ActionCodes":{"code":99`), "", false},
		{"empty body", reply(200, ``), "", false},
		{"JSON array", reply(200, `[{"AuthenticationResult":"Passed"}]`), "", false},
		{"wrong field type", reply(200, `{"AuthenticationResult":true,"ActionCodes":{"code":99}}`), "", false},
		{"non-numeric action code", reply(200, `{"AuthenticationResult":"Passed","ActionCodes":{"code":"ok"}}`), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := &airFake{t: t, wantBack: true, wantDocType: "00", wantReqID: "sess-1", reply: tc.reply}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			conf := airConfig(srv.URL)
			conf["timeoutSeconds"] = 10
			if tc.name == "timeout" {
				conf["timeoutSeconds"] = 0.3 // the fake stalls longer than this
			}
			c := mustBuild(t, conf, verification(nil))
			v, err := c.Verify(context.Background(), evidence(t, idproof.DocDriversLicense, true))
			if fake.calls.Load() != 1 {
				t.Fatalf("%d calls to CFAir, want 1", fake.calls.Load())
			}
			if tc.want == "" {
				if err == nil || v != nil {
					t.Fatalf("Verify = %+v, %v; want an error", v, err)
				}
				if hint := errHints[tc.name]; !strings.Contains(err.Error(), hint) {
					t.Errorf("error %q does not say %q", err, hint)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got := outcome(v)
			if got != tc.want {
				t.Fatalf("outcome %s, want %s (checks %+v)", got, tc.want, v.Checks)
			}
			if got == idproof.OutcomePass && !strings.HasPrefix(tc.name, "pass") {
				t.Fatal("a non-pass answer passed")
			}
			if v.Retryable != tc.retryable {
				t.Errorf("Retryable = %v, want %v", v.Retryable, tc.retryable)
			}
			if len(v.Checks) != len(docChecks) {
				t.Errorf("%d checks, want %d", len(v.Checks), len(docChecks))
			}
			if !strings.Contains(string(v.Raw), "VendorFutureField") || !strings.Contains(string(v.Raw), "DQL_Materials_Replica_Result") {
				t.Error("Raw lost fields of the vendor's answer")
			}
		})
	}
}

func TestVerifyDocumentData(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&airFake{t: t, wantBack: true, wantDocType: "00", wantReqID: "sess-1", reply: reply(200, airBody(99, "Passed", ""))})
	defer srv.Close()
	v, err := mustBuild(t, airConfig(srv.URL), verification(nil)).Verify(context.Background(), evidence(t, idproof.DocDriversLicense, true))
	if err != nil {
		t.Fatal(err)
	}
	want := idproof.DocumentData{
		DocumentType: idproof.DocDriversLicense, DocumentID: "D1234567", FirstName: "JANE", MiddleName: "Q", LastName: "DOE",
		FullName: "JANE Q DOE", DOB: "1987-05-21", DOE: "2030-06-09", DOI: "", Gender: "F", Country: "USA", State: "CA",
		Address: "1 MAIN ST, SACRAMENTO, CA, 95814",
	}
	if diff := cmp.Diff(want, v.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
}

func TestVerifyChecksAndHeaders(t *testing.T) {
	t.Parallel()
	pass := reply(200, airBody(99, "Passed", ""))
	t.Run("passport without back, header 11, retry id", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(&airFake{t: t, wantBack: false, wantDocType: "11", wantReqID: "sess-1-2", reply: pass})
		defer srv.Close()
		ev := evidence(t, idproof.DocPassport, false)
		ev.Attempt, ev.Checks = 2, []string{"document_liveness_front", "fraud_detection"}
		v, err := mustBuild(t, airConfig(srv.URL), verification(nil)).Verify(context.Background(), ev)
		if err != nil || outcome(v) != idproof.OutcomePass {
			t.Fatalf("Verify = %+v, %v", v, err)
		}
	})
	t.Run("configured document type", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(&airFake{t: t, wantBack: true, wantDocType: "01", wantReqID: "sess-1", reply: pass})
		defer srv.Close()
		v, err := mustBuild(t, airConfig(srv.URL), verification(map[string]any{"document_type": "01"})).Verify(context.Background(), evidence(t, idproof.DocDriversLicense, true))
		if err != nil || outcome(v) != idproof.OutcomePass {
			t.Fatalf("Verify = %+v, %v", v, err)
		}
	})
	t.Run("back check without back image", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(&airFake{t: t, wantBack: false, wantDocType: "00", wantReqID: "sess-1", reply: pass})
		defer srv.Close()
		v, err := mustBuild(t, airConfig(srv.URL), verification(nil)).Verify(context.Background(), evidence(t, idproof.DocDriversLicense, false))
		if err != nil {
			t.Fatal(err)
		}
		if got := checkReasons(v); got["document_liveness_back"] != "NOT_PERFORMED/IDV0016" || outcome(v) == idproof.OutcomePass {
			t.Errorf("checks %v, outcome %s", got, outcome(v))
		}
	})
	t.Run("selfie checks are not available", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(&airFake{t: t, wantBack: true, wantDocType: "00", wantReqID: "sess-1", reply: pass})
		defer srv.Close()
		ev := evidence(t, idproof.DocDriversLicense, true)
		ev.Images["selfie_liveness_image"] = pngImage(t, 10)
		ev.Checks = append(ev.Checks, "selfie_liveness", "face_compare")
		v, err := mustBuild(t, airConfig(srv.URL), verification(nil)).Verify(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"document_liveness_front": "PASS/", "document_liveness_back": "PASS/", "fraud_detection": "PASS/",
			"selfie_liveness": "NOT_PERFORMED/IDV0022", "face_compare": "NOT_PERFORMED/IDV0022"}
		if diff := cmp.Diff(want, checkReasons(v)); diff != "" || outcome(v) != idproof.OutcomeNotPerformed {
			t.Errorf("outcome %s, checks (-want +got):\n%s", outcome(v), diff)
		}
	})
	t.Run("no front image: no call", func(t *testing.T) {
		t.Parallel()
		fake := &airFake{t: t, reply: pass}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		ev := evidence(t, idproof.DocDriversLicense, true)
		delete(ev.Images, "document_front_image")
		v, err := mustBuild(t, airConfig(srv.URL), verification(nil)).Verify(context.Background(), ev)
		if err != nil || fake.calls.Load() != 0 {
			t.Fatalf("Verify = %v, %d calls", err, fake.calls.Load())
		}
		for _, c := range v.Checks {
			if c.Result != idproof.CheckNotPerformed || c.Reason != "IDV0016" {
				t.Errorf("check %+v", c)
			}
		}
	})
}

func checkReasons(v *idproof.Verdict) map[string]string {
	out := map[string]string{}
	for _, c := range v.Checks {
		out[c.Name] = string(c.Result) + "/" + c.Reason
	}
	return out
}

func TestNormDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"21/May/1987": "1987-05-21", "1987-05-21": "1987-05-21", "19870521": "1987-05-21", "09-JUN-2028": "2028-06-09",
		"2028-06-09T00:00:00Z": "2028-06-09", "05/06/1987": "", "": "", "garbage": "", "00010101": "",
	} {
		if got := normDate(in); got != want {
			t.Errorf("normDate(%q) = %q, want %q", in, got, want)
		}
	}
}
