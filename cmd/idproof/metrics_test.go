package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
)

var metricsRE = regexp.MustCompile(`metrics on (http://\S+)`)

// TestServeMetrics: with --metrics-addr, the metrics are served on their
// own listener and not on the API's; requests are counted by route
// pattern, never by path (which holds the session id), and the session
// engine's transitions are counted.
func TestServeMetrics(t *testing.T) {
	data := t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--data", data}, out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var metricsURL string
	for metricsURL == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("server exited before listening")
			}
			if m := metricsRE.FindStringSubmatch(l); m != nil {
				metricsURL = m[1]
			}
		case <-time.After(60 * time.Second):
			t.Fatal("server did not print its metrics address")
		}
	}
	base := waitListening(t, lines)
	// A requestid's ts is in whole seconds, and one from before the server
	// started may be refused (replay.Memory): start in the next second.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))

	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	rp, err := client.New(base, client.WithLicense(creds.Licenses.Service))
	if err != nil {
		t.Fatal(err)
	}
	created, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: creds.DVCID, SessionRequest: client.SessionRequest{
		TenantID: creds.TenantID, CommunityID: creds.CommunityID, DocumentType: "dl_object"}})
	if err != nil {
		t.Fatal(err)
	}
	browser, err := client.New(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := browser.SessionCall(ctx, created.SessionID, "start"); err != nil {
		t.Fatal(err)
	}
	var urls map[string]string
	if err := browser.Do(ctx, "POST", "/presignedurls/"+created.SessionID, map[string]any{"imagesUrl": []string{"document_front_image"}}, &urls); err != nil {
		t.Fatal(err)
	}
	if _, err := browser.SessionCall(ctx, created.SessionID, "complete"); err != nil {
		t.Fatal(err)
	}

	code, text := httpGet(t, metricsURL)
	if code != 200 {
		t.Fatalf("metrics listener: %d", code)
	}
	for _, series := range []string{
		`idproof_http_requests_total{route="POST /document_share_session/create",code="200"}`,
		`idproof_http_requests_total{route="GET /proofingsession/{sessionId}/start",code="200"}`,
		`idproof_session_transitions_total{transition="created"}`,
		`idproof_session_transitions_total{transition="started"}`,
		`idproof_session_transitions_total{transition="completed"}`,
		`idproof_blob_operations_total{backend="local",op="presign_put"}`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if v := sample(text, series); v < 1 {
			t.Errorf("%s = %v, want ≥ 1", series, v)
		}
	}
	if strings.Contains(text, created.SessionID) {
		t.Error("a session id is in the metrics")
	}

	// The API listener does not serve them, with or without the prefix.
	for _, p := range []string{"/metrics", "/idproofingapi/metrics"} {
		if code, body := httpGet(t, base+p); code != http.StatusNotFound || strings.Contains(body, "idproof_http_requests_total") {
			t.Errorf("GET %s on the API: %d", p, code)
		}
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// sample is the value of series in the text format, or -1 when absent.
func sample(text, series string) float64 {
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
