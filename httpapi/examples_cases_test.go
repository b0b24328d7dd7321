package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/wire"
	"github.com/idproof/idproof/workflow"
)

// exampleCases says, for each example of the API document, what its
// placeholders stand for and what state it needs (a started session, an
// attempt that may be retried, a template to change).
func (e *env) exampleCases() map[string]func(t *testing.T) exampleCall {
	ctx := context.Background()
	tenant, community := e.creds.TenantID, e.creds.CommunityID
	// started makes a session of the sandbox configuration and starts it.
	started := func(t *testing.T, uid string) (*client.Client, string) { return e.startedSession(t, uid) }
	// retryable makes a session whose first attempt failed and may be retried.
	retryable := func(t *testing.T) (*client.Client, string) {
		b, id := started(t, "sandbox-retry")
		err := b.Do(ctx, "POST", "/proofingsession/"+id+"/v2/submit/document", map[string]any{
			"document_front": map[string]any{"images": map[string]string{"image": b64(pngBytes(t, 640, 400))}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b, id
	}
	// uploaded starts a session and uploads the named images.
	uploaded := func(t *testing.T, names ...string) (*client.Client, string) {
		b, id := started(t, "alice")
		for name, u := range presign(t, b, id, names...) {
			ct := "image/png"
			if strings.HasSuffix(u, ".jpeg") || strings.Contains(u, ".jpeg?") {
				ct = "image/jpeg"
			}
			img := pngBytes(t, 640, 400)
			if ct == "image/jpeg" {
				img = jpegBytes(t, 480, 640)
			}
			if st, msg := put(t, u, ct, img); st/100 != 2 {
				t.Fatalf("upload %s: %d %s", name, st, msg)
			}
		}
		return b, id
	}
	template := func(t *testing.T, dvcID string) string {
		var out struct {
			ID string `json:"_id"`
		}
		wf, _ := json.Marshal(workflow.Default(""))
		err := e.client(t, "service").Do(ctx, "PUT", "/proofingtemplates/tenant/"+tenant+"/community/"+community,
			map[string]any{"documentType": "dl_object", "dvcID": dvcID, "workflow": json.RawMessage(wf)}, &out)
		if err != nil {
			t.Fatal(err)
		}
		return out.ID
	}
	session := func(b *client.Client, id string, ids ...string) exampleCall {
		return exampleCall{ids: append([]string{id}, ids...), browser: b}
	}
	return map[string]func(t *testing.T) exampleCall{
		"GET /healthz":     func(*testing.T) exampleCall { return exampleCall{license: "system"} },
		"GET /publickeys":  func(*testing.T) exampleCall { return exampleCall{license: "system"} },
		"GET /sd":          func(*testing.T) exampleCall { return exampleCall{license: "system"} },
		"GET /environment": func(*testing.T) exampleCall { return exampleCall{license: "system"} },
		"GET /info":        func(*testing.T) exampleCall { return exampleCall{license: "service"} },
		"GET /servicekeys": func(*testing.T) exampleCall { return exampleCall{license: "system"} },
		"GET /proofingsession/xxxxxxxxxx": func(t *testing.T) exampleCall {
			return session(started(t, "alice"))
		},
		"GET /proofingsession/xxxxxxxxxx/start": func(t *testing.T) exampleCall {
			created, err := e.client(t, "service").CreateSession(ctx, client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest("alice")})
			if err != nil {
				t.Fatal(err)
			}
			return session(e.client(t, ""), created.SessionID)
		},
		"GET /proofingsession/xxxxxxxxxx/complete": func(t *testing.T) exampleCall {
			return session(uploaded(t, "document_front_image"))
		},
		"GET /proofingsession/xxxxxxxxxx/decline":      func(t *testing.T) exampleCall { return session(started(t, "alice")) },
		"GET /proofingsession/xxxxxxxxxx/validate":     func(t *testing.T) exampleCall { return session(started(t, "alice")) },
		"GET /proofingsession/xxxxxxxxxx/retry":        func(t *testing.T) exampleCall { return session(retryable(t)) },
		"GET /proofingsession/xxxxxxxxxx/retry/cancel": func(t *testing.T) exampleCall { return session(retryable(t)) },
		"POST /presignedurls/xxxxxxxxxx": func(t *testing.T) exampleCall {
			c := session(started(t, "alice"))
			c.set = map[string]any{"imagesUrl.0": "document_front_image"}
			c.after = func(t *testing.T, reply []byte) {
				var urls map[string]string
				if err := json.Unmarshal(reply, &urls); err != nil || !strings.Contains(urls["document_front_image"], "document_front_image.png") {
					t.Fatalf("presigned URL without its extension: %s", reply)
				}
			}
			return c
		},
		"POST /proofingsession/fetch": func(*testing.T) exampleCall {
			return exampleCall{license: "service", set: map[string]any{"data.tenantId": tenant, "data.communityId": community}}
		},
		"POST /proofingsession/xxxxxxxxxx/submit/document": func(t *testing.T) exampleCall {
			return session(uploaded(t, "document_front_image", "document_back_image"))
		},
		"POST /proofingsession/xxxxxxxxxx/submit/event/xxxxxxxxxx": func(t *testing.T) exampleCall {
			b, id := started(t, "alice")
			return session(b, id, "E_IDV_DOCUMENTCAPTURE")
		},
		"POST /proofingsession/xxxxxxxxxx/submit/verification/xxxxxxxxxx": func(t *testing.T) exampleCall {
			b, id := uploaded(t, "selfie_liveness_image")
			c := session(b, id, "selfie_liveness")
			selfie := b64(jpegBytes(t, 480, 640))
			c.set = map[string]any{"images.image": selfie, "images.cropped": selfie, "images.face": selfie,
				"images.imageBarcode": selfie, "imageNames.0": "selfie_liveness_image"}
			c.after = func(t *testing.T, reply []byte) {
				var out struct {
					Ignored []string `json:"ignoredImages"`
				}
				if err := json.Unmarshal(reply, &out); err != nil || len(out.Ignored) != 4 {
					t.Fatalf("ignoredImages: %s", reply)
				}
			}
			return c
		},
		"POST /proofingsession/xxxxxxxxxx/upload/cancel": func(t *testing.T) exampleCall {
			created, err := e.client(t, "service").CreateSession(ctx, client.CreateSessionRequest{
				Connector: json.RawMessage(`{"type":"sandbox"}`), Verification: json.RawMessage(`{"config":{"useHighResolutionImages":true}}`),
				SessionRequest: e.sessionRequest("hires")})
			if err != nil {
				t.Fatal(err)
			}
			b := e.client(t, "")
			if _, err := b.SessionCall(ctx, created.SessionID, "start"); err != nil {
				t.Fatal(err)
			}
			return session(b, created.SessionID)
		},
		"POST /proofingsession/xxxxxxxxxx/v2/submit/document": func(t *testing.T) exampleCall {
			c := session(started(t, "alice"))
			full, small := b64(pngBytes(t, 640, 400)), b64(jpegBytes(t, 320, 200))
			c.set = map[string]any{}
			for _, side := range []string{"document_front", "document_back"} {
				c.set[side+".images.image"], c.set[side+".images.cropped"] = full, small
				c.set[side+".images.face"], c.set[side+".images.imageBarcode"] = small, full
			}
			return c
		},
		"POST /proofingsession/xxxxxxxxxx/v3/submit/document": func(t *testing.T) exampleCall {
			c := session(uploaded(t, "document_front_image", "document_back_image"))
			c.set = map[string]any{"document_front.imageNames.0": "document_front_image", "document_back.imageNames.0": "document_back_image"}
			return c
		},
		"GET /proofingtemplates/xxxxxxxxxx": func(t *testing.T) exampleCall {
			_, id := started(t, "alice")
			return exampleCall{ids: []string{id}, license: "service"}
		},
		"PUT /proofingtemplates/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx": func(*testing.T) exampleCall {
			// The document's example shows the choices of documentType and
			// type; a template is for one of each. Its headers carry no
			// license, which this endpoint needs.
			return exampleCall{ids: []string{tenant, community}, license: "service",
				set: map[string]any{"documentType": "dl_object", "workflow.type": "HTML"}}
		},
		"PATCH /proofingtemplates/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx/dvcId/xxxxxxxxxxxxxxxxxxxxxxxx": func(t *testing.T) exampleCall {
			template(t, "dvc-patch")
			return exampleCall{ids: []string{tenant, community, "dvc-patch"}, license: "service",
				encryptedOnly: "needs an encrypted data body"}
		},
		"PATCH /proofingtemplates/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx/id/xxxxxxxxxxxxxxxxxxxxxxxx": func(t *testing.T) exampleCall {
			return exampleCall{ids: []string{tenant, community, template(t, "dvc-id")}, license: "service",
				set: map[string]any{"workflow.type": "HTML"}}
		},
		"DELETE /proofingtemplates/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx/id/xxxxxxxxxx": func(t *testing.T) exampleCall {
			return exampleCall{ids: []string{tenant, community, template(t, "dvc-del")}, license: "service"}
		},
		"GET /bucket/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx": func(t *testing.T) exampleCall {
			// A community has no bucket until one is put: put the
			// embedded one, disabled, so there is one to read.
			err := e.client(t, "service").Do(ctx, "PUT", "/bucket/tenant/"+tenant+"/community/"+community,
				map[string]any{"type": "local", "bucketName": "local", "isEnabled": false, "createdBy": "test"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return exampleCall{ids: []string{tenant, community}, license: "service"}
		},
		"PUT /bucket/tenant/xxxxxxxxxx/community/xxxxxxxxxxxxxxxxxxxxxxxx": func(*testing.T) exampleCall {
			return exampleCall{ids: []string{tenant, community}, license: "service", set: map[string]any{"data.type": "aws"}}
		},
		"DELETE /servicekey/<keyId>": func(*testing.T) exampleCall {
			return exampleCall{ids: []string{e.creds.ServiceKey.KeyID}, license: "system", after: func(t *testing.T, reply []byte) {
				// The key is replaced: later examples use the new one.
				var keys []struct{ KeyID, KeySecret string }
				if err := json.Unmarshal(reply, &keys); err != nil || len(keys) != 1 {
					t.Fatalf("rotate: %s", reply)
				}
				e.creds.ServiceKey.KeyID, e.creds.ServiceKey.KeySecret = keys[0].KeyID, keys[0].KeySecret
			}}
		},
		"POST /document_share_session/create": func(*testing.T) exampleCall {
			return exampleCall{license: "service", set: map[string]any{"connector.type": "sandbox", "sessionRequest.tenantDNS": e.creds.TenantDNS}}
		},
		"POST /document_share_session/result": func(t *testing.T) exampleCall {
			_, id := started(t, "alice")
			return exampleCall{license: "service", set: map[string]any{"sessionId": id}}
		},
		"POST /ecdsa_helper/<method>": func(t *testing.T) exampleCall {
			a, _ := wire.GenerateKey()
			b, _ := wire.GenerateKey()
			return exampleCall{ids: []string{"encrypt"}, license: "system",
				set: map[string]any{"publicKey": b.Public().String(), "privateKey": a.String()}}
		},
		"POST /verify": func(t *testing.T) exampleCall {
			return exampleCall{license: "service", set: map[string]any{"connector.type": "sandbox", "document.type": "dl"},
				add: map[string]any{"document.front_image": b64(pngBytes(t, 640, 400))}}
		},
	}
}
