package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// BenchSessionsEnv names the environment variable holding how many sessions
// the listing benchmarks run over (BenchSessionCount).
const BenchSessionsEnv = "IDPROOF_BENCH_SESSIONS"

// BenchSessionCount returns the number of sessions from BenchSessionsEnv,
// 100,000 by default so that a plain -bench run stays short.
func BenchSessionCount(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv(BenchSessionsEnv)
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number of sessions", BenchSessionsEnv, v)
	}
	return n
}

// Shape of the benchmark data set: sessions spread evenly over ten
// communities, five in each of two tenants, created over 90 days.
const (
	benchCommunities = 10
	benchPerTenant   = 5
	benchDays        = 90
	benchPage        = 100
	benchSeed        = 0x1d9a00f
)

var benchStart = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)

func benchTenant(c int) string    { return fmt.Sprintf("be0c%020x", c/benchPerTenant) }
func benchCommunity(c int) string { return fmt.Sprintf("c0ad%020x", c) }

// choice is one value of a weighted pick.
type choice[T any] struct {
	v T
	w int
}

// pick draws a value with probability proportional to its weight.
func pick[T any](r *rand.Rand, cs []choice[T]) T {
	total := 0
	for _, c := range cs {
		total += c.w
	}
	x := r.IntN(total)
	for _, c := range cs {
		if x < c.w {
			return c.v
		}
		x -= c.w
	}
	return cs[len(cs)-1].v
}

// The mixes a busy community might show: most sessions finish, a good
// share expire unused, one document type dominates, and so does one of the
// community's four verification configurations.
var (
	benchStatuses = []choice[idproof.SessionStatus]{
		{idproof.StatusCompleted, 60}, {idproof.StatusExpired, 15}, {idproof.StatusAbandoned, 8},
		{idproof.StatusInProgress, 7}, {idproof.StatusPending, 5}, {idproof.StatusDeclined, 5},
	}
	benchOutcomes = []choice[idproof.Outcome]{
		{idproof.OutcomePass, 70}, {idproof.OutcomeFailed, 18}, {idproof.OutcomeReview, 8}, {idproof.OutcomeNotPerformed, 4},
	}
	benchDocTypes = []choice[string]{{idproof.DocDriversLicense, 60}, {idproof.DocPassport, 25}, {idproof.DocIDCard, 15}}
	benchDVCs     = []choice[int]{{0, 55}, {1, 25}, {2, 15}, {3, 5}}
	benchFirst    = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
		"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Karen", "Charles", "Sarah",
		"Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Sandra", "Anthony", "Ashley", "Mark", "Emily",
		"Donald", "Kimberly", "Steven", "Donna", "Andrew", "Michelle", "Paul", "Carol", "Joshua", "Amanda"}
	benchLast = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
		"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
		"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores"}
)

func benchDVC(c, k int) string { return fmt.Sprintf("d0c0%016x%04x", c, k) }

// benchKey stands in for the engine's keyed hash of a name or uid: the
// same size (32 hex digits), equal for equal lower-case values.
func benchKey(field, v string) string {
	sum := sha256.Sum256([]byte(field + "\x00" + strings.ToLower(v)))
	return hex.EncodeToString(sum[:16])
}

