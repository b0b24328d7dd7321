package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/workflow"
)

// The capture page in a real browser: Debian's chromium, driven through
// the DevTools protocol. The helpers below boot a server, make sessions,
// start a browser with given flags and open pages in it as given devices,
// so that each run is a few lines. Beside this file: the runs with a
// camera (capture_camera_test.go) and the camera's scenes
// (capture_media_test.go), the accessibility audit and the cost of a first
// load (capture_audit_test.go), and the documentation's screenshots
// (capture_docs_test.go).

// chromium returns the browser to drive. Without it the test skips, or
// fails under CI=true, where it must be installed (apt-get install chromium).
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return needTool(t, "chromium")
}

// captureServer is a server started for browser tests, with what they
// need to make sessions.
type captureServer struct {
	*served
	data                  string         // the data directory
	sandboxDVC            string         // the sandbox configuration: the uid picks the outcome
	defaultDVC            string         // the built-in verifier's configuration of a fresh install
	tenantID, communityID string         // the bootstrap's tenant and community
	client                *client.Client // with the service license
	admin                 *client.Client // with the system license
}

func startCaptureServer(t *testing.T) *captureServer {
	t.Helper()
	data := t.TempDir()
	srv := startServe(t, data)
	m := regexp.MustCompile(`sandbox\s+dvcID (\w+)`).FindStringSubmatch(srv.printed)
	if m == nil {
		t.Fatalf("the start-up message names no sandbox dvcID:\n%s", srv.printed)
	}
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(srv.base, client.WithLicense(creds.Licenses.Service))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := client.New(srv.base, client.WithLicense(creds.Licenses.System))
	if err != nil {
		t.Fatal(err)
	}
	return &captureServer{served: srv, data: data, sandboxDVC: m[1], defaultDVC: creds.DVCID,
		tenantID: creds.TenantID, communityID: creds.CommunityID, client: c, admin: admin}
}

// newSession makes a sandbox session for uid and returns its id and URL.
func (s *captureServer) newSession(t *testing.T, uid, documentType string) (id, url string) {
	t.Helper()
	return s.newSessionWith(t, s.sandboxDVC, uid, documentType)
}

// newSessionWith makes a session of the configuration dvc.
func (s *captureServer) newSessionWith(t *testing.T, dvc, uid, documentType string) (id, url string) {
	t.Helper()
	out, err := s.client.CreateSession(context.Background(), client.CreateSessionRequest{
		DVCID: dvc,
		SessionRequest: client.SessionRequest{
			TenantID: s.tenantID, CommunityID: s.communityID, DocumentType: documentType,
			User: &client.SessionUser{UID: uid},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.SessionID, out.URL
}

// result is what the relying party reads of a session.
func (s *captureServer) result(t *testing.T, id string) map[string]any {
	t.Helper()
	out, err := s.client.SessionResult(context.Background(), client.ResultRequest{SessionID: id}, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// browserOptions choose how the browser starts.
type browserOptions struct {
	width, height int
	lang          string         // the browser's language (Accept-Language); en by default
	flags         map[string]any // more command-line flags, e.g. a fake camera
}

// startBrowser starts chromium with a fresh profile and returns the
// context of its first tab; the browser stops when the test ends.
func startBrowser(t *testing.T, o browserOptions) context.Context {
	t.Helper()
	if o.width == 0 {
		o.width, o.height = 1280, 900
	}
	if o.lang == "" {
		o.lang = "en"
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.width, o.height),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", o.lang),
		chromedp.Flag("accept-lang", o.lang),
	}
	for k, v := range o.flags {
		opts = append(opts, chromedp.Flag(k, v))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// page is one tab of a browser, with what it wrote to its console.
type page struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	console  []chromedp.ConsoleMessage
	expected []string // console messages the test caused on purpose

	shots    int      // screenshots taken, with IDPROOF_SCREENSHOTS set to a directory
	docs     []string // the screens to photograph for the documentation
	keyboard bool     // activate uses the keyboard rather than the mouse
}

// pageOptions describe the device a page is opened on.
type pageOptions struct {
	// width and height of the viewport in CSS pixels; the browser's window
	// when zero.
	width, height int64
	// phone emulates a touch screen (a coarse pointer) and a mobile
	// viewport: the page then uses the camera without offering a phone.
	phone bool
	// camera answers the page's request for the camera: "granted" or
	// "denied"; empty leaves the browser's own answer (its flags).
	camera browser.PermissionSetting
	// docs names the screens this page shows for docs/capture.md (see
	// docsScreenshot).
	docs []string
}

// openPage opens url in a new tab of browser, in a browser context of its
// own (its own cache, storage and permissions, as another device would
// have), emulating the device o describes.
func openPage(t *testing.T, b context.Context, url string, o pageOptions) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab and ties it to its context: that context
	// must not be one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	p := &page{t: t, ctx: ctx, docs: o.docs}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.console = append(p.console, m)
			p.mu.Unlock()
		}
	}()
	setup := []chromedp.Action[chromedp.Void]{recordScreens()}
	if o.width > 0 {
		var opts []chromedp.EmulateViewportOption
		if o.phone {
			opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		setup = append(setup, chromedp.EmulateViewport(o.width, o.height, opts...))
	}
	if o.camera != "" {
		setup = append(setup, cameraPermission(o.camera))
	}
	p.do("open "+url, append(setup, chromedp.Navigate(url))...)
	t.Cleanup(p.checkConsole)
	return p
}

// cameraPermission answers the page's camera requests with setting, in
// the page's browser context, for every origin.
func cameraPermission(setting browser.PermissionSetting) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission:       &browser.PermissionDescriptor{Name: "camera"},
			Setting:          setting,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		})
		return err
	})
}

