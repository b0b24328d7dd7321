package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/wire"
)

// mxRequest is a request that succeeds when its credentials are right.
type mxRequest struct {
	method, path string
	body         any    // JSON body, nil for none
	raw          []byte // a body sent as is (with ctype)
	ctype        string
	envelope     bool // send body as {"data": "<encrypted>"}
}

func mxGet(path string) mxRequest { return mxRequest{method: http.MethodGet, path: path} }

func mxPost(path string, body any) mxRequest {
	return mxRequest{method: http.MethodPost, path: path, body: body}
}

// mxRoute is an entry of the matrix's table: how to build a valid request
// for a route, and whether that request names tenant A's resources (so a
// license of another scope must not reach them).
type mxRoute struct {
	build  func(f *mxFixture) mxRequest
	scoped bool
	// foreign, when set, builds the request of a caller who names its own
	// tenant and community but a resource of tenant A's community.
	foreign func(f *mxFixture, tenantID, communityID string) mxRequest
	// signed: the route's credential is the signature of its URL.
	signed bool
}

// mxFixture is what one case's request is built on: the browser key of
// the end user and the sessions the request may touch.
type mxFixture struct {
	t        *testing.T
	x        *mxEnv
	browser  *wire.PrivateKey
	unknown  string // when set, sessions are this id, which does not exist
	bind     bool   // a session start finds must be bound already
	sessions []string
	objects  []string // blob keys the request may write
}

func (f *mxFixture) actor() proofing.Actor {
	return proofing.NewActor(f.browser.Public().String(), "127.0.0.1", "access-matrix")
}

// session makes a session of tenant A's sandbox configuration (or returns
// the unknown id) and, when start is set, starts it with the browser key.
func (f *mxFixture) session(uid string, req *proofing.CreateRequest, start bool) string {
	if f.unknown != "" {
		return f.unknown
	}
	if req == nil {
		req = &proofing.CreateRequest{DVCID: f.x.sandboxDVC}
	}
	req.SessionRequest = &proofing.SessionRequest{TenantID: f.x.creds.TenantID, CommunityID: f.x.creds.CommunityID,
		DocumentType: idproof.DocDriversLicense, User: idproof.SessionUser{UID: uid, Firstname: "Ann", Lastname: "Lee"}}
	s, err := f.x.engine.Create(f.x.ctx, f.x.rpLicense, *req)
	mxMust(f.t, err)
	if start {
		_, _, err = f.x.engine.Start(f.x.ctx, s.ID, f.actor())
		mxMust(f.t, err)
	}
	f.sessions = append(f.sessions, s.ID)
	return s.ID
}

// started is a started sandbox session.
func (f *mxFixture) started() string { return f.session("alice", nil, true) }

// setup runs a preparation step on a session that exists.
func (f *mxFixture) setup(step func() error) {
	if f.unknown == "" {
		mxMust(f.t, step())
	}
}

func (f *mxFixture) template(dvcID string) string {
	now := time.Now().UTC().Truncate(time.Millisecond)
	tp := &idproof.Template{ID: idproof.NewObjectID(), TenantID: f.x.creds.TenantID, CommunityID: f.x.creds.CommunityID,
		DVCID: dvcID, DocumentType: idproof.DocDriversLicense, Workflow: f.x.workflow, CreatedAt: now, UpdatedAt: now}
	mxMust(f.t, f.x.store.CreateTemplate(f.x.ctx, tp))
	return tp.ID
}

// webhook is an endpoint of tenant A's community.
func (f *mxFixture) webhook() string {
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := &idproof.WebhookEndpoint{ID: idproof.NewObjectID(), TenantID: f.x.creds.TenantID, CommunityID: f.x.creds.CommunityID,
		URL: "https://hooks.example.com/idproof", SecretSealed: f.x.admin.Keyring.SealString("whsec_matrix-secret-value"), CreatedAt: now, UpdatedAt: now}
	mxMust(f.t, f.x.store.CreateWebhookEndpoint(f.x.ctx, e))
	return e.ID
}

