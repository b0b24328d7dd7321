package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/openapi"
	"github.com/idproof/idproof/openapi/openapitest"
	"github.com/idproof/idproof/wire"
	"github.com/idproof/idproof/workflow"
)

// drift drives a running server and checks each answer against the
// OpenAPI description.
type drift struct {
	t    *testing.T
	ctx  context.Context
	base string
	ck   *openapitest.Checker
	rec  *openapitest.Recorder
	http *http.Client
}

// client returns a Go client of the server whose traffic is recorded;
// license may be "" (a browser's ephemeral key).
func (d *drift) client(license string) *client.Client {
	opts := []client.Option{client.WithHTTPClient(d.http)}
	if license != "" {
		opts = append(opts, client.WithLicense(license))
	}
	c, err := client.New(d.base, opts...)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// call sends method path through c and checks the answer: its status is
// want, and the description documents it. It returns the (decrypted)
// body.
func (d *drift) call(c *client.Client, want int, method, path string, in any, opts ...client.CallOption) json.RawMessage {
	d.t.Helper()
	var out json.RawMessage
	n := d.rec.Len()
	err := c.Do(d.ctx, method, path, in, &out, opts...)
	ex, ok := d.rec.Since(n, method, path)
	if !ok {
		d.t.Fatalf("%s %s: no answer: %v", method, path, err)
	}
	body := ex.Body
	if err == nil && len(out) > 0 {
		body = out // opened, when the answer was sealed
	}
	d.check(ex, body, want)
	return body
}

// raw sends a request the Go client cannot make (presigned URLs, pages,
// preflights) and checks the answer.
func (d *drift) raw(want int, method, url string, body []byte, header http.Header) openapitest.Exchange {
	d.t.Helper()
	req, err := http.NewRequestWithContext(d.ctx, method, url, bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	n := d.rec.Len()
	resp, err := d.http.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	resp.Body.Close()
	ex, ok := d.rec.Since(n, method, req.URL.EscapedPath())
	if !ok {
		d.t.Fatalf("%s %s: not recorded", method, url)
	}
	d.check(ex, ex.Body, want)
	return ex
}

func (d *drift) check(ex openapitest.Exchange, body []byte, want int) {
	d.t.Helper()
	if ex.Status != want {
		d.t.Errorf("%s %s: status %d, want %d\n%s", ex.Method, ex.Path, ex.Status, want, openapitest.Pretty(body))
	}
	if err := d.ck.Check(ex.Method, ex.Path, ex.Status, ex.ContentType, body); err != nil {
		d.t.Errorf("%s %s: %v\nbody:\n%.3000s", ex.Method, ex.Path, err, openapitest.Pretty(body))
	}
}

// member reads one string member of a JSON object, following dots.
func member(t *testing.T, body json.RawMessage, path string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v in %s", path, err, body)
	}
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("no string %s in %s", path, body)
	}
	return s
}

