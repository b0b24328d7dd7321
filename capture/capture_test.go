package capture

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// handler serves sessions from a map, through a mux with the routes the
// API's table gives these handlers.
func handler(sessions map[string]*idproof.Session, settings Settings) http.Handler {
	h := New(Deps{
		Session: func(_ context.Context, id string) (*idproof.Session, error) {
			if s, ok := sessions[id]; ok {
				return s, nil
			}
			return nil, idproof.Errorf(idproof.ENOTFOUND, "session not found")
		},
		Settings: func(context.Context, string, string) (Settings, error) { return settings, nil },
		UploadOrigins: func(context.Context, string, string) ([]string, error) {
			return []string{"https://bucket.example.com"}, nil
		},
		PublicURL: "https://idp.example.com", Clock: fixedClock{now},
	})
	m := http.NewServeMux()
	m.HandleFunc("GET /idproofing/session/{sessionId}", h.Page)
	m.HandleFunc("GET /idproofing/session/{sessionId}/qr.svg", h.QR)
	m.HandleFunc("GET /idproofing/session/{sessionId}/status", h.Status)
	m.HandleFunc("GET /idproofing/assets/{path...}", h.Asset)
	return m
}

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(b)
}

const (
	pending   = "11111111-1111-4111-8111-111111111111"
	expired   = "22222222-2222-4222-8222-222222222222"
	completed = "33333333-3333-4333-8333-333333333333"
	declined  = "44444444-4444-4444-8444-444444444444"
	lapsed    = "55555555-5555-4555-8555-555555555555"
)

func sessions() map[string]*idproof.Session {
	mk := func(id string, st idproof.SessionStatus, expires time.Time) *idproof.Session {
		return &idproof.Session{ID: id, TenantID: "t", CommunityID: "c", Status: st, ExpiresAt: expires, Outcome: ""}
	}
	m := map[string]*idproof.Session{
		pending:   mk(pending, idproof.StatusPending, now.Add(time.Hour)),
		expired:   mk(expired, idproof.StatusExpired, now.Add(-time.Hour)),
		completed: mk(completed, idproof.StatusCompleted, now.Add(time.Hour)),
		declined:  mk(declined, idproof.StatusDeclined, now.Add(time.Hour)),
		// Past its expiry, not yet swept.
		lapsed: mk(lapsed, idproof.StatusInProgress, now.Add(-time.Minute)),
	}
	m[completed].Outcome = idproof.OutcomePass
	return m
}

func TestPages(t *testing.T) {
	t.Parallel()
	h := handler(sessions(), Settings{})
	tests := []struct {
		name, path string
		status     int
		contains   string
	}{
		{"capturable session", "/idproofing/session/" + pending, 200, `data-session="` + pending + `"`},
		{"unknown session", "/idproofing/session/99999999-9999-4999-8999-999999999999", 404, "This link does not work"},
		{"not an id", "/idproofing/session/..%2fetc", 404, "This link does not work"},
		{"expired", "/idproofing/session/" + expired, 410, "This link has expired"},
		{"past expiry, not swept", "/idproofing/session/" + lapsed, 410, "This link has expired"},
		{"declined", "/idproofing/session/" + declined, 410, "You declined"},
		{"completed", "/idproofing/session/" + completed, 200, "already complete"},
	}
	for _, tt := range tests {
		resp, body := get(t, h, tt.path, nil)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.contains) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tt.name, resp.StatusCode, tt.status, tt.contains, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q", tt.name, ct)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "default-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", tt.name, csp, want)
			}
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: headers %v", tt.name, resp.Header)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " on") && strings.Contains(body, "onload=") {
			t.Errorf("%s: inline script in the page", tt.name)
		}
	}
	// The community's bucket may receive uploads; its frame ancestors frame it.
	framed := handler(sessions(), Settings{FrameAncestors: []string{"https://rp.example.com"}})
	resp, _ := get(t, framed, "/idproofing/session/"+pending, nil)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors https://rp.example.com") || !strings.Contains(csp, "connect-src 'self' https://bucket.example.com") || resp.Header.Get("X-Frame-Options") != "" {
		t.Errorf("framed: %q %v", csp, resp.Header)
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	h := handler(sessions(), Settings{})
	for accept, want := range map[string]string{
		"":                        `lang="en"`,
		"es-MX,es;q=0.9,en;q=0.8": `lang="es"`,
		"fr-FR, de":               `lang="en"`,
		"de, es;q=0.5":            `lang="es"`,
	} {
		_, body := get(t, h, "/idproofing/session/"+pending, map[string]string{"Accept-Language": accept})
		if !strings.Contains(body, want) {
			t.Errorf("Accept-Language %q: want %s", accept, want)
		}
	}
	forced := handler(sessions(), Settings{Language: "es"})
	if _, body := get(t, forced, "/idproofing/session/"+pending, map[string]string{"Accept-Language": "en"}); !strings.Contains(body, `lang="es"`) {
		t.Error("the community's language does not win")
	}
}

