package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
)

// exampleReport is what the client examples of docs/examples print.
type exampleReport struct {
	SessionID string `json:"sessionId"`
	URL       string `json:"url"`
	Result    struct {
		ResponseStatus string `json:"responseStatus"`
		SessionResult  string `json:"sessionResult"`
	} `json:"result"`
	Proof *struct {
		Verified bool           `json:"verified"`
		Claims   map[string]any `json:"claims"`
	} `json:"proof"`
}

// TestDocsExamples runs the client examples that docs/authentication.md
// and docs/quickstart.md show, as an integrator would, against a server
// started on a fresh data directory: each creates a session with the
// sandbox configuration, and once the session is completed reads its
// result and verifies its proof_jwt with the server's JWK Set. They use
// none of this repository's packages, so passing shows that the scheme
// as the docs describe it is the one the server accepts.
func TestDocsExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the examples")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	srv := startServe(t, data)
	sandbox := regexp.MustCompile(`sandbox\s+dvcID (\w+)`).FindStringSubmatch(srv.printed)
	if sandbox == nil {
		t.Fatalf("the start-up message names no sandbox dvcID:\n%s", srv.printed)
	}
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}

	for _, ex := range []struct {
		name string
		tool func(t *testing.T) string
		args []string
	}{
		{"go", func(t *testing.T) string { return needTool(t, "go") }, []string{"run", "./docs/examples/go-client"}},
		{"javascript", needNode, []string{"docs/examples/js-client/client.mjs"}},
	} {
		t.Run(ex.name, func(t *testing.T) {
			tool := ex.tool(t)
			// runExample runs the example from the repository's root with
			// only the given IDPROOF_ variables set, as the docs show.
			runExample := func(env ...string) (exampleReport, string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, tool, ex.args...)
				cmd.Dir = root
				cmd.Env = append(withoutIDProofEnv(), "IDPROOF_URL="+srv.base)
				cmd.Env = append(cmd.Env, env...)
				cmd.WaitDelay = 5 * time.Second
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				var r exampleReport
				if err == nil {
					if jerr := json.Unmarshal(out, &r); jerr != nil {
						t.Fatalf("the example printed no JSON report: %v\n%s", jerr, out)
					}
				}
				return r, stderr.String(), err
			}

			created, stderr, err := runExample("IDPROOF_LICENSE="+creds.Licenses.Service, "IDPROOF_DVC="+sandbox[1], "IDPROOF_UID="+ex.name+"-user")
			if err != nil {
				t.Fatalf("create: %v\n%s", err, stderr)
			}
			if created.SessionID == "" || created.URL != srv.base+"/idproofing/session/"+created.SessionID {
				t.Fatalf("create reported session %q at %q", created.SessionID, created.URL)
			}
			if created.Result.ResponseStatus != "INPROGRESS" || created.Proof != nil {
				t.Fatalf("a new session's result: %+v", created)
			}

			// What the capture page does, with a key pair of its own.
			ctx := context.Background()
			browser, err := client.New(srv.base)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []string{"start", "complete"} {
				if _, err := browser.SessionCall(ctx, created.SessionID, step); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
			}

			done, stderr, err := runExample("IDPROOF_LICENSE="+creds.Licenses.Service, "IDPROOF_SESSION="+created.SessionID)
			if err != nil {
				t.Fatalf("result: %v\n%s", err, stderr)
			}
			if done.SessionID != created.SessionID || done.Result.SessionResult != "SUCCESS" {
				t.Fatalf("result of the completed session: %+v", done)
			}
			if done.Proof == nil || !done.Proof.Verified {
				t.Fatalf("proof_jwt not verified: %+v", done.Proof)
			}
			for claim, want := range map[string]any{"sub": created.SessionID, "dvcID": sandbox[1], "resultStatus": "COMPLETED_PASS", "sandbox": true} {
				if got := done.Proof.Claims[claim]; got != want {
					t.Errorf("proof_jwt claim %s = %v, want %v", claim, got, want)
				}
			}

			// A bad license: a non-zero exit with the API's message.
			_, stderr, err = runExample("IDPROOF_LICENSE=not-a-license", "IDPROOF_DVC="+sandbox[1])
			if err == nil || !strings.Contains(stderr, "401 license is not valid") {
				t.Errorf("with a bad license: %v, %q", err, stderr)
			}
		})
	}
}

// needNode returns the path of node, version 18 or later (global fetch).
// Without it the test skips, or fails under CI=true.
func needNode(t *testing.T) string {
	t.Helper()
	node := needTool(t, "node")
	out, err := exec.Command(node, "--version").Output()
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(strings.TrimSpace(string(out)), "v"), ".", 2)[0])
	if err != nil || major < 18 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node 18 or later is needed on CI, found %q (%v)", out, err)
		}
		t.Skipf("node 18 or later needed, found %q (%v)", out, err)
	}
	return node
}

// withoutIDProofEnv is this process's environment without the IDPROOF_
// variables, so that an example sees only what the test gives it.
func withoutIDProofEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IDPROOF_") {
			env = append(env, kv)
		}
	}
	return env
}
