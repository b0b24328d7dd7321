package authenticid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof"
)

// webFake is a CFWeb server: it checks the login body, the Bearer jwt and
// the verify body, and answers each call with the scenario's reply.
type webFake struct {
	t                    *testing.T
	login, verify, state http.HandlerFunc
}

func (f *webFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var problem string
	var next http.HandlerFunc
	switch r.URL.Path {
	case "/api/login":
		var in map[string]string
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&in) != nil {
			problem = "login is not a POST of JSON"
		} else if in["username"] != testUser || in["password"] != testPassword {
			reply(401, `{"message":"invalid credentials"}`)(w, r)
			return
		}
		next = f.login
	case "/api/verify":
		problem = checkVerify(r)
		next = f.verify
	case "/api/status":
		if r.Method != http.MethodGet || r.URL.Query().Get("requestID") != "req-1" {
			problem = fmt.Sprintf("status: %s %s", r.Method, r.URL.RawQuery)
		}
		next = f.state
	default:
		problem = "unexpected path " + r.URL.Path
	}
	if problem == "" && r.URL.Path != "/api/login" && r.Header.Get("Authorization") != "Bearer "+testJWT {
		problem = "Authorization is " + r.Header.Get("Authorization")
	}
	if problem != "" {
		f.t.Errorf("CFWeb request: %s", problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	next(w, r)
}

func checkVerify(r *http.Request) string {
	var in map[string]json.RawMessage
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
		return "verify is not a POST of a JSON object"
	}
	want := map[string]string{
		"channel":              `"URL"`,
		"channelConfiguration": `{"enableSelfieCapture":true,"requestExpiryTimeInMin":60}`,
		"channelResponse":      `["DQL_Final_FirstName_Result","DQL_Final_Surname_Result","ImageFront"]`,
		"transactionDetails":   `{"accountCode":"9999"}`,
		"postbackURL":          `"https://idproof.example.com/postback"`,
		"redirectURL":          `"https://idproof.example.com/done"`,
	}
	for k, v := range want {
		if string(in[k]) != v {
			return fmt.Sprintf("verify %s = %s, want %s", k, in[k], v)
		}
	}
	return ""
}

// statusBody is a status answer shaped like the vendor's example, with one
// transaction and fields this code does not know.
func statusBody(request, txStatus, segment, codes, failList string) string {
	return fmt.Sprintf(`{"requestID": "req-1", "requestStatus": %q, "uid": "u-1", "transactions": [
	{"transactionID": "old", "transactionStatus": "FAILED", "sequenceNumber": 0},
	{"transactionID": "T-1", "transactionStatus": %q, "transactionSubStatus": "COMPLETED", "sequenceNumber": 1,
	 "segmentName": %q, "statusColor": "color:#FFFFFF;background:#008000;", "actionCodes": %s,
	 "pii": {"DQL_Final_FirstName_Result": "JOHN", "Surname": "DOE", "DQL_Final_DocumentNumber_Result": "234230432",
	         "DQL_Final_BirthDate_Result": "21/May/1987", "ExpirationDate": "09/Jun/2028",
	         "DQL_Classification_DocumentIssuerCountryCode": "ZAF", "imageSelfie": "aGVsbG8="},
	 "passIDEThreshold": [{"Category": "ALLOWABLE ID", "ScoreSegmentResult": "PASS", "IDESystemScore": 295}],
	 "failIDEThreshold": %s}]}`, request, txStatus, segment, codes, failList)
}

const code99 = `{"code": 99, "actionMessage": "Please click to Continue.", "cat": "Environment"}`

func newWeb(t *testing.T, f *webFake) *Connector {
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	conf := webConfig("https://air.example.com", srv.URL)
	conf["timeoutSeconds"] = 5
	return mustBuild(t, conf, verification(nil))
}

