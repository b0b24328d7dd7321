package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// listFixture stores six sessions that differ in every filtered field and
// returns them by letter; a is the oldest, f the newest. Lookup keys are
// opaque to stores: plain labels stand in for the engine's hashes. f is
// stored as a row from before sealing (no PersonalSealed, plain user).
func listFixture(t *testing.T, s idproof.Store) map[string]*idproof.Session {
	t.Helper()
	type spec struct {
		tenant, community string
		status            idproof.SessionStatus
		outcome           idproof.Outcome
		doc, dvc          string
		lookup            idproof.SessionLookup
	}
	specs := []spec{
		{"t1", "c1", idproof.StatusPending, "", idproof.DocPassport, "dvc-a", idproof.SessionLookup{UID: "k-uid-1", Firstname: "k-anne", Lastname: "k-smith"}},
		{"t1", "c1", idproof.StatusInProgress, "", idproof.DocDriversLicense, "dvc-b", idproof.SessionLookup{UID: "k-uid-2", Firstname: "k-bob", Lastname: "k-marley"}},
		{"t1", "c1", idproof.StatusCompleted, idproof.OutcomePass, idproof.DocPassport, "dvc-a", idproof.SessionLookup{UID: "k-uid-3", Firstname: "k-elodie", Lastname: "k-anne"}},
		{"t1", "c2", idproof.StatusCompleted, idproof.OutcomeFailed, idproof.DocIDCard, "dvc-a", idproof.SessionLookup{UID: "k-uid-1", Firstname: "k-zoe", Lastname: "k-100"}},
		{"t2", "c3", idproof.StatusCompleted, idproof.OutcomePass, idproof.DocPassport, "dvc-a", idproof.SessionLookup{UID: "k-uid-5", Firstname: "k-anne", Lastname: "k-other"}},
		{"t1", "c1", idproof.StatusExpired, idproof.OutcomeNotPerformed, idproof.DocPassport, "", idproof.SessionLookup{}},
	}
	out := map[string]*idproof.Session{}
	for i, sp := range specs {
		v := newSessionValue(sp.tenant, sp.community, i)
		v.Status, v.Outcome, v.DocumentType, v.DVCID, v.Lookup = sp.status, sp.outcome, sp.doc, sp.dvc, sp.lookup
		v.User, v.DID = idproof.SessionUser{}, ""
		if i == 5 {
			v.PersonalSealed, v.User = nil, idproof.SessionUser{UID: "legacy", Firstname: "Old", Lastname: "Row"}
		}
		must(t, "CreateSession", s.CreateSession(t.Context(), v))
		out[string(rune('a'+i))] = v
	}
	return out
}

// at is the creation time of fixture session i.
func at(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }

var sessionListTests = []test{
	{"Filters", testSessionFilters},
	{"FullRows", func(t *testing.T, s idproof.Store) {
		fx := listFixture(t, s)
		got, n, err := s.Sessions(t.Context(), idproof.SessionFilter{TenantID: "t1", CommunityID: "c1"})
		must(t, "Sessions", err)
		check(t, "Sessions", got, []*idproof.Session{fx["f"], fx["c"], fx["b"], fx["a"]})
		if n != 4 {
			t.Errorf("total = %d, want 4", n)
		}
	}},
	{"Empty", func(t *testing.T, s idproof.Store) {
		got, n, err := s.Sessions(t.Context(), idproof.SessionFilter{})
		must(t, "Sessions", err)
		if len(got) != 0 || n != 0 {
			t.Errorf("Sessions of an empty store: %d rows, total %d", len(got), n)
		}
	}},
	{"TieOrder", func(t *testing.T, s idproof.Store) {
		var want []string
		for range 4 {
			want = append(want, newSession(t, s, "t", "c", 0).ID)
		}
		newest := newSession(t, s, "t", "c", 1).ID
		slices.Sort(want)
		want = append([]string{newest}, want...)
		got, _, err := s.Sessions(t.Context(), idproof.SessionFilter{TenantID: "t"})
		must(t, "Sessions", err)
		check(t, "order", ids(got, sessionID), want)
	}},
	{"Pagination", testSessionPagination},
	{"PlainNameRefused", func(t *testing.T, s idproof.Store) {
		listFixture(t, s)
		for _, f := range []idproof.SessionFilter{{Name: "anne"}, {TenantID: "t1", UID: "k-uid-1"}} {
			got, _, err := s.Sessions(t.Context(), f)
			if err == nil {
				t.Errorf("Sessions(%+v) = %d sessions, want an error: stores hold no plain names to filter on", f, len(got))
			}
		}
	}},
}

