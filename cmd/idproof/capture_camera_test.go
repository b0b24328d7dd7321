package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// TestCaptureCamera runs the hosted capture flow in chromium with a camera
// (Chromium's fake device, filming the scenes of capture_media_test.go):
// the page takes each picture by itself, as the session's settings ask,
// and films the head movement when the checks include selfie_liveness;
// the built-in verifier reads the passport from what the camera saw; a
// refused camera falls back to the file picker; a computer hands the
// session to a phone through its QR code and follows it to its end.
func TestCaptureCamera(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	chromium(t)
	start := time.Now()
	srv := startCaptureServer(t)
	cam := newFakeCamera(t)
	img := writeCaptureImages(t)
	chrome := startBrowser(t, browserOptions{flags: cameraFlags(cam.path)})
	desktop := pageOptions{width: 1280, height: 900, camera: browser.PermissionSettingGranted}
	phone := pageOptions{width: 390, height: 844, phone: true, camera: browser.PermissionSettingGranted}
	// The sandbox, with checks that include selfie_liveness: the page
	// films the head movement after the selfie. A short countdown keeps
	// the runs quick.
	liveness := srv.putConfigOf(t, `{"type":"sandbox"}`, "camera-liveness", `{"tag":"camera-liveness","config":{`+
		`"checks":["document_liveness_front","document_liveness_back","selfie_liveness"],"autoCaptureCountdownSeconds":1}}`)
	// The same without selfie_liveness: no head movement.
	still := srv.putConfigOf(t, `{"type":"sandbox"}`, "camera-still", `{"tag":"camera-still","config":{`+
		`"checks":["document_liveness_front","document_liveness_back"],"autoCaptureCountdownSeconds":1}}`)

	t.Run("sandbox", func(t *testing.T) {
		// A computer with a camera: the page offers the phone first; the
		// person stays. Front, back and selfie by camera, the head
		// movement, then the sending and checking screens, held open to
		// be audited. Every button is reached with Tab and pressed with
		// Enter.
		id, url := srv.newSessionWith(t, liveness, "alice", "dl_object")
		o := desktop
		o.docs = []string{"handoff", "step-consent", "capture-camera-front", "review-front", "capture-camera-selfie",
			"capture-camera-liveness", "liveness-review", "upload", "checking", "end-pass"}
		p := openPage(t, chrome, url, o)
		p.keyboard = true
		net := p.watchNetwork(movementPatterns...)
		p.waitScreen("handoff")
		p.firstLoad("desktop 1280 px, browser cold", "handoff")
		p.activate("handoff", ".actions button")
		p.waitScreen("step-consent")
		p.captureWithCamera(cam, shot{"front", "card"}, shot{"back", "card-back"}, shot{"selfie", "face"})
		heading, arrow := p.filmMovement(cam, "review-selfie")
		p.sendWatched("liveness-review")
		p.waitScreen("end-pass")
		wantOutcome(t, srv.result(t, id), "COMPLETED_PASS")
		dirs := checkMovement(t, net.calls(), 1)
		wantDirection(t, dirs[0], heading, arrow)
		if n := srv.storedFrames(t, id); n != livenessFrames {
			t.Errorf("the server stored %d frames of the movement, want %d", n, livenessFrames)
		}
	})

	t.Run("liveness-retry", func(t *testing.T) {
		// A phone, and an attempt that fails and may be retried: the
		// movement is filmed once more (the first burst is not to the
		// person's liking), sent, and the attempt fails; the retry brings
		// a new challenge, which the page asks for and films; the second
		// attempt passes.
		id, url := srv.newSessionWith(t, liveness, "sandbox-retry-pass", "ppt_object")
		o := phone
		o.docs = []string{"capture-camera-liveness", "liveness-review"}
		p := openPage(t, chrome, url, o)
		net := p.watchNetwork(movementPatterns...)
		p.waitScreen("step-consent")
		p.captureWithCamera(cam, shot{"front", "passport"}, shot{"selfie", "face"})
		p.filmMovement(cam, "review-selfie")
		heading, arrow := p.filmMovement(cam, "liveness-review") // its secondary action films again
		p.click("liveness-review", ".actions .btn-primary")
		p.waitScreen("retry")
		// selfie_liveness failed, with a movement filmed: the movement is
		// among what to change.
		want := catalogue(t, "en")["hint.movement"]
		if !eval[bool](p, fmt.Sprintf(`[...document.querySelectorAll('#app .screen .hints li')].some((li) => li.textContent === %q)`, want)) {
			t.Errorf("the retry screen does not mention the head movement (%q)", want)
		}
		p.captureWithCameraFrom("retry", cam, shot{"front", "passport"}, shot{"selfie", "face"})
		heading2, arrow2 := p.filmMovement(cam, "review-selfie")
		p.click("liveness-review", ".actions .btn-primary")
		p.waitScreen("end-pass")
		wantOutcome(t, srv.result(t, id), "COMPLETED_PASS")
		dirs := checkMovement(t, net.calls(), 2)
		wantDirection(t, dirs[0], heading, arrow)
		wantDirection(t, dirs[1], heading2, arrow2)
	})

	t.Run("verifier", func(t *testing.T) {
		// The built-in verifier on what the camera saw, with a
		// configuration that asks only for what a passport can give
		// through this page: document_liveness_front (image quality, one
		// face, the MRZ read from the image, expiry, birth date).
		// fraud_detection is left out: it compares the capture client's
		// own reading of the document with the MRZ, and this page sends
		// none. The selfie is still checked (one face, quality), and a
		// failure there would fail the session.
		dvc := srv.putConfig(t, "camera-passport", `{"tag":"camera-passport","config":{"verifier":"native",`+
			`"checks":["document_liveness_front"],"autoCaptureCountdownSeconds":1}}`)
		id, url := srv.newSessionWith(t, dvc, "alice", "ppt_object")
		o := phone
		o.docs = []string{"step-consent", "capture-camera-front", "review-front", "capture-camera-selfie", "upload", "checking", "end-pass"}
		p := openPage(t, chrome, url, o)
		p.waitScreen("step-consent") // no offer of a phone on a phone
		p.firstLoad("phone 390 px", "step-consent")
		p.captureWithCamera(cam, shot{"front", "passport"}, shot{"selfie", "face"})
		p.sendWatched("review-selfie")
		p.waitScreen("end-pass")
		res := srv.result(t, id)
		wantOutcome(t, res, "COMPLETED_PASS")
		doc, _ := res["ppt_object"].(map[string]any)
		if doc["lastName"] != "ERIKSSON" || doc["documentId"] != "L898902C3" {
			t.Errorf("the document read from the camera's picture: %v", doc)
		}
		for _, name := range []string{"native.mrz", "native.front_face", "native.front_quality", "native.selfie_face"} {
			if r := checkResult(res, name); r != "PASS" {
				t.Errorf("check %s: %q, want PASS", name, r)
			}
		}
	})

	t.Run("default-config", func(t *testing.T) {
		// The configuration a fresh install starts with asks for
		// document_liveness_front, document_liveness_back and
		// fraud_detection. A passport has no back (IDV0022), and the page
		// sends no reading of its own for fraud_detection to compare with
		// the MRZ: both are NOT_PERFORMED while the front passes, so the
		// honest outcome is COMPLETED_NOT_PERFORMED, and the page says
		// that the check could not be completed. The community asks for
		// Spanish, whatever the browser prefers: the other catalogue gets
		// audited too.
		srv.putCaptureSettings(t, `{"language":"es"}`)
		t.Cleanup(func() { srv.putCaptureSettings(t, `{}`) })
		id, url := srv.newSessionWith(t, srv.defaultDVC, "alice", "ppt_object")
		p := openPage(t, chrome, url, phone)
		p.waitScreen("step-consent")
		if lang := eval[string](p, `document.documentElement.lang`); lang != "es" {
			t.Errorf("the page's language is %q, want the community's es", lang)
		}
		p.captureWithCamera(cam, shot{"front", "passport"}, shot{"selfie", "face"})
		p.click("review-selfie", ".actions .btn-primary")
		p.waitScreen("end-notPerformed")
		if h, want := eval[string](p, `document.querySelector('#app h1').textContent`), catalogue(t, "es")["done.notPerformed.title"]; h != want {
			t.Errorf("the end screen says %q, want %q", h, want)
		}
		res := srv.result(t, id)
		wantOutcome(t, res, "COMPLETED_NOT_PERFORMED")
		for name, want := range map[string]string{"document_liveness_front": "PASS", "native.mrz": "PASS",
			"document_liveness_back": "NOT_PERFORMED", "fraud_detection": "NOT_PERFORMED"} {
			if r := checkResult(res, name); r != want {
				t.Errorf("check %s: %q, want %s", name, r, want)
			}
		}
	})

	t.Run("camera-denied", func(t *testing.T) {
		// A phone whose camera exists but may not be used: every capture
		// falls back to the file picker, saying why, and the flow ends as
		// it would with a camera. The checks ask for the head movement,
		// which cannot be filmed: the page leaves it out, says so while
		// checking, and asks the server nothing about it.
		id, url := srv.newSessionWith(t, liveness, "alice", "ppt_object")
		o := phone
		o.camera = browser.PermissionSettingDenied
		o.docs = []string{"capture-file-front"}
		p := openPage(t, chrome, url, o)
		net := p.watchNetwork(movementPatterns...)
		p.waitScreen("step-consent")
		p.click("step-consent", ".actions .btn-primary")
		p.waitScreen("capture-file-front")
		notice := eval[string](p, `(document.querySelector('#app .screen .notice') || {}).textContent || ''`)
		if want := catalogue(t, "en")["camera.denied"]; notice != want {
			t.Errorf("the file picker says %q, want %q", notice, want)
		}
		if n := eval[int](p, `document.querySelectorAll('#app .screen .actions .btn-link').length`); n != 1 {
			t.Error("no way back to the camera once the person has allowed it")
		}
		p.upload("capture-file-front", img.front)
		p.waitScreen("review-front")
		p.click("review-front", ".actions .btn-primary")
		p.waitScreen("capture-file-selfie") // not the camera again
		p.upload("capture-file-selfie", img.selfie)
		p.waitScreen("review-selfie")
		hold := p.holdRequests("*/v3/submit/document")
		p.click("review-selfie", ".actions .btn-primary")
		verify := hold.wait("*/v3/submit/document")
		p.waitScreen("checking")
		note := eval[string](p, `(document.querySelector('#app .screen .small') || {}).textContent || ''`)
		if want := catalogue(t, "en")["liveness.notFilmed"]; note != want {
			t.Errorf("while checking, the page says %q of the movement, want %q", note, want)
		}
		hold.release(verify)
		p.waitScreen("end-pass")
		wantOutcome(t, srv.result(t, id), "COMPLETED_PASS")
		for _, c := range net.calls() {
			if strings.Contains(c.Path, "/liveness/") {
				t.Errorf("without a camera, the page called %s %s", c.Method, c.Path)
			}
		}

		// The pages the server shows instead of the application, for a
		// session that is over and for a link to none, are audited too.
		unknown := srv.base + "/idproofing/session/00000000-0000-4000-8000-000000000000"
		p.mu.Lock()
		p.expected = append(p.expected, unknown) // its 404, which the browser logs
		p.mu.Unlock()
		for kind, link := range map[string]string{"completed": url, "notFound": unknown} {
			p.do("open "+link, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`main.end-%s h1`, kind))))
			p.audit("server page " + kind)
		}
	})

	t.Run("phone", func(t *testing.T) {
		// A computer shows the QR code; the phone that scans it opens the
		// URL it carries, in a device of its own, and finishes there. The
		// computer's page sees the session start elsewhere and then end,
		// by itself. The checks leave the head movement out: the runs
		// above film it, this one is about the handoff.
		zxing := needTool(t, "ZXingReader")
		id, url := srv.newSessionWith(t, still, "alice", "ppt_object")
		desk := openPage(t, chrome, url, pageOptions{width: 1280, height: 900, docs: []string{"follow"}})
		desk.waitScreen("handoff")
		desk.firstLoad("desktop 1280 px, browser warm", "handoff")
		src := eval[string](desk, `document.querySelector('#app .qr img').getAttribute('src')`)
		if src != "/idproofing/session/"+id+"/qr.svg" {
			t.Errorf("the QR code comes from %q, not from this server's session URL", src)
		}
		scanned := desk.scanQR(zxing)
		if scanned != url {
			t.Fatalf("the QR code carries %q, want the session URL %q", scanned, url)
		}
		p := openPage(t, chrome, scanned, phone)
		p.waitScreen("step-consent")
		desk.waitScreen("follow")
		p.captureWithCamera(cam, shot{"front", "passport"}, shot{"selfie", "face"})
		p.click("review-selfie", ".actions .btn-primary")
		p.waitScreen("end-pass")
		desk.waitScreen("end-pass")
		wantOutcome(t, srv.result(t, id), "COMPLETED_PASS")
	})
	t.Logf("camera runs took %v", time.Since(start).Round(time.Millisecond))
	logAxe(t)
}

