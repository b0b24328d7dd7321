package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/proofing"
)

// apiSecrets are the personal data TestPurgeRemovesPersonalData sends.
var apiSecrets = []string{"Zebulon", "Quixotez", "zqx-uid-77", "zqxname", "zqx-did", "D7731ZQX", "1980-02-03", "SANDBOX-"}

// TestPurgeRemovesPersonalData: through the API, on both stores, a user is
// found by whole name or uid; once retention is over, fetch, the session
// endpoints and the result show no personal data, the images are gone from
// the bucket, and the user cannot be found by name or uid any more.
func TestPurgeRemovesPersonalData(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			rp := e.client(t, "service")
			req := e.sessionRequest("zqx-uid-77")
			req.User = &client.SessionUser{UID: "zqx-uid-77", Username: "zqxname", Firstname: "Zebulon", Lastname: "Quixotez"}
			req.DID = "did:example:zqx-did"
			created, err := rp.CreateSession(ctx, client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: req})
			if err != nil {
				t.Fatal(err)
			}
			id := created.SessionID
			browser := e.client(t, "")
			if _, err := browser.SessionCall(ctx, id, "start"); err != nil {
				t.Fatal(err)
			}
			body := `{"document_front":{"result":{"documentNumber":"D7731ZQX","dateOfBirth":"1980-02-03"},"images":{"image":"` + b64(pngBytes(t, 640, 400)) + `"}}}`
			if err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/v2/submit/document", json.RawMessage(body), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := browser.SessionCall(ctx, id, "complete"); err != nil {
				t.Fatal(err)
			}
			fetch := func(q client.SessionQuery) *client.SessionPage {
				t.Helper()
				page, err := rp.FetchSessions(ctx, e.creds.TenantID, e.creds.CommunityID, q, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				return page
			}
			for _, q := range []client.SessionQuery{{Name: "ZEBULON"}, {Name: "quixotez "}, {UID: "ZQX-UID-77"}} {
				page := fetch(q)
				if page.Page.Total != 1 {
					t.Fatalf("fetch %+v before retention: %d sessions", q, page.Page.Total)
				}
				if b, _ := json.Marshal(page.Data); !strings.Contains(string(b), "Zebulon") {
					t.Fatalf("fetch before retention shows no user: %s", b)
				}
			}
			if page := fetch(client.SessionQuery{Name: "Zebul"}); page.Page.Total != 0 {
				t.Errorf("a part of a name found %d sessions", page.Page.Total)
			}
			bucket, err := e.buckets.Resolve(ctx, e.creds.TenantID, e.creds.CommunityID)
			if err != nil {
				t.Fatal(err)
			}
			prefix := fmt.Sprintf("sessions/%s/%s/%s/", e.creds.TenantID, e.creds.CommunityID, id)
			if keys, _ := bucket.List(ctx, prefix); len(keys) == 0 {
				t.Fatal("no images in the bucket before retention")
			}

			e.clock.Advance(proofing.DefaultRetentionMin*time.Minute + time.Minute)
			shows := func(when string) {
				t.Helper()
				var details map[string]any
				if err := browser.Do(ctx, "GET", "/proofingsession/"+id, nil, &details); err != nil {
					t.Fatal(err)
				}
				v1, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true, AlwaysReturnAssets: true}, false)
				if err != nil {
					t.Fatal(err)
				}
				v3, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true, AlwaysReturnAssets: true}, true)
				if err != nil {
					t.Fatal(err)
				}
				all := fetch(client.SessionQuery{})
				for name, v := range map[string]any{"fetch": all.Data, "GET /proofingsession/{id}": details, "result": v1, "v3 result": v3} {
					b, _ := json.Marshal(v)
					for _, s := range apiSecrets {
						if strings.Contains(string(b), s) {
							t.Errorf("%s: %s shows %q: %s", when, name, s, b)
						}
					}
				}
			}
			shows("retention over, before the sweep")
			if r, err := e.engine.Sweep(ctx, 10); err != nil || r.Purged != 1 {
				t.Fatalf("sweep: %+v %v", r, err)
			}
			shows("after the sweep")
			if keys, err := bucket.List(ctx, prefix); err != nil || len(keys) != 0 {
				t.Errorf("objects left in the bucket: %v %v", keys, err)
			}
			for _, q := range []client.SessionQuery{{Name: "Zebulon"}, {Name: "Quixotez"}, {UID: "zqx-uid-77"}} {
				if page := fetch(q); page.Page.Total != 0 {
					t.Errorf("purged session found by %+v", q)
				}
			}
		})
	}
}

// TestDVCRefusesUnknownKeys: a verification configuration with a setting
// where it is not read is a 400 naming the key and where it belongs, when
// it is stored and when it is sent inline.
func TestDVCRefusesUnknownKeys(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			dvcs := e.url + "/admin/dvcs/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID + "/name/"
			cases := []struct{ connector, verification, want string }{
				{`{"type":"sandbox","config":{}}`, `{"tag":"t","piiRetentionInMin":5,"config":{}}`, "verification.piiRetentionInMin is not a field of the verification object (id, tag, type, config); it belongs in verification.config"},
				{`{"type":"sandbox","config":{"expireSessionInMin":5}}`, `{"tag":"t","config":{}}`, "connector.config.expireSessionInMin is a session setting: it belongs in verification.config"},
				{`{"type":"sandbox","maxRetries":1}`, `{"tag":"t","config":{}}`, "connector.maxRetries is not a field of the connector object (id, type, config); it belongs in verification.config"},
				{`{"type":"sandbox"}`, `{"tag":"t","config":{"piiRetentionInMins":5}}`, "did you mean piiRetentionInMin?"},
			}
			for _, c := range cases {
				st, body := raw(t, "PUT", dvcs+"strict", `{"connector":`+c.connector+`,"verification":`+c.verification+`}`, e.adminHeaders(t, "system"))
				if st != 400 || !strings.Contains(string(body), c.want) {
					t.Errorf("PUT %s %s: %d %s, want 400 containing %q", c.connector, c.verification, st, body, c.want)
				}
				_, err := e.client(t, "service").CreateSession(ctx, client.CreateSessionRequest{Connector: json.RawMessage(c.connector),
					Verification: json.RawMessage(c.verification), SessionRequest: e.sessionRequest("x")})
				wantAPIError(t, err, 400, c.want)
			}
			// The same settings in their place are stored.
			st, body := raw(t, "PUT", dvcs+"strict", `{"connector":{"type":"sandbox","config":{}},"verification":{"tag":"t","config":{"piiRetentionInMin":5,"maxRetries":1}}}`, e.adminHeaders(t, "system"))
			if st != 200 && st != 201 {
				t.Errorf("PUT with settings in place: %d %s", st, body)
			}
		})
	}
}
