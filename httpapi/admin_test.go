package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
)

// adminHeaders returns fresh authentication headers of the named license.
func (e *env) adminHeaders(t *testing.T, license string) map[string]string {
	t.Helper()
	h, err := e.client(t, license).Headers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{"Content-Type": "application/json"}
	for k := range h {
		m[k] = h.Get(k)
	}
	return m
}

// TestAdminTenantsAndLicenses walks tenants, communities and licenses
// through their lifecycle on both stores.
func TestAdminTenantsAndLicenses(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			sys := e.client(t, "system")

			st, body := raw(t, "POST", e.url+"/admin/tenants", `{"dns":"Acme.Example","name":"Acme"}`, e.adminHeaders(t, "system"))
			var tn client.Tenant
			if st != 201 || json.Unmarshal(body, &tn) != nil || tn.DNS != "acme.example" || tn.Name != "Acme" || !idproof.IsObjectID(tn.ID) || tn.CreatedTS < time.Now().Add(-time.Minute).UnixMilli() {
				t.Fatalf("create tenant: %d %s", st, body)
			}
			_, err := sys.CreateTenant(ctx, "acme.example", "again")
			wantAPIError(t, err, 409, "dns")
			ts, err := sys.Tenants(ctx)
			if err != nil || len(ts) != 2 || ts[1].ID != tn.ID {
				t.Fatalf("tenants %+v %v", ts, err)
			}

			cm, err := sys.CreateCommunity(ctx, tn.ID, "retail")
			if err != nil || cm.TenantID != tn.ID || cm.Name != "retail" {
				t.Fatalf("create community %+v %v", cm, err)
			}
			cs, err := sys.Communities(ctx, tn.ID)
			if err != nil || len(cs) != 1 || cs[0].ID != cm.ID {
				t.Fatalf("communities %+v %v", cs, err)
			}

			l, err := sys.CreateLicense(ctx, client.LicenseRequest{TenantID: tn.ID, CommunityID: cm.ID, AuthLevel: "service", Tag: "shop"})
			if err != nil || l.LicenseKey == "" || l.AuthLevel != "service" || l.CommunityID != cm.ID || l.ExpiresTS != 0 || l.Disabled {
				t.Fatalf("create license %+v %v", l, err)
			}
			user := e.client(t, l.LicenseKey)
			if _, err := user.Info(ctx); err != nil {
				t.Fatalf("new license does not work: %v", err)
			}
			// Lists never show keys.
			st, body = raw(t, "GET", e.url+"/admin/licenses?tenantId="+tn.ID, "", e.adminHeaders(t, "system"))
			if st != 200 || strings.Contains(string(body), l.LicenseKey) || strings.Contains(string(body), "licenseKey") || !strings.Contains(string(body), l.ID) {
				t.Fatalf("list licenses: %d %s", st, body)
			}
			all, err := sys.Licenses(ctx, "")
			if err != nil || len(all) < 6 {
				t.Fatalf("all licenses: %d %v", len(all), err)
			}

			d, err := sys.DisableLicense(ctx, l.ID)
			if err != nil || !d.Disabled {
				t.Fatalf("disable %+v %v", d, err)
			}
			_, err = user.Info(ctx)
			// The caller is not told why: unknown, disabled and expired answer alike.
			wantAPIError(t, err, 401, "license is not valid")

			// Expiry: scheduled in the future the license still works; now,
			// it stops.
			l2, err := sys.CreateLicense(ctx, client.LicenseRequest{TenantID: tn.ID, AuthLevel: "basic", ExpiresTS: time.Now().Add(time.Hour).UnixMilli()})
			if err != nil || l2.ExpiresTS == 0 {
				t.Fatalf("create expiring license %+v %v", l2, err)
			}
			user2 := e.client(t, l2.LicenseKey)
			later := time.Now().Add(24 * time.Hour).Truncate(time.Millisecond)
			x, err := sys.ExpireLicense(ctx, l2.ID, later)
			if err != nil || x.ExpiresTS != later.UnixMilli() {
				t.Fatalf("schedule expiry %+v %v", x, err)
			}
			if _, err := user2.Info(ctx); err != nil {
				t.Fatalf("license expiring tomorrow refused: %v", err)
			}
			if x, err = sys.ExpireLicense(ctx, l2.ID, time.Time{}); err != nil || x.ExpiresTS > time.Now().UnixMilli() {
				t.Fatalf("expire now %+v %v", x, err)
			}
			_, err = user2.Info(ctx)
			wantAPIError(t, err, 401, "license is not valid")

			// A system license without tenant, with an RFC 3339 expiry.
			st, body = raw(t, "POST", e.url+"/admin/licenses", `{"authLevel":"system","expiresAt":"2999-01-02T03:04:05.678+01:00"}`, e.adminHeaders(t, "system"))
			wantTS := time.Date(2999, 1, 2, 2, 4, 5, 678e6, time.UTC).UnixMilli()
			if st != 201 || !strings.Contains(string(body), fmt.Sprintf(`"expiresTS":%d`, wantTS)) || !strings.Contains(string(body), `"tenantId":""`) {
				t.Fatalf("system license: %d %s", st, body)
			}
		})
	}
}