// putConfig creates (or replaces) a verification configuration of the
// built-in verifier named name, and returns its id.
func (s *captureServer) putConfig(t *testing.T, name, verification string) string {
	t.Helper()
	return s.putConfigOf(t, `{"type":"native","config":{}}`, name, verification)
}

// putConfigOf creates (or replaces) a verification configuration named
// name with the connector given, and returns its id.
func (s *captureServer) putConfigOf(t *testing.T, connector, name, verification string) string {
	t.Helper()
	c, err := s.admin.PutVerificationConfig(context.Background(), s.tenantID, s.communityID, name,
		json.RawMessage(connector), json.RawMessage(verification))
	if err != nil {
		t.Fatal(err)
	}
	return c.DVCID
}

// putCaptureSettings replaces the community's capture settings.
func (s *captureServer) putCaptureSettings(t *testing.T, settings string) {
	t.Helper()
	path := "/admin/capture/tenant/" + s.tenantID + "/community/" + s.communityID
	if err := s.admin.Do(context.Background(), http.MethodPut, path, json.RawMessage(settings), nil); err != nil {
		t.Fatal(err)
	}
}

// wantOutcome fails the test unless the session completed with outcome;
// the checks are shown when it did not.
func wantOutcome(t *testing.T, res map[string]any, outcome string) {
	t.Helper()
	if res["responseStatus"] != "COMPLETED" || res["resultStatus"] != outcome {
		checks, _ := json.Marshal(allChecks(res))
		t.Fatalf("session %v, outcome %v (%v), want COMPLETED, %s; checks %s", res["responseStatus"], res["resultStatus"], res["reason"], outcome, checks)
	}
}