// checkConsole fails the test for an uncaught exception, an error logged
// by the page or a refusal by the Content-Security-Policy.
func (p *page) checkConsole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.console {
		bad := m.IsException() || m.Type == chromedp.ConsoleError || strings.Contains(m.Text, "Content Security Policy")
		for _, e := range p.expected {
			bad = bad && !strings.Contains(m.URL+" "+m.Text, e)
		}
		if bad && !strings.Contains(m.URL, "favicon.ico") && !strings.Contains(m.Text, "favicon.ico") {
			p.t.Errorf("browser console: %s (%s:%d)", m, m.URL, m.Line)
		}
	}
}

// do runs actions with a time limit, failing the test with what as context.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.screenshot(filepath.Join(os.TempDir(), "capture-failure.png"))
		p.t.Fatalf("%s: %v (screen %q; screenshot in %s)", what, err, p.screenName(), filepath.Join(os.TempDir(), "capture-failure.png"))
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// screenName is the name of the screen shown (its data-screen).
func (p *page) screenName() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#app .screen') || {dataset: {}}).dataset.screen || ''`))
	return v
}

// waitScreen waits until the screen named name is shown, checks that
// focus went to its heading and audits its accessibility (axe-core). With
// IDPROOF_SCREENSHOTS set to a directory it saves a screenshot there; with
// IDPROOF_DOCS_SCREENSHOTS=1, the documentation's (docs/capture/). A
// camera screen is photographed for the documentation by captureWithCamera
// instead, once the camera shows something.
func (p *page) waitScreen(name string) {
	p.t.Helper()
	sel := fmt.Sprintf(`#app .screen[data-screen=%q] h1`, name)
	p.do("wait for screen "+name, chromedp.WaitVisible(chromedp.CSS(sel)))
	if got := eval[string](p, `document.activeElement ? document.activeElement.tagName + ':' + document.activeElement.textContent : ''`); !strings.HasPrefix(got, "H1:") {
		p.t.Errorf("screen %s: focus is on %q, not on the heading", name, got)
	}
	p.audit(name)
	if dir := os.Getenv("IDPROOF_SCREENSHOTS"); dir != "" {
		p.shots++
		test := strings.NewReplacer("/", "-", " ", "_").Replace(p.t.Name())
		p.screenshot(filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.png", test, p.shots, name)))
	}
	if !strings.HasPrefix(name, "capture-camera-") {
		p.docsScreenshot(name)
	}
}

// click clicks the element sel of the screen named screen.
func (p *page) click(screen, sel string) {
	p.t.Helper()
	full := fmt.Sprintf(`#app .screen[data-screen=%q] %s`, screen, sel)
	p.do("click "+full, chromedp.Click(chromedp.CSS(full)))
}

// activate clicks the element sel of the screen named screen, or presses
// it from the keyboard if the page is driven so.
func (p *page) activate(screen, sel string) {
	p.t.Helper()
	if p.keyboard {
		p.press(screen, sel)
	} else {
		p.click(screen, sel)
	}
}

// press reaches the control sel of the screen named screen from the
// keyboard, tabbing from the screen's heading, checks that the focus on
// it can be seen, and activates it with Enter.
func (p *page) press(screen, sel string) {
	p.t.Helper()
	full := fmt.Sprintf(`#app .screen[data-screen=%q] %s`, screen, sel)
	for range 12 {
		p.do("press Tab", chromedp.KeyEvent(kb.Tab))
		if !eval[bool](p, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, full)) {
			continue
		}
		ring := eval[string](p, `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; })()`)
		if strings.HasPrefix(ring, "none") || strings.HasSuffix(ring, " 0px") {
			p.t.Errorf("%s: the focus on %s cannot be seen (outline %s)", screen, sel, ring)
		}
		p.do("press Enter on "+full, chromedp.KeyEvent(kb.Enter))
		return
	}
	p.t.Fatalf("%s: Tab never reaches %s", screen, sel)
}

