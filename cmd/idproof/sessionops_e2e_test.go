package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/postgres"
)

// The relying party's operations beyond the API document (manual review,
// redaction, the audit trail), through the Go client against a real
// server, on both stores.

// opsServer is a running server and what a test reaches it with.
type opsServer struct {
	base, data string
	rp         *client.Client // the service license
	// dump returns every row of every table, as text; tamper runs SQL as
	// an operator with database access could.
	dump   func(t *testing.T) string
	tamper func(t *testing.T, stmts ...string)
}

// opsStores starts a server on each store.
var opsStores = []struct {
	name  string
	start func(t *testing.T) *opsServer
}{
	{"sqlite", func(t *testing.T) *opsServer {
		base, data := serveForTest(t)
		db, err := sql.Open("sqlite", filepath.Join(data, "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &opsServer{base: base, data: data, rp: serviceClient(t, base, data),
			dump: func(t *testing.T) string { return sqliteDump(t, db) },
			tamper: func(t *testing.T, stmts ...string) {
				for _, s := range stmts {
					if _, err := db.Exec(s); err != nil {
						t.Fatalf("%s: %v", s, err)
					}
				}
			}}
	}},
	{"postgres", func(t *testing.T) *opsServer {
		dbURL, schema := postgres.TestSchema(t)
		u := dbURL + "&search_path=" + schema
		if !strings.Contains(dbURL, "?") {
			u = dbURL + "?search_path=" + schema
		}
		base, data := serveForTest(t, "--database-url", u)
		conn, err := pgx.Connect(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		return &opsServer{base: base, data: data, rp: serviceClient(t, base, data),
			dump: func(t *testing.T) string { return postgresDump(t, conn, schema) },
			tamper: func(t *testing.T, stmts ...string) {
				for _, s := range stmts {
					if _, err := conn.Exec(context.Background(), s); err != nil {
						t.Fatalf("%s: %v", s, err)
					}
				}
			}}
	}},
}

// The personal data of these tests, distinctive enough that finding it
// anywhere means it was kept.
var (
	opsUser    = client.SessionUser{UID: "UID-Zqx-7731", Username: "zqxusername", Firstname: "Zebulon", Lastname: "Quixotez"}
	opsSecrets = []string{"Zebulon", "ZEBULON", "Quixotez", "QUIXOTEZ", "Zqx-7731", "zqxusername", "zqxdid", "D7731ZQX", "Zqxville"}
)

// driveSession creates a sandbox session for user, captures a document as
// the capture page would (its own key), completes it and returns its id.
func driveSession(t *testing.T, srv *opsServer, user client.SessionUser) string {
	t.Helper()
	ctx := context.Background()
	cr, err := readCredentials(filepath.Join(srv.data, "credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	created, err := srv.rp.CreateSession(ctx, client.CreateSessionRequest{
		Connector: json.RawMessage(`{"type":"sandbox"}`), Verification: json.RawMessage(`{"config":{}}`),
		SessionRequest: client.SessionRequest{TenantID: cr.TenantID, CommunityID: cr.CommunityID,
			DocumentType: idproof.DocDriversLicense, DID: "did:example:zqxdid", User: &user}})
	if err != nil {
		t.Fatal(err)
	}
	id := created.SessionID
	browser, err := client.New(srv.base)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body any) {
		t.Helper()
		if err := browser.Do(ctx, method, "/proofingsession/"+id+path, body, nil); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	do(http.MethodGet, "/start", nil)
	do(http.MethodPost, "/v3/submit/document", map[string]any{
		"document_front": map[string]any{
			"images": map[string]string{"image": base64.StdEncoding.EncodeToString(testPicture(t, 320, 200))},
			"result": map[string]string{"documentNumber": "D7731ZQX", "address": "12 Rue Zqxville"}},
		"selfie": map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(testPicture(t, 240, 320))}},
	})
	do(http.MethodGet, "/complete", nil)
	return id
}

