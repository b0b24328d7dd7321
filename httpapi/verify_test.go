package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/idproof/idproof/client"
)

func TestVerifyDocument(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	front := base64.StdEncoding.EncodeToString(pngBytes(t, 640, 400))
	body := func(uid string, doc map[string]any) map[string]any {
		return map[string]any{
			"connector":    map[string]any{"id": "c", "type": "sandbox", "config": map[string]any{}},
			"verification": map[string]any{"id": "v", "tag": "t", "type": "dl_authenticate", "config": map[string]any{"verifier": "sandbox", "returnRawData": true}},
			"document":     doc,
		}
	}
	var cert map[string]any
	if err := rp.Do(ctx, "POST", "/verify", body("", map[string]any{"id": "doc-1", "type": "DL", "front_image": front}), &cert, client.Envelope()); err != nil {
		t.Fatal(err)
	}
	if cert["verified"] != true || cert["result"] != "COMPLETED_PASS" || cert["docType"] != "dl" || cert["type"] != "dl_authenticate" || cert["sandbox"] != true {
		t.Fatalf("certificate %v", cert)
	}
	tok := cert["proof_jwt"].(string)
	verifyProofClaims(t, e, tok, "document:doc-1", "COMPLETED_PASS")

	// An image named by URL is fetched (the test server is on loopback,
	// which this test environment allows).
	img := pngBytes(t, 320, 240)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(img) }))
	defer srv.Close()
	if err := rp.Do(ctx, "POST", "/verify", body("", map[string]any{"id": "doc-2", "type": "ppt", "front_image_url": srv.URL}), &cert); err != nil || cert["docType"] != "ppt" {
		t.Fatalf("url image: %v %v", cert, err)
	}
	for _, c := range []struct {
		doc map[string]any
		msg string
	}{
		{map[string]any{"id": "x", "type": "visa", "front_image": front}, "document.type"},
		{map[string]any{"type": "dl", "front_image": front}, "document.id"},
		{map[string]any{"id": "x", "type": "dl"}, "front_image"},
		{map[string]any{"id": "x", "type": "dl", "front_image": "***"}, "not base64"},
		{map[string]any{"id": "x", "type": "dl", "front_image": base64.StdEncoding.EncodeToString(pngBomb(100000, 100000))}, "100000×100000"},
		{map[string]any{"id": "x", "type": "dl", "front_image_url": "ftp://example.com/a.png"}, "http(s)"},
	} {
		err := rp.Do(ctx, "POST", "/verify", body("", c.doc), nil)
		wantAPIError(t, err, 400, c.msg)
	}
	err := rp.Do(ctx, "POST", "/verify", map[string]any{"document": map[string]any{"id": "x", "type": "dl", "front_image": front}}, nil)
	wantAPIError(t, err, 400, "connector")
	err = e.client(t, "basic").Do(ctx, "POST", "/verify", body("", map[string]any{"id": "x", "type": "dl", "front_image": front}), nil)
	wantAPIError(t, err, 403, "authLevel")
}
