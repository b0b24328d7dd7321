package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof"
)

// auditEntries returns n entries of v's trail from seq on, chained to
// prevHash and hashed, each with a Detail whose key order and spacing a
// store must keep.
func auditEntries(v *idproof.Session, seq int64, prevHash string, n int) []*idproof.AuditEvent {
	var out []*idproof.AuditEvent
	for i := range n {
		e := &idproof.AuditEvent{
			SessionID: v.ID,
			Seq:       seq + int64(i),
			TS:        t0.Add(time.Duration(seq+int64(i)) * time.Second),
			Actor:     "relying-party:lic-1",
			Action:    fmt.Sprint("action-", seq+int64(i)),
			Origin:    "origin-hash",
			Detail:    json.RawMessage(fmt.Sprintf(`{"z":%d, "a":["x","y"],"m":{"k":"v"}}`, seq+int64(i))),
			PrevHash:  prevHash,
		}
		if i%2 == 1 {
			e.Origin, e.Detail = "", nil // the system acts from nowhere, with nothing to say
		}
		e.Hash = e.ComputeHash()
		prevHash = e.Hash
		out = append(out, e)
	}
	return out
}

// outboxEvents returns n events of v, of type typ, created a millisecond
// apart from at on.
func outboxEvents(v *idproof.Session, typ string, at time.Time, n int) []*idproof.WebhookEvent {
	var out []*idproof.WebhookEvent
	for i := range n {
		out = append(out, &idproof.WebhookEvent{
			ID:          idproof.NewUUID(),
			TenantID:    v.TenantID,
			CommunityID: v.CommunityID,
			SessionID:   v.ID,
			Type:        typ,
			Payload:     json.RawMessage(fmt.Sprintf(`{"sessionId":%q, "type":%q,"n":%d}`, v.ID, typ, i)),
			CreatedAt:   at.Add(time.Duration(i) * time.Millisecond),
		})
	}
	return out
}

// wantTrail fails t unless the session's stored trail is want, with every
// Detail byte for byte, and verifies.
func wantTrail(t *testing.T, s idproof.Store, sessionID string, want []*idproof.AuditEvent) {
	t.Helper()
	got, err := s.AuditEvents(t.Context(), sessionID)
	must(t, "AuditEvents", err)
	check(t, "AuditEvents", got, want)
	for i := range min(len(got), len(want)) {
		if !bytes.Equal(got[i].Detail, want[i].Detail) {
			t.Errorf("entry %d: Detail %q, want the bytes stored %q", want[i].Seq, got[i].Detail, want[i].Detail)
		}
	}
	if err := idproof.VerifyAuditChain(got); err != nil {
		t.Errorf("VerifyAuditChain of the stored trail: %v", err)
	}
}

// wantEvents fails t unless the session's outbox is want, payloads byte
// for byte.
func wantEvents(t *testing.T, s idproof.Store, sessionID string, want []*idproof.WebhookEvent) {
	t.Helper()
	got, err := s.WebhookEvents(t.Context(), sessionID)
	must(t, "WebhookEvents", err)
	check(t, "WebhookEvents", got, want)
	for i := range min(len(got), len(want)) {
		if !bytes.Equal(got[i].Payload, want[i].Payload) {
			t.Errorf("event %s: Payload %q, want the bytes stored %q", want[i].ID, got[i].Payload, want[i].Payload)
		}
	}
}

// cloneAttached returns deep copies of v's Outbox and Audit, to check that
// a write leaves them as they were.
func cloneAttached(v *idproof.Session) ([]idproof.WebhookEvent, []idproof.AuditEvent) {
	var out []idproof.WebhookEvent
	for _, e := range v.Outbox {
		out = append(out, *e)
	}
	var audit []idproof.AuditEvent
	for _, e := range v.Audit {
		audit = append(audit, *e)
	}
	return out, audit
}

