package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
)

func (e *env) sandboxDVC(t testing.TB) string {
	t.Helper()
	c, err := e.store.VerificationConfigByName(context.Background(), e.creds.TenantID, e.creds.CommunityID, admin.BootstrapSandboxName)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (e *env) sessionRequest(uid string) client.SessionRequest {
	return client.SessionRequest{TenantDNS: e.creds.TenantDNS, CommunityName: e.creds.CommunityName, DocumentType: "dl_object",
		User: &client.SessionUser{UID: uid, Firstname: "Ann", Lastname: "Lee-" + uid}, WorkflowMetadata: json.RawMessage(`{"workflowId":"wf-1"}`)}
}

// TestSessionEndToEnd drives sessions through the Go client, as a relying
// party and a browser would, on both stores.
func TestSessionEndToEnd(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) { sessionEndToEnd(t, newEnv(t, sk.open)) })
	}
}

func sessionEndToEnd(t *testing.T, e *env) {
	ctx := context.Background()
	rp := e.client(t, "service")
	dvc := e.sandboxDVC(t)

	// Create in all four forms.
	byDVC, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: dvc, SessionRequest: e.sessionRequest("u-dvc")})
	if err != nil {
		t.Fatal(err)
	}
	if byDVC.URL != "http://idproof.test/idproofing/session/"+byDVC.SessionID {
		t.Fatalf("url %s", byDVC.URL)
	}
	enveloped, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: dvc, SessionRequest: e.sessionRequest("u-env")}, client.Envelope())
	if err != nil {
		t.Fatal(err)
	}
	inline := client.CreateSessionRequest{Connector: json.RawMessage(`{"id":"c1","type":"sandbox","config":{}}`),
		Verification:   json.RawMessage(`{"id":"v1","tag":"t","config":{"maxRetries":1,"checks":["document_liveness_front","selfie_liveness"]}}`),
		SessionRequest: e.sessionRequest("sandbox-retry")}
	inl, err := rp.CreateSession(ctx, inline)
	if err != nil {
		t.Fatal(err)
	}
	inline.SessionRequest = e.sessionRequest("u-inline-env")
	if _, err := rp.CreateSession(ctx, inline, client.Envelope()); err != nil {
		t.Fatal(err)
	}
	_, err = rp.CreateSession(ctx, client.CreateSessionRequest{SessionRequest: e.sessionRequest("x")})
	wantAPIError(t, err, 400, "dvcID is required")

	// Pending: masked as INPROGRESS unless granular.
	res, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID}, false)
	if err != nil || res["responseStatus"] != "INPROGRESS" || res["id"] != byDVC.SessionID {
		t.Fatalf("pending masked: %v %v", res, err)
	}
	res, _ = rp.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID, GranularStatus: true}, false, client.Envelope())
	if res["responseStatus"] != "PENDING" {
		t.Fatalf("pending granular (enveloped): %v", res)
	}

	// The browser: start binds the session to its key.
	browser := e.client(t, "")
	start, err := browser.SessionCall(ctx, byDVC.SessionID, "start")
	if err != nil {
		t.Fatal(err)
	}
	data := start["data"].(map[string]any)
	if data["status"] != "INPROGRESS" || data["dvcID"] != dvc || len(data["history"].([]any)) != 2 {
		t.Fatalf("start: %v", data)
	}
	intruder := e.client(t, "")
	_, err = intruder.SessionCall(ctx, byDVC.SessionID, "")
	wantAPIError(t, err, 403, "bound")
	details, err := browser.SessionCall(ctx, byDVC.SessionID, "")
	if err != nil || details["workflowId"] != "wf-1" || details["selfieCaptureMode"] != "auto" {
		t.Fatalf("details: %v %v", details, err)
	}
	for _, ev := range []string{"E_IDV_INITIALIZATION", "E_IDV_USER_CONSENT", "E_IDV_DOCUMENTCAPTURE"} {
		if err := browser.SessionEvent(ctx, byDVC.SessionID, ev, "screen", "ok", ""); err != nil {
			t.Fatal(err)
		}
	}
	err = browser.SessionEvent(ctx, byDVC.SessionID, "bad name", "", "", "")
	wantAPIError(t, err, 400, "eventName")
	done, err := browser.SessionCall(ctx, byDVC.SessionID, "complete")
	if err != nil || done["completionStatus"] != "COMPLETED_PASS" {
		t.Fatalf("complete: %v %v", done, err)
	}
	_, err = browser.SessionCall(ctx, byDVC.SessionID, "complete")
	wantAPIError(t, err, 400, "COMPLETED")

	// Results: v1 plain, v3 enveloped, with metadata.
	v1, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID}, false)
	if err != nil || v1["responseStatus"] != "COMPLETED" || v1["resultStatus"] != "COMPLETED_PASS" || v1["sandbox"] != true {
		t.Fatalf("v1: %v %v", v1, err)
	}
	if dl, _ := v1["dl_object"].(map[string]any); dl["verified"] != true || dl["firstName"] != "Ann" {
		t.Fatalf("v1 dl_object: %v", v1["dl_object"])
	}
	v3, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID, IncludeMetadata: true}, true, client.Envelope())
	if err != nil || v3["sessionResult"] != "SUCCESS" || v3["metadata"] == nil {
		t.Fatalf("v3: %v %v", v3, err)
	}
	doc := v3["document"].(map[string]any)
	verifyProof(t, e, doc["proof_jwt"].(string), byDVC.SessionID)
	v3b, _ := rp.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID, APIVersion: "v3"}, false)
	if v3b["sessionResult"] != "SUCCESS" {
		t.Fatalf("apiVersion v3: %v", v3b)
	}

	// Retry up to maxRetries (1), then 400; then cancel completes as failed.
	b2 := e.client(t, "")
	if _, err := b2.SessionCall(ctx, inl.SessionID, "start"); err != nil {
		t.Fatal(err)
	}
	val, err := b2.SessionCall(ctx, inl.SessionID, "validate")
	if err != nil || val["validation"].(map[string]any)["resultStatus"] != "COMPLETED_FAILED" {
		t.Fatalf("validate: %v %v", val, err)
	}
	if r, err := b2.SessionCall(ctx, inl.SessionID, "retry"); err != nil || r["retriesLeft"] != float64(0) {
		t.Fatalf("retry: %v %v", r, err)
	}
	if _, err := b2.SessionCall(ctx, inl.SessionID, "validate"); err != nil {
		t.Fatal(err)
	}
	_, err = b2.SessionCall(ctx, inl.SessionID, "retry")
	wantAPIError(t, err, 400, "retries are used")
	if r, err := b2.SessionCall(ctx, inl.SessionID, "retry/cancel"); err != nil || r["completionStatus"] != "COMPLETED_FAILED" {
		t.Fatalf("retry/cancel: %v %v", r, err)
	}
	failed, _ := rp.SessionResult(ctx, client.ResultRequest{SessionID: inl.SessionID}, true)
	if failed["sessionResult"] != "FAILED" || failed["errorInfo"].(map[string]any)["reason_code"] != "IDV0033" {
		t.Fatalf("failed v3: %v", failed)
	}

	// Decline.
	b3 := e.client(t, "")
	if d, err := b3.SessionCall(ctx, enveloped.SessionID, "decline"); err != nil || d["status"] != "DECLINED" {
		t.Fatalf("decline: %v %v", d, err)
	}
	_, err = b3.SessionCall(ctx, enveloped.SessionID, "start")
	wantAPIError(t, err, 400, "DECLINED")

	// Another tenant's license sees nothing.
	other := e.otherTenantClient(t)
	_, err = other.SessionResult(ctx, client.ResultRequest{SessionID: byDVC.SessionID}, false)
	wantAPIError(t, err, 404, "not found")
	_, err = other.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, client.SessionQuery{}, 0, 10)
	wantAPIError(t, err, 404, "not found")
	_, err = other.CreateSession(ctx, client.CreateSessionRequest{DVCID: dvc, SessionRequest: e.sessionRequest("x")})
	wantAPIError(t, err, 404, "not found")

	fetchFilters(t, e, rp, byDVC.SessionID, dvc)

	// Expiry: an hour later every open session reads EXPIRED.
	open, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: dvc, SessionRequest: e.sessionRequest("late")})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(61 * time.Minute)
	exp, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: open.SessionID}, true)
	if err != nil || exp["sessionResult"] != "FAILED" || exp["errorInfo"].(map[string]any)["status"] != "EXPIRED" {
		t.Fatalf("expired: %v %v", exp, err)
	}
	_, err = e.client(t, "").SessionCall(ctx, open.SessionID, "start")
	wantAPIError(t, err, 400, "EXPIRED")
}

