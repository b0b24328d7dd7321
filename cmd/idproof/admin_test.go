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
	"time"
)

// TestAdminCommands drives the tenant, community, license and dvc commands
// against a server started in-process, as an operator would.
func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, out, io.Discard) }()
	base := waitListening(t, lines)
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}

	// cli runs a command against the server and decodes its JSON output.
	cli := func(into any, args ...string) {
		t.Helper()
		var buf strings.Builder
		args = append(args[:1:1], append([]string{"--url", base, "--data", data}, args[1:]...)...)
		if err := run(context.Background(), args, &buf, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if err := json.Unmarshal([]byte(buf.String()), into); err != nil {
			t.Fatalf("%v printed %q: %v", args, buf.String(), err)
		}
	}
	type obj = map[string]any

	var tenant, comm, lic, listed obj
	cli(&tenant, "tenant", "create", "Shop.Example", "--name", "Shop")
	if tenant["dns"] != "shop.example" || tenant["name"] != "Shop" {
		t.Fatalf("tenant %v", tenant)
	}
	tid := tenant["id"].(string)
	cli(&comm, "community", "create", "--tenant", tid, "retail")
	var comms []obj
	cli(&comms, "community", "list", "--tenant", tid)
	if len(comms) != 1 || comms[0]["id"] != comm["id"] {
		t.Fatalf("communities %v", comms)
	}
	cli(&lic, "license", "create", "--level", "service", "--tenant", tid, "--community", comm["id"].(string), "--tag", "pos", "--expires", "720h")
	key, _ := lic["licenseKey"].(string)
	if key == "" || lic["expiresTS"].(float64) < float64(time.Now().Add(719*time.Hour).UnixMilli()) {
		t.Fatalf("license %v", lic)
	}
	var lics []obj
	cli(&lics, "license", "list", "--tenant", tid)
	if len(lics) != 1 || lics[0]["id"] != lic["id"] || lics[0]["licenseKey"] != nil {
		t.Fatalf("licenses %v", lics)
	}
	cli(&listed, "license", "disable", lic["id"].(string))
	if listed["disabled"] != true {
		t.Fatalf("disable %v", listed)
	}
	cli(&listed, "license", "expire", lic["id"].(string), "--at", "2030-01-02T00:00:00Z")
	if listed["expiresTS"] != float64(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC).UnixMilli()) {
		t.Fatalf("expire %v", listed)
	}

	// dvc: put, read back masked, put the read-back form again, delete.
	const secret = "sk_live_0123456789abcdef"
	file := filepath.Join(t.TempDir(), "dvc.json")
	writeFile(t, file, `{"connector":{"type":"sandbox","config":{"apiKey":"`+secret+`"}},"verification":{"tag":"x","config":{}}}`)
	var dvc obj
	cli(&dvc, "dvc", "put", "acme", "--file", file)
	id, _ := dvc["dvcID"].(string)
	var all []obj
	cli(&all, "dvc", "list")
	var got strings.Builder
	if err := run(context.Background(), []string{"dvc", "get", "--url", base, "--data", data, id}, &got, io.Discard); err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 || !strings.Contains(got.String(), "****cdef") || strings.Contains(got.String(), secret) || dvc["communityId"] != creds.CommunityID {
		t.Fatalf("dvc list %v get %s", all, got.String())
	}
	writeFile(t, file, got.String())
	var again obj
	cli(&again, "dvc", "put", "--file", file, "acme")
	if again["dvcID"] != id {
		t.Fatalf("put back %v", again)
	}
	var del obj
	cli(&del, "dvc", "delete", id)
	if del["deleted"] != id {
		t.Fatalf("delete %v", del)
	}

	// Mistakes in the command line are usage errors (exit code 2).
	for _, args := range [][]string{
		{"dvc", "put", "acme"},
		{"dvc", "put", "--file", file},
		{"license", "create"},
		{"license", "expire", "--at", "soon", "x"},
		{"tenant"},
		{"tenant", "remove"},
	} {
		err := run(context.Background(), append(args, "--url", base, "--data", data), io.Discard, io.Discard)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	// Errors of the server come through with their message.
	err = run(context.Background(), []string{"dvc", "get", "--url", base, "--data", data, id}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("get deleted: %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
