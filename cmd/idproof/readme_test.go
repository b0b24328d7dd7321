package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// walkthroughHeading starts the README section whose shell blocks
// TestREADMEWalkthrough runs.
const walkthroughHeading = "## A walk-through with the CLI"

// walkthrough returns the shell blocks of the README's walk-through
// section, joined, as a newcomer would paste them.
func walkthrough(readme string) (string, error) {
	var b strings.Builder
	in, inBlock, blocks := false, false, 0
	s := bufio.NewScanner(strings.NewReader(readme))
	for s.Scan() {
		line := s.Text()
		switch {
		case !inBlock && strings.HasPrefix(line, "## "):
			in = line == walkthroughHeading
		case in && !inBlock && strings.TrimSpace(line) == "```sh":
			inBlock = true
			blocks++
		case inBlock && strings.TrimSpace(line) == "```":
			inBlock = false
		case inBlock:
			b.WriteString(line + "\n")
		}
	}
	if blocks == 0 {
		return "", errNoWalkthrough
	}
	return b.String(), s.Err()
}

var errNoWalkthrough = errors.New("README.md has no sh block under " + walkthroughHeading)

func TestWalkthroughExtract(t *testing.T) {
	readme := "# x\n```sh\nnot this\n```\n" + walkthroughHeading + "\ntext\n```sh\na\n# b\n```\n```go\nno\n```\nmore\n```sh\nc \\\n  d\n```\n## Next\n```sh\nnot this either\n```\n"
	got, err := walkthrough(readme)
	if want := "a\n# b\nc \\\n  d\n"; err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	if _, err := walkthrough("# x\n## Other\n```sh\na\n```\n"); err == nil {
		t.Fatal("a README without the section gave no error")
	}
}

// needTool returns the path of a program the test runs. Without it the
// test skips, or fails under CI=true, where every tool must be present.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed on CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

// TestREADMEWalkthrough runs the README's walk-through as it is written,
// line by line under bash -euo pipefail, against a server started on a
// fresh data directory, from a directory that stands for a checkout (links
// to the repository's files), so that the binary it builds and the files
// it writes stay out of the working tree.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the walk-through")
	}
	bash := needTool(t, "bash")
	needTool(t, "jq")
	needTool(t, "go")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := walkthrough(string(readme))
	if err != nil {
		t.Fatal(err)
	}

	work := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case ".git", "data", "idproof":
			continue // what the walk-through makes, or does not need
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}

	// The server of "With the server running in one terminal".
	srv := startServe(t, filepath.Join(work, "data"))
	sandbox := regexp.MustCompile(`sandbox\s+dvcID (\w+)`).FindStringSubmatch(srv.printed)
	if sandbox == nil {
		t.Fatalf("the start-up message names no sandbox dvcID:\n%s", srv.printed)
	}

	// The other terminal: a clean environment but for the server's URL.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IDPROOF_") {
			env = append(env, kv)
		}
	}
	env = append(env, "IDPROOF_URL="+srv.base)
	runCtx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stop()
	cmd := exec.CommandContext(runCtx, bash, "-c", "set -euo pipefail\nPS4='+ README: '\nset -x\n"+script)
	cmd.Dir = work
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	transcript, err := cmd.CombinedOutput()
	t.Logf("walk-through ran in %v", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("the README walk-through failed: %v\n%s", err, transcript)
	}

	// What each part of the walk-through is there to show.
	for _, want := range []struct{ what, re string }{
		{"a public call", `"status": "all services operational"`},
		{"a call the service license may not make", `403 Forbidden`},
		{"a session passed by the sandbox", `"completionStatus": "COMPLETED_PASS"`},
		{"its v3 result", `"sessionResult": "SUCCESS"`},
		{"its signed proof", `"proof_jwt": "ey`},
		{"the session made with the sandbox configuration", `"dvcID": "` + sandbox[1] + `"`},
		{"a new license", `"licenseKey": "`},
		{"a parsed MRZ", `"ERIKSSON"`},
	} {
		if !regexp.MustCompile(want.re).Match(transcript) {
			t.Errorf("the walk-through does not show %s (%s):\n%s", want.what, want.re, transcript)
		}
	}
}