// benchSession returns benchmark session i, a pure function of i (its ID
// included), so that two stores seeded to the same size hold the same data.
func benchSession(i int) *idproof.Session {
	r := rand.New(rand.NewPCG(benchSeed, uint64(i)))
	var id [16]byte
	for k := range id {
		id[k] = byte(r.Uint32())
	}
	id[6] = (id[6] & 0x0f) | 0x40
	id[8] = (id[8] & 0x3f) | 0x80
	c := r.IntN(benchCommunities)
	created := benchStart.Add(time.Duration(r.Int64N(benchDays*24*3600*1000)) * time.Millisecond)
	first, last := benchFirst[r.IntN(len(benchFirst))], benchLast[r.IntN(len(benchLast))]
	s := &idproof.Session{
		ID:            fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:16]),
		TenantID:      benchTenant(c),
		CommunityID:   benchCommunity(c),
		TenantDNS:     fmt.Sprintf("tenant%d.example.com", c/benchPerTenant),
		CommunityName: fmt.Sprintf("community-%d", c),
		DVCID:         benchDVC(c, pick(r, benchDVCs)),
		DocumentType:  pick(r, benchDocTypes),
		Status:        pick(r, benchStatuses),
		Lookup: idproof.SessionLookup{UID: benchKey("uid", fmt.Sprintf("emp-%04d", r.IntN(2000))),
			Firstname: benchKey("name", first), Lastname: benchKey("name", last)},
		BoundKey:       fmt.Sprintf("02%064x", r.Uint64()),
		CreatedAt:      created,
		ExpiresAt:      created.Add(time.Hour),
		LastActivityAt: created,
		DueAt:          created.Add(time.Hour),
		Version:        1,
	}
	sealed := make([]byte, 96)
	for k := range sealed {
		sealed[k] = byte(r.Uint32())
	}
	s.ConnectorSealed = sealed
	// The user (about 60 bytes of JSON) sealed: nonce, tag and version.
	personal := make([]byte, 60+12+16+1)
	for k := range personal {
		personal[k] = byte(r.Uint32())
	}
	s.PersonalSealed = personal
	history := []map[string]any{{"activity": "CREATED", "ts": created.UnixMilli()}}
	if s.Status != idproof.StatusPending && s.Status != idproof.StatusExpired {
		s.StartedAt = created.Add(time.Duration(1+r.IntN(300)) * time.Second)
		s.LastActivityAt = s.StartedAt
		history = append(history, map[string]any{"activity": "STARTED", "ts": s.StartedAt.UnixMilli(),
			"publicKey": s.BoundKey, "ipAddress": "198.51.100.7", "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"})
	}
	if s.Status.Terminal() {
		s.CompletedAt = created.Add(time.Duration(5+r.IntN(3600)) * time.Second)
		s.LastActivityAt = s.CompletedAt
		s.PurgeAt = s.CompletedAt.Add(30 * 24 * time.Hour)
		s.DueAt = s.PurgeAt
		if s.Status == idproof.StatusCompleted {
			s.Outcome = pick(r, benchOutcomes)
		}
		history = append(history, map[string]any{"activity": string(s.Status), "ts": s.CompletedAt.UnixMilli(), "outcome": s.Outcome})
	}
	// About 1 KiB, the size of a session's engine document before any
	// document data is attached.
	data, _ := json.Marshal(map[string]any{
		"url":      "https://idproof.example.com/idproofing/session/" + s.ID,
		"settings": map[string]any{"expireMin": 60, "abandonMin": 15, "maxRetries": 3, "checks": []string{"document_liveness_front", "document_liveness_back", "selfie_liveness", "face_compare"}},
		"verification": map[string]any{"tag": "default", "config": map[string]any{"verifier": "sandbox", "expireSessionInMin": 60,
			"abandonSessionInMin": 15, "maxRetries": 3}},
		"history":          history,
		"workflowMetadata": map[string]any{"channel": "web", "reference": fmt.Sprintf("%032x", r.Uint64()), "campaign": "onboarding-2025"},
		"events":           []map[string]any{{"name": "E_IDV_DOCUMENTCAPTURE", "screen": "capture", "status": "ok", "ts": created.UnixMilli()}},
	})
	s.Data = data
	return s
}