func testPicture(t *testing.T, w, h int) []byte {
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

// TestReviewThroughAPI: a session sent to review is approved once by the
// relying party; the result shows the new outcome, a second decision is a
// 409 and a decision on a session not under review a 400.
func TestReviewThroughAPI(t *testing.T) {
	for _, st := range opsStores {
		t.Run(st.name, func(t *testing.T) {
			srv := st.start(t)
			ctx := context.Background()
			id := driveSession(t, srv, client.SessionUser{UID: "rp-sandbox-review"})
			res, err := srv.rp.SessionResult(ctx, client.ResultRequest{SessionID: id}, true)
			if err != nil || res["resultStatus"] != string(idproof.OutcomeReview) {
				t.Fatalf("result before review: %v %v", res["resultStatus"], err)
			}
			got, err := srv.rp.ReviewSession(ctx, id, "APPROVE", "portrait and document checked by hand")
			if err != nil {
				t.Fatal(err)
			}
			if got.Outcome != string(idproof.OutcomePass) || got.Review == nil || got.Review.Decision != "APPROVE" ||
				!strings.HasPrefix(got.Review.Reviewer, "license:") {
				t.Fatalf("review answer %+v", got)
			}
			res, err = srv.rp.SessionResult(ctx, client.ResultRequest{SessionID: id}, true)
			if err != nil || res["resultStatus"] != string(idproof.OutcomePass) || res["sessionResult"] != "SUCCESS" {
				t.Fatalf("result after review: %v %v %v", res["resultStatus"], res["sessionResult"], err)
			}
			_, err = srv.rp.ReviewSession(ctx, id, "REJECT", "second thoughts")
			wantStatus(t, err, http.StatusConflict)
			passed := driveSession(t, srv, client.SessionUser{UID: "rp-pass"})
			_, err = srv.rp.ReviewSession(ctx, passed, "REJECT", "no")
			wantStatus(t, err, http.StatusBadRequest)
			_, err = srv.rp.ReviewSession(ctx, id, "PERHAPS", "no")
			wantStatus(t, err, http.StatusBadRequest)
		})
	}
}

// TestRedactionThroughAPI: after a redaction nothing personal is left,
// in any table of the database or in the bucket; redacting again answers
// the same; the audit trail still verifies.
func TestRedactionThroughAPI(t *testing.T) {
	for _, st := range opsStores {
		t.Run(st.name, func(t *testing.T) {
			srv := st.start(t)
			ctx := context.Background()
			id := driveSession(t, srv, opsUser)
			if n := countObjects(t, srv.data, id); n == 0 {
				t.Fatal("no object of the session in the bucket before redaction")
			}
			res, err := srv.rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, true)
			if err != nil || !strings.Contains(mustJSON(t, res), "Zebulon") {
				t.Fatalf("the result before redaction does not show the user: %v", err)
			}

			red, err := srv.rp.RedactSession(ctx, id, "erasure request")
			if err != nil {
				t.Fatal(err)
			}
			if red.Redaction.Status != "REDACTED" || red.Redaction.Cause != "request" || red.Redaction.TS == 0 {
				t.Fatalf("redaction answer %+v", red)
			}
			again, err := srv.rp.RedactSession(ctx, id, "")
			if err != nil || again.Redaction != red.Redaction {
				t.Fatalf("second redaction %+v, first %+v (%v)", again, red, err)
			}

			res, err = srv.rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, true)
			if err != nil {
				t.Fatal(err)
			}
			v1, err := srv.rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, false)
			if err != nil {
				t.Fatal(err)
			}
			for what, text := range map[string]string{"v3 result": mustJSON(t, res), "v1 result": mustJSON(t, v1),
				"database": srv.dump(t), "bucket": objectsText(t, srv.data, id)} {
				for _, s := range opsSecrets {
					if strings.Contains(text, s) {
						t.Errorf("%s still holds %q after redaction", what, s)
					}
				}
			}
			if n := countObjects(t, srv.data, id); n != 0 {
				t.Errorf("%d objects of the session left in the bucket", n)
			}
			trail, err := srv.rp.SessionAudit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := idproof.VerifyAuditChain(trail.Events); err != nil {
				t.Fatal(err)
			}
			if last := trail.Events[len(trail.Events)-1]; last.Action != "REDACTED" {
				t.Fatalf("last trail entry %+v", last)
			}
		})
	}
}