// TestCatalogue keeps every language's catalogue complete.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	cats, err := catalogues()
	if err != nil {
		t.Fatal(err)
	}
	en := cats["en"]
	for lang, c := range cats {
		for k, v := range en.Strings {
			if strings.TrimSpace(c.Strings[k]) == "" {
				t.Errorf("%s: %q is missing (en: %q)", lang, k, v)
			}
		}
		for k := range c.Strings {
			if _, ok := en.Strings[k]; !ok {
				t.Errorf("%s: %q is not in the English catalogue", lang, k)
			}
		}
	}
}

func TestStatusAndQR(t *testing.T) {
	t.Parallel()
	h := handler(sessions(), Settings{})
	resp, body := get(t, h, "/idproofing/session/"+completed+"/status", nil)
	var st map[string]any
	if err := json.Unmarshal([]byte(body), &st); err != nil || resp.StatusCode != 200 || st["status"] != "COMPLETED" || st["outcome"] != "COMPLETED_PASS" {
		t.Fatalf("status: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, h, "/idproofing/session/"+lapsed+"/status", nil); !strings.Contains(body, `"EXPIRED"`) || strings.Contains(body, "outcome") || resp.StatusCode != 200 {
		t.Fatalf("lapsed status: %s", body)
	}
	if resp, _ := get(t, h, "/idproofing/session/nope/status", nil); resp.StatusCode != 404 {
		t.Fatalf("unknown status: %d", resp.StatusCode)
	}
	resp, body = get(t, h, "/idproofing/session/"+pending+"/qr.svg", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") || !strings.Contains(body, "<path") {
		t.Fatalf("qr: %d %.100s", resp.StatusCode, body)
	}
	if resp, gz := get(t, h, "/idproofing/session/"+pending+"/qr.svg", map[string]string{"Accept-Encoding": "gzip"}); resp.Header.Get("Content-Encoding") != "gzip" || len(gz) >= len(body)/2 {
		t.Fatalf("qr gzip: %v, %d of %d bytes", resp.Header, len(gz), len(body))
	}
	if resp, _ := get(t, h, "/idproofing/session/"+expired+"/qr.svg", nil); resp.StatusCode != 410 {
		t.Fatalf("qr of an expired session: %d", resp.StatusCode)
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	h := handler(sessions(), Settings{})
	a := assets()["vendor/noble-secp256k1.js"]
	if a == nil || a.gz == nil {
		t.Fatal("the vendored library is not embedded, or not compressed")
	}
	resp, body := get(t, h, "/idproofing/assets/vendor/noble-secp256k1.js?v="+a.version, map[string]string{"Accept-Encoding": "gzip, br"})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || len(body) != len(a.gz) ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("asset: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, h, "/idproofing/assets/vendor/noble-secp256k1.js", map[string]string{"If-None-Match": a.etag})
	if resp.StatusCode != 304 {
		t.Fatalf("revalidation: %d", resp.StatusCode)
	}
	if resp, _ := get(t, h, "/idproofing/assets/nope.js", nil); resp.StatusCode != 404 {
		t.Fatalf("missing asset: %d", resp.StatusCode)
	}
	if _, ok := assets()["vendor/noble-secp256k1.LICENSE"]; !ok {
		t.Fatal("the vendored library's licence is not shipped")
	}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	good := Settings{FrameAncestors: []string{"https://RP.example.com/", "http://localhost:3000"}, CORSOrigins: []string{"https://rp.example.com:8443"}, Language: "es"}
	got, err := good.Validate()
	if err != nil || got.FrameAncestors[0] != "https://rp.example.com" || got.CORSOrigins[0] != "https://rp.example.com:8443" {
		t.Fatalf("%+v %v", got, err)
	}
	if !got.AllowsOrigin("https://rp.example.com:8443") || got.AllowsOrigin("https://evil.example.com") {
		t.Fatal("AllowsOrigin")
	}
	for _, bad := range []Settings{
		{FrameAncestors: []string{"http://rp.example.com"}},
		{FrameAncestors: []string{"https://rp.example.com/path"}},
		{CORSOrigins: []string{"*"}},
		{CORSOrigins: []string{"https://*.example.com"}},
		{CORSOrigins: []string{"https://a.example.com; script-src *"}},
		{Language: "fr"},
	} {
		if _, err := bad.Validate(); idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