func TestWebLogin(t *testing.T) {
	t.Parallel()
	ok := reply(200, `{"jwt":"`+testJWT+`"}`)
	c := newWeb(t, &webFake{login: ok})
	if jwt, err := c.Login(context.Background()); err != nil || jwt != testJWT {
		t.Fatalf("Login = %q, %v", jwt, err)
	}
	for name, h := range map[string]http.HandlerFunc{"500": reply(500, ``), "no jwt": reply(200, `{"token":"x"}`), "malformed": reply(200, `{"jwt":`), "empty": reply(200, ``)} {
		if jwt, err := newWeb(t, &webFake{login: h}).Login(context.Background()); err == nil {
			t.Errorf("%s: Login = %q, want an error", name, jwt)
		}
	}
	conf := webConfig("https://air.example.com", "http://unused")
	conf["cfweb_key"] = "wrong"
	f := &webFake{t: t, login: ok}
	srv := httptest.NewServer(f)
	defer srv.Close()
	conf["cfweb_url"] = srv.URL
	if _, err := mustBuild(t, conf, verification(nil)).Login(context.Background()); err == nil || !strings.Contains(err.Error(), "credentials refused") {
		t.Errorf("Login with a wrong password: %v", err)
	}
}

func TestWebStartVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newWeb(t, &webFake{verify: reply(200, `{"requestID":"req-1","url":"https://cfweb.example.com/MWA/index.html?token=t"}`)})
	id, u, err := c.StartVerification(ctx, testJWT, "https://idproof.example.com/postback", "https://idproof.example.com/done")
	if err != nil || id != "req-1" || u != "https://cfweb.example.com/MWA/index.html?token=t" {
		t.Fatalf("StartVerification = %q, %q, %v", id, u, err)
	}
	if _, _, err := c.StartVerification(ctx, "", "", ""); err == nil {
		t.Error("StartVerification without a jwt succeeded")
	}
	for name, h := range map[string]http.HandlerFunc{
		"500": reply(500, `{}`), "no url": reply(200, `{"requestID":"req-1"}`), "malformed": reply(200, `not json`),
		"script url": reply(200, `{"requestID":"req-1","url":"javascript:alert(1)"}`),
	} {
		if _, _, err := newWeb(t, &webFake{verify: h}).StartVerification(ctx, testJWT, "https://idproof.example.com/postback", "https://idproof.example.com/done"); err == nil {
			t.Errorf("%s: StartVerification succeeded", name)
		}
	}
}

