package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/capture"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/wire"
)

// errorLog is a slog handler that keeps the ERROR records a server logs.
type errorLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *errorLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelError {
		return nil
	}
	line := r.Message
	r.Attrs(func(a slog.Attr) bool {
		line += " " + a.String()
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	return nil
}

func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

// since returns the lines logged after the first n.
func (l *errorLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[n:]...)
}

func (l *errorLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// newLoggedEnv is newEnv with the API served a second time, over the same
// store and keys, by a server whose ERROR lines the test can read; e.url
// points at that server.
func newLoggedEnv(t testing.TB, open func(t testing.TB) idproof.Store) (*env, *errorLog) {
	t.Helper()
	e := newEnv(t, open)
	ctx := context.Background()
	priv, err := admin.ServerKey(ctx, e.store, e.admin.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signing.Load(ctx, e.store, e.admin.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	log := &errorLog{}
	logger := slog.New(log)
	page := capture.New(capture.Deps{Session: e.store.Session, Clock: e.clock, PublicURL: e.cfg.PublicURL, Logger: logger,
		Settings: func(ctx context.Context, _, communityID string) (capture.Settings, error) {
			return capture.LoadSettings(ctx, e.store, communityID)
		}, UploadOrigins: capture.BucketOrigins(e.buckets.Resolve)})
	srv := httptest.NewServer(httpapi.New(e.cfg, httpapi.Deps{Store: e.store, Keys: wire.NewServer(priv, 0), Admin: e.admin,
		Clock: e.clock, Logger: logger, Connectors: e.engine.Connectors, Engine: e.engine, Signer: signer, Buckets: e.buckets, Capture: page}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e, log
}

// textCase is a request carrying text the server must refuse.
type textCase struct {
	name, method, path, body string
	who                      string // "browser" (the session's own key), "anon" (any key), "service", "system", "public"
	field                    string // what the error message must name; "" for pages that answer in HTML
}

// textCases lists every place a request's text can reach the store: path
// values, body fields (ids, names, filters, free text) and query values,
// each with NUL, invalid UTF-8 or control characters.
func (e *env) textCases(t *testing.T, sid, dvc string) []textCase {
	tid, cid := e.creds.TenantID, e.creds.CommunityID
	nul := sid[:35] + "%00" // a session id of the right length
	bad := sid[:35] + "%FF"
	create := func(sr string) string {
		return `{"dvcID":"` + dvc + `","sessionRequest":{"documentType":"dl_object",` + sr + `}}`
	}
	scope := `"tenantDNS":"` + e.creds.TenantDNS + `","communityName":"` + e.creds.CommunityName + `"`
	fetch := func(query, extra string) string {
		return `{"query":{` + query + `},"tenantId":"` + tid + `","communityId":"` + cid + `"` + extra + `}`
	}
	tpl := "/proofingtemplates/tenant/" + tid + "/community/" + cid
	bucket := "/bucket/tenant/" + tid + "/community/" + cid
	dvcs := "/admin/dvcs/tenant/" + tid + "/community/" + cid
	cs := []textCase{
		// Session ids in paths, no license needed.
		{"sessionId %00", "GET", "/proofingsession/%00", "", "anon", "sessionId"},
		{"sessionId NUL", "GET", "/proofingsession/" + nul, "", "anon", "sessionId"},
		{"sessionId invalid UTF-8", "GET", "/proofingsession/" + bad, "", "anon", "sessionId"},
		{"sessionId control", "GET", "/proofingsession/" + sid[:35] + "%07/start", "", "anon", "sessionId"},
		{"sessionId DEL", "GET", "/proofingsession/" + sid[:35] + "%7F/validate", "", "anon", "sessionId"},
		{"sessionId presign", "POST", "/presignedurls/" + nul, `{"imagesUrl":["document_front_image"]}`, "anon", "sessionId"},
		{"sessionId submit", "POST", "/proofingsession/" + bad + "/v2/submit/document", `{}`, "anon", "sessionId"},
		{"sessionId liveness", "GET", "/proofingsession/" + nul + "/liveness/challenge", "", "anon", "sessionId"},
		{"sessionId templates", "GET", "/proofingtemplates/" + bad, "", "anon", "sessionId"},
		{"sessionId templates licensed", "GET", "/proofingtemplates/" + nul, "", "service", "sessionId"},
		{"capture page", "GET", "/idproofing/session/" + nul, "", "public", ""},
		{"capture status", "GET", "/idproofing/session/" + bad + "/status", "", "public", ""},
		{"capture qr", "GET", "/idproofing/session/" + nul + "/qr.svg", "", "public", ""},

		// Events and submissions of a session.
		{"eventName NUL", "POST", "/proofingsession/" + sid + "/submit/event/E%00", `{}`, "browser", "eventName"},
		{"eventName invalid UTF-8", "POST", "/proofingsession/" + sid + "/submit/event/E%FF", `{}`, "browser", "eventName"},
		{"eventName newline", "POST", "/proofingsession/" + sid + "/submit/event/E%0A", `{}`, "browser", "eventName"},
		{"screen_name NUL", "POST", "/proofingsession/" + sid + "/submit/event/E_X", `{"screen_name":"a\u0000"}`, "browser", "screen_name"},
		{"screen_name tab", "POST", "/proofingsession/" + sid + "/submit/event/E_X", `{"screen_name":"a\tb"}`, "browser", "screen_name"},
		{"event error NUL", "POST", "/proofingsession/" + sid + "/submit/event/E_X", `{"error":{"message":"a\u0000"}}`, "browser", "error.message"},
		{"frontResult NUL", "POST", "/proofingsession/" + sid + "/submit/verification/document_liveness_front",
			`{"result":{"frontResult":"@\n\u001e\rANSI \u0000"},"imageNames":["document_front_image"]}`, "browser", "result.frontResult"},
		{"frontResult invalid UTF-8", "POST", "/proofingsession/" + sid + "/submit/verification/document_liveness_front",
			"{\"result\":{\"frontResult\":\"ANSI \xff\"},\"imageNames\":[\"document_front_image\"]}", "browser", "result.frontResult"},
		{"frontResult bell", "POST", "/proofingsession/" + sid + "/submit/verification/document_liveness_front",
			`{"result":{"frontResult":"ANSI \u0007"},"imageNames":["document_front_image"]}`, "browser", "result.frontResult"},
		{"backResult raw control", "POST", "/proofingsession/" + sid + "/v2/submit/document",
			"{\"document_front\":{\"images\":{}},\"document_back\":{\"result\":{\"backResult\":\"a\x01b\"}}}", "browser", "document_back.result.backResult"},
		{"result key NUL", "POST", "/proofingsession/" + sid + "/v3/submit/document",
			`{"document_front":{"result":{"a\u0000":1},"imageNames":["document_front_image"]}}`, "browser", "document_front.result"},
		{"upload cancel screenName", "POST", "/proofingsession/" + sid + "/upload/cancel", `{"screenName":"\u0000"}`, "browser", "screenName"},
		{"presign name", "POST", "/presignedurls/" + sid, `{"imagesUrl":["document_front_image\u0000"]}`, "browser", "imagesUrl[0]"},

		// Session creation: names, uid, tenant and community.
		{"firstname NUL", "POST", "/document_share_session/create", create(scope + `,"user":{"uid":"u","firstname":"A\u0000"}`), "service", "sessionRequest.user.firstname"},
		{"firstname tab", "POST", "/document_share_session/create", create(scope + `,"user":{"uid":"u","firstname":"A\tB"}`), "service", "sessionRequest.user.firstname"},
		{"firstname C1", "POST", "/document_share_session/create", create(scope + `,"user":{"uid":"u","firstname":"A\u0085"}`), "service", "sessionRequest.user.firstname"},
		{"lastname invalid UTF-8", "POST", "/document_share_session/create", create(scope + ",\"user\":{\"uid\":\"u\",\"lastname\":\"L\xc3\"}"), "service", "sessionRequest.user.lastname"},
		{"uid NUL", "POST", "/document_share_session/create", create(scope + `,"user":{"uid":"u\u0000"}`), "service", "sessionRequest.user.uid"},
		{"username NUL", "POST", "/document_share_session/create", create(scope + `,"user":{"uid":"u","username":"\u0000"}`), "service", "sessionRequest.user.username"},
		{"userUID NUL", "POST", "/document_share_session/create", create(scope + `,"userUID":"\u0000"`), "service", "sessionRequest.userUID"},
		{"did newline", "POST", "/document_share_session/create", create(scope + `,"userUID":"u","did":"d\n"`), "service", "sessionRequest.did"},
		{"tenantDNS NUL", "POST", "/document_share_session/create", create(`"tenantDNS":"a\u0000","communityName":"default","userUID":"u"`), "service", "sessionRequest.tenantDNS"},
		{"tenantDNS invalid UTF-8", "POST", "/document_share_session/create", create("\"tenantDNS\":\"\xff\",\"communityName\":\"default\",\"userUID\":\"u\""), "service", "sessionRequest.tenantDNS"},
		{"tenantId NUL", "POST", "/document_share_session/create", create(`"tenantId":"\u0000","communityName":"default","userUID":"u"`), "service", "sessionRequest.tenantId"},
		{"communityName NUL", "POST", "/document_share_session/create", create(`"tenantDNS":"` + e.creds.TenantDNS + `","communityName":"d\u0000","userUID":"u"`), "service", "sessionRequest.communityName"},
		{"communityId NUL", "POST", "/document_share_session/create", create(`"tenantDNS":"` + e.creds.TenantDNS + `","communityId":"\u0000","userUID":"u"`), "service", "sessionRequest.communityId"},
		{"workflowMetadata NUL", "POST", "/document_share_session/create", create(scope + `,"userUID":"u","workflowMetadata":{"wf":"\u0000"}`), "service", "sessionRequest.workflowMetadata.wf"},
		{"dvcID NUL", "POST", "/document_share_session/create", `{"dvcID":"\u0000","sessionRequest":{"documentType":"dl_object",` + scope + `,"userUID":"u"}}`, "service", "dvcID"},
		{"dvcID control", "POST", "/document_share_session/create", `{"dvcID":"a\u001b","sessionRequest":{"documentType":"dl_object",` + scope + `,"userUID":"u"}}`, "service", "dvcID"},

		// Results and fetch filters.
		{"result sessionId NUL", "POST", "/document_share_session/result", `{"sessionId":"\u0000"}`, "service", "sessionId"},
		{"result sessionId invalid UTF-8", "POST", "/document_share_session/result", "{\"sessionId\":\"" + sid[:35] + "\xff\"}", "service", "sessionId"},
		{"result v3 sessionId control", "POST", "/v3/document_share_session/result", `{"sessionId":"` + sid[:35] + `\u0008"}`, "service", "sessionId"},
		{"fetch name NUL", "POST", "/proofingsession/fetch", fetch(`"name":"a\u0000"`, ""), "service", "query.name"},
		{"fetch name invalid UTF-8", "POST", "/proofingsession/fetch", fetch("\"name\":\"a\xff\"", ""), "service", "query.name"},
		{"fetch name tab", "POST", "/proofingsession/fetch", fetch(`"name":"a\tb"`, ""), "service", "query.name"},
		{"fetch uid NUL", "POST", "/proofingsession/fetch", fetch(`"uid":"\u0000"`, ""), "service", "query.uid"},
		{"fetch id NUL", "POST", "/proofingsession/fetch", fetch(`"id":"`+sid[:35]+`\u0000"`, ""), "service", "query.id"},
		{"fetch dvcID NUL", "POST", "/proofingsession/fetch", fetch(`"dvcID":"\u0000"`, ""), "service", "query.dvcID"},
		{"fetch status NUL", "POST", "/proofingsession/fetch", fetch(`"status":"PENDING\u0000"`, ""), "service", "query.status"},
		{"fetch tenantId NUL", "POST", "/proofingsession/fetch", `{"query":{},"tenantId":"\u0000","communityId":"` + cid + `"}`, "system", "tenantId"},
		{"fetch communityId NUL", "POST", "/proofingsession/fetch", `{"query":{},"tenantId":"` + tid + `","communityId":"\u007f"}`, "system", "communityId"},

		// Service keys.
		{"keyId %00", "DELETE", "/servicekey/%00", "", "system", "keyId"},
		{"keyId escaped twice", "DELETE", "/servicekey/abc%2500", "", "system", "keyId"},
		{"keyId invalid UTF-8", "DELETE", "/servicekey/%FF", "", "system", "keyId"},

		// Templates.
		{"template tenantId", "PUT", "/proofingtemplates/tenant/%00/community/" + cid, `{}`, "system", "tenant"},
		{"template dvcID NUL", "PUT", tpl, `{"documentType":"dl_object","dvcID":"a\u0000","workflow":[]}`, "system", "dvcID"},
		{"template dvcID invalid UTF-8", "PUT", tpl, "{\"documentType\":\"dl_object\",\"dvcID\":\"a\xff\",\"workflow\":[]}", "system", "dvcID"},
		{"template workflow NUL", "PUT", tpl, `{"documentType":"dl_object","dvcID":"x","workflow":[{"name":"a\u0000","type":"x"}]}`, "system", "workflow[0].name"},
		{"template documentType NUL", "PUT", tpl, `{"documentType":"dl_object\u0000","dvcID":"x","workflow":[]}`, "system", "documentType"},
		{"template dvcId path NUL", "PATCH", tpl + "/dvcId/a%00", `{}`, "system", "dvcId"},
		{"template dvcId path invalid UTF-8", "PATCH", tpl + "/dvcId/a%FF", `{}`, "system", "dvcId"},
		{"template id path", "PATCH", tpl + "/id/%00", `{}`, "system", "template"},
		{"template id path delete", "DELETE", tpl + "/id/%FF", ``, "system", "template"},

		// Buckets.
		{"bucket communityId", "GET", "/bucket/tenant/" + tid + "/community/%00", "", "service", "community"},
		{"bucketName NUL", "PUT", bucket, `{"type":"local","bucketName":"b\u0000","isEnabled":true,"createdBy":"me"}`, "service", "bucketName"},
		{"createdBy NUL", "PUT", bucket, `{"type":"local","bucketName":"b","isEnabled":true,"createdBy":"\u0000"}`, "service", "createdBy"},
		{"createdBy newline", "PUT", bucket, `{"type":"local","bucketName":"b","isEnabled":true,"createdBy":"me\n"}`, "service", "createdBy"},
		{"bucket type NUL", "PUT", bucket, `{"type":"local\u0000","bucketName":"b","isEnabled":true,"createdBy":"me"}`, "service", "type"},
		{"bucket credential NUL", "PUT", bucket, `{"type":"aws","bucketName":"b","isEnabled":true,"createdBy":"me","aws_credential":{"accessKey":"\u0000"}}`, "service", "aws_credential.accessKey"},

		// Administration.
		{"tenant dns NUL", "POST", "/admin/tenants", `{"dns":"a\u0000.example"}`, "system", "dns"},
		{"tenant name invalid UTF-8", "POST", "/admin/tenants", "{\"dns\":\"a.example\",\"name\":\"\xff\"}", "system", "name"},
		{"community name NUL", "POST", "/admin/tenants/" + tid + "/communities", `{"name":"c\u0000"}`, "system", "name"},
		{"community tenantId path", "POST", "/admin/tenants/%FF/communities", `{"name":"c"}`, "system", "tenant"},
		{"communities tenantId path", "GET", "/admin/tenants/%00/communities", ``, "system", "tenant"},
		{"license tenantId NUL", "POST", "/admin/licenses", `{"authLevel":"service","tenantId":"\u0000"}`, "system", "tenantId"},
		{"license communityId NUL", "POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","communityId":"\u0000"}`, "system", "communityId"},
		{"license tag NUL", "POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","tag":"\u0000"}`, "system", "tag"},
		{"licenses tenantId query", "GET", "/admin/licenses?tenantId=%00", ``, "system", "tenant"},
		{"license id path", "POST", "/admin/licenses/%00/disable", ``, "system", "license"},
		{"license id path expire", "POST", "/admin/licenses/%FF/expire", ``, "system", "license"},
		{"dvc name NUL", "PUT", dvcs + "/name/a%00", `{"connector":{"type":"sandbox"},"verification":{}}`, "system", "name"},
		{"dvc name invalid UTF-8", "PUT", dvcs + "/name/a%FF", `{"connector":{"type":"sandbox"},"verification":{}}`, "system", "name"},
		{"dvc connector NUL", "PUT", dvcs + "/name/n", `{"connector":{"type":"sandbox\u0000"},"verification":{}}`, "system", "connector.type"},
		{"dvcs tenantId path", "GET", "/admin/dvcs/tenant/%00/community/" + cid, ``, "system", "tenant"},
		{"dvc id path", "GET", "/admin/dvcs/%00", ``, "system", "dvcID"},
		{"dvc id path delete", "DELETE", "/admin/dvcs/%FF", ``, "system", "dvcID"},
		{"capture settings communityId", "GET", "/admin/capture/tenant/" + tid + "/community/%00", ``, "system", "communityId"},
		{"capture settings put communityId", "PUT", "/admin/capture/tenant/" + tid + "/community/%FF", `{}`, "system", "communityId"},
		{"capture settings language NUL", "PUT", "/admin/capture/tenant/" + tid + "/community/" + cid, `{"language":"e\u0000"}`, "system", "language"},
		{"capture settings origin NUL", "PUT", "/admin/capture/tenant/" + tid + "/community/" + cid, `{"corsOrigins":["https://a.example\u0000"]}`, "system", "corsOrigins[0]"},
	}
	for _, act := range []string{"", "/start", "/validate", "/complete", "/decline", "/retry", "/retry/cancel", "/upload/cancel"} {
		method := "GET"
		if act == "/upload/cancel" {
			method = "POST"
		}
		cs = append(cs, textCase{"sessionId NUL " + act, method, "/proofingsession/" + nul + act, "", "anon", "sessionId"})
	}
	return cs
}

// headersFor returns fresh request headers of a kind of caller.
func (e *env) headersFor(t *testing.T, who string, browser map[string]string) map[string]string {
	switch who {
	case "public":
		return map[string]string{"Content-Type": "application/json"}
	case "browser":
		return browser
	case "anon":
		return e.adminHeaders(t, "")
	}
	return e.adminHeaders(t, who)
}

// TestAPIRefusesBadText sends NUL, invalid UTF-8 and control characters to
// every place of the API that takes text, on both stores: each answer is a
// 4xx in the API's format naming the field, and nothing is logged as an
// error.
func TestAPIRefusesBadText(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e, log := newLoggedEnv(t, sk.open)
			dvc := e.sandboxDVC(t)
			b, sid := e.startedSession(t, "alice")
			for _, c := range e.textCases(t, sid, dvc) {
				t.Run(c.name, func(t *testing.T) {
					browser := hdrs(t, b)
					browser["Content-Type"] = "application/json"
					n := log.len()
					st, body := raw(t, c.method, e.url+c.path, c.body, e.headersFor(t, c.who, browser))
					if lines := log.since(n); len(lines) > 0 {
						t.Errorf("logged %q", lines)
					}
					if st < 400 || st >= 500 {
						t.Fatalf("status %d, want 4xx: %s", st, body)
					}
					if c.field == "" {
						return
					}
					assertErrorBody(t, st, body)
					var eb struct{ Message string }
					_ = json.Unmarshal(body, &eb)
					if !strings.Contains(eb.Message, c.field) {
						t.Errorf("message %q does not name %s", eb.Message, c.field)
					}
				})
			}
		})
	}
}

// TestAPIKeepsBarcodeText: the separators of an AAMVA barcode payload
// (line feed, record separator, carriage return) and text beyond ASCII
// pass through a submission's result unchanged.
func TestAPIKeepsBarcodeText(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e, log := newLoggedEnv(t, sk.open)
			browser, id := e.startedSession(t, "alice")
			payload := "@\n\x1e\rANSI 636000090002DL00410278ZV03190008DLDCSMÜLLER\nDACJOSÉ\r"
			result, _ := json.Marshal(map[string]string{"frontResult": payload})
			body := `{"document_front":{"result":` + string(result) + `,"images":{"image":"` + b64(pngBytes(t, 640, 400)) + `"}}}`
			if err := browser.Do(context.Background(), "POST", "/proofingsession/"+id+"/v2/submit/document", json.RawMessage(body), nil); err != nil {
				t.Fatal(err)
			}
			_, d, err := e.engine.Session(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := json.Marshal(d)
			if want, _ := json.Marshal(payload); !strings.Contains(string(data), string(want)) {
				t.Errorf("the session does not hold the payload %s", want)
			}
			if lines := log.since(0); len(lines) > 0 {
				t.Errorf("logged %q", lines)
			}
		})
	}
}