// fetchFilters checks every filter of POST /proofingsession/fetch.
func fetchFilters(t *testing.T, e *env, rp *client.Client, passedID, dvc string) {
	ctx := context.Background()
	today := e.clock.Now().Format("2006-01-02")
	cases := []struct {
		name string
		q    client.SessionQuery
		want int
	}{
		{"all", client.SessionQuery{}, 4},
		{"id", client.SessionQuery{ID: passedID}, 1},
		{"status", client.SessionQuery{Status: "COMPLETED"}, 2},
		{"status given an outcome", client.SessionQuery{Status: "COMPLETED_PASS"}, 1},
		{"overallRecommendation", client.SessionQuery{OverallRecommendation: "COMPLETED_FAILED"}, 1},
		{"documentType", client.SessionQuery{DocumentType: "dl_object"}, 4},
		{"other documentType", client.SessionQuery{DocumentType: "ppt_object"}, 0},
		{"name (whole, case-insensitive)", client.SessionQuery{Name: " lee-U-DVC"}, 1},
		{"name (not a substring)", client.SessionQuery{Name: "lee-U-DV"}, 0},
		{"uid (whole)", client.SessionQuery{UID: "sandbox-retry"}, 1},
		{"uid (not a substring)", client.SessionQuery{UID: "retry"}, 0},
		{"dvcID", client.SessionQuery{DVCID: dvc}, 2},
		{"dates", client.SessionQuery{StartDate: today + " 00:00:00.000", EndDate: today + " 23:59:59.999"}, 4},
		{"dates before", client.SessionQuery{EndDate: "2000-01-01"}, 0},
	}
	for _, c := range cases {
		page, err := rp.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, c.q, 0, 100)
		if err != nil || page.Page.Total != c.want || len(page.Data) != c.want {
			t.Fatalf("fetch %s: %+v %v; want %d", c.name, page, err, c.want)
		}
	}
	page, err := rp.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, client.SessionQuery{}, 1, 3)
	if err != nil || page.Page.Total != 4 || len(page.Data) != 1 || page.Page.Index != 1 || page.Page.Size != 3 {
		t.Fatalf("page 2: %+v %v", page, err)
	}
	for _, bad := range []client.SessionQuery{{Status: "DONE"}, {StartDate: "yesterday"}, {DocumentType: "visa"}} {
		_, err := rp.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, bad, 0, 10)
		wantAPIError(t, err, 400, "query.")
	}
	// A page above the cap is served at the cap.
	page, err = rp.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, client.SessionQuery{}, 0, 501)
	if err != nil || page.Page.Size != 500 || len(page.Data) != 4 {
		t.Fatalf("pSize 501: %+v %v", page.Page, err)
	}
}