// upload chooses file in the file input of the screen named screen.
func (p *page) upload(screen, file string) {
	p.t.Helper()
	sel := fmt.Sprintf(`#app .screen[data-screen=%q] input[type=file]`, screen)
	p.do("choose "+file, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file}, chromedp.NodeReady))
}

// screenshot saves what the page shows as a PNG.
func (p *page) screenshot(path string) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		p.t.Logf("screenshot %s: %v", path, err)
	}
}

// captureImages are synthetic pictures to choose in the file pickers.
type captureImages struct{ front, back, selfie string }

// writeCaptureImages draws a card-like document (both sides) and a face,
// enough for the sandbox connector, which looks at nothing but the uid.
func writeCaptureImages(t *testing.T) captureImages {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, img image.Image) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fill := func(img *image.RGBA, r image.Rectangle, c color.RGBA) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	card := func(back bool) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
		fill(img, img.Rect, color.RGBA{40, 42, 48, 255})
		fill(img, image.Rect(120, 160, 1080, 765), color.RGBA{232, 236, 240, 255})
		fill(img, image.Rect(120, 160, 1080, 240), color.RGBA{30, 80, 160, 255})
		if back {
			for x := 180; x < 1020; x += 12 { // a barcode-like band
				fill(img, image.Rect(x, 300, x+5+x%7, 520), color.RGBA{20, 20, 20, 255})
			}
		} else {
			fill(img, image.Rect(170, 290, 420, 620), color.RGBA{150, 120, 100, 255}) // the portrait
		}
		for y := 560; y < 740; y += 36 { // lines of text
			for x := 470; x < 1040; x += 30 {
				fill(img, image.Rect(x, y, x+22, y+18), color.RGBA{25, 25, 30, 255})
			}
		}
		return img
	}
	face := image.NewRGBA(image.Rect(0, 0, 600, 800))
	fill(face, face.Rect, color.RGBA{120, 130, 140, 255})
	for y := 0; y < 800; y++ {
		for x := 0; x < 600; x++ {
			dx, dy := float64(x-300)/170, float64(y-380)/230
			if dx*dx+dy*dy < 1 {
				face.SetRGBA(x, y, color.RGBA{224, 180, 150, 255})
			}
		}
	}
	fill(face, image.Rect(220, 320, 260, 345), color.RGBA{30, 30, 30, 255})
	fill(face, image.Rect(340, 320, 380, 345), color.RGBA{30, 30, 30, 255})
	fill(face, image.Rect(250, 480, 350, 500), color.RGBA{150, 60, 60, 255})
	return captureImages{front: write("front.png", card(false)), back: write("back.png", card(true)), selfie: write("selfie.png", face)}
}

// chooseHere leaves the offer to continue on a phone (shown on a computer)
// for this device.
func (p *page) chooseHere() {
	p.t.Helper()
	p.waitScreen("handoff")
	p.click("handoff", ".actions button")
}

// captureWithFiles goes from the consent step through every capture with
// the file picker, accepting each picture.
func (p *page) captureWithFiles(img captureImages, kinds ...string) {
	p.t.Helper()
	p.waitScreen("step-consent")
	p.click("step-consent", ".actions .btn-primary")
	files := map[string]string{"front": img.front, "back": img.back, "selfie": img.selfie}
	for _, kind := range kinds {
		p.waitScreen("capture-file-" + kind)
		p.upload("capture-file-"+kind, files[kind])
		p.waitScreen("review-" + kind)
		p.click("review-"+kind, ".actions .btn-primary")
	}
}

