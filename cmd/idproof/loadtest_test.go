package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestLoadtest runs each operation briefly against an in-process server:
// the run stops at --requests and reports every request as a success.
func TestLoadtest(t *testing.T) {
	base, data := serveForTest(t)
	for _, op := range []string{"create", "result", "fetch", "healthz"} {
		t.Run(op, func(t *testing.T) {
			var out, progress strings.Builder
			args := []string{"loadtest", "--url", base, "--data", data, "--op", op,
				"--concurrency", "3", "--duration", "1m", "--requests", "20"}
			if err := run(context.Background(), args, &out, &progress); err != nil {
				t.Fatalf("loadtest: %v\n%s", err, progress.String())
			}
			summary := out.String()
			t.Logf("summary:\n%s", summary)
			for _, re := range []string{`(?m)^requests\s+20 in `, `(?m)^errors\s+0$`, `(?m)^throughput\s+\d`, `(?m)^latency\s+p50 .* p95 .* p99 .* max `} {
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

// TestLoadtestMix runs a few whole sessions (create to fetch, uploads
// included) and reads the JSON report: every session completes, every
// endpoint of the flow answered without error.
func TestLoadtestMix(t *testing.T) {
	base, data := serveForTest(t)
	var out, progress strings.Builder
	args := []string{"loadtest", "--url", base, "--data", data, "--op", "mix",
		"--concurrency", "2", "--duration", "1m", "--requests", "4", "--json"}
	if err := run(context.Background(), args, &out, &progress); err != nil {
		t.Fatalf("loadtest: %v\n%s", err, progress.String())
	}
	var r struct {
		Op       string
		Requests int
		Errors   int
		Sessions struct {
			Completed, Failed int
			PerSecond         float64
		}
		Endpoints []struct {
			Name        string
			Requests    int
			Errors      map[string]int
			FirstErrors map[string]string
			P50Ms       float64
			P99Ms       float64
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out.String())
	}
	if r.Op != "mix" || r.Errors != 0 || r.Sessions.Completed != 4 || r.Sessions.Failed != 0 || r.Sessions.PerSecond <= 0 {
		t.Errorf("report %+v", r)
	}
	want := map[string]int{"create": 4, "start": 4, "presign": 4, "upload": 8, "submit": 4, "complete": 4, "result": 4, "fetch": 4}
	var order []string
	for _, e := range r.Endpoints {
		order = append(order, e.Name)
		if e.Requests != want[e.Name] || len(e.Errors) != 0 || e.P50Ms <= 0 || e.P99Ms < e.P50Ms {
			t.Errorf("endpoint %+v, want %d requests without error", e, want[e.Name])
		}
	}
	if got := strings.Join(order, " "); got != "create start presign upload submit complete result fetch" {
		t.Errorf("endpoints in the order %s", got)
	}
	if r.Requests != 36 {
		t.Errorf("requests %d, want 9 per session", r.Requests)
	}

	// The text form has the per-endpoint table.
	out.Reset()
	args = args[:len(args)-1]
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`(?m)^sessions\s+4 completed, 0 failed: [\d.]+ sessions/s$`, `(?m)^errors\s+0$`, `(?m)^upload\s+8\s+0\s+\S+`, `(?m)^fetch\s+4\s+0\s`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("summary does not match %s:\n%s", re, out.String())
		}
	}
}

// TestLoadtestBaseline runs create and result against the server and the
// minimal server, and prints both and their ratio: in text, and as JSON.
// With IDPROOF_TEST_DATABASE_URL the baseline runs on PostgreSQL too.
func TestLoadtestBaseline(t *testing.T) {
	base, data := serveForTest(t)
	dbs := []string{""}
	if url := os.Getenv("IDPROOF_TEST_DATABASE_URL"); url != "" {
		dbs = append(dbs, url)
	}
	for _, db := range dbs {
		for _, op := range []string{"create", "result"} {
			args := []string{"loadtest", "--url", base, "--data", data, "--op", op,
				"--concurrency", "2", "--duration", "1m", "--requests", "10", "--baseline"}
			store := "sqlite"
			if db != "" {
				args, store = append(args, "--baseline-database-url", db), "postgresql"
			}
			t.Run(op+"/"+store, func(t *testing.T) {
				var out, progress strings.Builder
				if err := run(context.Background(), args, &out, &progress); err != nil {
					t.Fatalf("loadtest: %v\n%s", err, progress.String())
				}
				summary := out.String()
				for _, re := range []string{
					`(?m)^target\s+http://127\.0\.0\.1:\d+ \(` + op + `, 2 workers\)$`,
					`(?m)^target\s+http://127\.0\.0\.1:\d+ \(baseline, ` + store + `, ` + op + `, 2 workers\)$`,
					`(?m)^real/baseline\s+throughput [\d.]+×\s+p50 [\d.]+×\s+p95 [\d.]+×\s+p99 [\d.]+×$`,
				} {
					if !regexp.MustCompile(re).MatchString(summary) {
						t.Errorf("summary does not match %s:\n%s", re, summary)
					}
				}
				if n := strings.Count(summary, "errors      0\n"); n != 2 {
					t.Errorf("%d runs without errors, want 2:\n%s", n, summary)
				}

				out.Reset()
				if err := run(context.Background(), append(args, "--json"), &out, io.Discard); err != nil {
					t.Fatal(err)
				}
				var cmp struct {
					Real, Baseline struct{ Requests, Errors int }
					Ratio          struct{ Throughput, P50 float64 }
				}
				if err := json.Unmarshal([]byte(out.String()), &cmp); err != nil {
					t.Fatalf("--json: %v\n%s", err, out.String())
				}
				if cmp.Real.Requests != 10 || cmp.Baseline.Requests != 10 || cmp.Real.Errors+cmp.Baseline.Errors != 0 || cmp.Ratio.Throughput <= 0 || cmp.Ratio.P50 <= 0 {
					t.Errorf("--json report %+v", cmp)
				}
			})
		}
	}
	// The minimal server answers create and result only.
	err := run(context.Background(), []string{"loadtest", "--url", base, "--data", data, "--op", "mix", "--baseline"}, io.Discard, io.Discard)
	if u := (usageError{}); !errors.As(err, &u) {
		t.Errorf("--baseline with mix: %v, want a usage error", err)
	}
}