const adminSecret = "sk_live_0123456789abcdef"

// TestAdminVerificationConfigs stores a configuration with a secret, reads
// it back masked, sends the masked form back and checks that the secret
// survived, on both stores.
func TestAdminVerificationConfigs(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			sys := e.client(t, "system")
			tid, cid := e.creds.TenantID, e.creds.CommunityID
			conn := json.RawMessage(`{"type":"sandbox","config":{"apiKey":"` + adminSecret + `","clientId":"client-42","password":"pw"}}`)
			ver := json.RawMessage(`{"tag":"vendor","config":{"maxRetries":1}}`)

			put := `{"connector":` + string(conn) + `,"verification":` + string(ver) + `}`
			path := "/admin/dvcs/tenant/" + tid + "/community/" + cid
			st, body := raw(t, "PUT", e.url+path+"/name/vendor", put, e.adminHeaders(t, "system"))
			if st != 200 || strings.Contains(string(body), adminSecret) || !strings.Contains(string(body), `"apiKey":"****cdef"`) || !strings.Contains(string(body), `"password":"****"`) {
				t.Fatalf("put: %d %s", st, body)
			}
			var v client.VerificationConfig
			if err := json.Unmarshal(body, &v); err != nil || !idproof.IsObjectID(v.DVCID) || v.Name != "vendor" || v.TenantID != tid || v.CommunityID != cid || v.UpdatedTS == 0 {
				t.Fatalf("put reply %s %v", body, err)
			}

			for _, p := range []string{"/admin/dvcs/" + v.DVCID, path} {
				st, body := raw(t, "GET", e.url+p, "", e.adminHeaders(t, "system"))
				if st != 200 || strings.Contains(string(body), adminSecret) || !strings.Contains(string(body), "****cdef") || !strings.Contains(string(body), v.DVCID) {
					t.Fatalf("GET %s: %d %s", p, st, body)
				}
			}
			list, err := sys.VerificationConfigs(ctx, tid, cid)
			if err != nil || len(list) < 2 || !hasDVC(list, e.creds.DVCID) || !hasDVC(list, v.DVCID) {
				t.Fatalf("list %+v %v", list, err)
			}

			// The whole GET reply, edited and sent back as is.
			st, body = raw(t, "GET", e.url+"/admin/dvcs/"+v.DVCID, "", e.adminHeaders(t, "system"))
			edited := strings.Replace(string(body), `"maxRetries":1`, `"maxRetries":2`, 1)
			st2, body2 := raw(t, "PUT", e.url+path+"/name/vendor", edited, e.adminHeaders(t, "system"))
			if st != 200 || st2 != 200 || strings.Contains(string(body2), adminSecret) || !strings.Contains(string(body2), `"maxRetries":2`) {
				t.Fatalf("put back: %d %s", st2, body2)
			}
			stored, err := e.store.VerificationConfig(ctx, v.DVCID)
			if err != nil {
				t.Fatal(err)
			}
			open, err := e.admin.OpenConnector(stored)
			if err != nil || string(open) != string(conn) {
				t.Fatalf("stored connector %s %v, want %s", open, err, conn)
			}

			// The same masked connector under a new name has no secret
			// behind it.
			_, err = sys.PutVerificationConfig(ctx, tid, cid, "copy", v.Connector, ver)
			wantAPIError(t, err, 400, "connector.config.apiKey")

			if err := sys.DeleteVerificationConfig(ctx, v.DVCID); err != nil {
				t.Fatal(err)
			}
			_, err = sys.VerificationConfig(ctx, v.DVCID)
			wantAPIError(t, err, 404, "not found")
			st, _ = raw(t, "DELETE", e.url+"/admin/dvcs/"+e.creds.DVCID, "", e.adminHeaders(t, "system"))
			if st != 204 {
				t.Fatalf("delete status %d", st)
			}
		})
	}
}