// delivery is a delivery to a new endpoint of tenant A's community, of an
// event written with a session as the engine writes them.
func (f *mxFixture) delivery() string {
	f.webhook()
	now := time.Now().UTC().Truncate(time.Millisecond)
	s := &idproof.Session{ID: idproof.NewUUID(), TenantID: f.x.creds.TenantID, CommunityID: f.x.creds.CommunityID, Status: idproof.StatusPending, CreatedAt: now}
	ev := &idproof.WebhookEvent{ID: idproof.NewUUID(), TenantID: s.TenantID, CommunityID: s.CommunityID, SessionID: s.ID,
		Type: idproof.EventSessionCreated, Payload: json.RawMessage(`{"id":"matrix"}`), CreatedAt: now}
	s.Outbox = []*idproof.WebhookEvent{ev}
	mxMust(f.t, f.x.store.CreateSession(f.x.ctx, s))
	for {
		n, err := f.x.store.FanOutWebhookEvents(f.x.ctx, now, 100)
		mxMust(f.t, err)
		if n == 0 {
			break
		}
	}
	ds, err := f.x.store.WebhookDeliveries(f.x.ctx, idproof.WebhookDeliveryFilter{SessionID: s.ID})
	mxMust(f.t, err)
	if len(ds) == 0 {
		f.t.Fatal("the event fanned out to no delivery")
	}
	return ds[0].ID
}

func (f *mxFixture) license() string {
	_, l, err := f.x.admin.CreateLicense(f.x.ctx, admin.LicenseSpec{AuthLevel: idproof.AuthBasic, TenantID: f.x.creds.TenantID})
	mxMust(f.t, err)
	return l.ID
}

func (f *mxFixture) frontSide() []proofing.SideSubmission {
	return []proofing.SideSubmission{{Side: proofing.SideFront, Images: []proofing.ImageInput{{Name: "document_front_image", Inline: f.x.png}}}}
}

func (f *mxFixture) inlineDocument() map[string]any {
	return map[string]any{"document_front": map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(f.x.png)}}}
}