// TestStoreRefusesBadText: text that gets past the API's checks is never an
// internal error of a store. Lookups find nothing (SQLite) or refuse the
// text (PostgreSQL); a write stores it (SQLite) or refuses it.
func TestStoreRefusesBadText(t *testing.T) {
	ctx := context.Background()
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			st := sk.open(t)
			for _, v := range []string{"a\x00b", "a\xffb", "\xc3"} {
				lookups := map[string]func() error{
					"Session":          func() error { _, err := st.Session(ctx, v); return err },
					"Tenant":           func() error { _, err := st.Tenant(ctx, v); return err },
					"TenantByDNS":      func() error { _, err := st.TenantByDNS(ctx, v); return err },
					"Community":        func() error { _, err := st.Community(ctx, v); return err },
					"CommunityByName":  func() error { _, err := st.CommunityByName(ctx, idproof.NewObjectID(), v); return err },
					"License":          func() error { _, err := st.License(ctx, v); return err },
					"LicenseByTag":     func() error { _, err := st.LicenseByTag(ctx, "", v); return err },
					"ServiceKey":       func() error { _, err := st.ServiceKey(ctx, v); return err },
					"Template":         func() error { _, err := st.Template(ctx, v); return err },
					"VerificationConf": func() error { _, err := st.VerificationConfig(ctx, v); return err },
					"Setting":          func() error { _, err := st.Setting(ctx, v); return err },
				}
				for name, call := range lookups {
					if code := idproof.ErrorCode(call()); code != idproof.ENOTFOUND && code != idproof.EINVALID {
						t.Errorf("%s(%q): code %q", name, v, code)
					}
				}
				err := st.CreateTenant(ctx, &idproof.Tenant{ID: idproof.NewObjectID(), DNS: v + ".example", Name: v, CreatedAt: time.Now()})
				if code := idproof.ErrorCode(err); code != "" && code != idproof.EINVALID {
					t.Errorf("CreateTenant(%q): code %q: %v", v, code, err)
				}
			}
		})
	}
}