// allChecks are the checks of a result (its document object's).
func allChecks(res map[string]any) []map[string]any {
	var out []map[string]any
	for _, v := range res {
		doc, ok := v.(map[string]any)
		if !ok {
			continue
		}
		list, _ := doc["checks"].([]any)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// checkResult is the result of the check named name, "" if absent.
func checkResult(res map[string]any, name string) string {
	for _, c := range allChecks(res) {
		if c["name"] == name {
			r, _ := c["result"].(string)
			return r
		}
	}
	return ""
}

// catalogue reads the page's strings in lang.
func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "capture", "assets", "i18n", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// shot is one camera capture: the kind of picture and the scene filmed.
type shot struct{ kind, scene string }

// captureWithCamera goes from the consent screen, shown, through each
// capture with the camera, filming each shot's scene. The page must take
// every picture by itself: its shutter button stays hidden (the settings
// ask for automatic capture), the countdown runs, and the review follows
// without a click; the picture must pass the page's own quality checks.
// The last review is left open.
func (p *page) captureWithCamera(cam *fakeCamera, shots ...shot) {
	p.t.Helper()
	p.captureWithCameraFrom("step-consent", cam, shots...)
}

// captureWithCameraFrom is captureWithCamera from the screen prev, shown,
// whose primary action opens the first capture (consent, or a retry).
func (p *page) captureWithCameraFrom(prev string, cam *fakeCamera, shots ...shot) {
	p.t.Helper()
	for _, s := range shots {
		// The camera is closed here (consent, a retry, or the review of
		// the last picture): the next screen opens it on the new scene.
		cam.film(p.t, s.scene)
		p.activate(prev, ".actions .btn-primary")
		screen := "capture-camera-" + s.kind
		p.waitScreen(screen)
		countdown := fmt.Sprintf(`#app .screen[data-screen=%q] .countdown`, screen)
		p.do("wait for the countdown of "+screen, chromedp.WaitVisible(chromedp.CSS(countdown)))
		if eval[bool](p, `!!document.querySelector('#app .screen .actions .btn-primary:not([hidden])')`) {
			p.t.Errorf("%s: the shutter button is shown, though the settings ask for automatic capture", screen)
		}
		p.docsScreenshot(screen)
		p.waitScreen("review-" + s.kind)
		if q := eval[string](p, `(document.querySelector('#app .screen .quality') || {}).className || ''`); !strings.Contains(q, "quality-ok") {
			p.t.Errorf("review of the %s: the page found problems: %s", s.kind,
				eval[string](p, `(document.querySelector('#app .screen .quality') || {}).textContent || ''`))
		}
		prev = "review-" + s.kind
	}
}

// scanQR reads the QR code the handoff screen shows, as a phone's camera
// would: from a screenshot of what the browser drew, decoded by ZXing.
func (p *page) scanQR(zxing string) string {
	p.t.Helper()
	sel := `#app .screen[data-screen="handoff"] .qr img`
	p.do("wait for the QR code", chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`(() => { const i = document.querySelector(%q); return !!i && i.complete && i.naturalWidth > 0; })()`, sel),
		chromedp.WithPollingInterval(50*time.Millisecond)))
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("screenshot of the QR code: %v", err)
	}
	file := filepath.Join(p.t.TempDir(), "qr.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		p.t.Fatal(err)
	}
	out, err := exec.Command(zxing, "-format", "QRCode", "-bytes", file).Output()
	if err != nil {
		p.t.Fatalf("ZXingReader found no QR code in %s: %v", file, err)
	}
	return strings.TrimSpace(string(out))
}

