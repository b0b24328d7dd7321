package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// TestAuditAppendOnly checks that the database itself refuses to change or
// remove an audit entry, whoever asks.
func TestAuditAppendOnly(t *testing.T) {
	ctx := t.Context()
	s := OpenTest(t)
	e := &idproof.AuditEvent{SessionID: idproof.NewUUID(), Seq: 1, TS: time.UnixMilli(1e12).UTC(), Actor: "system", Action: "created"}
	e.Hash = e.ComputeHash()
	v := &idproof.Session{ID: e.SessionID, TenantID: "t", CommunityID: "c", Status: idproof.StatusPending, Audit: []*idproof.AuditEvent{e}}
	if err := s.CreateSession(ctx, v); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE audit_events SET action = 'rewritten'`,
		`DELETE FROM audit_events`,
	} {
		_, err := s.pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want the trail's refusal", stmt, err)
		}
	}
	got, err := s.AuditEvents(ctx, e.SessionID)
	if err != nil || len(got) != 1 || got[0].Action != "created" {
		t.Fatalf("trail after refused writes: %v, %v", got, err)
	}
}
