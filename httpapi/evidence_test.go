package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/proofing"
)

// picture makes a w×h test picture with some structure.
func picture(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	return img
}

func jpegBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a valid PNG header declaring w×h pixels with no data.
func pngBomb(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	var c bytes.Buffer
	c.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&c, binary.BigEndian, uint32(13))
	c.WriteString("IHDR")
	c.Write(ihdr)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	return c.Bytes()
}

func put(t testing.TB, url, contentType string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	// Azure needs this header on a PUT; other stores ignore it.
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// startedSession creates a sandbox session and starts it with a browser
// client, returning the browser and the session id.
func (e *env) startedSession(t testing.TB, uid string) (*client.Client, string) {
	t.Helper()
	ctx := context.Background()
	created, err := e.client(t, "service").CreateSession(ctx, client.CreateSessionRequest{DVCID: e.sandboxDVC(t), SessionRequest: e.sessionRequest(uid)})
	if err != nil {
		t.Fatal(err)
	}
	browser := e.client(t, "")
	if _, err := browser.SessionCall(ctx, created.SessionID, "start"); err != nil {
		t.Fatal(err)
	}
	return browser, created.SessionID
}

func presign(t testing.TB, c *client.Client, id string, names ...string) map[string]string {
	t.Helper()
	var urls map[string]string
	if err := c.Do(context.Background(), "POST", "/presignedurls/"+id, map[string]any{"imagesUrl": names}, &urls); err != nil {
		t.Fatal(err)
	}
	return urls
}

// evidenceEndToEnd: presigned uploads, submission, completion, result with
// images, and retention, on whatever bucket the community uses.
func evidenceEndToEnd(t *testing.T, e *env) {
	ctx := context.Background()
	browser, id := e.startedSession(t, "alice")
	urls := presign(t, browser, id, "document_front_image", "document_back_image", "selfie_liveness_image")
	if len(urls) != 3 {
		t.Fatalf("urls %v", urls)
	}
	// Every object name ends in the extension of the type its URL is
	// signed for, whatever the backend.
	for name, ext := range map[string]string{"document_front_image": ".png", "document_back_image": ".png", "selfie_liveness_image": ".jpeg"} {
		if u, err := url.Parse(urls[name]); err != nil || !strings.HasSuffix(u.Path, "/"+name+ext) {
			t.Fatalf("%s: URL %s does not end in %s%s", name, urls[name], name, ext)
		}
	}
	for name, body := range map[string][]byte{
		"document_front_image":  pngBytes(t, 640, 400),
		"document_back_image":   pngBytes(t, 640, 400),
		"selfie_liveness_image": jpegBytes(t, 480, 640),
	} {
		ct := "image/png"
		if name == "selfie_liveness_image" {
			ct = "image/jpeg"
		}
		if st, msg := put(t, urls[name], ct, body); st/100 != 2 {
			t.Fatalf("upload %s: %d %s", name, st, msg)
		}
	}
	var got map[string]any
	if err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/submit/verification/selfie_liveness",
		map[string]any{"imageNames": []string{"selfie_liveness_image"}}, &got); err != nil {
		t.Fatal(err)
	}
	if img := got["images"].(map[string]any)["selfie_liveness_image"].(map[string]any); img["width"] != float64(480) {
		t.Fatalf("selfie: %v", got)
	}
	body := map[string]any{
		"document_front": map[string]any{"result": map[string]any{"documentNumber": "D1234567"}, "imageNames": []string{"document_front_image"}},
		"document_back":  map[string]any{"result": map[string]any{}, "imageNames": []string{"document_back_image"}},
	}
	if err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/v3/submit/document", body, &got); err != nil {
		t.Fatal(err)
	}
	if got["validation"].(map[string]any)["resultStatus"] != "COMPLETED_PASS" {
		t.Fatalf("v3 submit: %v", got)
	}
	// Another submission in the same attempt is refused.
	err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/v3/submit/document", body, &got)
	wantAPIError(t, err, 400, "already verified")
	if done, err := browser.SessionCall(ctx, id, "complete"); err != nil || done["completionStatus"] != "COMPLETED_PASS" {
		t.Fatalf("complete: %v %v", done, err)
	}
	res, err := e.client(t, "service").SessionResult(ctx, client.ResultRequest{SessionID: id}, true)
	if err != nil {
		t.Fatal(err)
	}
	front, _ := base64.StdEncoding.DecodeString(res["document"].(map[string]any)["image"].(string))
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(front)); err != nil || format != "png" || cfg.Width != 640 {
		t.Fatalf("result image: %v %s %v", cfg, format, err)
	}

	// Retention: a day later the sweeper deletes every object of the session.
	store, err := e.buckets.Resolve(ctx, e.creds.TenantID, e.creds.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "sessions/" + e.creds.TenantID + "/" + e.creds.CommunityID + "/" + id + "/"
	if keys, _ := store.List(ctx, prefix); len(keys) < 3 {
		t.Fatalf("objects before retention: %v", keys)
	}
	e.clock.Advance(proofing.DefaultRetentionMin*time.Minute + time.Minute)
	if _, err := e.engine.Sweep(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	if keys, err := store.List(ctx, prefix); err != nil || len(keys) != 0 {
		t.Fatalf("objects after retention: %v %v", keys, err)
	}
	// A second sweep has nothing to do (idempotent), and the result keeps
	// its outcome without the personal data.
	if r, err := e.engine.Sweep(ctx, 1000); err != nil || r.Purged != 0 {
		t.Fatalf("second sweep %+v %v", r, err)
	}
	res, _ = e.client(t, "service").SessionResult(ctx, client.ResultRequest{SessionID: id, AlwaysReturnAssets: true}, true)
	if doc := res["document"].(map[string]any); doc["firstName"] != "" || doc["image"] != "" || res["sessionResult"] != "SUCCESS" {
		t.Fatalf("after retention: %v", res)
	}
}

func TestEvidenceLocalBucket(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) { evidenceEndToEnd(t, newEnv(t, sk.open)) })
	}
}