// sendWatched accepts the last picture on the review screen named review
// and watches the page send and check: the screens shown meanwhile are
// held open (their requests paused) to be looked at. Held are the request
// for upload URLs (the sending screen is shown before it) and the one that
// runs the verification; not the uploads themselves, whose binary bodies
// the protocol's event would carry as text that does not decode.
func (p *page) sendWatched(review string) {
	p.t.Helper()
	hold := p.holdRequests("*/presignedurls/*", "*/v3/submit/document")
	p.activate(review, ".actions .btn-primary")
	presign := hold.wait("*/presignedurls/*")
	p.waitScreen("upload")
	hold.release(presign)
	verify := hold.wait("*/v3/submit/document")
	p.waitScreen("checking")
	hold.release(verify)
}

// requestHold pauses requests through the DevTools protocol (Fetch): the
// first whose URL matches each pattern waits until it is released, so
// that what the page shows meanwhile (sending, checking) stays long
// enough to be looked at. Later requests go on at once.
type requestHold struct {
	p    *page
	held chan heldRequest
}

type heldRequest struct {
	pattern string
	id      fetch.RequestID
}

// holdRequests starts holding; patterns are Fetch URL patterns (* for
// anything).
func (p *page) holdRequests(patterns ...string) *requestHold {
	p.t.Helper()
	h := &requestHold{p: p, held: make(chan heldRequest, len(patterns))}
	events := chromedp.Events(p.ctx, fetch.RequestPaused)
	go func() {
		seen := map[string]bool{}
		for ev, err := range events {
			if err != nil {
				return
			}
			pattern := ""
			for _, pat := range patterns {
				if strings.Contains(ev.Request.URL, strings.Trim(pat, "*")) {
					pattern = pat
					break
				}
			}
			if pattern != "" && !seen[pattern] {
				seen[pattern] = true
				h.held <- heldRequest{pattern, ev.RequestID}
				continue
			}
			_, _ = chromedp.Call(p.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	var fp []*fetch.RequestPattern
	for _, pat := range patterns {
		fp = append(fp, &fetch.RequestPattern{URLPattern: pat})
	}
	p.do("hold requests", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: fp})
		return err
	}))
	return h
}

// wait returns the held request of pattern, once the page has made it.
func (h *requestHold) wait(pattern string) fetch.RequestID {
	h.p.t.Helper()
	select {
	case r := <-h.held:
		if r.pattern != pattern {
			h.p.t.Fatalf("request held for %s, want one for %s", r.pattern, pattern)
		}
		return r.id
	case <-time.After(20 * time.Second):
		h.p.t.Fatalf("the page made no request matching %s (screen %q)", pattern, h.p.screenName())
	}
	return ""
}

// release lets a held request go on.
func (h *requestHold) release(id fetch.RequestID) {
	h.p.t.Helper()
	h.p.do("release a request", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
		return err
	}))
}
