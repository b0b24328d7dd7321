package httpapi_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
)

// TestEventStatusForms: status is a boolean (the document's table and
// curl) or a string (its schema line); error a string or an object. Each
// is kept as sent.
func TestEventStatusForms(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	browser, id := e.startedSession(t, "alice")
	send := func(body string) error {
		return browser.Do(ctx, "POST", "/proofingsession/"+id+"/submit/event/E_IDV_DOCUMENTCAPTURE", json.RawMessage(body), nil)
	}
	for _, body := range []string{
		`{"screen_name":"capture","status":false,"error":"camera refused"}`,
		`{"screen_name":"capture","status":"ok","error":{"code":"NotAllowedError","detail":"denied"}}`,
		`{"screen_name":"capture","status":true}`,
		`{"screen_name":"capture","status":null,"error":null}`,
	} {
		if err := send(body); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	for body, msg := range map[string]string{
		`{"status":5}`:          "status must be a boolean or a string",
		`{"status":{"a":1}}`:    "status must be a boolean or a string",
		`{"error":true}`:        "error must be a string or an object",
		`{"error":["x"]}`:       "error must be a string or an object",
		`{"screen_name":false}`: "screen_name",
	} {
		wantAPIError(t, send(body), 400, msg)
	}
	// The result's metadata shows them once the session ends.
	if _, err := browser.SessionCall(ctx, id, "decline"); err != nil {
		t.Fatal(err)
	}
	res, err := e.client(t, "service").SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res["metadata"].(map[string]any)["events"])
	var events []map[string]any
	if err := json.Unmarshal(raw, &events); err != nil || len(events) != 4 {
		t.Fatalf("events: %s %v", raw, err)
	}
	if events[0]["status"] != false || events[0]["error"] != "camera refused" || events[1]["status"] != "ok" ||
		events[1]["error"].(map[string]any)["code"] != "NotAllowedError" || events[2]["status"] != true {
		t.Fatalf("events not kept as sent: %s", raw)
	}
	if _, ok := events[3]["status"]; ok {
		t.Fatalf("null status stored: %v", events[3])
	}
}

// TestPresignedObjectNames: every object name carries the extension of the
// Content-Type its URL is signed for; the binding holds.
func TestPresignedObjectNames(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	browser, id := e.startedSession(t, "alice")
	want := map[string]string{
		"document_front_image": ".png", "document_front_image_compressed": ".jpeg", "document_front_face": ".jpeg",
		"document_back_image": ".png", "document_back_image_compressed": ".jpeg", "document_back_imageBarcode": ".png",
		"document_back_imageBarcode_compressed": ".jpeg", "selfie_liveness_image": ".jpeg",
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	urls := presign(t, browser, id, names...)
	for n, ext := range want {
		u, err := url.Parse(urls[n])
		if err != nil || !strings.HasSuffix(u.Path, "/"+n+ext) {
			t.Errorf("%s: %s does not end in %s%s", n, urls[n], n, ext)
		}
	}
	// The other type is refused; the URL's own type is taken.
	if st, _ := put(t, urls["document_front_image"], "image/jpeg", jpegBytes(t, 64, 64)); st != 415 {
		t.Fatalf("PUT with the other type: %d", st)
	}
	if st, _ := put(t, urls["document_front_image"], "image/png", pngBytes(t, 640, 400)); st/100 != 2 {
		t.Fatalf("PUT: %d", st)
	}
	// A contentType asked for names the object after it, and a submission
	// by name finds it.
	var webp map[string]string
	if err := browser.Do(ctx, "POST", "/presignedurls/"+id, map[string]any{"imagesUrl": []string{"document_back_image"}, "contentType": "image/jpeg"}, &webp); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(webp["document_back_image"], "/document_back_image.jpeg?") {
		t.Fatalf("contentType image/jpeg: %s", webp["document_back_image"])
	}
	if st, _ := put(t, webp["document_back_image"], "image/jpeg", jpegBytes(t, 640, 400)); st/100 != 2 {
		t.Fatalf("PUT jpeg: %d", st)
	}
	var got map[string]any
	body := map[string]any{"document_front": map[string]any{"imageNames": "document_front_image"},
		"document_back": map[string]any{"imageNames": []string{webp["document_back_image"]}}}
	if err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/v3/submit/document", body, &got); err != nil {
		t.Fatal(err)
	}
	if got["validation"].(map[string]any)["resultStatus"] != "COMPLETED_PASS" {
		t.Fatalf("v3 submit: %v", got)
	}
}

