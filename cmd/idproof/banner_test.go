package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a strings.Builder the server goroutine writes to while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// served is a server started in-process by startServe.
type served struct {
	base    string // its URL
	printed string // what it printed on start: the address line and the greeting
	stop    func() // stops it and waits; cleanup does it too
}

// startServe runs serve on a free port with data as its data directory.
func startServe(t *testing.T, data string) *served {
	t.Helper()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	var err error
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		err = run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, &out, io.Discard)
	}()
	stop := func() { cancel(); <-exited }
	t.Cleanup(stop)
	// serve prints the address and the greeting in one write.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if m := listenRE.FindStringSubmatch(out.String()); m != nil {
			return &served{base: m[1], printed: out.String(), stop: stop}
		}
		select {
		case <-exited:
			t.Fatalf("serve exited before listening: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("serve did not print its address")
	return nil
}

// TestGreeting checks what serve prints on first start and on a restart:
// the credentials file, both verification configurations and commands
// that work as printed, and never a secret.
func TestGreeting(t *testing.T) {
	data := t.TempDir()
	first := startServe(t, data)
	credPath := filepath.Join(data, credentialsFile)
	creds, err := readCredentials(credPath)
	if err != nil {
		t.Fatal(err)
	}
	var configs []struct{ Name, DVCID string }
	var buf strings.Builder
	if err := run(context.Background(), []string{"dvc", "list", "--url", first.base, "--data", data}, &buf, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(buf.String()), &configs); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, c := range configs {
		ids[c.Name] = c.DVCID
	}
	if ids["default"] != creds.DVCID || ids["sandbox"] == "" {
		t.Fatalf("configurations %+v", configs)
	}
	abs, _ := filepath.Abs(credPath)
	shared := []string{
		"default  dvcID " + ids["default"],
		"sandbox  dvcID " + ids["sandbox"],
		"Credentials: " + abs,
		"export IDPROOF_URL=" + first.base,
		" call GET /servicekeys\n",
		" session create --dvc " + ids["sandbox"] + " --uid alice",
	}
	check := func(name, printed string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(printed, w) {
				t.Errorf("%s: no %q in:\n%s", name, w, printed)
			}
		}
		// Nothing of what opens the API: the licenses, the service key,
		// the master key.
		master, _ := os.ReadFile(filepath.Join(data, "master.key"))
		for _, secret := range []string{creds.Licenses.System, creds.Licenses.Service, creds.ServiceKey.KeyID,
			creds.ServiceKey.KeySecret, strings.TrimSpace(string(master))} {
			if secret == "" || strings.Contains(printed, secret) {
				t.Errorf("%s: prints a secret (%.6s…):\n%s", name, secret, printed)
			}
		}
	}
	check("first start", first.printed, append(shared, "First start: created the tenant")...)
	tryPrinted(t, first.printed)

	first.stop()
	again := startServe(t, data)
	check("restart", again.printed, append(slices.Clone(shared[:3]), "Tenant \"localhost\"", "export IDPROOF_URL="+again.base,
		" session create --dvc "+ids["sandbox"])...)
	if strings.Contains(again.printed, "First start") {
		t.Errorf("restart says it is the first start:\n%s", again.printed)
	}
	tryPrinted(t, again.printed)

	// Without the credentials file the greeting says how to write it again.
	again.stop()
	if err := os.Remove(credPath); err != nil {
		t.Fatal(err)
	}
	bare := startServe(t, data)
	check("no credentials", bare.printed, "sandbox  dvcID "+ids["sandbox"], "Credentials: none at "+abs, " bootstrap --data "+data)
}

// tryPrinted runs the commands a greeting suggests, with the variables it
// exports: they must work as printed.
func tryPrinted(t *testing.T, printed string) {
	t.Helper()
	_, try, ok := strings.Cut(printed, "Try it from another terminal")
	if !ok {
		t.Fatalf("no commands to try in:\n%s", printed)
	}
	ran := 0
	for _, line := range strings.Split(try, "\n")[1:] {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		fields := strings.Fields(line)
		if fields[0] == "export" {
			name, value, _ := strings.Cut(fields[1], "=")
			t.Setenv(name, value)
			continue
		}
		args, ok := strings.CutPrefix(strings.TrimSpace(line), selfCommand()+" ")
		if !ok {
			t.Fatalf("%q does not start with %q", line, selfCommand())
		}
		var out strings.Builder
		if err := run(context.Background(), strings.Fields(args), &out, io.Discard); err != nil {
			t.Errorf("%s: %v", line, err)
		}
		if !strings.HasPrefix(out.String(), "{") && !strings.HasPrefix(out.String(), "[") {
			t.Errorf("%s printed %q", line, out.String())
		}
		ran++
	}
	if ran < 2 {
		t.Errorf("%d commands to try in:\n%s", ran, printed)
	}
}

// TestServePortTaken: a taken address stops serve before it writes
// anything to the data directory.
func TestServePortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	for name, data := range map[string]string{
		"new directory":   filepath.Join(t.TempDir(), "data"),
		"empty directory": t.TempDir(),
	} {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), []string{"serve", "--addr", addr, "--data", data}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "--addr") {
				t.Fatalf("err %v, want one naming %s and --addr", err, addr)
			}
			entries, err := os.ReadDir(data)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if len(entries) > 0 {
				t.Errorf("serve left %v in %s", entries, data)
			}
		})
	}
}
