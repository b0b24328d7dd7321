package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/workflow"
)

var tplPage = base64.StdEncoding.EncodeToString([]byte("<p>Welcome</p>"))

// steps is a small valid workflow whose first step is named first.
func steps(first string) []workflow.Step {
	return []workflow.Step{
		{Name: first, Type: "HTML", HTML: tplPage, Actions: []workflow.Action{{Name: "go", On: "click", JumpTo: "front"}}},
		{Name: "front", Type: "CAPTURE_FRONT"},
		{Name: "done", Type: "PROCESSING"},
	}
}

// newSession stores a pending session of the env's tenant and community.
func newSession(t *testing.T, e *env, docType, dvcID, boundKey string) string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	s := &idproof.Session{
		ID: idproof.NewUUID(), TenantID: e.creds.TenantID, CommunityID: e.creds.CommunityID,
		TenantDNS: e.creds.TenantDNS, CommunityName: e.creds.CommunityName,
		DVCID: dvcID, DocumentType: docType, Status: idproof.StatusPending, BoundKey: boundKey,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastActivityAt: now, Data: []byte("{}"),
	}
	if err := e.store.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// otherTenant makes a second tenant with a community and a service license
// and returns their ids and a client holding that license.
func otherTenant(t *testing.T, e *env) (tenantID, communityID string, c *client.Client) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	tn := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: "other.example", Name: "Other", CreatedAt: now}
	cm := &idproof.Community{ID: idproof.NewObjectID(), TenantID: tn.ID, Name: "default", CreatedAt: now}
	if err := e.store.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateCommunity(ctx, cm); err != nil {
		t.Fatal(err)
	}
	key, _, err := e.admin.CreateLicense(ctx, admin.LicenseSpec{Tag: "other", AuthLevel: idproof.AuthService, TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID, cm.ID, e.client(t, key)
}

func TestTemplates(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			ten, com, dvc := e.creds.TenantID, e.creds.CommunityID, e.creds.DVCID
			c := e.client(t, "service")
			sess := newSession(t, e, idproof.DocDriversLicense, dvc, "")

			// No template yet: the built-in default, also for a caller
			// without a license (the end user's browser).
			for _, cl := range []*client.Client{c, e.client(t, "")} {
				list, err := cl.Templates(ctx, sess)
				if err != nil || len(list) != 1 || list[0].ID != "default" || list[0].DVCID != dvc || list[0].TenantID != ten ||
					list[0].DocumentType != "dl_object" || len(list[0].Workflow) != 5 || list[0].CreatedTS != 0 {
					t.Fatalf("default: %+v %v", list, err)
				}
			}

			created, err := c.CreateTemplate(ctx, ten, com, client.TemplateSpec{DocumentType: "dl_object", DVCID: dvc, Workflow: steps("welcome")})
			if err != nil {
				t.Fatal(err)
			}
			if !idproof.IsObjectID(created.ID) || created.TenantID != ten || created.CommunityID != com || created.DVCID != dvc ||
				created.CreatedTS == 0 || created.CreatedTS != created.UpdatedTS || created.Workflow[0].Name != "welcome" {
				t.Fatalf("created %+v", created)
			}
			list, err := c.Templates(ctx, sess)
			if err != nil || len(list) != 1 || list[0].ID != created.ID || list[0].CreatedTS != created.CreatedTS {
				t.Fatalf("list by session: %+v %v", list, err)
			}
			// A template of another document type does not apply.
			if _, err := c.CreateTemplate(ctx, ten, com, client.TemplateSpec{DocumentType: "ppt_object", DVCID: dvc, Workflow: steps("p")}); err != nil {
				t.Fatal(err)
			}
			if list, _ := c.Templates(ctx, sess); len(list) != 1 {
				t.Fatalf("passport template listed for a dl session: %+v", list)
			}

			time.Sleep(2 * time.Millisecond) // updatedTS must move
			up, err := c.UpdateTemplate(ctx, ten, com, created.ID, client.TemplateSpec{Workflow: steps("hello")})
			if err != nil || up.ID != created.ID || up.Workflow[0].Name != "hello" || up.DocumentType != "dl_object" ||
				up.CreatedTS != created.CreatedTS || up.UpdatedTS <= created.UpdatedTS {
				t.Fatalf("patch by id: %+v %v", up, err)
			}

			up, err = c.UpdateTemplateByDVC(ctx, ten, com, dvc, "dl_object", steps("bonjour"))
			if err != nil || up.ID != created.ID || up.Workflow[0].Name != "bonjour" {
				t.Fatalf("patch by dvcId: %+v %v", up, err)
			}
			if list, _ := c.Templates(ctx, sess); len(list) != 1 || list[0].Workflow[0].Name != "bonjour" {
				t.Fatalf("after patch by dvcId: %+v", list)
			}
			dvcPath := "/proofingtemplates/tenant/" + ten + "/community/" + com + "/dvcId/" + dvc
			body := map[string]any{"workflow": steps("x")}
			wantAPIError(t, c.Do(ctx, "PATCH", dvcPath, body, nil), 400, "encrypted data body")
			wantAPIError(t, c.Do(ctx, "PATCH", dvcPath, map[string]any{"data": body}, nil), 400, "encrypted data body")
			wantAPIError(t, e.client(t, "basic").Do(ctx, "PATCH", dvcPath, body, nil, client.Envelope()), 403, "service_ext")
			_, err = c.UpdateTemplateByDVC(ctx, ten, com, "no-such-dvc", "", steps("x"))
			wantAPIError(t, err, 404, "no template with dvcID")
			_, err = c.UpdateTemplateByDVC(ctx, ten, com, dvc, "idcard_object", steps("x"))
			wantAPIError(t, err, 404, "no template with dvcID")

			st, out := raw(t, "DELETE", e.url+"/proofingtemplates/tenant/"+ten+"/community/"+com+"/id/"+created.ID, "", hdrs(t, c))
			if st != 204 || len(out) != 0 {
				t.Fatalf("delete: %d %q", st, out)
			}
			wantAPIError(t, c.DeleteTemplate(ctx, ten, com, created.ID), 404, "not found")
			_, err = c.UpdateTemplate(ctx, ten, com, created.ID, client.TemplateSpec{Workflow: steps("x")})
			wantAPIError(t, err, 404, "not found")
			if list, _ := c.Templates(ctx, sess); len(list) != 1 || list[0].ID != "default" {
				t.Fatalf("after delete: %+v", list)
			}
		})
	}
}