// testImage is a w×h picture with some structure, as PNG or JPEG.
func testImage(t *testing.T, w, h int, asJPEG bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multiSegment are the path parameters of the description that stand for
// the server's {name...} wildcards.
var multiSegment = []string{"keyId", "path", "rest", "key"}

// TestOpenAPIDrift drives every operation of the OpenAPI description
// against a running server through the Go client, and validates each
// answer (decrypted when sealed) against the documented status and
// schema. Operations left undriven fail the test too.
func TestOpenAPIDrift(t *testing.T) {
	s := startCaptureServer(t)
	creds, err := readCredentials(filepath.Join(s.data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	ck, err := openapitest.New(openapi.JSON(), multiSegment...)
	if err != nil {
		t.Fatal(err)
	}
	rec := &openapitest.Recorder{}
	d := &drift{t: t, ctx: context.Background(), base: s.base, ck: ck, rec: rec, http: &http.Client{Transport: rec}}
	x := &driftEnv{drift: d, sandboxDVC: s.sandboxDVC, tenantID: creds.TenantID, communityID: creds.CommunityID,
		serviceKeyID: creds.ServiceKey.KeyID, png: testImage(t, 200, 130, false),
		service: d.client(creds.Licenses.Service), system: d.client(creds.Licenses.System)}
	for range 3 {
		x.frames = append(x.frames, base64.StdEncoding.EncodeToString(testImage(t, 96, 128, true)))
	}

	x.public()
	x.administration()
	x.sessions()
	x.evidence()
	x.capture()
	x.configuration()
	x.newer()
	x.errors()
	x.webhooks()

	if left := ck.Unchecked(); len(left) > 0 {
		t.Errorf("operations of the description no answer was checked for:\n%s", strings.Join(left, "\n"))
	}
	if os.Getenv("IDPROOF_OPENAPI_VERBOSE") != "" {
		t.Logf("%d operations checked", len(ck.Operations()))
	}
}

// driftEnv is what the drift test's scenarios share.
type driftEnv struct {
	*drift
	sandboxDVC, tenantID, communityID, serviceKeyID string
	service, system                                 *client.Client // with the service and system licenses
	png                                             []byte
	frames                                          []string // base64 JPEG liveness frames
}

func (x *driftEnv) scope(prefix string) string {
	return prefix + "/tenant/" + x.tenantID + "/community/" + x.communityID
}

// session creates a sandbox session for uid and returns its id.
func (x *driftEnv) session(uid string, extra map[string]any) string {
	body := map[string]any{"dvcID": x.sandboxDVC, "sessionRequest": map[string]any{
		"tenantId": x.tenantID, "communityId": x.communityID, "documentType": "dl_object",
		"user": map[string]string{"uid": uid, "firstname": "Ann", "lastname": "Lee"}}}
	for k, v := range extra {
		body[k] = v
	}
	if extra != nil && extra["connector"] != nil {
		delete(body, "dvcID")
	}
	return member(x.t, x.call(x.service, 200, "POST", "/document_share_session/create", body), "sessionId")
}

func (x *driftEnv) inlineDocument() map[string]any {
	return map[string]any{"document_front": map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(x.png)}}}
}

func (x *driftEnv) public() {
	anon := x.client("")
	for _, p := range []string{"/healthz", "/publickeys", "/environment", "/sd", "/.well-known/jwks.json", "/openapi.json"} {
		x.call(anon, 200, "GET", p, nil, client.Anonymous())
	}
	var health struct{ Version string }
	if err := json.Unmarshal(x.call(anon, 200, "GET", "/healthz", nil, client.Anonymous()), &health); err != nil {
		x.t.Fatal(err)
	}
	version := health.Version
	ex := x.raw(200, "GET", x.base+"/openapi.json", nil, nil)
	if !bytes.Equal(ex.Body, openapi.ForVersion(version)) || !strings.HasPrefix(ex.ContentType, "application/json") {
		x.t.Errorf("openapi.json: %s, %d bytes, not the embedded document of version %q", ex.ContentType, len(ex.Body), version)
	}
	var etag string
	if resp, err := x.http.Get(x.base + "/openapi.json"); err == nil {
		etag = resp.Header.Get("ETag")
		resp.Body.Close()
	}
	x.raw(304, "GET", x.base+"/openapi.json", nil, http.Header{"If-None-Match": {etag}})

	pubB := x.client("").PublicKeyString()
	k, err := wire.GenerateKey()
	if err != nil {
		x.t.Fatal(err)
	}
	priv := k.String()
	enc := x.call(anon, 200, "POST", "/ecdsa_helper", map[string]string{"dataStr": "hi", "publicKey": pubB, "privateKey": priv}, client.Anonymous())
	x.call(anon, 200, "POST", "/ecdsa_helper/decrypt", map[string]string{"dataStr": member(x.t, enc, "data"), "publicKey": pubB, "privateKey": priv}, client.Anonymous())
	x.call(anon, 400, "POST", "/ecdsa_helper/encrypt", map[string]string{"dataStr": "hi", "publicKey": "nope", "privateKey": priv}, client.Anonymous())

	x.call(x.service, 200, "GET", "/info", nil)
	x.call(x.system, 200, "GET", "/servicekeys", nil)
	x.call(x.system, 200, "DELETE", "/servicekey/"+strings.ReplaceAll(x.serviceKeyID, "/", "%2F"), nil)
	x.call(x.system, 404, "DELETE", "/servicekey/bm90LWEta2V5", nil)
}

func (x *driftEnv) administration() {
	sys := x.system
	tenant := x.call(sys, 201, "POST", "/admin/tenants", map[string]string{"dns": "drift.example", "name": "Drift"})
	tid := member(x.t, tenant, "id")
	x.call(sys, 200, "GET", "/admin/tenants", nil)
	x.call(sys, 201, "POST", "/admin/tenants/"+tid+"/communities", map[string]string{"name": "drift"})
	x.call(sys, 200, "GET", "/admin/tenants/"+tid+"/communities", nil)
	lic := member(x.t, x.call(sys, 201, "POST", "/admin/licenses", map[string]string{"tenantId": tid, "authLevel": "basic", "tag": "drift"}), "id")
	x.call(sys, 200, "GET", "/admin/licenses", nil)
	x.call(sys, 200, "POST", "/admin/licenses/"+lic+"/expire", map[string]string{"expiresAt": "2030-01-01T00:00:00Z"})
	x.call(sys, 200, "POST", "/admin/licenses/"+lic+"/disable", nil)
	var dvc struct {
		Connector, Verification json.RawMessage
	}
	cfg := x.call(sys, 200, "GET", "/admin/dvcs/"+x.sandboxDVC, nil)
	if err := json.Unmarshal(cfg, &dvc); err != nil {
		x.t.Fatal(err)
	}
	id := member(x.t, x.call(sys, 200, "PUT", x.scope("/admin/dvcs")+"/name/drift", map[string]any{"connector": dvc.Connector, "verification": dvc.Verification}), "dvcID")
	x.call(sys, 200, "GET", x.scope("/admin/dvcs"), nil)
	x.call(sys, 204, "DELETE", "/admin/dvcs/"+id, nil)
	x.call(sys, 200, "GET", x.scope("/admin/capture"), nil)
	x.call(sys, 200, "PUT", x.scope("/admin/capture"), map[string]string{"language": "en"})
}

func (x *driftEnv) sessions() {
	id := x.session("alice", nil)
	x.call(x.service, 200, "POST", "/document_share_session/result", map[string]string{"sessionId": id})
	x.call(x.service, 200, "POST", "/document_share_session/result", map[string]any{"sessionId": id, "granularStatus": true}, client.Envelope())
	x.call(x.service, 200, "POST", "/v3/document_share_session/result", map[string]string{"sessionId": id})
	x.call(x.service, 200, "POST", "/proofingsession/fetch", map[string]any{"tenantId": x.tenantID, "communityId": x.communityID, "pSize": 5})

	b := x.client("")
	p := "/proofingsession/" + id
	x.call(b, 200, "GET", p, nil)
	x.call(b, 200, "GET", p+"/start", nil)
	x.call(b, 200, "GET", "/proofingtemplates/"+id, nil)
	x.call(b, 200, "POST", p+"/submit/event/E_IDV_DOCUMENTCAPTURE", map[string]any{"screen_name": "capture", "status": true})
	urls := x.call(b, 200, "POST", "/presignedurls/"+id, map[string]any{"imagesUrl": []string{"document_front_image"}})
	put := member(x.t, urls, "document_front_image")
	x.raw(200, "PUT", put, x.png, http.Header{"Content-Type": {"image/png"}})
	// Signed for PUT only: no other method.
	x.raw(403, "GET", put, nil, nil)
	x.raw(403, "HEAD", put, nil, nil)
	x.call(b, 200, "POST", p+"/submit/document", nil)
	x.call(b, 200, "GET", p+"/validate", nil)
	x.call(b, 200, "GET", p+"/complete", nil)
	for _, v3 := range []string{"/document_share_session/result", "/v3/document_share_session/result"} {
		x.call(x.service, 200, "POST", v3, map[string]any{"sessionId": id, "includeMetadata": true, "alwaysReturnAssets": true})
		x.call(x.service, 200, "POST", v3, map[string]any{"sessionId": id}, client.Envelope())
	}

	// Failed attempts, a retry, and giving it up.
	id = x.session("sandbox-retry", nil)
	p = "/proofingsession/" + id
	x.call(b, 200, "GET", p+"/start", nil)
	x.call(b, 200, "POST", p+"/v3/submit/document", x.inlineDocument())
	x.call(b, 200, "GET", p+"/retry", nil)
	x.call(b, 200, "POST", p+"/v2/submit/document", x.inlineDocument())
	x.call(b, 200, "GET", p+"/retry/cancel", nil)
	x.call(b, 400, "GET", p+"/retry", nil)
	x.call(x.service, 200, "POST", "/v3/document_share_session/result", map[string]string{"sessionId": id})
	x.call(x.service, 200, "POST", "/document_share_session/result", map[string]string{"sessionId": id})

	// Declined.
	id = x.session("bob", nil)
	x.call(b, 200, "GET", "/proofingsession/"+id+"/start", nil)
	x.call(b, 200, "GET", "/proofingsession/"+id+"/decline", nil)
	x.call(b, 400, "GET", "/proofingsession/"+id+"/complete", nil)
	x.call(x.service, 200, "POST", "/v3/document_share_session/result", map[string]string{"sessionId": id})
}

func (x *driftEnv) evidence() {
	b := x.client("")
	id := x.session("carol", nil)
	p := "/proofingsession/" + id
	x.call(b, 200, "GET", p+"/start", nil)
	x.call(b, 200, "POST", p+"/submit/verification/document_liveness_front",
		map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(x.png)}})
	x.call(b, 200, "GET", p+"/liveness/challenge", nil)
	x.call(b, 200, "POST", p+"/liveness/frames", map[string]any{"frames": x.frames})
	x.call(b, 400, "POST", p+"/submit/verification/passport", map[string]any{})

	// Upload cancel needs a session of high-resolution uploads.
	id = x.session("dave", map[string]any{"connector": map[string]string{"type": "sandbox"},
		"verification": map[string]any{"config": map[string]any{"useHighResolutionImages": true}}})
	x.call(b, 200, "GET", "/proofingsession/"+id+"/start", nil)
	x.call(b, 200, "POST", "/proofingsession/"+id+"/upload/cancel", map[string]string{"screenName": "upload"})
}

