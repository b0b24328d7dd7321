package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
)

func TestBucketEndpoints(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			rp := e.client(t, "service")
			path := "/bucket/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
			err := rp.Do(ctx, "GET", path, nil, nil)
			wantAPIError(t, err, 404, "local bucket")

			good := func() map[string]any {
				return map[string]any{"type": "azure", "bucketName": "proofs", "isEnabled": true, "createdBy": "ops",
					"azure_credential": map[string]string{"accountName": "acct", "accountKey": "c2VjcmV0LWtleS0xMjM0NTY3ODkw", "endpoint": "http://127.0.0.1:1/acct"}}
			}
			bad := []struct {
				name string
				edit func(m map[string]any)
				msg  string
			}{
				{"type", func(m map[string]any) { m["type"] = "ftp" }, "type must be one of"},
				{"name", func(m map[string]any) { m["bucketName"] = "Bad Name" }, "bucketName"},
				{"no credential", func(m map[string]any) { delete(m, "azure_credential") }, "azure_credential is required"},
				{"no key", func(m map[string]any) { m["azure_credential"] = map[string]string{"accountName": "a"} }, "azure_credential.accountKey"},
				{"no isEnabled", func(m map[string]any) { delete(m, "isEnabled") }, "isEnabled"},
				{"masked with nothing behind", func(m map[string]any) {
					m["azure_credential"] = map[string]string{"accountName": "a", "accountKey": "****abcd"}
				}, "masked value"},
			}
			for _, c := range bad {
				m := good()
				c.edit(m)
				err := rp.Do(ctx, "PUT", path, m, nil)
				wantAPIError(t, err, 400, c.msg)
			}
			var got struct {
				Data map[string]any `json:"data"`
			}
			if err := rp.Do(ctx, "PUT", path, good(), &got); err != nil {
				t.Fatal(err)
			}
			cred := got.Data["azure_credential"].(map[string]any)
			if cred["accountKey"] != "****ODkw" || cred["accountName"] != "acct" || len(got.Data["_id"].(string)) != 24 {
				t.Fatalf("reply %v", got.Data)
			}
			raw, _ := json.Marshal(got.Data)
			if strings.Contains(string(raw), "c2VjcmV0LWtleS0xMjM0NTY3ODkw") {
				t.Fatal("secret in reply")
			}
			// Scope: another tenant sees nothing; a basic license is too low.
			err = e.otherTenantClient(t).Do(ctx, "GET", path, nil, nil)
			wantAPIError(t, err, 404, "not found")
			err = e.client(t, "basic").Do(ctx, "GET", path, nil, nil)
			wantAPIError(t, err, 403, "authLevel")

			// A disabled bucket is not used: uploads go to the local bucket.
			m := good()
			m["isEnabled"] = false
			if err := rp.Do(ctx, "PUT", path, m, nil); err != nil {
				t.Fatal(err)
			}
			browser, id := e.startedSession(t, "u")
			if u := presign(t, browser, id, "selfie_liveness_image")["selfie_liveness_image"]; !strings.Contains(u, e.url+"/blob/") {
				t.Fatalf("disabled bucket still used: %s", u)
			}
		})
	}
}

// TestUploadCancel: preconditions and effects as the API document lists them.
func TestUploadCancel(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	// A configuration without useHighResolutionImages refuses.
	browser, id := e.startedSession(t, "u")
	err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/upload/cancel", map[string]string{"screenName": "upload"}, nil)
	wantAPIError(t, err, 400, "useHighResolutionImages")

	created, err := rp.CreateSession(ctx, client.CreateSessionRequest{
		Connector:      json.RawMessage(`{"type":"sandbox"}`),
		Verification:   json.RawMessage(`{"config":{"useHighResolutionImages":true}}`),
		SessionRequest: e.sessionRequest("hires")})
	if err != nil {
		t.Fatal(err)
	}
	b := e.client(t, "")
	// Not started: PENDING refuses.
	err = b.Do(ctx, "POST", "/proofingsession/"+created.SessionID+"/upload/cancel", map[string]string{}, nil)
	wantAPIError(t, err, 400, "PENDING")
	if _, err := b.SessionCall(ctx, created.SessionID, "start"); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.SessionCall(ctx, created.SessionID, ""); d["useBucket"] != true {
		t.Fatalf("useBucket: %v", d)
	}
	urls := presign(t, b, created.SessionID, "document_front_image")
	if st, _ := put(t, urls["document_front_image"], "image/png", pngBytes(t, 200, 200)); st/100 != 2 {
		t.Fatal("upload")
	}
	var out struct {
		Data map[string]any `json:"data"`
	}
	if err := b.Do(ctx, "POST", "/proofingsession/"+created.SessionID+"/upload/cancel", map[string]string{"screenName": "Document Upload"}, &out); err != nil || out.Data["status"] != "COMPLETED" {
		t.Fatalf("cancel: %v %v", out, err)
	}
	res, _ := rp.SessionResult(ctx, client.ResultRequest{SessionID: created.SessionID}, true)
	if res["resultStatus"] != "COMPLETED_NOT_PERFORMED" || res["errorInfo"].(map[string]any)["reason_code"] != "IDV0016" {
		t.Fatalf("result: %v", res)
	}
	// The uploaded image is deleted right away, not at the end of retention.
	if _, err := e.engine.Sweep(ctx, 100); err != nil {
		t.Fatal(err)
	}
	store, _ := e.buckets.Resolve(ctx, e.creds.TenantID, e.creds.CommunityID)
	if keys, _ := store.List(ctx, "sessions/"+e.creds.TenantID+"/"+e.creds.CommunityID+"/"+created.SessionID+"/"); len(keys) != 0 {
		t.Fatalf("objects left: %v", keys)
	}
	err = b.Do(ctx, "POST", "/proofingsession/"+created.SessionID+"/upload/cancel", map[string]string{}, nil)
	wantAPIError(t, err, 400, "COMPLETED")
}

// TestSubmitUploadedV1: submit/document verifies what was uploaded.
func TestSubmitUploadedV1(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	b, id := e.startedSession(t, "sandbox-fail")
	err := b.Do(ctx, "POST", "/proofingsession/"+id+"/submit/document", map[string]string{}, nil)
	wantAPIError(t, err, 400, "nothing was uploaded")
	urls := presign(t, b, id, "document_front_image", "document_front_face")
	put(t, urls["document_front_image"], "image/png", pngBytes(t, 300, 200))
	put(t, urls["document_front_face"], "image/jpeg", jpegBytes(t, 120, 160))
	var got map[string]any
	if err := b.Do(ctx, "POST", "/proofingsession/"+id+"/submit/document", map[string]string{}, &got); err != nil {
		t.Fatal(err)
	}
	if got["validation"].(map[string]any)["resultStatus"] != "COMPLETED_FAILED" {
		t.Fatalf("v1 submit: %v", got)
	}
	// The raw uploads were replaced by their checked copies.
	store, _ := e.buckets.Resolve(ctx, e.creds.TenantID, e.creds.CommunityID)
	keys, _ := store.List(ctx, "sessions/"+e.creds.TenantID+"/"+e.creds.CommunityID+"/"+id+"/")
	if len(keys) != 2 || !strings.Contains(keys[0], "/checked/") || !strings.Contains(keys[1], "/checked/") {
		t.Fatalf("objects: %v", keys)
	}
}