// TestTemplateFallback: exact dvcID first, then the community's templates
// without a dvcID, then the built-in default (a passport one here).
func TestTemplateFallback(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			c := e.client(t, "service")
			sess := newSession(t, e, idproof.DocPassport, "dvc-b", "")
			if list, err := c.Templates(ctx, sess); err != nil || len(list) != 1 || list[0].ID != "default" || len(list[0].Workflow) != 4 {
				t.Fatalf("passport default: %+v %v", list, err)
			}
			if _, err := c.CreateTemplate(ctx, e.creds.TenantID, e.creds.CommunityID, client.TemplateSpec{DocumentType: "ppt_object", DVCID: "dvc-a", Workflow: steps("a")}); err != nil {
				t.Fatal(err)
			}
			wf, _ := json.Marshal(steps("community"))
			now := time.Now().UTC().Truncate(time.Millisecond)
			generic := &idproof.Template{ID: idproof.NewObjectID(), TenantID: e.creds.TenantID, CommunityID: e.creds.CommunityID,
				DocumentType: "ppt_object", Workflow: wf, CreatedAt: now, UpdatedAt: now}
			if err := e.store.CreateTemplate(ctx, generic); err != nil {
				t.Fatal(err)
			}
			if list, err := c.Templates(ctx, sess); err != nil || len(list) != 1 || list[0].ID != generic.ID {
				t.Fatalf("community fallback: %+v %v", list, err)
			}
			exact, err := c.CreateTemplate(ctx, e.creds.TenantID, e.creds.CommunityID, client.TemplateSpec{DocumentType: "ppt_object", DVCID: "dvc-b", Workflow: steps("b")})
			if err != nil {
				t.Fatal(err)
			}
			if list, err := c.Templates(ctx, sess); err != nil || len(list) != 1 || list[0].ID != exact.ID {
				t.Fatalf("exact match: %+v %v", list, err)
			}
		})
	}
}

