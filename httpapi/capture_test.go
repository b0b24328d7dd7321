package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestCapturePageRoutes: the session URL serves the capture page through
// the API's server, and a relying party's own page may call the session
// endpoints across origins only when its community allows that origin.
func TestCapturePageRoutes(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	browser, id := e.startedSession(t, "alice")
	st, body := raw(t, "GET", e.url+"/idproofing/session/"+id, "", nil)
	if st != 200 || !strings.Contains(string(body), `data-session="`+id+`"`) {
		t.Fatalf("page: %d %s", st, body)
	}
	if st, body := raw(t, "GET", e.url+"/idproofing/session/not-a-session", "", nil); st != 404 || !strings.Contains(string(body), "<html") {
		t.Fatalf("unknown session: %d %s", st, body)
	}

	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest("OPTIONS", e.url+"/proofingsession/"+id+"/start", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "publickey, requestid")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			t.Fatalf("preflight: %d", resp.StatusCode)
		}
		return resp.Header
	}
	if h := preflight("https://rp.example.com"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS is on by default: %v", h)
	}
	path := "/admin/capture/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
	if err := e.client(t, "system").Do(ctx, "PUT", path, map[string]any{"corsOrigins": []string{"https://rp.example.com"}}, nil); err != nil {
		t.Fatal(err)
	}
	err := e.client(t, "system").Do(ctx, "PUT", path, map[string]any{"corsOrigins": []string{"*"}}, nil)
	wantAPIError(t, err, 400, "corsOrigins[0]")
	err = e.client(t, "service").Do(ctx, "PUT", path, map[string]any{}, nil)
	wantAPIError(t, err, 403, "authLevel")
	h := preflight("https://rp.example.com")
	if h.Get("Access-Control-Allow-Origin") != "https://rp.example.com" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "requestid") {
		t.Fatalf("allowed origin: %v", h)
	}
	if h := preflight("https://evil.example.com"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin allowed: %v", h)
	}
	// The call itself carries the header too, even when it fails.
	hdr := hdrs(t, browser)
	hdr["Origin"] = "https://rp.example.com"
	req, _ := http.NewRequest("GET", e.url+"/proofingsession/"+id, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://rp.example.com" {
		t.Fatalf("session call: %d %v", resp.StatusCode, resp.Header)
	}
}