// TestCaptureBrowser runs the hosted capture flow in chromium without a
// camera (none in the machine, and permission prompts denied): the page
// offers the phone, is told to stay, falls back to the file picker for
// each picture, uploads, and ends with the sandbox's verdict. Every screen
// is audited (see audit).
func TestCaptureBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	chromium(t)
	start := time.Now()
	srv := startCaptureServer(t)
	img := writeCaptureImages(t)
	chrome := startBrowser(t, browserOptions{flags: map[string]any{"deny-permission-prompts": true}})

	t.Run("pass", func(t *testing.T) {
		id, url := srv.newSession(t, "alice", "dl_object")
		p := openPage(t, chrome, url, pageOptions{docs: []string{"capture-file-front"}})
		p.chooseHere()
		p.captureWithFiles(img, "front", "back", "selfie")
		p.waitScreen("end-pass")
		res := srv.result(t, id)
		if res["resultStatus"] != "COMPLETED_PASS" || res["responseStatus"] != "COMPLETED" {
			t.Fatalf("result after the browser flow: %v", res)
		}
		if _, err := srv.client.SessionCall(context.Background(), id, "start"); err == nil {
			t.Error("a key other than the browser's could act on the session")
		}
	})

	t.Run("retry", func(t *testing.T) {
		id, url := srv.newSession(t, "sandbox-retry", "dl_object")
		p := openPage(t, chrome, url, pageOptions{width: 390, height: 844, docs: []string{"retry"}}) // a narrow window
		p.chooseHere()
		p.captureWithFiles(img, "front", "back", "selfie")
		p.waitScreen("retry")
		if n := eval[int](p, `document.querySelectorAll('#app .screen .hints li').length`); n == 0 {
			t.Error("the retry screen says nothing about what to fix")
		}
		// Taking the retry starts the captures again.
		p.click("retry", ".actions .btn-primary")
		p.waitScreen("capture-file-front")
		if res := srv.result(t, id); res["responseStatus"] != "INPROGRESS" {
			t.Fatalf("result during the retry: %v", res)
		}
	})
	t.Run("template", func(t *testing.T) {
		// A community's own workflow, whose page tries everything a page
		// could do to the session: it is shown as content, its buttons run
		// the step's actions, and a jumpTo naming no step goes on.
		hostile := `<h1>Bienvenue</h1><p onclick="window.pwned='onclick'">Texte <b>gras</b></p>` +
			`<script>window.pwned='script'</script><img src="x" onerror="window.pwned='onerror'">` +
			`<img src="https://third-party.example/t.png"><a href="javascript:window.pwned='href'">lien</a>` +
			`<style>main{display:none}</style><div style="display:none" id="app">x</div>` +
			`<iframe src="/"></iframe><form action="https://third-party.example/"><input name="q"></form>` +
			`<button data-action="go">Allons-y</button><button data-action="no">Non merci</button>`
		_, err := srv.client.CreateTemplate(context.Background(), srv.tenantID, srv.communityID, client.TemplateSpec{
			DocumentType: "idcard_object", DVCID: srv.sandboxDVC,
			Workflow: []workflow.Step{
				{Name: "intro", Type: workflow.TypeHTML, HTML: hostile, Actions: []workflow.Action{
					{Name: "go", On: "click", JumpTo: "step2", Script: "window.pwned='script action'"},
					{Name: "no", On: "click", Call: "decline"},
				}},
				{Name: "recto", Type: workflow.TypeCaptureFront, HTML: "<h1>Recto</h1><p>Le recto de la carte.</p>"},
				{Name: "fin", Type: workflow.TypeProcessing},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, url := srv.newSession(t, "alice", "idcard_object")
		p := openPage(t, chrome, url, pageOptions{})
		p.chooseHere()
		p.waitScreen("step-intro")
		got := eval[string](p, `(() => {
			const app = document.getElementById('app');
			const bad = app.querySelectorAll('script, style, iframe, form, input:not([type=file]), [style], [onclick], [onerror], #app #app, img[src^="https:"], a[href^="javascript"]');
			return [window.pwned || '', bad.length, app.querySelectorAll('.screen button').length, app.querySelector('h1').textContent].join('|');
		})()`)
		if got != "|0|2|Bienvenue" {
			t.Fatalf("the template's page as shown: %q (want no script effect, nothing unsafe, its two buttons, its heading)", got)
		}
		p.click("step-intro", "button.btn-primary")
		p.waitScreen("capture-file-front")
		if h := eval[string](p, `document.querySelector('#app h1').textContent`); h != "Recto" {
			t.Errorf("the capture step's heading is %q, not the template's", h)
		}
	})
	t.Logf("browser runs took %v", time.Since(start).Round(time.Millisecond))
	logAxe(t)
}
