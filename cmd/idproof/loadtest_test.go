package main

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestLoadtest runs each operation briefly against an in-process server:
// the run stops at --requests and reports every request as a success.
func TestLoadtest(t *testing.T) {
	base, data := serveForTest(t)
	for _, op := range []string{"create", "result", "healthz"} {
		t.Run(op, func(t *testing.T) {
			var out, progress strings.Builder
			args := []string{"loadtest", "--url", base, "--data", data, "--op", op,
				"--concurrency", "3", "--duration", "1m", "--requests", "20"}
			if err := run(context.Background(), args, &out, &progress); err != nil {
				t.Fatalf("loadtest: %v\n%s", err, progress.String())
			}
			summary := out.String()
			t.Logf("summary:\n%s", summary)
			for _, re := range []string{`(?m)^requests\s+20 in `, `(?m)^errors\s+0$`, `(?m)^throughput\s+\d`, `(?m)^latency\s+p50 .* max `} {
				if !regexp.MustCompile(re).MatchString(summary) {
					t.Errorf("summary does not match %s:\n%s", re, summary)
				}
			}
		})
	}
	// Health checks need no credentials.
	args := []string{"loadtest", "--url", base, "--data", t.TempDir(), "--op", "healthz", "--requests", "5"}
	var out strings.Builder
	if err := run(context.Background(), args, &out, io.Discard); err != nil || !strings.Contains(out.String(), "errors      0") {
		t.Errorf("healthz without credentials: %v\n%s", err, out.String())
	}
}

// TestLoadtestRefusesRemote: a target that is not this machine needs
// --allow-remote, and nothing is sent to it.
func TestLoadtestRefusesRemote(t *testing.T) {
	for _, url := range []string{"http://192.0.2.1:8080", "https://idproof.example.com", "http://[2001:db8::1]/"} {
		err := run(context.Background(), []string{"loadtest", "--url", url, "--data", t.TempDir(), "--op", "healthz"}, io.Discard, io.Discard)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("%s: err %v, want a refusal naming --allow-remote", url, err)
		}
	}
	for _, url := range []string{"http://127.0.0.1:1", "http://127.1.2.3:1", "http://[::1]:1", "http://LocalHost:1"} {
		if err := loopbackTarget(url); err != nil {
			t.Errorf("%s refused: %v", url, err)
		}
	}
}
