package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/client"
)

// TestIdempotencyKeyProcess sends a creating request twice with one
// Idempotency-Key to the built binary serving a fresh data dir: one session
// is created and both answers name it; another body with the key is a 409.
func TestIdempotencyKeyProcess(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	_, base := startServeProcess(t, bin, []string{"IDPROOF_DATABASE_URL=", "IDPROOF_MASTER_KEY="}, "--data", data)
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	rp := serviceClient(t, base, data)
	ctx := context.Background()
	req := func(uid string) client.CreateSessionRequest {
		return client.CreateSessionRequest{DVCID: creds.DVCID, SessionRequest: client.SessionRequest{
			TenantID: creds.TenantID, CommunityID: creds.CommunityID, DocumentType: "dl_object", UserUID: uid}}
	}
	key := client.NewIdempotencyKey()
	first, err := rp.CreateSession(ctx, req("e2e-1"), client.IdempotencyKey(key))
	if err != nil {
		t.Fatal(err)
	}
	again, err := rp.CreateSession(ctx, req("e2e-1"), client.IdempotencyKey(key))
	if err != nil || *again != *first {
		t.Fatalf("second answer %+v, want %+v: %v", again, first, err)
	}
	page, err := rp.FetchSessions(ctx, creds.TenantID, creds.CommunityID, client.SessionQuery{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Page.Total != 1 {
		t.Fatalf("%d sessions listed of %d, want 1", len(page.Data), page.Page.Total)
	}
	_, err = rp.CreateSession(ctx, req("e2e-2"), client.IdempotencyKey(key))
	var ae *client.Error
	if !errors.As(err, &ae) || ae.StatusCode != 409 {
		t.Fatalf("another body with the key: %v, want 409", err)
	}
}