// otherTenantClient returns a client holding a service license of a second
// tenant.
func (e *env) otherTenantClient(t testing.TB) *client.Client {
	t.Helper()
	ctx := context.Background()
	tn := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: fmt.Sprintf("other-%d.example", time.Now().UnixNano()), Name: "other", CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := e.store.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	key, _, err := e.admin.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	return e.client(t, key)
}

// verifyProof checks a passing session's proof_jwt.
func verifyProof(t *testing.T, e *env, token, sessionID string) {
	t.Helper()
	if c := verifyProofClaims(t, e, token, sessionID, "COMPLETED_PASS"); c["sandbox"] != true {
		t.Fatalf("claims %v", c)
	}
}

// verifyProofClaims checks a proof_jwt the way a relying party would — the
// JWK Set from the server, an ordinary JWT library, the key its kid names —
// and returns its claims.
func verifyProofClaims(t *testing.T, e *env, token, subject, result string) jwt.MapClaims {
	t.Helper()
	resp, err := http.Get(e.url + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Parse(token, func(tk *jwt.Token) (any, error) {
		keys := set.Key(fmt.Sprint(tk.Header["kid"]))
		if len(keys) != 1 {
			return nil, fmt.Errorf("unknown kid %v", tk.Header["kid"])
		}
		return keys[0].Key, nil
	}, jwt.WithValidMethods([]string{"ES256"}))
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	c := tok.Claims.(jwt.MapClaims)
	if c["sub"] != subject || c["resultStatus"] != result {
		t.Fatalf("claims %v", c)
	}
	return c
}