// TestTemplateScope: other tenants' resources are 404, bound sessions 403.
func TestTemplateScope(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			ten, com := e.creds.TenantID, e.creds.CommunityID
			c := e.client(t, "service")
			tpl, err := c.CreateTemplate(ctx, ten, com, client.TemplateSpec{DocumentType: "dl_object", DVCID: "d", Workflow: steps("a")})
			if err != nil {
				t.Fatal(err)
			}
			oten, ocom, other := otherTenant(t, e)
			spec := client.TemplateSpec{DocumentType: "dl_object", DVCID: "d", Workflow: steps("a")}
			_, err = other.CreateTemplate(ctx, ten, com, spec)
			wantAPIError(t, err, 404, "not found")
			_, err = other.UpdateTemplate(ctx, ten, com, tpl.ID, spec)
			wantAPIError(t, err, 404, "not found")
			_, err = other.UpdateTemplateByDVC(ctx, ten, com, "d", "", steps("a"))
			wantAPIError(t, err, 404, "not found")
			wantAPIError(t, other.DeleteTemplate(ctx, ten, com, tpl.ID), 404, "not found")
			// Its own scope works, but not to reach our template through it.
			if _, err := other.CreateTemplate(ctx, oten, ocom, spec); err != nil {
				t.Fatal(err)
			}
			wantAPIError(t, other.DeleteTemplate(ctx, oten, ocom, tpl.ID), 404, "not found")
			// A community of another tenant under our tenant id.
			_, err = c.CreateTemplate(ctx, ten, ocom, spec)
			wantAPIError(t, err, 404, "not found")
			_, err = e.client(t, "system").CreateTemplate(ctx, ten, ocom, spec)
			wantAPIError(t, err, 404, "not found")
			_, err = c.CreateTemplate(ctx, ten, "not-an-id", spec)
			wantAPIError(t, err, 404, "not found")

			sess := newSession(t, e, idproof.DocDriversLicense, "d", "")
			_, err = other.Templates(ctx, sess)
			wantAPIError(t, err, 404, "not found")
			_, err = c.Templates(ctx, idproof.NewUUID())
			wantAPIError(t, err, 404, "not found")
			if st, body := raw(t, "GET", e.url+"/proofingtemplates/a%00b", "", hdrs(t, c)); st != 404 {
				t.Fatalf("NUL in session id: %d %s", st, body)
			}

			owner := e.client(t, "")
			bound := newSession(t, e, idproof.DocDriversLicense, "d", owner.PublicKeyString())
			if list, err := owner.Templates(ctx, bound); err != nil || len(list) != 1 {
				t.Fatalf("bound key: %+v %v", list, err)
			}
			_, err = e.client(t, "").Templates(ctx, bound)
			wantAPIError(t, err, 403, "bound to another key")
			// A relying party with a license is not held to the bound key.
			if _, err := c.Templates(ctx, bound); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTemplateValidation(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			c := e.client(t, "service")
			path := "/proofingtemplates/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
			step := func(extra string) string {
				return `{"name":"a","type":"HTML","html":"` + tplPage + `"` + extra + `}`
			}
			body := func(wf string) string { return `{"documentType":"dl_object","dvcID":"d","workflow":` + wf + `}` }
			cases := []struct{ name, body, msg string }{
				{"bad type", body(`[{"name":"a","type":"VIDEO"}]`), `workflow[0].type "VIDEO" is not one of`},
				{"missing html", body(`[{"name":"a","type":"HTML"}]`), "workflow[0].html is required"},
				{"document types as choices", `{"documentType":"dl_object | ppt_object | idcard_object","dvcID":"d","workflow":[` + step("") + `]}`, "documentType \"dl_object | ppt_object | idcard_object\" lists the choices"},
				{"page too large", body(`[{"name":"a","type":"HTML","html":"` + strings.Repeat("<p>", 200<<10) + `"}]`), "workflow[0].html is larger than"},
				{"duplicate names", body(`[` + step("") + `,` + step("") + `]`), `workflow[1].name "a" is already`},
				{"no steps", body(`[]`), "at least one step"},
				{"missing workflow", `{"documentType":"dl_object","dvcID":"d"}`, "workflow is required"},
				{"workflow not a list", body(`"steps"`), "workflow must be an array"},
				{"step not an object", body(`[1]`), "workflow[0]: a step must be an object"},
				{"bad documentType", `{"documentType":"passport","dvcID":"d","workflow":[` + step("") + `]}`, `documentType "passport" is not one of`},
				{"missing documentType", `{"dvcID":"d","workflow":[` + step("") + `]}`, "documentType is required"},
				{"documentType not a string", `{"documentType":5,"dvcID":"d","workflow":[` + step("") + `]}`, "documentType"},
				{"missing dvcID", `{"documentType":"dl_object","workflow":[` + step("") + `]}`, "dvcID is required"},
				{"empty dvcID", `{"documentType":"dl_object","dvcID":"","workflow":[` + step("") + `]}`, "dvcID must not be empty"},
				{"dvcID with NUL", `{"documentType":"dl_object","dvcID":"a\u0000b","workflow":[` + step("") + `]}`, "dvcID contains control characters"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					err := c.Do(ctx, "PUT", path, json.RawMessage(tc.body), nil)
					wantAPIError(t, err, 400, tc.msg)
				})
			}
			if st, out := raw(t, "PUT", e.url+path, `{`, hdrs(t, c)); st != 400 || !strings.Contains(string(out), "not valid JSON") {
				t.Fatalf("not JSON: %d %s", st, out)
			}
			// The single-object form of the document's curl example.
			var got client.Template
			doc := body(`{"name":"xxxx","type":"HTML","html":"` + tplPage + `","params":{"name":"xxxx","field":"xxxx"},"actions":{"name":"xxxx","on":"xxxx","jumpTo":"xxxx","call":"xxxx"}}`)
			if err := c.Do(ctx, "PUT", path, json.RawMessage(doc), &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Workflow) != 1 || len(got.Workflow[0].Actions) != 1 || got.Workflow[0].Params[0].Field != "xxxx" {
				t.Fatalf("single-object form: %+v", got)
			}
			// Validation applies to the updates too.
			bad := json.RawMessage(`{"workflow":[{"name":"a","type":"HTML"}]}`)
			err := c.Do(ctx, "PATCH", path+"/id/"+got.ID, bad, nil)
			wantAPIError(t, err, 400, "workflow[0].html is required")
			err = c.Do(ctx, "PATCH", path+"/dvcId/d", bad, nil, client.Envelope())
			wantAPIError(t, err, 400, "workflow[0].html is required")
			err = c.Do(ctx, "PATCH", path+"/id/"+got.ID, json.RawMessage(`{"documentType":"x","workflow":[`+step("")+`]}`), nil)
			wantAPIError(t, err, 400, "documentType")
			// The plain form of the data wrapper works where no envelope is required.
			st, out := raw(t, "PATCH", e.url+path+"/id/"+got.ID, `{"data":{"workflow":[`+step("")+`]}}`, hdrs(t, c))
			if st != http.StatusOK || !strings.Contains(string(out), `"name":"a"`) {
				t.Fatalf("data wrapper: %d %s", st, out)
			}
		})
	}
}