var auditTests = []test{
	{"CreateAndUpdate", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		v := newSessionValue("t", "c", 0)
		v.Outbox = outboxEvents(v, idproof.EventSessionCreated, t0.Add(1*time.Second), 1)
		v.Audit = auditEntries(v, 1, "", 2)
		outbox, audit := cloneAttached(v)
		must(t, "CreateSession", s.CreateSession(ctx, v))
		unchanged(t, "Outbox after CreateSession", v.Outbox, ptrs(outbox))
		unchanged(t, "Audit after CreateSession", v.Audit, ptrs(audit))
		wantEvents(t, s, v.ID, v.Outbox)
		wantTrail(t, s, v.ID, v.Audit)

		got, err := s.Session(ctx, v.ID)
		must(t, "Session", err)
		if got.Outbox != nil || got.Audit != nil {
			t.Errorf("Session read back with %d outbox events and %d audit entries, want none", len(got.Outbox), len(got.Audit))
		}
		allEvents, allEntries := v.Outbox, v.Audit
		got.Status = idproof.StatusInProgress
		got.Outbox = outboxEvents(got, idproof.EventSessionStarted, t0.Add(2*time.Second), 2)
		got.Audit = auditEntries(got, 3, allEntries[1].Hash, 3)
		outbox, audit = cloneAttached(got)
		must(t, "UpdateSession", s.UpdateSession(ctx, got))
		unchanged(t, "Outbox after UpdateSession", got.Outbox, ptrs(outbox))
		unchanged(t, "Audit after UpdateSession", got.Audit, ptrs(audit))
		wantEvents(t, s, v.ID, append(allEvents, got.Outbox...))
		wantTrail(t, s, v.ID, append(allEntries, got.Audit...))

		// An update without either writes neither.
		allEvents, allEntries = append(allEvents, got.Outbox...), append(allEntries, got.Audit...)
		got.Outbox, got.Audit = nil, nil
		must(t, "UpdateSession", s.UpdateSession(ctx, got))
		wantEvents(t, s, v.ID, allEvents)
		wantTrail(t, s, v.ID, allEntries)

		e, err := s.WebhookEvent(ctx, allEvents[0].ID)
		must(t, "WebhookEvent", err)
		check(t, "WebhookEvent", e, allEvents[0])
		_, err = s.WebhookEvent(ctx, idproof.NewUUID())
		wantCode(t, "WebhookEvent", err, idproof.ENOTFOUND)
	}},
	{"Unknown", func(t *testing.T, s idproof.Store) {
		v := newSessionValue("t", "c", 0)
		v.Audit = auditEntries(v, 1, "", 1)
		must(t, "CreateSession", s.CreateSession(t.Context(), v))
		got, err := s.AuditEvents(t.Context(), idproof.NewUUID())
		must(t, "AuditEvents of an unknown session", err)
		check(t, "AuditEvents of an unknown session", got, []*idproof.AuditEvent(nil))
		events, err := s.WebhookEvents(t.Context(), idproof.NewUUID())
		must(t, "WebhookEvents of an unknown session", err)
		check(t, "WebhookEvents of an unknown session", events, []*idproof.WebhookEvent(nil))
	}},
	{"StaleUpdateWritesNothing", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		v := newSessionValue("t", "c", 0)
		v.Outbox = outboxEvents(v, idproof.EventSessionCreated, t0.Add(3*time.Second), 1)
		v.Audit = auditEntries(v, 1, "", 1)
		must(t, "CreateSession", s.CreateSession(ctx, v))
		winner := *v
		winner.Outbox = outboxEvents(v, idproof.EventSessionStarted, t0.Add(4*time.Second), 1)
		winner.Audit = auditEntries(v, 2, v.Audit[0].Hash, 1)
		must(t, "UpdateSession", s.UpdateSession(ctx, &winner))

		loser := *v // the version before the winner's update
		loser.Status = idproof.StatusDeclined
		loser.Outbox = outboxEvents(v, idproof.EventSessionDeclined, t0.Add(5*time.Second), 1)
		loser.Audit = auditEntries(v, 3, winner.Audit[0].Hash, 1)
		wantCode(t, "UpdateSession stale", s.UpdateSession(ctx, &loser), idproof.ECONFLICT)
		wantEvents(t, s, v.ID, append(v.Outbox, winner.Outbox...))
		wantTrail(t, s, v.ID, append(v.Audit, winner.Audit...))
		_, err := s.WebhookEvent(ctx, loser.Outbox[0].ID)
		wantCode(t, "WebhookEvent of the losing update", err, idproof.ENOTFOUND)

		missing := newSessionValue("t", "c", 1)
		missing.Outbox = outboxEvents(missing, idproof.EventSessionStarted, t0.Add(6*time.Second), 1)
		missing.Audit = auditEntries(missing, 1, "", 1)
		wantCode(t, "UpdateSession of a missing session", s.UpdateSession(ctx, missing), idproof.ENOTFOUND)
		wantEvents(t, s, missing.ID, nil)
		wantTrail(t, s, missing.ID, nil)
	}},
	{"DuplicateSeq", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		v := newSessionValue("t", "c", 0)
		v.Audit = auditEntries(v, 1, "", 2)
		must(t, "CreateSession", s.CreateSession(ctx, v))
		want, err := s.Session(ctx, v.ID)
		must(t, "Session", err)

		upd := *want
		upd.Status, upd.Retries = idproof.StatusInProgress, 7
		upd.Outbox = outboxEvents(v, idproof.EventSessionStarted, t0.Add(7*time.Second), 1)
		upd.Audit = auditEntries(v, 2, v.Audit[0].Hash, 2) // seq 2 is taken
		wantCode(t, "UpdateSession with a taken seq", s.UpdateSession(ctx, &upd), idproof.ECONFLICT)
		if upd.Version != want.Version {
			t.Errorf("Version after a failed update = %d, want %d", upd.Version, want.Version)
		}
		got, err := s.Session(ctx, v.ID)
		must(t, "Session", err)
		check(t, "Session after a taken seq", got, want)
		wantEvents(t, s, v.ID, nil)
		wantTrail(t, s, v.ID, v.Audit)

		// A new session whose entries collide is not created at all.
		other := newSessionValue("t", "c", 1)
		other.Outbox = outboxEvents(other, idproof.EventSessionCreated, t0.Add(8*time.Second), 1)
		other.Audit = []*idproof.AuditEvent{v.Audit[0]}
		wantCode(t, "CreateSession with a taken seq", s.CreateSession(ctx, other), idproof.ECONFLICT)
		_, err = s.Session(ctx, other.ID)
		wantCode(t, "Session not created", err, idproof.ENOTFOUND)
		wantEvents(t, s, other.ID, nil)
	}},
	{"UpdateConcurrent", func(t *testing.T, s idproof.Store) {
		// Writers race on one version, each with its own entry 2: only the
		// winner's entry and event are kept.
		ctx := t.Context()
		v := newSessionValue("t", "c", 0)
		v.Audit = auditEntries(v, 1, "", 1)
		must(t, "CreateSession", s.CreateSession(ctx, v))
		const writers = 6
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			mu    sync.Mutex
			wins  []*idproof.Session
		)
		for w := range writers {
			cur, err := s.Session(ctx, v.ID)
			must(t, "Session", err)
			cur.Retries = w
			cur.Outbox = outboxEvents(cur, idproof.EventSessionStarted, t0.Add(9*time.Second), 1)
			entry := auditEntries(cur, 2, v.Audit[0].Hash, 1)[0]
			entry.Actor = fmt.Sprint("writer-", w)
			entry.Hash = entry.ComputeHash()
			cur.Audit = []*idproof.AuditEvent{entry}
			wg.Go(func() {
				<-start
				err := s.UpdateSession(ctx, cur)
				mu.Lock()
				defer mu.Unlock()
				switch idproof.ErrorCode(err) {
				case "":
					wins = append(wins, cur)
				case idproof.ECONFLICT:
				default:
					t.Errorf("UpdateSession: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(wins) != 1 {
			t.Fatalf("%d writers won, want 1", len(wins))
		}
		wantTrail(t, s, v.ID, append(v.Audit, wins[0].Audit...))
		wantEvents(t, s, v.ID, wins[0].Outbox)
	}},
}

// unchanged fails t unless what a write was given is exactly as before.
func unchanged[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: the store changed what it was given (-before +after):\n%s", what, diff)
	}
}

// ptrs returns pointers to the elements of list.
func ptrs[T any](list []T) []*T {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}
