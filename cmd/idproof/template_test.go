package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
)

// TestTemplateCommand drives template put, list and delete against a real
// server, with tenant, community and dvcID taken from the credentials file.
func TestTemplateCommand(t *testing.T) {
	data := t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, out, io.Discard) }()
	base := waitListening(t, lines)
	t.Cleanup(func() { cancel(); <-done })
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}

	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := `"PGgxPkhpPC9oMT4="` // <h1>Hi</h1>
	first := write("first.json", `[{"name":"hello","type":"HTML","html":`+page+`,"actions":[{"on":"click","jumpTo":"done"}]},{"name":"done","type":"PROCESSING"}]`)
	second := write("second.json", `{"name":"bye","type":"HTML","html":`+page+`}`)
	broken := write("broken.json", `[{"name":"x","type":"HTML"}]`)
	common := []string{"--url", base, "--data", data}
	tpl := func(args ...string) (client.Template, error) {
		var buf strings.Builder
		err := run(ctx, append([]string{"template", args[0]}, append(common, args[1:]...)...), &buf, io.Discard)
		var got client.Template
		if err == nil && strings.HasPrefix(buf.String(), "{") {
			if jerr := json.Unmarshal([]byte(buf.String()), &got); jerr != nil {
				t.Fatalf("output %q: %v", buf.String(), jerr)
			}
		}
		return got, err
	}

	created, err := tpl("put", "--document-type", "dl_object", "--file", first)
	if err != nil || !idproof.IsObjectID(created.ID) || created.TenantID != creds.TenantID ||
		created.CommunityID != creds.CommunityID || created.DVCID != creds.DVCID || len(created.Workflow) != 2 {
		t.Fatalf("put: %+v %v", created, err)
	}
	updated, err := tpl("put", "--id", created.ID, "--file", second)
	if err != nil || updated.ID != created.ID || len(updated.Workflow) != 1 || updated.Workflow[0].Name != "bye" || updated.DocumentType != "dl_object" {
		t.Fatalf("put --id: %+v %v", updated, err)
	}
	_, err = tpl("put", "--document-type", "dl_object", "--file", broken)
	if err == nil || !strings.Contains(err.Error(), "workflow[0].html is required") {
		t.Fatalf("invalid workflow: %v", err)
	}
	_, err = tpl("list", "--session", idproof.NewUUID())
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("list of an unknown session: %v", err)
	}
	if _, err := tpl("delete", created.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := tpl("delete", created.ID); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("second delete: %v", err)
	}

	var u usageError
	for _, args := range [][]string{
		{"template"},
		{"template", "frobnicate"},
		{"template", "put", "--url", base, "--data", data, "--document-type", "dl_object"},
		{"template", "delete", "--url", base, "--data", data},
		{"template", "list", "--url", base, "--data", data},
	} {
		if err := run(ctx, args, io.Discard, io.Discard); !errors.As(err, &u) {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
}
