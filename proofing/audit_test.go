package proofing_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// TestAuditTrail: a session's whole life is in its trail, chained, with
// who acted, an origin that is not the address, evidence by digest and the
// verification's connector and version; the proof names the entry it was
// signed at; and any entry changed afterwards breaks the chain.
func TestAuditTrail(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	withBucket(t, f)
	f.engine.Version = "v9.8.7"
	id := completeAs(t, f, "alice")
	_, d := f.load(t, id)
	trail, err := f.store.AuditEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := idproof.VerifyAuditChain(trail); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range trail {
		actions = append(actions, e.Action)
	}
	want := []string{proofing.ActivityCreated, proofing.ActivityStarted, proofing.AuditEvidence, proofing.ActivityValidated, string(idproof.StatusCompleted)}
	if !equal(actions, want) {
		t.Fatalf("actions %v, want %v", actions, want)
	}
	last := trail[len(trail)-1]
	if d.AuditHead != last.Hash || d.AuditSeq != last.Seq {
		t.Fatalf("session head %d %s, trail ends at %d %s", d.AuditSeq, d.AuditHead, last.Seq, last.Hash)
	}
	if c := proofClaims(t, d.ProofJWT); c["auditHead"] != last.Hash {
		t.Fatalf("proof auditHead %v, want the completion entry's %s", c["auditHead"], last.Hash)
	}
	start := trail[1]
	if start.Actor != "user:abc" || start.Origin == "" || strings.Contains(start.Origin, "192.0.2") ||
		start.Origin != f.engine.AuditOrigin(f.creds.TenantID, "192.0.2.7") {
		t.Fatalf("start entry %+v", start)
	}
	if trail[0].Actor != "system" && trail[0].Actor == "" {
		t.Fatalf("create entry %+v", trail[0])
	}
	var ev struct {
		Images []struct{ Name, SHA256 string }
	}
	if err := json.Unmarshal(trail[2].Detail, &ev); err != nil || len(ev.Images) != 1 || len(ev.Images[0].SHA256) != 64 {
		t.Fatalf("evidence detail %s (%v)", trail[2].Detail, err)
	}
	var verdict struct{ Connector, Version, Outcome string }
	if err := json.Unmarshal(trail[3].Detail, &verdict); err != nil || verdict.Connector != "sandbox" || verdict.Version != "v9.8.7" ||
		verdict.Outcome != string(idproof.OutcomePass) {
		t.Fatalf("verdict detail %s (%v)", trail[3].Detail, err)
	}

	// Tampering: each kind of change to a stored entry is found.
	tamper := map[string]func(es []*idproof.AuditEvent) []*idproof.AuditEvent{
		"detail changed": func(es []*idproof.AuditEvent) []*idproof.AuditEvent {
			es[3].Detail = json.RawMessage(strings.Replace(string(es[3].Detail), "COMPLETED_PASS", "COMPLETED_FAILED", 1))
			return es
		},
		"actor changed": func(es []*idproof.AuditEvent) []*idproof.AuditEvent { es[1].Actor = "license:x"; return es },
		"time changed":  func(es []*idproof.AuditEvent) []*idproof.AuditEvent { es[2].TS = es[2].TS.Add(time.Second); return es },
		"entry removed": func(es []*idproof.AuditEvent) []*idproof.AuditEvent { return append(es[:2], es[3:]...) },
		"entries swapped": func(es []*idproof.AuditEvent) []*idproof.AuditEvent {
			es[1], es[2] = es[2], es[1]
			return es
		},
	}
	for name, change := range tamper {
		t.Run(name, func(t *testing.T) {
			es := cloneTrail(t, trail)
			es = change(es)
			if err := idproof.VerifyAuditChain(es); err == nil {
				t.Fatal("the change was not detected")
			}
		})
	}

	// A forger who changes an entry and recomputes every hash after it
	// keeps the chain whole, but cannot end it at the hash the signed
	// proof names.
	t.Run("rehashed after a change", func(t *testing.T) {
		es := cloneTrail(t, trail)
		es[1].Actor = "license:x"
		prev := es[0].Hash
		for _, e := range es[1:] {
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			prev = e.Hash
		}
		if err := idproof.VerifyAuditChain(es); err != nil {
			t.Fatalf("a rehashed chain verifies on its own: %v", err)
		}
		for _, e := range es {
			if e.Hash == proofClaims(t, d.ProofJWT)["auditHead"] {
				t.Fatalf("entry %d of the rewritten trail has the proof's head", e.Seq)
			}
		}
	})
}

func cloneTrail(t *testing.T, es []*idproof.AuditEvent) []*idproof.AuditEvent {
	b, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	var out []*idproof.AuditEvent
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOutboxEvents: every transition puts one event in the outbox with
// the change, and no event carries personal data.
func TestOutboxEvents(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	withBucket(t, f)
	kicked := 0
	f.engine.OnOutbox = func() { kicked++ }
	done := completeAs(t, f, pdUser.UID)
	want := []string{idproof.EventSessionCreated, idproof.EventSessionStarted, idproof.EventSessionCompleted}
	if got := eventTypes(t, f, done); !equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if kicked != 3 {
		t.Fatalf("OnOutbox called %d times, want 3", kicked)
	}
	evs, err := f.store.WebhookEvents(context.Background(), done)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ID, Type string
		Data     struct {
			SessionID, Status, Outcome string
		}
	}
	if err := json.Unmarshal(evs[2].Payload, &p); err != nil || p.ID != evs[2].ID || p.Type != idproof.EventSessionCompleted ||
		p.Data.SessionID != done || p.Data.Status != "COMPLETED" || p.Data.Outcome != string(idproof.OutcomePass) {
		t.Fatalf("payload %s (%v)", evs[2].Payload, err)
	}
	noPersonal(t, "events", trailText(t, f, done))

	for _, tc := range []struct {
		name string
		run  func(id string)
		want string
	}{
		{"declined", func(id string) { mustDo(t, f, "decline", id) }, idproof.EventSessionDeclined},
		{"expired", func(id string) { f.clock.Advance(61 * time.Minute); f.sweep(t) }, idproof.EventSessionExpired},
		{"abandoned", func(id string) { mustDo(t, f, "start", id); f.clock.Advance(16 * time.Minute); f.sweep(t) }, idproof.EventSessionAbandoned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := f.create(t, "u-"+tc.name)
			tc.run(s.ID)
			got := eventTypes(t, f, s.ID)
			if got[len(got)-1] != tc.want || countEvents(t, f, s.ID, tc.want) != 1 {
				t.Fatalf("events %v, want one %s last", got, tc.want)
			}
		})
	}
}

// TestResumesBounded: a page reloaded in a loop resumes the session every
// time, but the history and the trail record only the first resumes.
func TestResumesBounded(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	s := f.create(t, "alice")
	for range 130 {
		mustDo(t, f, "start", s.ID)
	}
	trail, err := f.store.AuditEvents(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, d := f.load(t, s.ID)
	// created, started, then 100 resumes.
	if len(trail) != 102 || len(d.History) != 102 {
		t.Fatalf("%d trail entries and %d history entries, want 102", len(trail), len(d.History))
	}
}
