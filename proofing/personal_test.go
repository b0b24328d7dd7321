package proofing_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/local"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/sqlite"
)

// The personal data of these tests: distinctive enough that finding any of
// it in a stored row can only mean it is stored in plain text.
var (
	pdUser = idproof.SessionUser{UID: "UID-Zqx-7731", Username: "zqxusername", Firstname: "Zebulon", Lastname: "Quixotez"}
	pdDID  = "did:example:zqxdid"
	// pdExtracted is what the capture client read from the document.
	pdExtracted = `{"documentNumber":"D7731ZQX","dateOfBirth":"1980-02-03","address":"12 Rue Zqxville","mrz":"P<UTOQUIXOTEZ<<ZEBULON"}`
	pdSecrets   = []string{"Zebulon", "ZEBULON", "zebulon", "Quixotez", "QUIXOTEZ", "quixotez", "Zqx-7731", "zqx-7731",
		"zqxusername", "zqxdid", "D7731ZQX", "1980-02-03", "Zqxville", "SANDBOX-"}
)

// rawStore is a store and a way to read one of its session rows as the
// database holds it, bypassing the store.
type rawStore struct {
	name string
	open func(t *testing.T) (idproof.Store, func(id string) string)
}

var rawStores = []rawStore{
	{"sqlite", func(t *testing.T) (idproof.Store, func(string) string) {
		path := filepath.Join(t.TempDir(), "db")
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return st, func(id string) string { return sqliteRow(t, db, id) }
	}},
	{"postgres", func(t *testing.T) (idproof.Store, func(string) string) {
		url, schema := postgres.TestSchema(t)
		st, err := postgres.OpenSchema(context.Background(), url, schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		return st, func(id string) string { return postgresRow(t, conn, schema, id) }
	}},
}

// sqliteRow is every column of session id, as text, one per line.
func sqliteRow(t *testing.T, db *sql.DB, id string) string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM sessions WHERE id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("no row for session %s", id)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return rowText(cols, vals)
}

// postgresRow is every column of session id, as text, one per line.
func postgresRow(t *testing.T, conn *pgx.Conn, schema, id string) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT * FROM `+pgx.Identifier{schema, "sessions"}.Sanitize()+` WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row for session %s", id)
	}
	vals, err := rows.Values()
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	return rowText(cols, vals)
}

func rowText(cols []string, vals []any) string {
	var b strings.Builder
	for i, v := range vals {
		if p, ok := v.([]byte); ok {
			v = string(p)
		}
		fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
	}
	return b.String()
}

// noPersonal fails t if the row shows any of the test's personal data.
func noPersonal(t *testing.T, what, row string) {
	t.Helper()
	for _, s := range pdSecrets {
		if strings.Contains(row, s) {
			t.Errorf("%s: the stored row holds %q in plain text:\n%s", what, s, row)
		}
	}
}