func testSessionFilters(t *testing.T, s idproof.Store) {
	fx := listFixture(t, s)
	cases := []struct {
		name string
		f    idproof.SessionFilter
		want string // fixture letters, newest first
	}{
		{"none", idproof.SessionFilter{}, "fedcba"},
		{"tenant", idproof.SessionFilter{TenantID: "t1"}, "fdcba"},
		{"tenant community", idproof.SessionFilter{TenantID: "t1", CommunityID: "c1"}, "fcba"},
		{"community", idproof.SessionFilter{CommunityID: "c2"}, "d"},
		{"unknown tenant", idproof.SessionFilter{TenantID: "t9"}, ""},
		{"id", idproof.SessionFilter{ID: fx["c"].ID}, "c"},
		{"id other tenant", idproof.SessionFilter{TenantID: "t2", ID: fx["c"].ID}, ""},
		{"status", idproof.SessionFilter{Statuses: []idproof.SessionStatus{idproof.StatusCompleted}}, "edc"},
		{"tenant status", idproof.SessionFilter{TenantID: "t1", Statuses: []idproof.SessionStatus{idproof.StatusCompleted}}, "dc"},
		{"outcome", idproof.SessionFilter{Outcomes: []idproof.Outcome{idproof.OutcomePass}}, "ec"},
		{"document type", idproof.SessionFilter{DocumentTypes: []string{idproof.DocPassport}}, "feca"},
		{"statuses any of", idproof.SessionFilter{Statuses: []idproof.SessionStatus{idproof.StatusPending, idproof.StatusExpired}}, "fa"},
		{"status or outcome", idproof.SessionFilter{Statuses: []idproof.SessionStatus{idproof.StatusPending}, StatusOutcomes: []idproof.Outcome{idproof.OutcomeFailed}}, "da"},
		{"community status or outcome", idproof.SessionFilter{TenantID: "t1", CommunityID: "c1",
			Statuses: []idproof.SessionStatus{idproof.StatusPending}, StatusOutcomes: []idproof.Outcome{idproof.OutcomePass, idproof.OutcomeFailed}}, "ca"},
		{"status outcomes alone", idproof.SessionFilter{StatusOutcomes: []idproof.Outcome{idproof.OutcomePass}}, "ec"},
		{"outcomes any of", idproof.SessionFilter{Outcomes: []idproof.Outcome{idproof.OutcomePass, idproof.OutcomeFailed}}, "edc"},
		{"status or outcome, and outcome", idproof.SessionFilter{
			Statuses: []idproof.SessionStatus{idproof.StatusPending, idproof.StatusCompleted}, StatusOutcomes: []idproof.Outcome{idproof.OutcomeNotPerformed},
			Outcomes: []idproof.Outcome{idproof.OutcomePass, idproof.OutcomeNotPerformed}}, "fec"},
		{"document types any of", idproof.SessionFilter{DocumentTypes: []string{idproof.DocDriversLicense, idproof.DocIDCard}}, "db"},
		{"dvc", idproof.SessionFilter{DVCID: "dvc-a"}, "edca"},
		{"name key first or last", idproof.SessionFilter{NameKey: "k-anne"}, "eca"},
		{"name key last", idproof.SessionFilter{NameKey: "k-smith"}, "a"},
		{"name key is whole", idproof.SessionFilter{NameKey: "k-ann"}, ""},
		{"name key none", idproof.SessionFilter{NameKey: "k-nobody"}, ""},
		{"uid key", idproof.SessionFilter{UIDKey: "k-uid-1"}, "da"},
		{"uid key is not a name key", idproof.SessionFilter{NameKey: "k-uid-1"}, ""},
		{"name and uid keys", idproof.SessionFilter{NameKey: "k-anne", UIDKey: "k-uid-1"}, "a"},
		{"unsealed", idproof.SessionFilter{Unsealed: true}, "f"},
		{"unsealed tenant", idproof.SessionFilter{TenantID: "t2", Unsealed: true}, ""},
		{"created from", idproof.SessionFilter{CreatedFrom: at(2)}, "fedc"},
		{"created to", idproof.SessionFilter{CreatedTo: at(2)}, "cba"},
		{"created range", idproof.SessionFilter{CreatedFrom: at(1), CreatedTo: at(3)}, "dcb"},
		{"created instant", idproof.SessionFilter{CreatedFrom: at(2), CreatedTo: at(2)}, "c"},
		{"created empty range", idproof.SessionFilter{CreatedFrom: at(3), CreatedTo: at(2)}, ""},
		{"combined", idproof.SessionFilter{TenantID: "t1", Statuses: []idproof.SessionStatus{idproof.StatusCompleted}, NameKey: "k-anne"}, "c"},
		{"combined index", idproof.SessionFilter{TenantID: "t1", CommunityID: "c1", DocumentTypes: []string{idproof.DocPassport}, DVCID: "dvc-a"}, "ca"},
		{"limit", idproof.SessionFilter{TenantID: "t1", Limit: 2}, "fd"},
		{"offset", idproof.SessionFilter{TenantID: "t1", Offset: 3}, "ba"},
		{"offset limit", idproof.SessionFilter{TenantID: "t1", Offset: 1, Limit: 2}, "dc"},
		{"offset past end", idproof.SessionFilter{TenantID: "t1", Offset: 10, Limit: 2}, ""},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			got, n, err := s.Sessions(t.Context(), tc.f)
			must(t, "Sessions", err)
			var want []string
			for _, r := range tc.want {
				want = append(want, fx[string(r)].ID)
			}
			check(t, "ids", ids(got, sessionID), want)
			// The total ignores the page, so count the filter's matches
			// without Offset and Limit.
			all := tc.f
			all.Offset, all.Limit = 0, 0
			rows, _, err := s.Sessions(t.Context(), all)
			must(t, "Sessions unpaged", err)
			if n != len(rows) {
				t.Errorf("total = %d, want %d", n, len(rows))
			}
		})
	}
}