func (x *driftEnv) capture() {
	id := x.session("erin", nil)
	p := x.base + "/idproofing/session/" + id
	x.raw(200, "GET", p, nil, nil)
	x.raw(200, "GET", p+"/qr.svg", nil, nil)
	x.raw(200, "GET", p+"/status", nil, nil)
	x.raw(200, "GET", x.base+"/idproofing/assets/app.js", nil, nil)
	x.raw(200, "GET", x.base+"/idproofing/assets/i18n/en.json", nil, nil)
	x.raw(404, "GET", x.base+"/idproofing/assets/nothing.js", nil, nil)
	unknown := "00000000-0000-4000-8000-000000000000"
	x.raw(404, "GET", x.base+"/idproofing/session/"+unknown, nil, nil)
	x.raw(404, "GET", x.base+"/idproofing/session/"+unknown+"/status", nil, nil)
	for _, path := range []string{"/proofingsession/" + id, "/proofingsession/" + id + "/start", "/presignedurls/" + id, "/proofingtemplates/" + id} {
		x.raw(204, "OPTIONS", x.base+path, nil, http.Header{"Origin": {"https://rp.example"}, "Access-Control-Request-Method": {"POST"}})
	}
}

func (x *driftEnv) configuration() {
	svc := x.service
	bucket := map[string]any{"type": "local", "bucketName": "local", "isEnabled": true, "createdBy": "drift"}
	x.call(svc, 200, "PUT", x.scope("/bucket"), bucket)
	x.call(svc, 200, "GET", x.scope("/bucket"), nil)

	steps, err := json.Marshal(workflow.Default("dl_object"))
	if err != nil {
		x.t.Fatal(err)
	}
	wf := json.RawMessage(steps)
	tpl := x.call(svc, 200, "PUT", x.scope("/proofingtemplates"), map[string]any{"documentType": "dl_object", "dvcID": "drift", "workflow": wf})
	tid := member(x.t, tpl, "_id")
	x.call(svc, 200, "PATCH", x.scope("/proofingtemplates")+"/id/"+tid, map[string]any{"workflow": wf})
	x.call(svc, 200, "PATCH", x.scope("/proofingtemplates")+"/dvcId/drift", map[string]any{"workflow": wf}, client.Envelope())
	x.call(svc, 204, "DELETE", x.scope("/proofingtemplates")+"/id/"+tid, nil)
	x.call(svc, 200, "POST", "/verify", map[string]any{"connector": map[string]string{"type": "sandbox"}, "verification": map[string]any{},
		"document": map[string]string{"id": "D1", "type": "dl", "front_image": base64.StdEncoding.EncodeToString(x.png)}})
}

