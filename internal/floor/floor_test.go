package floor_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/internal/floor"
)

// exercise drives a floor server with the real client: what the load tool
// does, plus the refusals that make it a floor rather than an open door.
func exercise(t *testing.T, s *floor.Server) {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	c, err := client.New(ts.URL, client.WithLicense(s.License()))
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateSession(ctx, client.CreateSessionRequest{DVCID: "d", SessionRequest: client.SessionRequest{DocumentType: "dl_object"}})
	if err != nil || len(created.SessionID) != 36 {
		t.Fatalf("create: %+v %v", created, err)
	}
	// The envelope form reads the same session.
	for _, opts := range [][]client.CallOption{nil, {client.Envelope()}} {
		res, err := c.SessionResult(ctx, client.ResultRequest{SessionID: created.SessionID}, false, opts...)
		if err != nil || res["id"] != created.SessionID || res["responseStatus"] != "INPROGRESS" {
			t.Fatalf("result: %v %v", res, err)
		}
	}

	status := func(err error) int {
		var ce *client.Error
		if errors.As(err, &ce) {
			return ce.StatusCode
		}
		t.Fatalf("want an API error, got %v", err)
		return 0
	}
	if _, err := c.SessionResult(ctx, client.ResultRequest{SessionID: "no-such-session"}, false); status(err) != http.StatusNotFound {
		t.Errorf("unknown session: %v", err)
	}
	if _, err := c.CreateSession(ctx, client.CreateSessionRequest{}); status(err) != http.StatusBadRequest {
		t.Errorf("no dvcID: %v", err)
	}
	other, _ := client.New(ts.URL, client.WithLicense("another license"))
	if _, err := other.CreateSession(ctx, client.CreateSessionRequest{DVCID: "d"}); status(err) != http.StatusUnauthorized {
		t.Errorf("wrong license: %v", err)
	}
	// A replayed requestid is refused.
	h, err := c.Headers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replayed := client.EditHeaders(func(got http.Header) {
		for k, v := range h {
			got[k] = v
		}
	})
	if _, err := c.SessionResult(ctx, client.ResultRequest{SessionID: created.SessionID}, false, replayed); err != nil {
		t.Fatalf("first use of the requestid: %v", err)
	}
	if _, err := c.SessionResult(ctx, client.ResultRequest{SessionID: created.SessionID}, false, replayed); status(err) != http.StatusUnauthorized {
		t.Errorf("replay: %v", err)
	}
}

func TestSQLite(t *testing.T) {
	s, err := floor.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "floor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Store() != "sqlite" {
		t.Errorf("Store() = %q", s.Store())
	}
	exercise(t, s)
}

// TestPostgres runs when IDPROOF_TEST_DATABASE_URL names a database.
func TestPostgres(t *testing.T) {
	url := os.Getenv("IDPROOF_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("IDPROOF_TEST_DATABASE_URL not set")
	}
	s, err := floor.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, s)
	if err := s.Close(); err != nil {
		t.Errorf("close (drops the schema): %v", err)
	}
}