// TestBadImages tries what a careless or hostile client might send.
func TestBadImages(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	browser, id := e.startedSession(t, "bob")
	big := jpegBytes(t, 800, 600)
	cases := []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"truncated jpeg", big[:len(big)*3/4], 400, "truncated"},
		{"png bomb", pngBomb(100000, 100000), 400, "100000×100000"},
		{"not an image", []byte("<html>hello</html>"), 400, "not a JPEG, PNG or WebP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			urls := presign(t, browser, id, "document_front_image")
			if st, msg := put(t, urls["document_front_image"], "image/png", c.data); st/100 != 2 {
				t.Fatalf("upload: %d %s", st, msg)
			}
			err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/submit/verification/document_liveness_front",
				map[string]any{"imageNames": []string{"document_front_image"}}, nil)
			wantAPIError(t, err, c.status, c.msg)
			wantAPIError(t, err, c.status, "document_front_image")
		})
	}
	// Inline (v2) images are checked the same way.
	err := browser.Do(ctx, "POST", "/proofingsession/"+id+"/v2/submit/document", map[string]any{
		"document_front": map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(pngBomb(100000, 100000))}}}, nil)
	wantAPIError(t, err, 400, "100000×100000")
	err = browser.Do(ctx, "POST", "/proofingsession/"+id+"/v2/submit/document", map[string]any{
		"document_front": map[string]any{"images": map[string]string{"image": "%%%"}}}, nil)
	wantAPIError(t, err, 400, "not base64")
	// A name the document does not list.
	err = browser.Do(ctx, "POST", "/presignedurls/"+id, map[string]any{"imagesUrl": []string{"passport_photo"}}, nil)
	wantAPIError(t, err, 400, "passport_photo")
	// An oversize upload is refused by the bucket itself.
	urls := presign(t, browser, id, "document_back_image")
	if st, _ := put(t, urls["document_back_image"], "image/png", make([]byte, 16<<20)); st != 413 {
		t.Fatalf("oversize upload: %d", st)
	}
	// An upload to another session's URL: the signature covers the key.
	_, other := e.startedSession(t, "carol")
	u := strings.Replace(urls["document_back_image"], id, other, 1)
	if st, _ := put(t, u, "image/png", pngBytes(t, 100, 100)); st != 403 {
		t.Fatalf("upload to another session's key: %d", st)
	}
	// An oversize JSON body to a session endpoint.
	st, body := raw(t, "POST", e.url+"/proofingsession/"+id+"/v2/submit/document", `{"x":"`+strings.Repeat("a", 65<<20)+`"}`, hdrs(t, browser))
	if st != 413 {
		t.Fatalf("oversize body: %d %.200s", st, body)
	}
	// Another key may not use the session's upload endpoint.
	err = e.client(t, "").Do(ctx, "POST", "/presignedurls/"+id, map[string]any{"imagesUrl": []string{"document_front_image"}}, nil)
	wantAPIError(t, err, 403, "bound")
}