// errors drives the error answers every endpoint shares.
func (x *driftEnv) errors() {
	anon := x.client("")
	unknown := "00000000-0000-4000-8000-000000000000"
	x.call(x.client(""), 404, "GET", "/proofingsession/"+unknown, nil)
	x.call(x.service, 400, "POST", "/document_share_session/create", map[string]any{"sessionRequest": map[string]any{}})
	x.call(anon, 401, "GET", "/info", nil, client.Anonymous())
	x.call(x.service, 403, "GET", "/servicekeys", nil)
	x.call(x.service, 404, "POST", "/document_share_session/result", map[string]string{"sessionId": unknown})
	x.call(x.service, 404, "GET", "/bucket/tenant/000000000000000000000000/community/000000000000000000000000", nil)
}

// newer drives what the API document does not have: manual review,
// redaction and the audit trail.
func (x *driftEnv) newer() {
	svc, b := x.service, x.client("")
	id := x.session("sandbox-review", nil)
	p := "/proofingsession/" + id
	x.call(b, 200, "GET", p+"/start", nil)
	x.call(b, 200, "POST", p+"/v3/submit/document", x.inlineDocument())
	x.call(b, 200, "GET", p+"/complete", nil)
	x.call(svc, 200, "POST", p+"/review", map[string]string{"decision": "APPROVE", "reason": "document checked by hand"})
	x.call(svc, 409, "POST", p+"/review", map[string]string{"decision": "REJECT", "reason": "again"})
	x.call(svc, 400, "POST", p+"/review", map[string]string{"decision": "MAYBE", "reason": "x"})
	x.call(svc, 200, "POST", p+"/redact", map[string]string{"reason": "the user asked"})
	x.call(svc, 200, "GET", p+"/audit", nil)
	x.call(svc, 200, "POST", "/v3/document_share_session/result", map[string]any{"sessionId": id, "includeMetadata": true})
}