// SeedSessions stores benchmark sessions through CreateSession from workers
// goroutines (8 when workers < 1) until st holds n sessions, and returns how
// many it created. A store already holding n or more is left alone, so a
// kept database is reused; one holding fewer (an interrupted seeding) is
// topped up. Progress goes to stderr every 100,000 sessions.
func SeedSessions(tb testing.TB, st idproof.Store, n, workers int) int {
	tb.Helper()
	if workers < 1 {
		workers = 8
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, have, err := st.Sessions(ctx, idproof.SessionFilter{Limit: 1})
	if err != nil {
		tb.Fatalf("count sessions: %v", err)
	}
	if have >= n {
		return 0
	}
	start := time.Now()
	var (
		reserved atomic.Int64 // sessions stored or being stored, counting those found
		stored   atomic.Int64 // sessions this call stored
		next     atomic.Int64 // next index to try
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	reserved.Store(int64(have))
	next.Store(int64(have))
	for range workers {
		wg.Go(func() {
			// Reserve a slot first so that exactly n sessions end up stored.
			for reserved.Add(1) <= int64(n) {
				for {
					err := st.CreateSession(ctx, benchSession(int(next.Add(1)-1)))
					if idproof.ErrorCode(err) == idproof.ECONFLICT {
						continue // left by an interrupted seeding
					}
					if err != nil {
						once.Do(func() { firstErr = err; cancel() })
						return
					}
					break
				}
				if done := stored.Add(1); (done+int64(have))%100_000 == 0 {
					el := time.Since(start)
					fmt.Fprintf(os.Stderr, "seeded %d/%d sessions in %v (%.0f/s)\n",
						done+int64(have), n, el.Round(time.Second), float64(done)/el.Seconds())
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		tb.Fatalf("seed sessions: %v", firstErr)
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "seeded %d sessions in %v (%.0f/s, %d workers)\n", n-have, el.Round(time.Millisecond), float64(n-have)/el.Seconds(), workers)
	return n - have
}

// BenchmarkSessions seeds st to n sessions (see SeedSessions) and measures
// Sessions, one page of 100 and the total, in one community (a tenth of the
// sessions), as the listing endpoint calls it, with each filter in turn.
// Each sub-benchmark reports how many sessions its filter matches.
func BenchmarkSessions(b *testing.B, st idproof.Store, n int) {
	SeedSessions(b, st, n, 0)
	ctx := context.Background()
	// A kept database seeded to another size would be measured under the
	// wrong label.
	if _, have, err := st.Sessions(ctx, idproof.SessionFilter{Limit: 1}); err != nil || have != n {
		b.Fatalf("the store holds %d sessions (%v), want %d: point the benchmark at a database of its own", have, err, n)
	}
	const c = 3
	base := idproof.SessionFilter{TenantID: benchTenant(c), CommunityID: benchCommunity(c), Limit: benchPage}
	// A session to look up by id, from the middle of the community.
	probe := base
	probe.Offset, probe.Limit = n/benchCommunities/2, 1
	some, _, err := st.Sessions(ctx, probe)
	if err != nil || len(some) != 1 {
		b.Fatalf("find a session to look up: %d found, %v", len(some), err)
	}
	day := func(d int) time.Time { return benchStart.Add(time.Duration(d) * 24 * time.Hour) }
	cases := []struct {
		name string
		set  func(f *idproof.SessionFilter)
	}{
		{"community", func(*idproof.SessionFilter) {}},
		{"status", func(f *idproof.SessionFilter) { f.Statuses = []idproof.SessionStatus{idproof.StatusInProgress} }},
		{"outcome", func(f *idproof.SessionFilter) { f.Outcomes = []idproof.Outcome{idproof.OutcomeFailed} }},
		{"documentType", func(f *idproof.SessionFilter) { f.DocumentTypes = []string{idproof.DocIDCard} }},
		{"statusAnyOf2", func(f *idproof.SessionFilter) {
			f.Statuses = []idproof.SessionStatus{idproof.StatusInProgress, idproof.StatusPending}
		}},
		{"statusOrOutcome", func(f *idproof.SessionFilter) {
			f.Statuses, f.StatusOutcomes = []idproof.SessionStatus{idproof.StatusInProgress}, []idproof.Outcome{idproof.OutcomeFailed}
		}},
		{"dvcID", func(f *idproof.SessionFilter) { f.DVCID = benchDVC(c, 3) }},
		{"name", func(f *idproof.SessionFilter) { f.NameKey = benchKey("name", "nguyen") }},
		{"uid", func(f *idproof.SessionFilter) { f.UIDKey = benchKey("uid", "emp-0042") }},
		{"dateRange", func(f *idproof.SessionFilter) { f.CreatedFrom, f.CreatedTo = day(40), day(47).Add(-time.Millisecond) }},
		{"id", func(f *idproof.SessionFilter) { f.ID = some[0].ID }},
		{"deepPage", func(f *idproof.SessionFilter) { f.Offset = 10_000 }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			f := base
			tc.set(&f)
			var total int
			for b.Loop() {
				list, t, err := st.Sessions(ctx, f)
				if err != nil {
					b.Fatalf("Sessions: %v", err)
				}
				if want := min(f.Limit, max(t-f.Offset, 0)); len(list) != want {
					b.Fatalf("Sessions returned %d rows of %d matching, want %d", len(list), t, want)
				}
				total = t
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