func testSessionPagination(t *testing.T, s idproof.Store) {
	const total, page = 25, 10
	created := map[string]bool{}
	for i := range total {
		// Two sessions per minute, so ties are broken by ID across pages.
		created[newSession(t, s, "t", "c", i/2).ID] = true
	}
	newSession(t, s, "other", "c", 0)

	got, n, err := s.Sessions(t.Context(), idproof.SessionFilter{TenantID: "t"})
	must(t, "Sessions", err)
	if n != total || len(got) != total {
		t.Fatalf("Sessions: %d rows, total %d, want %d", len(got), n, total)
	}
	for i, v := range got {
		if !created[v.ID] {
			t.Fatalf("row %d: unexpected session %s", i, v.ID)
		}
		if i == 0 {
			continue
		}
		prev := got[i-1]
		if prev.CreatedAt.Before(v.CreatedAt) || (prev.CreatedAt.Equal(v.CreatedAt) && prev.ID > v.ID) {
			t.Fatalf("rows %d and %d out of order: %v %s, %v %s", i-1, i, prev.CreatedAt, prev.ID, v.CreatedAt, v.ID)
		}
	}

	var paged []string
	for off := 0; off < total+page; off += page {
		rows, n, err := s.Sessions(t.Context(), idproof.SessionFilter{TenantID: "t", Offset: off, Limit: page})
		must(t, fmt.Sprintf("Sessions offset %d", off), err)
		if n != total {
			t.Errorf("offset %d: total = %d, want %d", off, n, total)
		}
		if want := min(page, max(0, total-off)); len(rows) != want {
			t.Errorf("offset %d: %d rows, want %d", off, len(rows), want)
		}
		paged = append(paged, ids(rows, sessionID)...)
	}
	check(t, "pages", paged, ids(got, sessionID))
}