// webhooks drives the webhook configuration and delivery log. The
// endpoint's host does not answer: deliveries are made and fail, which is
// enough for the log.
func (x *driftEnv) webhooks() {
	svc := x.service
	w := x.scope("/webhooks")
	hook := x.call(svc, 201, "POST", w, map[string]any{"url": "https://hooks.example/idproof", "events": []string{"session.created"}, "description": "drift"})
	hid := member(x.t, hook, "id")
	x.call(svc, 200, "GET", w, nil)
	x.call(svc, 200, "GET", w+"/id/"+hid, nil)
	x.call(svc, 200, "PATCH", w+"/id/"+hid, map[string]any{"enabled": true, "rotateSecret": true})
	x.call(svc, 400, "POST", w, map[string]any{"url": "https://hooks.example/x", "events": []string{"session.nothing"}})
	x.session("frank", nil)

	var list struct {
		Deliveries []struct{ ID string } `json:"deliveries"`
	}
	if err := json.Unmarshal(x.call(svc, 200, "GET", w+"/deliveries?limit=10", nil), &list); err != nil || len(list.Deliveries) == 0 {
		x.t.Fatalf("deliveries: %+v %v", list, err)
	}
	did := list.Deliveries[0].ID
	x.call(svc, 200, "GET", w+"/deliveries/"+did, nil)
	x.call(svc, 202, "POST", w+"/deliveries/"+did+"/resend", nil)
	x.call(svc, 204, "DELETE", w+"/id/"+hid, nil)
}