// pngPicture is a w×h PNG with some structure.
func pngPicture(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withBucket gives f's engine a local bucket and returns it.
func withBucket(t *testing.T, f *fixture) idproof.BlobStore {
	lb, err := local.New(local.Config{Dir: filepath.Join(t.TempDir(), "blobs"), BaseURL: "https://idproof.test",
		Secret: f.engine.Keyring.Derive("test-blob"), Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.engine.Blobs = func(context.Context, string, string) (idproof.BlobStore, error) { return lb, nil }
	return lb
}

// completedWithPersonalData makes a completed session whose user, did,
// client extraction and verdict all carry the test's personal data, with
// one image in the bucket.
func completedWithPersonalData(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := context.Background()
	s, err := f.engine.Create(ctx, f.license, proofing.CreateRequest{
		DVCID: f.sandbox,
		SessionRequest: &proofing.SessionRequest{TenantDNS: f.creds.TenantDNS, CommunityName: f.creds.CommunityName,
			DocumentType: idproof.DocDriversLicense, User: pdUser, DID: pdDID},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, f, "start", s.ID)
	_, _, err = f.engine.Submit(ctx, s.ID, alice, []proofing.SideSubmission{{Side: proofing.SideFront,
		Result: json.RawMessage(pdExtracted),
		Images: []proofing.ImageInput{{Name: "document_front_image", Inline: pngPicture(t, 320, 200)}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, d, err := f.engine.Complete(ctx, s.ID, alice)
	if err != nil {
		t.Fatal(err)
	}
	if d.Verdict == nil || d.Verdict.Document.FirstName != pdUser.Firstname {
		t.Fatalf("the sandbox verdict does not carry the user's name: %+v", d.Verdict)
	}
	return s.ID
}

// listed runs a listing of f's community with the given name and uid.
func listed(t *testing.T, f *fixture, name, uid string) []proofing.Listed {
	t.Helper()
	list, total, err := f.engine.List(context.Background(), idproof.SessionFilter{TenantID: f.creds.TenantID,
		CommunityID: f.creds.CommunityID, Name: name, UID: uid, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(list) {
		t.Fatalf("total %d for a page of %d", total, len(list))
	}
	return list
}

// recordJSON is the listing record of a session as fetch returns it.
func recordJSON(t *testing.T, it proofing.Listed) string {
	b, err := json.Marshal(proofing.Record(it.Session, it.Data))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPersonalDataAtRest: on both stores, a session's row holds its
// personal data only sealed; the engine reads it back, and listings find
// the user by whole name or uid (any case), not by a part of one.
func TestPersonalDataAtRest(t *testing.T) {
	for _, rs := range rawStores {
		t.Run(rs.name, func(t *testing.T) {
			st, row := rs.open(t)
			f := newFixture(t, st)
			withBucket(t, f)
			id := completedWithPersonalData(t, f)
			noPersonal(t, "completed session", row(id))

			s, d, err := f.engine.Session(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if s.User != pdUser || s.DID != pdDID || d.Verdict.Document.FirstName != pdUser.Firstname ||
				!strings.Contains(string(d.Extracted[proofing.SideFront]), "D7731ZQX") {
				t.Fatalf("personal data not read back: %+v %q %+v %s", s.User, s.DID, d.Verdict.Document, d.Extracted)
			}

			cases := []struct {
				name, uid string
				want      int
			}{
				{"Zebulon", "", 1},
				{"  zEBULON ", "", 1},
				{"quixotez", "", 1},
				{"", "uid-zqx-7731", 1},
				{"ZEBULON", "UID-Zqx-7731", 1},
				{"Zebul", "", 0},
				{"Zebulon Quixotez", "", 0},
				{"", "zqx", 0},
				{"Zebulon", "other", 0},
				{" ", "", 0},
				{"zqxusername", "", 0},
			}
			for _, c := range cases {
				list := listed(t, f, c.name, c.uid)
				if len(list) != c.want {
					t.Errorf("list name %q uid %q: %d sessions, want %d", c.name, c.uid, len(list), c.want)
					continue
				}
				if c.want == 1 && !strings.Contains(recordJSON(t, list[0]), "Zebulon") {
					t.Errorf("listing record lacks the user: %s", recordJSON(t, list[0]))
				}
			}
		})
	}
}

// TestRetentionPurgesPersonalData: on both stores, once retention is over
// the session shows no personal data (before the sweeper and after), the
// sweeper deletes its images from the bucket, and its row keeps neither
// the sealed data nor the lookup hashes: it cannot be found by name.
func TestRetentionPurgesPersonalData(t *testing.T) {
	for _, rs := range rawStores {
		t.Run(rs.name, func(t *testing.T) {
			ctx := context.Background()
			st, row := rs.open(t)
			f := newFixture(t, st)
			bucket := withBucket(t, f)
			id := completedWithPersonalData(t, f)
			s, _, _ := f.engine.Session(ctx, id)
			prefix := fmt.Sprintf("sessions/%s/%s/%s/", s.TenantID, s.CommunityID, s.ID)
			if keys, err := bucket.List(ctx, prefix); err != nil || len(keys) == 0 {
				t.Fatalf("no images in the bucket before retention: %v %v", keys, err)
			}
			sealedBefore := s.PersonalSealed

			f.clock.Advance(proofing.DefaultRetentionMin * time.Minute)
			// Hidden from the moment retention ends, sweeper or not.
			hidden := func(when string) {
				t.Helper()
				s, d, err := f.engine.Session(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(map[string]any{"record": proofing.Record(s, d), "details": proofing.Details(s, d), "data": d})
				for _, secret := range pdSecrets {
					if strings.Contains(string(b), secret) {
						t.Errorf("%s: the session shows %q: %s", when, secret, b)
					}
				}
				if strings.Contains(string(b), alice.IPAddress) {
					t.Errorf("%s: the history keeps the user's address: %s", when, b)
				}
				res, err := f.engine.Result(ctx, f.license, id, proofing.ResultOptions{V3: true, AlwaysReturnAssets: true, IncludeMetadata: true})
				if err != nil {
					t.Fatal(err)
				}
				rb, _ := json.Marshal(res)
				for _, secret := range pdSecrets {
					if strings.Contains(string(rb), secret) {
						t.Errorf("%s: the result shows %q: %s", when, secret, rb)
					}
				}
			}
			hidden("before the sweep")

			r, err := f.engine.Sweep(ctx, 10)
			if err != nil || r.Purged != 1 {
				t.Fatalf("sweep: %+v %v", r, err)
			}
			hidden("after the sweep")
			if keys, err := bucket.List(ctx, prefix); err != nil || len(keys) != 0 {
				t.Errorf("images left in the bucket after retention: %v %v", keys, err)
			}
			stored, err := st.Session(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Lookup != (idproof.SessionLookup{}) || stored.User != (idproof.SessionUser{}) || stored.DID != "" {
				t.Errorf("purged row keeps lookup %+v user %+v did %q", stored.Lookup, stored.User, stored.DID)
			}
			if bytes.Equal(stored.PersonalSealed, sealedBefore) {
				t.Error("purged row keeps the sealed personal data")
			}
			noPersonal(t, "purged session", row(id))
			for _, q := range [][2]string{{"Zebulon", ""}, {"Quixotez", ""}, {"", "UID-Zqx-7731"}} {
				if list := listed(t, f, q[0], q[1]); len(list) != 0 {
					t.Errorf("purged session found by %q", q)
				}
			}
			list := listed(t, f, "", "")
			if len(list) != 1 {
				t.Fatalf("listing: %d sessions", len(list))
			}
			rec := recordJSON(t, list[0])
			for _, secret := range pdSecrets {
				if strings.Contains(rec, secret) {
					t.Errorf("listing record shows %q: %s", secret, rec)
				}
			}
			if !strings.Contains(rec, `"resultStatus":"COMPLETED_PASS"`) {
				t.Errorf("the outcome went with the personal data: %s", rec)
			}
		})
	}
}

// legacySession is a completed session as the server stored it before
// personal data was sealed: plain names in the user columns and the
// extraction and verdict in the data document.
func legacySession(f *fixture, now time.Time) *idproof.Session {
	data := `{"url":"https://idproof.test/x","settings":{"expireSessionInMin":60,"abandonSessionInMin":15,"maxRetries":3,"piiRetentionInMin":1440,"checks":["document_liveness_front"],"capture":{}},` +
		`"history":[{"activity":"CREATED","ts":1},{"activity":"STARTED","ipAddress":"192.0.2.1","ts":2}],` +
		`"extracted":{"document_front":` + pdExtracted + `},` +
		`"verdict":{"attempt":1,"outcome":"COMPLETED_PASS","checks":[{"name":"document_liveness_front","result":"PASS"}],"connector":"sandbox",` +
		`"document":{"documentType":"dl_object","documentId":"D7731ZQX","firstName":"Zebulon","lastName":"Quixotez","dob":"1980-02-03"},"ts":3}}`
	return &idproof.Session{
		ID: idproof.NewUUID(), TenantID: f.creds.TenantID, CommunityID: f.creds.CommunityID, TenantDNS: f.creds.TenantDNS,
		CommunityName: f.creds.CommunityName, DVCID: f.sandbox, DocumentType: idproof.DocDriversLicense,
		Status: idproof.StatusCompleted, Outcome: idproof.OutcomePass, User: pdUser, DID: pdDID, BoundKey: alice.PublicKey,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), StartedAt: now, CompletedAt: now, LastActivityAt: now,
		PurgeAt: now.Add(24 * time.Hour), DueAt: now.Add(24 * time.Hour), Data: json.RawMessage(data), Version: 1,
	}
}

// TestSealLegacy: a row stored before sealing (here written through the
// store, as the migration leaves it) reads as before, and the one-time
// re-seal seals it and makes it findable by name.
func TestSealLegacy(t *testing.T) {
	for _, rs := range rawStores {
		t.Run(rs.name, func(t *testing.T) {
			ctx := context.Background()
			st, row := rs.open(t)
			f := newFixture(t, st)
			old := legacySession(f, f.clock.Now().UTC().Truncate(time.Millisecond))
			if err := st.CreateSession(ctx, old); err != nil {
				t.Fatal(err)
			}
			s, d, err := f.engine.Session(ctx, old.ID)
			if err != nil || s.User != pdUser || d.Verdict.Document.DocumentID != "D7731ZQX" {
				t.Fatalf("legacy session: %+v %v", s, err)
			}
			n, err := f.engine.SealLegacy(ctx)
			if err != nil || n != 1 {
				t.Fatalf("SealLegacy = %d, %v; want 1", n, err)
			}
			noPersonal(t, "re-sealed session", row(old.ID))
			s, d, err = f.engine.Session(ctx, old.ID)
			if err != nil || s.User != pdUser || s.DID != pdDID || d.Verdict.Document.DocumentID != "D7731ZQX" ||
				!strings.Contains(string(d.Extracted[proofing.SideFront]), "D7731ZQX") {
				t.Fatalf("re-sealed session reads %+v %q %+v, %v", s.User, s.DID, d.Verdict, err)
			}
			if list := listed(t, f, "zebulon", "uid-zqx-7731"); len(list) != 1 {
				t.Errorf("re-sealed session not found by name and uid")
			}
			if n, err := f.engine.SealLegacy(ctx); err != nil || n != 0 {
				t.Errorf("second SealLegacy = %d, %v; want 0", n, err)
			}
		})
	}
}

// TestMigrationKeepsOldSessions: a database made by the first schema, with
// a session in it, opens with the current one; the session reads as before
// and the re-seal seals it.
func TestMigrationKeepsOldSessions(t *testing.T) {
	ctx := context.Background()
	const insert = `INSERT INTO sessions (id, tenant_id, community_id, tenant_dns, community_name, dvc_id, document_type,
		status, outcome, user_uid, user_username, user_firstname, user_lastname, uid_lc, firstname_lc, lastname_lc,
		did, bound_key, retries, created_at, expires_at, started_at, completed_at, last_activity_at, purge_at, due_at,
		connector_sealed, data, version)
		VALUES (%s)`
	marks := func(n int, mark func(i int) string) string {
		var m []string
		for i := 1; i <= n; i++ {
			m = append(m, mark(i))
		}
		return strings.Join(m, ", ")
	}
	// values of the legacy row for the first schema's columns; times as
	// the store writes them.
	values := func(s *idproof.Session, connector []byte, tm func(time.Time) any) []any {
		u := s.User
		return []any{s.ID, s.TenantID, s.CommunityID, s.TenantDNS, s.CommunityName, s.DVCID, s.DocumentType,
			string(s.Status), string(s.Outcome), u.UID, u.Username, u.Firstname, u.Lastname,
			strings.ToLower(u.UID), strings.ToLower(u.Firstname), strings.ToLower(u.Lastname),
			s.DID, s.BoundKey, s.Retries, tm(s.CreatedAt), tm(s.ExpiresAt), tm(s.StartedAt), tm(s.CompletedAt),
			tm(s.LastActivityAt), tm(s.PurgeAt), tm(s.DueAt), connector, []byte(s.Data), s.Version}
	}
	first := func(t *testing.T, store string) string {
		b, err := os.ReadFile(filepath.Join("..", store, "migrations", "0001_init.sql"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// A fixture on a current store gives the tenant, community, dvc and
	// keys; the old database gets the legacy session of that tenant.
	check := func(t *testing.T, f *fixture, st idproof.Store, id string, row func(string) string) {
		t.Helper()
		e := &proofing.Engine{Store: st, Keyring: f.engine.Keyring, Connectors: f.engine.Connectors, Clock: f.clock}
		s, _, err := e.Session(ctx, id)
		if err != nil || s.User != pdUser {
			t.Fatalf("old session after migration: %+v %v", s, err)
		}
		if n, err := e.SealLegacy(ctx); err != nil || n != 1 {
			t.Fatalf("SealLegacy = %d, %v", n, err)
		}
		noPersonal(t, "migrated and re-sealed session", row(id))
	}

	t.Run("sqlite", func(t *testing.T) {
		f := newFixture(t, sqliteStore(t))
		old := legacySession(f, f.clock.Now().UTC().Truncate(time.Millisecond))
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(first(t, "sqlite")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY) STRICT;
			INSERT INTO schema_migrations VALUES ('0001_init.sql')`); err != nil {
			t.Fatal(err)
		}
		millis := func(tm time.Time) any {
			if tm.IsZero() {
				return int64(0)
			}
			return tm.UnixMilli()
		}
		if _, err := db.Exec(fmt.Sprintf(insert, marks(29, func(int) string { return "?" })), values(old, nil, millis)...); err != nil {
			t.Fatal(err)
		}
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		check(t, f, st, old.ID, func(id string) string { return sqliteRow(t, db, id) })
	})
	t.Run("postgres", func(t *testing.T) {
		url, schema := postgres.TestSchema(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		f := newFixture(t, sqliteStore(t))
		old := legacySession(f, f.clock.Now().UTC().Truncate(time.Millisecond))
		if _, err := conn.Exec(ctx, `SET search_path TO `+pgx.Identifier{schema}.Sanitize()); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, first(t, "postgres")); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (version text PRIMARY KEY);
			INSERT INTO schema_migrations VALUES ('0001_init.sql')`); err != nil {
			t.Fatal(err)
		}
		ts := func(tm time.Time) any { return tm.UTC() }
		if _, err := conn.Exec(ctx, fmt.Sprintf(insert, marks(29, func(i int) string { return fmt.Sprintf("$%d", i) })), values(old, nil, ts)...); err != nil {
			t.Fatal(err)
		}
		st, err := postgres.OpenSchema(ctx, url, schema)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		check(t, f, st, old.ID, func(id string) string { return postgresRow(t, conn, schema, id) })
	})
}
