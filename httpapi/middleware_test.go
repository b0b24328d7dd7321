package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/wire"
)

// syncBuffer is a log destination written from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A session id is the capability to the session: the access log keeps
// enough of it to follow a session, not enough to use it.
func TestAccessLogShortensSessionIDs(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := secret.New(make([]byte, 32))
	priv, err := admin.ServerKey(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	api := httpapi.New(httpapi.Config{PublicURL: "http://idproof.test"},
		httpapi.Deps{Store: st, Keys: wire.NewServer(priv, 0), Logger: slog.New(slog.NewTextHandler(&log, nil))})
	srv := httptest.NewServer(api)
	defer srv.Close()
	const id = "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"
	for _, p := range []string{"/proofingsession/" + id + "/start", "/idproofingapi/proofingsession/" + strings.ToUpper(id), "/healthz"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out := log.String()
	for _, want := range []string{"path=/proofingsession/3f2a9c1e…/start", "path=/proofingsession/3F2A9C1E…", "path=/healthz"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(strings.ToLower(out), id[9:]) {
		t.Errorf("log holds the session id:\n%s", out)
	}
}

// Every API reply, errors included, is no-store; the capture page's
// versioned assets keep their long caching.
func TestCacheControl(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	for path, want := range map[string]string{
		"/healthz":                  "no-store",
		"/environment":              "no-store",
		"/no/such/route":            "no-store",
		"/servicekeys":              "no-store", // 401
		"/publickeys":               "no-store",
		"/idproofing/assets/app.js": "no-cache",
	} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Cache-Control"); got != want {
			t.Errorf("%s (%d): Cache-Control %q, want %q", path, resp.StatusCode, got, want)
		}
	}
}