// TestAuditTamperThroughAPI: the trail of a finished session verifies
// with the CLI, chain and signed proof; an entry changed in the database
// is found, and so is one changed with every later hash recomputed.
func TestAuditTamperThroughAPI(t *testing.T) {
	for _, st := range opsStores {
		t.Run(st.name, func(t *testing.T) {
			srv := st.start(t)
			ctx := context.Background()
			id := driveSession(t, srv, client.SessionUser{UID: "audit-pass"})
			verify := func() (trailReport, error) {
				var out strings.Builder
				err := run(ctx, []string{"audit", "verify", "--url", srv.base, "--data", srv.data, "--license", "service", "--session", id}, &out, io.Discard)
				var r trailReport
				if jerr := json.Unmarshal([]byte(out.String()), &r); jerr != nil {
					t.Fatalf("audit verify printed %q: %v", out.String(), jerr)
				}
				return r, err
			}
			r, err := verify()
			if err != nil || !r.OK || r.Chain != "ok" || r.Proof != "ok" || r.BoundThrough != int64(r.Entries) || r.Entries < 5 {
				t.Fatalf("untouched trail: %+v %v", r, err)
			}
			trail, err := srv.rp.SessionAudit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}

			// The tables refuse changes; an operator who drops that guard
			// and edits an entry is found out.
			unguard(t, srv, st.name)
			srv.tamper(t, fmt.Sprintf(`UPDATE audit_events SET actor = 'license:someone-else' WHERE session_id = '%s' AND seq = 2`, id))
			r, err = verify()
			if err == nil || r.OK || !strings.Contains(r.Chain, "entry 2") {
				t.Fatalf("changed entry: %+v %v", r, err)
			}

			// Rewritten with every later hash recomputed: the chain holds,
			// the proof's head does not.
			es := trail.Events
			es[1].Actor = "license:someone-else"
			prev := es[0].Hash
			var stmts []string
			for _, e := range es[1:] {
				e.PrevHash = prev
				e.Hash = e.ComputeHash()
				prev = e.Hash
				stmts = append(stmts, fmt.Sprintf(`UPDATE audit_events SET actor = '%s', prev_hash = '%s', hash = '%s' WHERE session_id = '%s' AND seq = %d`,
					e.Actor, e.PrevHash, e.Hash, id, e.Seq))
			}
			srv.tamper(t, stmts...)
			r, err = verify()
			if err == nil || r.OK || r.Chain != "ok" || !strings.Contains(r.Proof, "trail was changed") {
				t.Fatalf("rewritten trail: %+v %v", r, err)
			}
		})
	}
}

// unguard drops the triggers that keep audit entries from being changed.
func unguard(t *testing.T, srv *opsServer, store string) {
	t.Helper()
	switch store {
	case "sqlite":
		srv.tamper(t, `DROP TRIGGER IF EXISTS audit_events_no_update`)
	default:
		srv.tamper(t, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
	}
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) || ce.StatusCode != status {
		t.Fatalf("err = %v, want status %d", err, status)
	}
}

// objectsText is every object of the session in the local bucket, read.
func objectsText(t *testing.T, data, id string) string {
	var b strings.Builder
	walkObjects(t, data, id, func(path string) {
		c, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(c)
	})
	return b.String()
}

func countObjects(t *testing.T, data, id string) int {
	n := 0
	walkObjects(t, data, id, func(string) { n++ })
	return n
}

func walkObjects(t *testing.T, data, id string, fn func(path string)) {
	t.Helper()
	err := filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(path, id) {
			fn(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sqliteDump is every row of every table.
func sqliteDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if p, ok := v.([]byte); ok {
					v = string(p)
				}
				fmt.Fprintf(&b, "%s %v\n", table, v)
			}
		}
		rs.Close()
	}
	return b.String()
}

// postgresDump is every row of every table of the schema.
func postgresDump(t *testing.T, conn *pgx.Conn, schema string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		rs, err := conn.Query(ctx, `SELECT * FROM `+pgx.Identifier{schema, table}.Sanitize())
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			vals, err := rs.Values()
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if p, ok := v.([]byte); ok {
					v = string(p)
				}
				fmt.Fprintf(&b, "%s %v\n", table, v)
			}
		}
		rs.Close()
	}
	return b.String()
}
