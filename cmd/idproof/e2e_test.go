package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/postgres"
)

// watch returns a writer whose lines arrive on the channel, so a test can
// wait for what the server prints.
func watch(t *testing.T) (io.Writer, <-chan string) {
	pr, pw := io.Pipe()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	t.Cleanup(func() { pw.Close() })
	return pw, lines
}

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

func waitListening(t *testing.T, lines <-chan string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("server exited before listening")
			}
			if m := listenRE.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatal("server did not print its address")
		}
	}
}

// TestServeFirstRun boots the real command on an empty data dir: it must
// bootstrap itself, leave owner-only credentials that work against the API,
// and shut down cleanly; bootstrap --json then reuses the same identities.
func TestServeFirstRun(t *testing.T) {
	data := t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, out, io.Discard) }()
	base := waitListening(t, lines)

	credPath := filepath.Join(data, credentialsFile)
	st, err := os.Stat(credPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials mode %v", st.Mode())
	}
	creds, err := readCredentials(credPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(base, client.WithLicense(creds.Licenses.System))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.ServiceKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].KeyID != creds.ServiceKey.KeyID {
		t.Fatalf("servicekeys with bootstrap credentials: %+v %v", keys, err)
	}
	// The CLI's call command uses the same file.
	var buf strings.Builder
	if err := run(ctx, []string{"call", "--url", base, "--data", data, "GET", "/servicekeys"}, &buf, io.Discard); err != nil || !strings.Contains(buf.String(), creds.ServiceKey.KeyID) {
		t.Fatalf("call: %v %s", err, buf.String())
	}
	h, err := c.Healthz(ctx)
	if err != nil || !regexp.MustCompile(`^[0-9a-z]+\.\d+$`).MatchString(h.Version) {
		t.Fatalf("healthz version %q %v", h.Version, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}

	// bootstrap --json prints exactly the documented keys, with the values
	// made on first start.
	var js strings.Builder
	if err := run(context.Background(), []string{"bootstrap", "--json", "--data", data}, &js, io.Discard); err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js.String()), &m); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	want := "communityId communityName dvcID licenses serviceKey tenantDNS tenantId"
	if strings.Join(got, " ") != want {
		t.Fatalf("bootstrap keys %v", got)
	}
	again, _ := readCredentials(credPath)
	if *again != *creds {
		t.Fatalf("bootstrap did not reuse: %+v vs %+v", again, creds)
	}
}

func TestServeRefusesBadStart(t *testing.T) {
	data := t.TempDir()
	t.Setenv("IDPROOF_DATABASE_URL", "")
	err := run(context.Background(), []string{"serve", "--addr", "256.0.0.1:99999", "--data", data}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("bad addr: %v", err)
	}
	// A data dir whose database was sealed with another master key.
	t.Setenv("IDPROOF_MASTER_KEY", "")
	if err := run(context.Background(), []string{"bootstrap", "--data", data}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Setenv("IDPROOF_MASTER_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	// Bounded, so that a server that starts after all ends the test.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("wrong master key: %v", err)
	}
	err = run(context.Background(), []string{"serve", "--database-url", "mysql://x"}, io.Discard, io.Discard)
	var u usageError
	if !errors.As(err, &u) {
		t.Fatalf("bad database url: %v", err)
	}
}

// buildBinary compiles the command once for the tests that run it as a
// separate process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "idproof")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func startProcess(t *testing.T, bin, dbURL, masterKey string) string {
	t.Helper()
	_, base := startServeProcess(t, bin, []string{"IDPROOF_MASTER_KEY=" + masterKey},
		"--data", t.TempDir(), "--database-url", dbURL)
	return base
}

// startServeProcess runs serve on a free loopback port as a process with
// env added to this one's, stops it when the test ends, and returns its
// pid and URL.
func startServeProcess(t *testing.T, bin string, env []string, args ...string) (pid int, base string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, lines := watch(t)
	cmd.Stdout = out
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return cmd.Process.Pid, waitListening(t, lines)
}

// TestReplayAcrossReplicas runs two server processes on one PostgreSQL
// database: they serve the same key, and a requestid accepted by one is
// refused by the other.
func TestReplayAcrossReplicas(t *testing.T) {
	dbURL := postgres.TestDatabaseURL(t)
	bin := buildBinary(t)
	master := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	a := startProcess(t, bin, dbURL, master)
	b := startProcess(t, bin, dbURL, master)
	ctx := context.Background()

	ca, _ := client.New(a)
	cb, _ := client.New(b)
	ka, err := ca.ServerPublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := cb.ServerPublicKey(ctx)
	if err != nil || ka != kb {
		t.Fatalf("replicas serve different keys: %s vs %s (%v)", ka, kb, err)
	}

	// Find the system license the first replica bootstrapped.
	lic := bootstrapLicense(t, bin, dbURL, master)
	c, _ := client.New(a, client.WithLicense(lic))
	for i, order := range [][2]string{{a, b}, {b, a}} {
		h, err := c.Headers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st := getWith(t, order[0]+"/servicekeys", h); st != 200 {
			t.Fatalf("round %d: first use got %d", i, st)
		}
		if st := getWith(t, order[1]+"/servicekeys", h); st != 401 {
			t.Fatalf("round %d: replay on the other replica got %d, want 401", i, st)
		}
	}
}

func bootstrapLicense(t *testing.T, bin, dbURL, master string) string {
	t.Helper()
	cmd := exec.Command(bin, "bootstrap", "--json", "--data", t.TempDir(), "--database-url", dbURL)
	cmd.Env = append(os.Environ(), "IDPROOF_MASTER_KEY="+master)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	var creds struct {
		Licenses struct{ System string } `json:"licenses"`
	}
	if err := json.Unmarshal(out, &creds); err != nil || creds.Licenses.System == "" {
		t.Fatalf("bootstrap output %s: %v", out, err)
	}
	return creds.Licenses.System
}

func getWith(t *testing.T, url string, h http.Header) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = h.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