// mxRoutes is how to build a valid request for every route of the table.
func mxRoutes() map[string]mxRoute {
	tenantPath := func(f *mxFixture, prefix string) string {
		return prefix + "/tenant/" + f.x.creds.TenantID + "/community/" + f.x.creds.CommunityID
	}
	sessionGet := func(suffix string) mxRoute {
		return mxRoute{build: func(f *mxFixture) mxRequest { return mxGet("/proofingsession/" + f.started() + suffix) }}
	}
	ecdsa := func(path string) mxRoute {
		return mxRoute{build: func(f *mxFixture) mxRequest {
			a, b := mxKey(f.t), mxKey(f.t)
			return mxPost(path, map[string]string{"dataStr": "hi", "publicKey": b.Public().String(), "privateKey": a.String()})
		}}
	}
	preflight := func(prefix, suffix string) mxRoute {
		return mxRoute{build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodOptions, path: prefix + f.session("alice", nil, false) + suffix}
		}}
	}
	capturePage := func(suffix string) mxRoute {
		return mxRoute{build: func(f *mxFixture) mxRequest {
			return mxGet("/idproofing/session/" + f.session("alice", nil, false) + suffix)
		}}
	}
	static := func(path string) mxRoute { return mxRoute{build: func(*mxFixture) mxRequest { return mxGet(path) }} }
	result := func(path string) mxRoute {
		return mxRoute{scoped: true, build: func(f *mxFixture) mxRequest {
			return mxPost(path, map[string]any{"sessionId": f.started()})
		}}
	}
	steps := func(f *mxFixture) map[string]any { return map[string]any{"workflow": f.x.workflow} }
	createSession := func(tenantID, communityID, dvcID string) mxRequest {
		return mxPost("/document_share_session/create", map[string]any{"dvcID": dvcID, "sessionRequest": map[string]any{
			"tenantId": tenantID, "communityId": communityID, "documentType": idproof.DocDriversLicense,
			"user": map[string]string{"uid": "bob"}}})
	}

	return map[string]mxRoute{
		"GET /healthz":                                   static("/healthz"),
		"GET /publickeys":                                static("/publickeys"),
		"GET /environment":                               static("/environment"),
		"GET /sd":                                        static("/sd"),
		"GET /.well-known/jwks.json":                     static("/.well-known/jwks.json"),
		"GET /openapi.json":                              static("/openapi.json"),
		"GET /info":                                      static("/info"),
		"GET /servicekeys":                               static("/servicekeys"),
		"POST /ecdsa_helper":                             ecdsa("/ecdsa_helper"),
		"POST /ecdsa_helper/{method}":                    ecdsa("/ecdsa_helper/encrypt"),
		"GET /idproofing/session/{sessionId}":            capturePage(""),
		"GET /idproofing/session/{sessionId}/qr.svg":     capturePage("/qr.svg"),
		"GET /idproofing/session/{sessionId}/status":     capturePage("/status"),
		"GET /idproofing/assets/{path...}":               static("/idproofing/assets/app.js"),
		"OPTIONS /proofingsession/{sessionId}":           preflight("/proofingsession/", ""),
		"OPTIONS /proofingsession/{sessionId}/{rest...}": preflight("/proofingsession/", "/start"),
		"OPTIONS /presignedurls/{sessionId}":             preflight("/presignedurls/", ""),
		"OPTIONS /proofingtemplates/{sessionId}":         preflight("/proofingtemplates/", ""),
		"/blob/": {signed: true, build: func(f *mxFixture) mxRequest {
			key := fmt.Sprintf("matrix/%d.png", f.x.next())
			f.objects = append(f.objects, key)
			u, err := f.x.local.PresignPut(f.x.ctx, key, "image/png", time.Minute)
			mxMust(f.t, err)
			return mxRequest{method: http.MethodPut, path: strings.TrimPrefix(u, f.x.url), raw: f.x.png, ctype: "image/png"}
		}},
		"DELETE /servicekey/{keyId...}": {build: func(f *mxFixture) mxRequest {
			k, err := f.x.admin.CreateServiceKey(f.x.ctx, "", "service")
			mxMust(f.t, err)
			return mxRequest{method: http.MethodDelete, path: "/servicekey/" + url.PathEscape(k.KeyID)}
		}},

		"POST /document_share_session/create": {scoped: true, build: func(f *mxFixture) mxRequest {
			return createSession(f.x.creds.TenantID, f.x.creds.CommunityID, f.x.sandboxDVC)
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return createSession(tenantID, communityID, f.x.sandboxDVC)
		}},
		"POST /document_share_session/result":    result("/document_share_session/result"),
		"POST /v3/document_share_session/result": result("/v3/document_share_session/result"),
		"POST /proofingsession/fetch": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/fetch", map[string]any{"tenantId": f.x.creds.TenantID, "communityId": f.x.creds.CommunityID})
		}},
		"POST /verify": {build: func(f *mxFixture) mxRequest {
			return mxPost("/verify", map[string]any{"connector": map[string]string{"type": "sandbox"}, "verification": map[string]any{},
				"document": map[string]string{"id": "D1", "type": "dl", "front_image": base64.StdEncoding.EncodeToString(f.x.png)}})
		}},

		"POST /proofingsession/{sessionId}/review": {scoped: true, build: func(f *mxFixture) mxRequest {
			id := f.session("sandbox-review", nil, true)
			f.setup(func() error {
				if _, _, err := f.x.engine.SubmitDocument(f.x.ctx, id, f.actor(), f.frontSide()); err != nil {
					return err
				}
				_, _, err := f.x.engine.Complete(f.x.ctx, id, f.actor())
				return err
			})
			return mxPost("/proofingsession/"+id+"/review", map[string]string{"decision": "APPROVE", "reason": "checked by hand"})
		}},
		"POST /proofingsession/{sessionId}/redact": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/"+f.started()+"/redact", map[string]string{"reason": "erasure request"})
		}},
		"GET /proofingsession/{sessionId}/audit": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet("/proofingsession/" + f.started() + "/audit")
		}},

		"GET /proofingsession/{sessionId}": sessionGet(""),
		"GET /proofingsession/{sessionId}/start": {build: func(f *mxFixture) mxRequest {
			// Pending, unless the case needs it bound: a refused start
			// must not bind it.
			return mxGet("/proofingsession/" + f.session("alice", nil, f.bind) + "/start")
		}},
		"GET /proofingsession/{sessionId}/validate": sessionGet("/validate"),
		"GET /proofingsession/{sessionId}/complete": sessionGet("/complete"),
		"GET /proofingsession/{sessionId}/decline":  sessionGet("/decline"),
		"GET /proofingsession/{sessionId}/retry": {build: func(f *mxFixture) mxRequest {
			id := f.session("sandbox-retry", nil, true)
			f.setup(func() error {
				_, _, err := f.x.engine.SubmitDocument(f.x.ctx, id, f.actor(), f.frontSide())
				return err
			})
			return mxGet("/proofingsession/" + id + "/retry")
		}},
		"GET /proofingsession/{sessionId}/retry/cancel":       sessionGet("/retry/cancel"),
		"GET /proofingsession/{sessionId}/liveness/challenge": sessionGet("/liveness/challenge"),
		"POST /proofingsession/{sessionId}/submit/event/{eventName}": {build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/"+f.started()+"/submit/event/E_IDV_DOCUMENTCAPTURE", map[string]any{"screen_name": "capture", "status": true})
		}},
		"POST /presignedurls/{sessionId}": {build: func(f *mxFixture) mxRequest {
			return mxPost("/presignedurls/"+f.started(), map[string]any{"imagesUrl": []string{"document_front_image"}})
		}},
		"POST /proofingsession/{sessionId}/submit/verification/{name}": {build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/"+f.started()+"/submit/verification/document_liveness_front",
				map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(f.x.png)}})
		}},
		"POST /proofingsession/{sessionId}/submit/document": {build: func(f *mxFixture) mxRequest {
			id := f.started()
			f.setup(func() error {
				urls, err := f.x.engine.PresignUploads(f.x.ctx, id, f.actor(), []string{"document_front_image"}, "image/png")
				if err != nil {
					return err
				}
				return f.x.put(urls["document_front_image"], "image/png", f.x.png)
			})
			return mxRequest{method: http.MethodPost, path: "/proofingsession/" + id + "/submit/document"}
		}},
		"POST /proofingsession/{sessionId}/v2/submit/document": {build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/"+f.started()+"/v2/submit/document", f.inlineDocument())
		}},
		"POST /proofingsession/{sessionId}/v3/submit/document": {build: func(f *mxFixture) mxRequest {
			return mxPost("/proofingsession/"+f.started()+"/v3/submit/document", f.inlineDocument())
		}},
		"POST /proofingsession/{sessionId}/upload/cancel": {build: func(f *mxFixture) mxRequest {
			id := f.session("alice", &proofing.CreateRequest{Connector: json.RawMessage(`{"type":"sandbox"}`),
				Verification: json.RawMessage(`{"config":{"useHighResolutionImages":true}}`)}, true)
			return mxPost("/proofingsession/"+id+"/upload/cancel", map[string]string{"screenName": "upload"})
		}},
		"POST /proofingsession/{sessionId}/liveness/frames": {build: func(f *mxFixture) mxRequest {
			id := f.started()
			f.setup(func() error { _, err := f.x.engine.Challenge(f.x.ctx, id, f.actor()); return err })
			return mxPost("/proofingsession/"+id+"/liveness/frames", map[string]any{"frames": f.x.frames})
		}},

		"GET /bucket/tenant/{tenantId}/community/{communityId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/bucket"))
		}},
		"PUT /bucket/tenant/{tenantId}/community/{communityId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPut, path: tenantPath(f, "/bucket"),
				body: map[string]any{"type": "local", "bucketName": "local", "isEnabled": true, "createdBy": "access-matrix"}}
		}},

		"POST /webhooks/tenant/{tenantId}/community/{communityId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxPost(tenantPath(f, "/webhooks"), map[string]any{"url": "https://hooks.example.com/idproof"})
		}},
		"GET /webhooks/tenant/{tenantId}/community/{communityId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/webhooks"))
		}},
		"GET /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/webhooks") + "/id/" + f.webhook())
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxGet(fmt.Sprintf("/webhooks/tenant/%s/community/%s/id/%s", tenantID, communityID, f.webhook()))
		}},
		"PATCH /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPatch, path: tenantPath(f, "/webhooks") + "/id/" + f.webhook(), body: map[string]any{"enabled": false}}
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxRequest{method: http.MethodPatch, path: fmt.Sprintf("/webhooks/tenant/%s/community/%s/id/%s", tenantID, communityID, f.webhook()), body: map[string]any{"enabled": false}}
		}},
		"DELETE /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodDelete, path: tenantPath(f, "/webhooks") + "/id/" + f.webhook()}
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxRequest{method: http.MethodDelete, path: fmt.Sprintf("/webhooks/tenant/%s/community/%s/id/%s", tenantID, communityID, f.webhook())}
		}},
		"GET /webhooks/tenant/{tenantId}/community/{communityId}/deliveries": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/webhooks") + "/deliveries?limit=10")
		}},
		"GET /webhooks/tenant/{tenantId}/community/{communityId}/deliveries/{deliveryId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/webhooks") + "/deliveries/" + f.delivery())
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxGet(fmt.Sprintf("/webhooks/tenant/%s/community/%s/deliveries/%s", tenantID, communityID, f.delivery()))
		}},
		"POST /webhooks/tenant/{tenantId}/community/{communityId}/deliveries/{deliveryId}/resend": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPost, path: tenantPath(f, "/webhooks") + "/deliveries/" + f.delivery() + "/resend"}
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/webhooks/tenant/%s/community/%s/deliveries/%s/resend", tenantID, communityID, f.delivery())}
		}},

		"GET /proofingtemplates/{sessionId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxGet("/proofingtemplates/" + f.started())
		}},
		"PUT /proofingtemplates/tenant/{tenantId}/community/{communityId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPut, path: tenantPath(f, "/proofingtemplates"),
				body: map[string]any{"documentType": idproof.DocDriversLicense, "dvcID": "matrix", "workflow": f.x.workflow}}
		}},
		"PATCH /proofingtemplates/tenant/{tenantId}/community/{communityId}/dvcId/{dvcId}": {scoped: true, build: func(f *mxFixture) mxRequest {
			dvc := fmt.Sprintf("matrix-dvc-%d", f.x.next())
			f.template(dvc)
			return mxRequest{method: http.MethodPatch, path: tenantPath(f, "/proofingtemplates") + "/dvcId/" + dvc, body: steps(f), envelope: true}
		}},
		"PATCH /proofingtemplates/tenant/{tenantId}/community/{communityId}/id/{id}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPatch, path: tenantPath(f, "/proofingtemplates") + "/id/" + f.template(""), body: steps(f)}
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxRequest{method: http.MethodPatch, path: fmt.Sprintf("/proofingtemplates/tenant/%s/community/%s/id/%s", tenantID, communityID, f.template("")), body: steps(f)}
		}},
		"DELETE /proofingtemplates/tenant/{tenantId}/community/{communityId}/id/{id}": {scoped: true, build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodDelete, path: tenantPath(f, "/proofingtemplates") + "/id/" + f.template("")}
		}, foreign: func(f *mxFixture, tenantID, communityID string) mxRequest {
			return mxRequest{method: http.MethodDelete, path: fmt.Sprintf("/proofingtemplates/tenant/%s/community/%s/id/%s", tenantID, communityID, f.template(""))}
		}},

		"POST /admin/tenants": {build: func(f *mxFixture) mxRequest {
			n := f.x.next()
			return mxPost("/admin/tenants", map[string]string{"dns": fmt.Sprintf("matrix-%d.example", n), "name": "matrix"})
		}},
		"GET /admin/tenants": static("/admin/tenants"),
		"POST /admin/tenants/{tenantId}/communities": {build: func(f *mxFixture) mxRequest {
			return mxPost("/admin/tenants/"+f.x.creds.TenantID+"/communities", map[string]string{"name": fmt.Sprintf("matrix-%d", f.x.next())})
		}},
		"GET /admin/tenants/{tenantId}/communities": {build: func(f *mxFixture) mxRequest {
			return mxGet("/admin/tenants/" + f.x.creds.TenantID + "/communities")
		}},
		"POST /admin/licenses": {build: func(f *mxFixture) mxRequest {
			return mxPost("/admin/licenses", map[string]string{"tenantId": f.x.creds.TenantID, "authLevel": "basic"})
		}},
		"GET /admin/licenses": static("/admin/licenses"),
		"POST /admin/licenses/{id}/disable": {build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/admin/licenses/" + f.license() + "/disable"}
		}},
		"POST /admin/licenses/{id}/expire": {build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/admin/licenses/" + f.license() + "/expire"}
		}},
		"PUT /admin/dvcs/tenant/{tenantId}/community/{communityId}/name/{name}": {build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPut, path: fmt.Sprintf("%s/name/matrix-%d", tenantPath(f, "/admin/dvcs"), f.x.next()),
				body: map[string]any{"connector": admin.SandboxConnector, "verification": admin.SandboxVerification}}
		}},
		"GET /admin/dvcs/tenant/{tenantId}/community/{communityId}": {build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/admin/dvcs"))
		}},
		"GET /admin/dvcs/{dvcID}": {build: func(f *mxFixture) mxRequest { return mxGet("/admin/dvcs/" + f.x.sandboxDVC) }},
		"DELETE /admin/dvcs/{dvcID}": {build: func(f *mxFixture) mxRequest {
			c, err := f.x.admin.PutVerificationConfig(f.x.ctx, f.x.creds.TenantID, f.x.creds.CommunityID,
				fmt.Sprintf("matrix-%d", f.x.next()), admin.SandboxConnector, admin.SandboxVerification)
			mxMust(f.t, err)
			return mxRequest{method: http.MethodDelete, path: "/admin/dvcs/" + c.ID}
		}},
		"GET /admin/capture/tenant/{tenantId}/community/{communityId}": {build: func(f *mxFixture) mxRequest {
			return mxGet(tenantPath(f, "/admin/capture"))
		}},
		"PUT /admin/capture/tenant/{tenantId}/community/{communityId}": {build: func(f *mxFixture) mxRequest {
			return mxRequest{method: http.MethodPut, path: tenantPath(f, "/admin/capture"), body: map[string]string{"language": "en"}}
		}},
	}
}
