package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// FuzzAPIText sends arbitrary strings to places of the API that take text
// (a session id in the path, fetch filters, the names of a new session and
// of a community, a template's dvcId and an event's name in the path, a
// result's sessionId) on both stores: no answer is a 5xx, and nothing is
// logged as an error.
func FuzzAPIText(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "a\x00b", "\xff", "L\xc3", "\x07", "\u0085", "\x7f", "\t\n\r",
		"@\n\x1e\rANSI ", "José", "%00", "../x", `"`, `\u0000`, strings.Repeat("a", 300), "\ufffd", "\U0010ffff",
		"\xed\xa0\x80", "00000000-0000-4000-8000-00000000000\x00"} {
		f.Add(s)
	}
	type setup struct {
		e        *env
		log      *errorLog
		sid, dvc string
	}
	var envs []setup
	for _, sk := range storeKinds {
		e, log := newLoggedEnv(f, sk.open)
		_, sid := e.startedSession(f, "alice")
		envs = append(envs, setup{e: e, log: log, sid: sid, dvc: e.sandboxDVC(f)})
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range envs {
			e, sid := st.e, st.sid
			tid, cid := e.creds.TenantID, e.creds.CommunityID
			js := jsonString(s)
			id := s
			if len(id) < len(sid) {
				id = sid[:len(sid)-len(id)] + id // the length of a session id
			}
			calls := []textCase{
				{"session id", "GET", "/proofingsession/" + url.PathEscape(id) + "/validate", "", "anon", ""},
				{"fetch", "POST", "/proofingsession/fetch", `{"query":{"name":` + js + `,"uid":` + js + `,"id":` + js + `},"tenantId":"` + tid + `","communityId":"` + cid + `"}`, "service", ""},
				{"create", "POST", "/document_share_session/create", `{"dvcID":"` + st.dvc + `","sessionRequest":{"documentType":"dl_object","tenantDNS":"` +
					e.creds.TenantDNS + `","communityName":"` + e.creds.CommunityName + `","user":{"uid":` + js + `,"firstname":` + js + `}}}`, "service", ""},
				{"community", "POST", "/admin/tenants/" + tid + "/communities", `{"name":` + js + `}`, "system", ""},
				{"template dvcId", "PATCH", "/proofingtemplates/tenant/" + tid + "/community/" + cid + "/dvcId/" + url.PathEscape(s), `{}`, "system", ""},
				{"event", "POST", "/proofingsession/" + sid + "/submit/event/" + url.PathEscape(s), `{"screen_name":` + js + `}`, "anon", ""},
				{"result", "POST", "/document_share_session/result", `{"sessionId":` + js + `}`, "service", ""},
			}
			for _, c := range calls {
				n := st.log.len()
				status, body := raw(t, c.method, e.url+c.path, c.body, e.headersFor(t, c.who, nil))
				if status >= 500 {
					t.Errorf("%s: %q: status %d: %s", c.name, s, status, body)
				}
				if lines := st.log.since(n); len(lines) > 0 {
					t.Errorf("%s: %q: logged %q", c.name, s, lines)
				}
			}
		}
	})
}

// jsonString writes s as a JSON string literal, escaping only what JSON
// requires, so that invalid UTF-8 in s reaches the server as it is.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