func hasDVC(list []client.VerificationConfig, id string) bool {
	for _, c := range list {
		if c.DVCID == id {
			return true
		}
	}
	return false
}

// adminEndpoints is every administration endpoint, for the access test.
func adminEndpoints(e *env) [][2]string {
	tid, cid := e.creds.TenantID, e.creds.CommunityID
	lic := idproof.NewObjectID()
	return [][2]string{
		{"POST", "/admin/tenants"}, {"GET", "/admin/tenants"},
		{"POST", "/admin/tenants/" + tid + "/communities"}, {"GET", "/admin/tenants/" + tid + "/communities"},
		{"POST", "/admin/licenses"}, {"GET", "/admin/licenses"},
		{"POST", "/admin/licenses/" + lic + "/disable"}, {"POST", "/admin/licenses/" + lic + "/expire"},
		{"PUT", "/admin/dvcs/tenant/" + tid + "/community/" + cid + "/name/x"},
		{"GET", "/admin/dvcs/tenant/" + tid + "/community/" + cid},
		{"GET", "/admin/dvcs/" + e.creds.DVCID}, {"DELETE", "/admin/dvcs/" + e.creds.DVCID},
	}
}

func TestAdminAccess(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			for _, ep := range adminEndpoints(e) {
				for license, want := range map[string]int{"service": 403, "basic": 403, "disabled": 401, "expired": 401, "": 401} {
					h := map[string]string{"Content-Type": "application/json"}
					if license != "" {
						h = e.adminHeaders(t, license)
					}
					if st, body := raw(t, ep[0], e.url+ep[1], `{}`, h); st != want {
						t.Errorf("%s %s with %q license: %d %s, want %d", ep[0], ep[1], license, st, body, want)
					}
				}
			}
			// Nothing was changed by the refused calls.
			if _, err := e.store.VerificationConfig(context.Background(), e.creds.DVCID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAdminBadInput(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	tid, cid := e.creds.TenantID, e.creds.CommunityID
	unknown := idproof.NewObjectID()
	dvcs := "/admin/dvcs/tenant/" + tid + "/community/" + cid + "/name/"
	okConn := `"connector":{"type":"sandbox"}`
	cases := []struct {
		method, path, body string
		status             int
		msg                string
	}{
		{"POST", "/admin/tenants", `{}`, 400, "dns is required"},
		{"POST", "/admin/tenants", `{"dns":"bad host"}`, 400, "dns"},
		{"POST", "/admin/tenants", `{"dns":5}`, 400, "dns"},
		{"POST", "/admin/tenants", `{"dns":"a.example","nmae":"x"}`, 400, `unknown field \"nmae\"`},
		{"POST", "/admin/tenants", `[1]`, 400, "JSON object"},
		{"POST", "/admin/tenants", `{"dns":"a.example","name":"a\u0000b"}`, 400, "name"},
		{"POST", "/admin/tenants", ``, 400, "empty"},
		{"POST", "/admin/tenants/" + tid + "/communities", `{}`, 400, "name is required"},
		{"POST", "/admin/tenants/" + unknown + "/communities", `{"name":"x"}`, 404, "tenant"},
		{"POST", "/admin/tenants/%00/communities", `{"name":"x"}`, 404, "tenant"},
		{"GET", "/admin/tenants/" + unknown + "/communities", ``, 404, "tenant"},
		{"POST", "/admin/licenses", `{}`, 400, "authLevel is required"},
		{"POST", "/admin/licenses", `{"authLevel":"root","tenantId":"` + tid + `"}`, 400, "authLevel"},
		{"POST", "/admin/licenses", `{"authLevel":"service"}`, 400, "tenantId is required"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expiresTS":-1}`, 400, "expiresTS"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expiresTS":9223372036854775807}`, 400, "expiresTS"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expiresTS":1.5}`, 400, "expiresTS"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expiresAt":"tomorrow"}`, 400, "expiresAt"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expiresAt":"2030-01-01T00:00:00Z","expiresTS":1}`, 400, "not both"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","expires":1}`, 400, `unknown field \"expires\"`},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + unknown + `"}`, 404, "tenant"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","communityId":"` + unknown + `"}`, 404, "community"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","tag":"a\tb"}`, 400, "tag"},
		{"POST", "/admin/licenses", `{"authLevel":"service","tenantId":"` + tid + `","tag":"bootstrap-service"}`, 409, "tag"},
		{"GET", "/admin/licenses?tenantId=nope", ``, 404, "tenant"},
		{"POST", "/admin/licenses/" + unknown + "/disable", ``, 404, "license"},
		{"POST", "/admin/licenses/" + unknown + "/expire", ``, 404, "license"},
		{"POST", "/admin/licenses/x/expire", `{"expiresTS":"soon"}`, 400, "expiresTS"},
		{"PUT", dvcs + "n", `{}`, 400, "connector is required"},
		{"PUT", dvcs + "n", `{"connector":{"type":""},"verification":{}}`, 400, "connector.type"},
		{"PUT", dvcs + "n", `{"connector":"x","verification":{}}`, 400, "connector must be a JSON object"},
		{"PUT", dvcs + "n", `{` + okConn + `}`, 400, "verification is required"},
		{"PUT", dvcs + "n", `{` + okConn + `,"verification":{"config":1}}`, 400, "verification.config"},
		{"PUT", dvcs + "n", `{` + okConn + `,"verification":{},"extra":1}`, 400, `unknown field \"extra\"`},
		{"PUT", dvcs + "%20n", `{` + okConn + `,"verification":{}}`, 400, "name"},
		{"PUT", dvcs + "a%2Fb", `{` + okConn + `,"verification":{}}`, 400, "name"},
		{"PUT", dvcs + "a%00b", `{` + okConn + `,"verification":{}}`, 400, "name"},
		{"PUT", "/admin/dvcs/tenant/" + tid + "/community/" + unknown + "/name/n", `{` + okConn + `,"verification":{}}`, 404, "community"},
		{"GET", "/admin/dvcs/tenant/x/community/y", ``, 404, "tenant"},
		{"GET", "/admin/dvcs/" + unknown, ``, 404, "verification config"},
		{"GET", "/admin/dvcs/%FF%00", ``, 404, "verification config"},
		{"DELETE", "/admin/dvcs/zzz", ``, 404, "verification config"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" "+c.body, func(t *testing.T) {
			st, body := raw(t, c.method, e.url+c.path, c.body, e.adminHeaders(t, "system"))
			if st != c.status || !strings.Contains(string(body), c.msg) {
				t.Fatalf("got %d %s, want %d containing %q", st, body, c.status, c.msg)
			}
		})
	}

	// The last usable system license cannot be switched off.
	ctx := context.Background()
	all, err := e.admin.Licenses(ctx, tid)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.Tag == "bootstrap-system" {
			_, err := e.client(t, "system").DisableLicense(ctx, url.PathEscape(l.ID))
			wantAPIError(t, err, 409, "last usable system license")
		}
	}
}
