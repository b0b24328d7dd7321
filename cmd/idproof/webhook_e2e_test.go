package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/webhook/webhooktest"
)

// TestWebhookDeliverySurvivesCrash runs the real server on SQLite with a
// webhook endpoint whose receiver fails at first, then holds requests
// unanswered while the server is killed with SIGKILL. After a restart on
// the same data, every event the engine wrote reaches the receiver, with
// a valid signature, and the delivery log keeps the failed attempts.
func TestWebhookDeliverySurvivesCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server; waits out a delivery lease")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	rcv := webhooktest.New()
	t.Cleanup(rcv.Close)
	start := func() (int, string) {
		return startServeProcess(t, bin, []string{"IDPROOF_DATABASE_URL=", "IDPROOF_MASTER_KEY="}, "--data", data,
			"--allow-private-endpoints", "--webhook-interval", "100ms", "--webhook-retry-base", "200ms", "--webhook-retry-max", "1s", "--webhook-lease", "15s")
	}
	// Deadlines are generous: a failure means something never happened.
	// The held deliveries come back only when their lease (15 s) ends.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	pid, base := start()
	cr, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	rp := mustClient(t, base, cr.Licenses.Service)
	hook, err := rp.CreateWebhook(ctx, cr.TenantID, cr.CommunityID, client.WebhookSpec{URL: &rcv.URL})
	if err != nil {
		t.Fatal(err)
	}
	rcv.SetSecrets(hook.Secret)
	rcv.Fail(http.StatusInternalServerError)

	const sessions = 4
	dvc := sandboxDVC(t, ctx, base, cr)
	var ids []string
	for i := range sessions {
		s, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: dvc, SessionRequest: client.SessionRequest{
			TenantID: cr.TenantID, CommunityID: cr.CommunityID, DocumentType: "dl_object",
			User: &client.SessionUser{UID: fmt.Sprintf("hook-%d", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		browser := mustClient(t, base, "")
		for _, step := range []string{"start", "complete"} {
			if _, err := browser.SessionCall(ctx, s.SessionID, step); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
		ids = append(ids, s.SessionID)
	}

	// Every session's completion is in the log with a failed attempt.
	deliveries := func(c *client.Client) []client.WebhookDelivery {
		for try := 0; ; try++ {
			ds, err := c.WebhookDeliveries(ctx, cr.TenantID, cr.CommunityID, client.WebhookDeliveryFilter{Limit: 500})
			var ce *client.Error
			// Just after a restart, requestids dated before it are refused.
			if errors.As(err, &ce) && ce.StatusCode == http.StatusTooManyRequests && try < 50 {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
	}
	poll(t, ctx, "a failed attempt of every session's completion", func() bool {
		failed := map[string]bool{}
		for _, d := range deliveries(rp) {
			if d.EventType == idproof.EventSessionCompleted && d.Attempts > 0 && d.LastStatusCode == 500 {
				failed[d.SessionID] = true
			}
		}
		return len(failed) == sessions
	})

	// Requests now wait unanswered; kill the server while they do.
	rcv.Hold()
	if err := rcv.WaitHeld(ctx, 1); err != nil {
		t.Fatalf("no request held: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	rcv.Recover()
	rcv.Release()

	_, base = start()
	rp = mustClient(t, base, cr.Licenses.Service)
	all := deliveries(rp)
	var events []string
	sessionsWith := map[string]bool{}
	for _, d := range all {
		events = append(events, d.EventID)
		if d.EventType == idproof.EventSessionCompleted {
			sessionsWith[d.SessionID] = true
		}
	}
	if len(sessionsWith) != sessions {
		t.Fatalf("completions of %d sessions in the log, want %d", len(sessionsWith), sessions)
	}
	if err := rcv.WaitFor(ctx, events...); err != nil {
		t.Fatalf("not every event arrived: %v; received %v of %d", err, len(rcv.Accepted()), len(events))
	}
	poll(t, ctx, "every delivery DELIVERED", func() bool {
		for _, d := range deliveries(rp) {
			if d.Status != idproof.DeliveryDelivered {
				return false
			}
		}
		return true
	})
	if n := rcv.Rejected(); n != 0 {
		t.Fatalf("%d requests failed the signature check", n)
	}

	// The log shows the failures before the success, and the payload sent
	// is the event the server keeps.
	bodies := map[string][]byte{}
	for _, r := range rcv.Requests() {
		if r.Status == http.StatusOK {
			bodies[r.EventID] = r.Body
		}
	}
	retried := 0
	for _, d := range deliveries(rp) {
		det, err := rp.WebhookDelivery(ctx, cr.TenantID, cr.CommunityID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(det.Log); n == 0 || det.Log[n-1].StatusCode != http.StatusOK {
			t.Fatalf("delivery %s: log %+v does not end in a 200", d.ID, det.Log)
		}
		if len(det.Log) > 1 && det.Log[0].StatusCode == http.StatusInternalServerError {
			retried++
		}
		if !bytes.Equal(bodies[d.EventID], det.Event) {
			t.Fatalf("event %s: received %s, the log holds %s", d.EventID, bodies[d.EventID], det.Event)
		}
	}
	if retried < sessions {
		t.Fatalf("%d deliveries show failed attempts before success, want at least %d", retried, sessions)
	}
	t.Logf("%d sessions, %d events, %d requests (%d answered 2xx), %d deliveries retried", len(ids), len(events),
		len(rcv.Requests()), len(bodies), retried)
}

// mustClient is a client of base with license (none when "").
func mustClient(t *testing.T, base, license string) *client.Client {
	t.Helper()
	var opts []client.Option
	if license != "" {
		opts = append(opts, client.WithLicense(license))
	}
	c, err := client.New(base, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sandboxDVC finds the bootstrap's sandbox verification configuration.
func sandboxDVC(t *testing.T, ctx context.Context, base string, cr *admin.Credentials) string {
	t.Helper()
	cs, err := mustClient(t, base, cr.Licenses.System).VerificationConfigs(ctx, cr.TenantID, cr.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "sandbox" {
			return c.DVCID
		}
	}
	t.Fatal("no sandbox verification configuration")
	return ""
}

// poll checks cond every 100 ms until it holds or ctx ends.
func poll(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("never: %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