// TestWebStatusContract fetches each scan-session state and maps it: only
// the completed-pass states may end COMPLETED_PASS.
func TestWebStatusContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		body      string
		want      idproof.Outcome // "" for an error, "pending" for ErrPending
		retryable bool
	}{
		{"pass: completed, verified", statusBody("SUCCESS", "COMPLETED", "Verified", code99, `[]`), idproof.OutcomePass, false},
		{"pass: completed, no segment", statusBody("SUCCESS", "COMPLETED", "", code99, `[]`), idproof.OutcomePass, false},
		{"completed, fraud segment", statusBody("SUCCESS", "COMPLETED", "Fraud", code99, `[]`), idproof.OutcomeFailed, false},
		{"completed, failed threshold", statusBody("SUCCESS", "COMPLETED", "Verified", code99, `[{"Name":"Already Expired","ScoreSegmentResult":"FAIL"}]`), idproof.OutcomeFailed, false},
		{"completed, review", statusBody("SUCCESS", "COMPLETED", "Review", code99, `[]`), idproof.OutcomeReview, false},
		{"completed, rescan code", statusBody("SUCCESS", "COMPLETED", "Verified", `{"code": 12, "actionMessage": "Rescan"}`, `[]`), idproof.OutcomeFailed, true},
		{"rescan code but failed threshold", statusBody("SUCCESS", "COMPLETED", "", `{"code": 12}`, `[{"ScoreSegmentResult":"FAIL"}]`), idproof.OutcomeFailed, false},
		{"failed", statusBody("FAILED", "FAILED", "", code99, `[]`), idproof.OutcomeFailed, false},
		{"expired transaction", statusBody("EXPIRED", "EXPIRED", "", code99, `[]`), idproof.OutcomeNotPerformed, false},
		{"expired request, nothing captured", `{"requestID":"req-1","requestStatus":"EXPIRED","transactions":[]}`, idproof.OutcomeNotPerformed, false},
		{"pending, no transaction", `{"requestID":"req-1","requestStatus":"INITIATED"}`, "pending", false},
		{"pending, capture under way", statusBody("IN_PROGRESS", "IN_PROGRESS", "", code99, `[]`), "pending", false},
		{"completed, no action code", statusBody("SUCCESS", "COMPLETED", "Verified", `null`, `[]`), "", false},
		{"completed, unknown segment", statusBody("SUCCESS", "COMPLETED", "Tier 2", code99, `[]`), "", false},
		{"malformed", `{"requestID":"req-1","transactions":[`, "", false},
		{"empty", ``, "", false},
		{"another request", `{"requestID":"req-2","requestStatus":"SUCCESS"}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newWeb(t, &webFake{state: reply(200, tc.body)})
			checks := []string{"document_liveness_front", "fraud_detection"}
			st, err := c.Status(context.Background(), testJWT, "req-1")
			var v *idproof.Verdict
			if err == nil {
				v, err = c.MapStatus(st, checks)
			}
			switch tc.want {
			case "":
				if err == nil || errors.Is(err, ErrPending) {
					t.Fatalf("got %+v, %v; want an error", v, err)
				}
				return
			case "pending":
				if !errors.Is(err, ErrPending) {
					t.Fatalf("got %+v, %v; want ErrPending", v, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := outcome(v); got != tc.want || (got == idproof.OutcomePass && !strings.HasPrefix(tc.name, "pass")) {
				t.Fatalf("outcome %s, want %s (checks %+v)", got, tc.want, v.Checks)
			}
			if v.Retryable != tc.retryable {
				t.Errorf("Retryable = %v", v.Retryable)
			}
			if string(v.Raw) != tc.body {
				t.Error("Raw is not the vendor's body")
			}
		})
	}
	t.Run("500", func(t *testing.T) {
		t.Parallel()
		if _, err := newWeb(t, &webFake{state: reply(500, ``)}).Status(context.Background(), testJWT, "req-1"); err == nil {
			t.Error("Status succeeded on HTTP 500")
		}
	})
}

func TestParsePostback(t *testing.T) {
	t.Parallel()
	c := mustBuild(t, webConfig("https://air.example.com", "https://cfweb.example.com"), verification(nil))
	st, err := ParsePostback([]byte(statusBody("SUCCESS", "COMPLETED", "Verified", code99, `[]`)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.MapStatus(st, []string{"document_liveness_front", "selfie_liveness"})
	if err != nil {
		t.Fatal(err)
	}
	want := idproof.DocumentData{DocumentID: "234230432", FirstName: "JOHN", LastName: "DOE", FullName: "JOHN DOE", DOB: "1987-05-21", DOE: "2028-06-09", Country: "ZAF"}
	if diff := cmp.Diff(want, v.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	if got := checkReasons(v); got["selfie_liveness"] != "NOT_PERFORMED/IDV0022" || outcome(v) == idproof.OutcomePass {
		t.Errorf("checks %v", got)
	}
	for _, body := range []string{``, `[]`, `{"requestStatus":"SUCCESS"}`, `{"requestID":`} {
		if _, err := ParsePostback([]byte(body)); err == nil {
			t.Errorf("ParsePostback(%q) succeeded", body)
		}
	}
	if _, err := c.MapStatus(nil, nil); err == nil {
		t.Error("MapStatus(nil) succeeded")
	}
}

func TestWebDisabled(t *testing.T) {
	t.Parallel()
	c := mustBuild(t, airConfig("https://air.example.com"), verification(nil))
	if _, err := c.Login(context.Background()); !errors.Is(err, ErrWebDisabled) {
		t.Errorf("Login = %v, want ErrWebDisabled", err)
	}
	if _, _, err := c.StartVerification(context.Background(), testJWT, "", ""); !errors.Is(err, ErrWebDisabled) {
		t.Errorf("StartVerification = %v, want ErrWebDisabled", err)
	}
}
