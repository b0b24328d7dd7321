package storetest

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newSessionValue returns a pending session that is not stored yet, created
// i minutes after t0, with every field set.
func newSessionValue(tenantID, communityID string, i int) *idproof.Session {
	at := t0.Add(time.Duration(i) * time.Minute)
	return &idproof.Session{
		ID:            idproof.NewUUID(),
		TenantID:      tenantID,
		CommunityID:   communityID,
		TenantDNS:     tenantID + ".example.com",
		CommunityName: "community " + communityID,
		DVCID:         "dvc-1",
		DocumentType:  idproof.DocPassport,
		Status:        idproof.StatusPending,
		Outcome:       idproof.OutcomeReview,
		User: idproof.SessionUser{
			UID:       "uid-42",
			Username:  "jdoe",
			Firstname: "Jane",
			Lastname:  "Doe",
		},
		DID:             "did:example:123",
		BoundKey:        "bound-public-key",
		Retries:         2,
		CreatedAt:       at,
		ExpiresAt:       at.Add(30 * time.Minute),
		StartedAt:       at.Add(time.Minute),
		CompletedAt:     at.Add(2 * time.Minute),
		LastActivityAt:  at.Add(3 * time.Minute),
		PurgeAt:         at.Add(24 * time.Hour),
		DueAt:           at.Add(30 * time.Minute),
		ConnectorSealed: []byte{0xde, 0xad, 0, 0xbe, 0xef},
		PersonalSealed:  []byte{1, 0xca, 0xfe, 0, 0x42},
		Lookup:          idproof.SessionLookup{UID: "key-uid-42", Firstname: "key-jane", Lastname: "key-doe"},
		Data:            json.RawMessage(`{"history": [{"at": "x", "event": "created"}], "n": 1}`),
		Version:         1,
	}
}

// newSession stores newSessionValue(tenantID, communityID, i).
func newSession(t *testing.T, s idproof.Store, tenantID, communityID string, i int) *idproof.Session {
	t.Helper()
	v := newSessionValue(tenantID, communityID, i)
	must(t, "CreateSession", s.CreateSession(t.Context(), v))
	return v
}

func sessionID(v *idproof.Session) string { return v.ID }

var sessionTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		want := newSession(t, s, "t", "c", 0)
		got, err := s.Session(t.Context(), want.ID)
		must(t, "Session", err)
		check(t, "Session", got, want)
	}},
	{"ZeroValues", func(t *testing.T, s idproof.Store) {
		want := &idproof.Session{ID: idproof.NewUUID(), TenantID: "t", CommunityID: "c", Status: idproof.StatusPending, CreatedAt: t0}
		must(t, "CreateSession", s.CreateSession(t.Context(), want))
		got, err := s.Session(t.Context(), want.ID)
		must(t, "Session", err)
		check(t, "Session", got, want)
		for name, tm := range map[string]time.Time{"ExpiresAt": got.ExpiresAt, "StartedAt": got.StartedAt, "CompletedAt": got.CompletedAt, "LastActivityAt": got.LastActivityAt, "PurgeAt": got.PurgeAt, "DueAt": got.DueAt} {
			if !tm.IsZero() {
				t.Errorf("%s = %v, want the zero time", name, tm)
			}
		}
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		newSession(t, s, "t", "c", 0)
		_, err := s.Session(t.Context(), idproof.NewUUID())
		wantCode(t, "Session", err, idproof.ENOTFOUND)
	}},
	{"Duplicate", func(t *testing.T, s idproof.Store) {
		v := newSession(t, s, "t", "c", 0)
		dup := newSessionValue("t2", "c2", 1)
		dup.ID = v.ID
		wantCode(t, "CreateSession", s.CreateSession(t.Context(), dup), idproof.ECONFLICT)
		got, err := s.Session(t.Context(), v.ID)
		must(t, "Session", err)
		check(t, "Session after conflict", got, v)
	}},
	{"Update", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		orig := newSession(t, s, "t", "c", 0)
		upd := *orig
		upd.DVCID = "dvc-2"
		upd.DocumentType = idproof.DocDriversLicense
		upd.Status = idproof.StatusCompleted
		upd.Outcome = idproof.OutcomePass
		upd.User = idproof.SessionUser{UID: "uid-43", Username: "jroe", Firstname: "John", Lastname: "Roe"}
		upd.DID = "did:example:456"
		upd.BoundKey = "other-key"
		upd.Retries = 3
		upd.ExpiresAt = t0.Add(time.Hour)
		upd.StartedAt = time.Time{}
		upd.CompletedAt = t0.Add(2 * time.Hour)
		upd.LastActivityAt = t0.Add(3 * time.Hour)
		upd.PurgeAt = time.Time{}
		upd.ConnectorSealed = nil
		upd.PersonalSealed = []byte{1, 2, 3}
		upd.Lookup = idproof.SessionLookup{UID: "key-uid-43", Lastname: "key-roe"}
		upd.Data = json.RawMessage(`{"history": [], "n": 2}`)
		want := upd
		want.Version = orig.Version + 1

		// Identity and creation time are not the writer's to change.
		upd.TenantID, upd.CommunityID, upd.TenantDNS, upd.CommunityName = "x", "y", "x.example.com", "y"
		upd.CreatedAt = t0.Add(-time.Hour)
		must(t, "UpdateSession", s.UpdateSession(ctx, &upd))
		if upd.Version != want.Version {
			t.Errorf("Version after UpdateSession = %d, want %d", upd.Version, want.Version)
		}
		got, err := s.Session(ctx, orig.ID)
		must(t, "Session", err)
		check(t, "Session after update", got, &want)

		// A second update from the fresh value succeeds too.
		got.Retries = 4
		must(t, "UpdateSession again", s.UpdateSession(ctx, got))
		again, err := s.Session(ctx, orig.ID)
		must(t, "Session", err)
		check(t, "Session after second update", again, got)
		if again.Version != orig.Version+2 {
			t.Errorf("Version = %d, want %d", again.Version, orig.Version+2)
		}
	}},
	{"UpdateStale", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		orig := newSession(t, s, "t", "c", 0)
		first := *orig
		first.Status = idproof.StatusInProgress
		must(t, "UpdateSession", s.UpdateSession(ctx, &first))
		want, err := s.Session(ctx, orig.ID)
		must(t, "Session", err)

		stale := *orig
		stale.Status = idproof.StatusAbandoned
		stale.Retries = 9
		wantCode(t, "UpdateSession stale", s.UpdateSession(ctx, &stale), idproof.ECONFLICT)
		if stale.Version != orig.Version {
			t.Errorf("Version after a failed update = %d, want %d", stale.Version, orig.Version)
		}
		got, err := s.Session(ctx, orig.ID)
		must(t, "Session", err)
		check(t, "Session after stale update", got, want)

		ahead := *want
		ahead.Version += 5
		wantCode(t, "UpdateSession ahead", s.UpdateSession(ctx, &ahead), idproof.ECONFLICT)
	}},
	{"UpdateNotFound", func(t *testing.T, s idproof.Store) {
		v := newSessionValue("t", "c", 0)
		wantCode(t, "UpdateSession", s.UpdateSession(t.Context(), v), idproof.ENOTFOUND)
	}},
	{"UpdateConcurrent", testUpdateConcurrent},
	{"ClaimDue", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		mk := func(i, dueMin int) *idproof.Session {
			v := newSessionValue("t", "c", i)
			v.DueAt = time.Time{}
			if dueMin >= 0 {
				v.DueAt = at(dueMin)
			}
			must(t, "CreateSession", s.CreateSession(ctx, v))
			return v
		}
		late := mk(0, 50)
		early := mk(1, 10)
		mk(2, -1) // nothing due: never claimed
		mid := mk(3, 20)
		got, err := s.ClaimSessionsDue(ctx, at(20), at(25), 10)
		must(t, "ClaimSessionsDue", err)
		for _, v := range []*idproof.Session{early, mid} {
			v.DueAt, v.Version = at(25), v.Version+1
		}
		sortByID(got)
		check(t, "ClaimSessionsDue", got, sortByID([]*idproof.Session{early, mid}))
		// Claimed sessions are not claimed again until the lease ends.
		got, err = s.ClaimSessionsDue(ctx, at(24), at(30), 10)
		must(t, "ClaimSessionsDue during lease", err)
		check(t, "ClaimSessionsDue during lease", got, []*idproof.Session(nil))
		got, err = s.ClaimSessionsDue(ctx, at(60), at(70), 2)
		must(t, "ClaimSessionsDue after lease", err)
		if ids := idSet(got); len(got) != 2 || !ids[early.ID] || !ids[mid.ID] {
			t.Fatalf("after lease: %d sessions", len(got))
		}
		// Clearing DueAt (with the claimed version) takes a session out of the queue.
		sortByID(got)
		claimedEarly := got[0]
		if claimedEarly.ID != early.ID {
			claimedEarly = got[1]
		}
		claimedEarly.DueAt = time.Time{}
		must(t, "UpdateSession", s.UpdateSession(ctx, claimedEarly))
		got, err = s.ClaimSessionsDue(ctx, at(100), at(110), 10)
		must(t, "ClaimSessionsDue last", err)
		if ids := idSet(got); len(got) != 2 || !ids[late.ID] || !ids[mid.ID] {
			t.Fatalf("last claim: %d sessions", len(got))
		}
	}},
	{"ClaimDueConcurrent", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		const n = 60
		for i := range n {
			v := newSessionValue("t", "c", i)
			v.DueAt = t0
			must(t, "CreateSession", s.CreateSession(ctx, v))
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimSessionsDue(ctx, t0, t0.Add(time.Hour), 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, v := range got {
						seen[v.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct sessions, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("session %s claimed %d times", id, c)
			}
		}
	}},
}