// TestSubmissionForms: the images and imageNames forms of the document's
// schema and examples.
func TestSubmissionForms(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	full, small := b64(pngBytes(t, 640, 400)), b64(jpegBytes(t, 320, 200))
	cases := []struct {
		name        string
		path        string
		body        string
		wantImages  []string
		wantIgnored []string
		wantErr     string
	}{
		{name: "all four keys on both sides", path: "v2/submit/document",
			body: `{"document_front":{"images":{"image":"` + full + `","cropped":"` + small + `","face":"` + small + `","imageBarcode":"` + full + `"}},` +
				`"document_back":{"images":{"image":"` + full + `","cropped":"` + small + `","face":"` + small + `","imageBarcode":"` + full + `"}}}`,
			wantImages: []string{"document_back_image", "document_back_imageBarcode", "document_back_image_compressed",
				"document_front_face", "document_front_image", "document_front_image_compressed"},
			wantIgnored: []string{"document_front.images.imageBarcode", "document_back.images.face"}},
		{name: "images as an array of base64 strings", path: "v2/submit/document",
			body:       `{"document_front":{"images":["` + full + `","` + small + `"]}}`,
			wantImages: []string{"document_front_image", "document_front_image_compressed"}},
		{name: "images as an array of objects", path: "v2/submit/document",
			body:       `{"document_front":{"images":[{"image":"` + full + `"},{"face":"` + small + `"}]}}`,
			wantImages: []string{"document_front_face", "document_front_image"}},
		{name: "selfie keys that share one image", path: "submit/verification/selfie_liveness",
			body:        `{"images":{"image":"` + small + `","face":"` + small + `","imageBarcode":"` + small + `"}}`,
			wantImages:  []string{"selfie_liveness_image"},
			wantIgnored: []string{"images.face", "images.imageBarcode"}},
		{name: "unknown key", path: "v2/submit/document", body: `{"document_front":{"images":{"picture":"` + full + `"}}}`,
			wantErr: "document_front.images.picture is not one of image, cropped, face, imageBarcode"},
		{name: "too many array entries", path: "v2/submit/document", body: `{"document_front":{"images":["a","b","c","d","e"]}}`,
			wantErr: "more than 4 entries"},
		{name: "unknown image name", path: "v3/submit/document", body: `{"document_front":{"imageNames":"passport_photo"}}`,
			wantErr: `document_front.imageNames[0] "passport_photo" is not one of`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			browser, id := e.startedSession(t, "alice")
			var got map[string]any
			err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/"+c.path, json.RawMessage(c.body), &got)
			if c.wantErr != "" {
				wantAPIError(t, err, 400, c.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			details, err := e.engine.Store.Session(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var data struct {
				Images map[string]any `json:"images"`
			}
			_ = json.Unmarshal(details.Data, &data)
			var names []string
			for n := range data.Images {
				names = append(names, n)
			}
			slices.Sort(names)
			if !slices.Equal(names, c.wantImages) {
				t.Errorf("stored %v, want %v", names, c.wantImages)
			}
			ignored, _ := got["ignoredImages"].([]any)
			if len(ignored) != len(c.wantIgnored) {
				t.Fatalf("ignoredImages %v, want %v", ignored, c.wantIgnored)
			}
			for i, w := range c.wantIgnored {
				if !strings.Contains(ignored[i].(string), w) {
					t.Errorf("ignoredImages[%d] = %v, want %s", i, ignored[i], w)
				}
			}
		})
	}
}

// TestCreateReadsDocumentForms: the capture license in connector.config
// (where the document's create body puts it), and numbers and booleans
// written as strings.
func TestCreateReadsDocumentForms(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	create := func(connector, verification string) (string, error) {
		out, err := rp.CreateSession(ctx, client.CreateSessionRequest{Connector: json.RawMessage(connector),
			Verification: json.RawMessage(verification), SessionRequest: e.sessionRequest("alice")})
		if err != nil {
			return "", err
		}
		return out.SessionID, nil
	}
	id, err := create(`{"type":"sandbox","config":{"license":"sdk-license-1","document_share_session_enabled":"true"}}`,
		`{"tag":"t","config":{"verifier":"sandbox","debug":"false","skip":"false","maxRetries":"2","expireSessionInMin":"30",`+
			`"autoDetectTimeout":"20","autoCaptureCountdownVisible":"true","useHighResolutionImages":"true"}}`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.client(t, "").SessionCall(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if d["license"] != "sdk-license-1" || d["maxRetries"] != float64(2) || d["autoDetectTimeout"] != float64(20) ||
		d["autoCaptureCountdownVisible"] != true || d["useBucket"] != true {
		t.Fatalf("details: %v", d)
	}
	// verification.config.license, where earlier clients put it, wins.
	id, err = create(`{"type":"sandbox","config":{"license":"from-connector"}}`, `{"config":{"license":"from-verification"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := e.client(t, "").SessionCall(ctx, id, ""); d["license"] != "from-verification" {
		t.Fatalf("license: %v", d["license"])
	}
	for _, c := range []struct{ connector, verification, msg string }{
		{`{"type":"sandbox","config":{"license":5}}`, `{}`, "connector.config.license must be a string"},
		{`{"type":"sandbox"}`, `{"config":{"maxRetries":"three"}}`, `config.maxRetries must be a whole number (30 or "30"), not "three"`},
		{`{"type":"sandbox"}`, `{"config":{"skip":"maybe"}}`, `config.skip must be true or false`},
	} {
		_, err := create(c.connector, c.verification)
		wantAPIError(t, err, 400, c.msg)
	}
}

// TestFetchDocumentForms: pIndex and pSize as strings, a page size above
// the cap, and the document's "A | B" lists of statuses and types.
func TestFetchDocumentForms(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	_, pending := e.startedSession(t, "alice")
	b, done := e.startedSession(t, "bob")
	if _, err := b.SessionCall(ctx, done, "decline"); err != nil {
		t.Fatal(err)
	}
	fetch := func(query string, extra string) (map[string]any, error) {
		var out struct {
			Data map[string]any `json:"data"`
		}
		body := `{"query":` + query + `,"tenantId":"` + e.creds.TenantID + `","communityId":"` + e.creds.CommunityID + `"` + extra + `}`
		err := rp.Do(ctx, "POST", "/proofingsession/fetch", json.RawMessage(body), &out)
		return out.Data, err
	}
	ids := func(d map[string]any) []string {
		var out []string
		for _, it := range d["data"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		slices.Sort(out)
		return out
	}
	d, err := fetch(`{}`, `,"pIndex":"0","pSize":"1000"`)
	if err != nil {
		t.Fatal(err)
	}
	if page := d["page"].(map[string]any); page["size"] != float64(500) || page["total"] != float64(2) {
		t.Fatalf("page: %v", page)
	}
	want := []string{done, pending}
	slices.Sort(want)
	if d, err = fetch(`{"status":"INPROGRESS | DECLINED","documentType":"dl_object | ppt_object | idcard_object"}`, ""); err != nil || !slices.Equal(ids(d), want) {
		t.Fatalf("any of: %v %v", d, err)
	}
	if d, err = fetch(`{"status":["DECLINED","COMPLETED_PASS"]}`, ""); err != nil || !slices.Equal(ids(d), []string{done}) {
		t.Fatalf("array: %v %v", d, err)
	}
	// The document's example lists every status and some outcomes: all.
	if d, err = fetch(`{"status":"COMPLETED_PASS | COMPLETED_FAILED | COMPLETED_NOT_PERFORMED | PENDING | EXPIRED | INPROGRESS | DECLINED | COMPLETED | ABANDONED"}`, ""); err != nil || !slices.Equal(ids(d), want) {
		t.Fatalf("every status: %v %v", d, err)
	}
	for q, msg := range map[string]string{
		`{"status":"INPROGRESS | LOST"}`:      `query.status "LOST" is not a session status or outcome`,
		`{"documentType":"dl_object | visa"}`: `query.documentType "visa" is not one of`,
	} {
		_, err := fetch(q, "")
		wantAPIError(t, err, 400, msg)
	}
	_, err = fetch(`{}`, `,"pSize":"ten"`)
	wantAPIError(t, err, 400, `field pSize must be a whole number (30 or "30"), not "ten"`)
	_, err = fetch(`{}`, `,"pSize":0`)
	wantAPIError(t, err, 400, "pSize must be at least 1")
}

// TestBucketDocumentForms: isEnabled as a string, and the document's list
// of types answered with the choices.
func TestBucketDocumentForms(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	c := e.client(t, "service")
	path := "/bucket/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
	var out struct {
		Data map[string]any `json:"data"`
	}
	if err := c.Do(ctx, "PUT", path, json.RawMessage(`{"type":"local","bucketName":"b","isEnabled":"false","createdBy":"me"}`), &out); err != nil || out.Data["isEnabled"] != false {
		t.Fatalf("isEnabled as a string: %v %v", out, err)
	}
	err := c.Do(ctx, "PUT", path, json.RawMessage(`{"type":"aws | gcp | azure","bucketName":"b","isEnabled":false,"createdBy":"me"}`), nil)
	wantAPIError(t, err, 400, `type "aws | gcp | azure" lists the choices; send one of aws, gcp, azure`)
}
