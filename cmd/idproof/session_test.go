package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
)

// serveForTest starts the server in-process on a fresh data directory,
// with the serve flags args added, and returns its base URL and the data
// directory, which holds the credentials.
func serveForTest(t *testing.T, args ...string) (base, data string) {
	t.Helper()
	data = t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...), out, io.Discard)
	}()
	base = waitListening(t, lines)
	t.Cleanup(func() { cancel(); <-done })
	return base, data
}

// serviceClient is a client of the server at base with the service
// license of the credentials in data.
func serviceClient(t *testing.T, base, data string) *client.Client {
	t.Helper()
	cr, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(base, client.WithLicense(cr.Licenses.Service))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSessionCommand creates a session, finds it in the listing and reads
// its result, with tenant, community and dvcID from the credentials file.
func TestSessionCommand(t *testing.T) {
	base, data := serveForTest(t)
	ctx := context.Background()
	session := func(out any, args ...string) error {
		t.Helper()
		var buf strings.Builder
		args = append([]string{"session", args[0], "--url", base, "--data", data}, args[1:]...)
		if err := run(ctx, args, &buf, io.Discard); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(buf.String()), out); err != nil {
			t.Fatalf("%v: output %q: %v", args, buf.String(), err)
		}
		return nil
	}

	var created struct{ SessionID, URL string }
	if err := session(&created, "create", "--uid", "cli-42", "--firstname", "Ada", "--lastname", "Byron", "--envelope"); err != nil {
		t.Fatal(err)
	}
	if len(created.SessionID) != 36 || !strings.HasSuffix(created.URL, "/idproofing/session/"+created.SessionID) {
		t.Fatalf("create printed %+v", created)
	}

	var page struct {
		Data []map[string]any
		Page struct{ Total int }
	}
	if err := session(&page, "list", "--name", "byron", "--status", "PENDING", "--size", "10"); err != nil {
		t.Fatal(err)
	}
	if page.Page.Total != 1 || len(page.Data) != 1 || !strings.Contains(mustJSON(t, page.Data[0]), created.SessionID) {
		t.Fatalf("list: %+v", page)
	}
	if err := session(&page, "list", "--uid", "nobody"); err != nil || page.Page.Total != 0 {
		t.Fatalf("list of another uid: %+v %v", page, err)
	}

	var result map[string]any
	if err := session(&result, "result", created.SessionID); err != nil {
		t.Fatal(err)
	}
	if result["responseStatus"] != "INPROGRESS" {
		t.Fatalf("result: %v", result)
	}
	if err := session(&result, "result", "--granular", created.SessionID); err != nil || result["responseStatus"] != "PENDING" {
		t.Fatalf("result --granular: %v %v", result, err)
	}
	if err := session(&result, "result", "00000000-0000-4000-8000-000000000000"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("result of an unknown session: %v", err)
	}

	var u usageError
	for _, args := range [][]string{
		{"session"},
		{"session", "frobnicate"},
		{"session", "result", "--url", base, "--data", data},
		{"session", "list", "--url", base, "--data", data, "extra"},
	} {
		if err := run(ctx, args, io.Discard, io.Discard); !errors.As(err, &u) {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