// testUpdateConcurrent lets several writers race on each version: exactly
// one must win each round and every loser must see ECONFLICT.
func testUpdateConcurrent(t *testing.T, s idproof.Store) {
	const writers, rounds = 5, 4
	ctx := t.Context()
	orig := newSession(t, s, "t", "c", 0)
	for round := range rounds {
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			mu    sync.Mutex
			wins  []int
			errs  []error
		)
		for w := range writers {
			cur, err := s.Session(ctx, orig.ID)
			must(t, "Session", err)
			cur.Retries = w
			cur.DID = fmt.Sprintf("writer-%d", w)
			wg.Go(func() {
				<-start
				err := s.UpdateSession(ctx, cur)
				mu.Lock()
				defer mu.Unlock()
				switch idproof.ErrorCode(err) {
				case "":
					wins = append(wins, w)
				case idproof.ECONFLICT:
				default:
					errs = append(errs, err)
				}
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("round %d: UpdateSession: %v", round, err)
		}
		if len(wins) != 1 {
			t.Fatalf("round %d: %d writers won (%v), want exactly 1", round, len(wins), wins)
		}
		got, err := s.Session(ctx, orig.ID)
		must(t, "Session", err)
		if want := orig.Version + int64(round) + 1; got.Version != want {
			t.Errorf("round %d: Version = %d, want %d", round, got.Version, want)
		}
		if got.Retries != wins[0] || got.DID != fmt.Sprintf("writer-%d", wins[0]) {
			t.Errorf("round %d: stored writer %d/%s, winner was %d", round, got.Retries, got.DID, wins[0])
		}
	}
}

// sortByID orders sessions by ID; claims return them in no particular order.
func sortByID(list []*idproof.Session) []*idproof.Session {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

func idSet(list []*idproof.Session) map[string]bool {
	m := map[string]bool{}
	for _, v := range list {
		m[v.ID] = true
	}
	return m
}
