package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// What the browser runs measure besides the flow: accessibility on every
// screen (axe-core) and the cost of a first load.

// axeVersion is the axe-core release the audit is made with; .ci/run
// installs it into $HOME/.cache/idproof-tools/axe-core-<version>.
const axeVersion = "4.11.4"

// axeScript is axe.min.js: $IDPROOF_AXE_JS, else the copy .ci/run
// installs; "" when there is neither.
var axeScript = sync.OnceValues(func() (string, string) {
	path := os.Getenv("IDPROOF_AXE_JS")
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".cache", "idproof-tools", "axe-core-"+axeVersion, "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", path
	}
	return string(b), path
})

// axeStats counts the audits since the last logAxe, for the log.
var axeStats struct {
	sync.Mutex
	runs int
	took time.Duration
	once sync.Once // the missing-script notice
}

// axeViolation is one rule axe found broken, with the nodes that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// audit runs axe-core on the page as it is, the screen named screen
// shown: a violation of impact serious or critical fails the test, the
// others are logged. Without axe.min.js the audit is skipped, or fails
// under CI=true. The script is evaluated through the DevTools protocol, so
// the page's Content-Security-Policy neither needs nor gets an exception.
func (p *page) audit(screen string) {
	p.t.Helper()
	src, path := axeScript()
	if src == "" {
		if os.Getenv("CI") == "true" {
			p.t.Fatalf("axe-core is needed on CI: no %s (npm install axe-core@%s, or set IDPROOF_AXE_JS)", path, axeVersion)
		}
		axeStats.once.Do(func() { p.t.Logf("accessibility audits skipped: no %s (set IDPROOF_AXE_JS)", path) })
		return
	}
	start := time.Now()
	if !eval[bool](p, `typeof window.axe === 'object'`) {
		p.do("load axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	// The rules of WCAG 2.0 to 2.2, levels A and AA, and axe's best
	// practices, on the whole document: rules about the document itself (a
	// title, a language, landmarks) are checked with the rest, the shell
	// being part of every screen.
	found := evalAsync[[]axeViolation](p, `axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
		resultTypes: ['violations'],
	}).then((r) => r.violations.map((v) => ({
		id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })),
	})))`)
	axeStats.Lock()
	axeStats.runs++
	axeStats.took += time.Since(start)
	axeStats.Unlock()
	for _, v := range found {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, n.Target+": "+strings.ReplaceAll(n.Summary, "\n", " "))
		}
		msg := fmt.Sprintf("axe, screen %s: %s (%s, %s) at %s", screen, v.ID, v.Impact, v.Help, strings.Join(where, "; "))
		if v.Impact == "serious" || v.Impact == "critical" {
			p.t.Error(msg)
		} else {
			p.t.Log(msg)
		}
	}
}

// evalAsync returns the value a JavaScript promise resolves to.
func evalAsync[T any](p *page, expr string) T {
	p.t.Helper()
	var v T
	p.do("evaluate "+firstLine(expr), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		v, err = chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise)(ctx, t)
		return err
	}))
	return v
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// logAxe logs how many audits were made since the last call, and what
// they cost.
func logAxe(t *testing.T) {
	axeStats.Lock()
	defer axeStats.Unlock()
	if axeStats.runs > 0 {
		t.Logf("axe-core %s: %d screens audited in %v", axeVersion, axeStats.runs, axeStats.took.Round(time.Millisecond))
	}
	axeStats.runs, axeStats.took = 0, 0
}

// screensScript runs in every document before its own scripts: it notes
// when each screen is shown (its data-screen set), in milliseconds since
// the navigation started, and when the next frame after it is drawn.
const screensScript = `window.__screens = [];
new MutationObserver((records) => {
  for (const r of records) {
    const name = r.target.dataset && r.target.dataset.screen;
    if (!name || !r.target.matches('#app .screen')) continue;
    const entry = { screen: name, at: performance.now(), frame: 0 };
    window.__screens.push(entry);
    requestAnimationFrame(() => { entry.frame = performance.now(); });
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-screen'] });`

// recordScreens installs screensScript in the page's documents.
func recordScreens() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: screensScript})
		return err
	})
}

// loadReport is what the page says of its own loading.
type loadReport struct {
	Screens []struct {
		Screen string  `json:"screen"`
		At     float64 `json:"at"`
		Frame  float64 `json:"frame"`
	} `json:"screens"`
	DOMContentLoaded float64 `json:"dcl"`
	Load             float64 `json:"load"`
	Entries          []struct {
		Name     string  `json:"name"`
		Type     string  `json:"type"`
		Encoded  float64 `json:"encoded"`
		Decoded  float64 `json:"decoded"`
		Transfer float64 `json:"transfer"`
	} `json:"entries"`
}

// firstLoad logs what loading the page cost until the screen named first
// was shown: the time from the start of the navigation to that screen (the
// first a person can act on; the app's own "loading" screen comes before
// it), and the bytes of every file the page had fetched once that screen
// and its pictures were there, as the browser's Resource Timing API
// reports them (encodedBodySize: the body as sent, gzip where the server
// compressed it, without headers). The page is opened in a browser context
// of its own, so nothing was cached.
func (p *page) firstLoad(label, first string) {
	p.t.Helper()
	// Everything the first screen shows, its pictures included, has come.
	p.do("wait for the first screen's pictures", chromedp.Poll[chromedp.Void](
		`[...document.images].every((i) => i.complete)`, chromedp.WithPollingInterval(50*time.Millisecond)))
	got := eval[loadReport](p, `(() => {
		const nav = performance.getEntriesByType('navigation')[0];
		const all = [nav, ...performance.getEntriesByType('resource')];
		return {
			screens: window.__screens || [], dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
			entries: all.map((e) => ({ name: e.name, type: e.initiatorType, encoded: e.encodedBodySize,
				decoded: e.decodedBodySize, transfer: e.transferSize })),
		};
	})()`)
	at, frame := -1.0, 0.0
	for _, s := range got.Screens {
		if s.Screen == first {
			at, frame = s.At, s.Frame
			break
		}
	}
	if at < 0 {
		p.t.Errorf("first load: no screen %s among %+v", first, got.Screens)
		return
	}
	var assets, api struct {
		n                          int
		encoded, decoded, transfer float64
		names                      []string // of the page's files
	}
	for _, e := range got.Entries {
		// The page's files: the document, its assets, the QR code. The
		// rest is the API and the status the page polls.
		sum := &api
		if e.Type == "navigation" || strings.Contains(e.Name, "/idproofing/assets/") || strings.HasSuffix(e.Name, "/qr.svg") {
			sum = &assets
		}
		sum.n++
		sum.encoded += e.Encoded
		sum.decoded += e.Decoded
		sum.transfer += e.Transfer
		if sum == &assets {
			name, _, _ := strings.Cut(e.Name[strings.Index(e.Name, "/idproofing/")+1:], "?")
			assets.names = append(assets.names, fmt.Sprintf("/%s %.1f/%.1f kB", name, e.Encoded/1000, e.Decoded/1000))
		}
	}
	sort.Strings(assets.names)
	p.t.Logf("first load, %s: screen %s shown %.0f ms after the navigation started (next frame at %.0f ms; DOMContentLoaded %.0f ms, load %.0f ms); "+
		"page files: %d, %.1f kB as sent (%.1f kB uncompressed, %.1f kB with headers); API and status calls: %d, %.1f kB",
		label, first, at, frame, got.DOMContentLoaded, got.Load, assets.n, assets.encoded/1000, assets.decoded/1000,
		assets.transfer/1000, api.n, api.encoded/1000)
	p.t.Logf("first load, %s: files as sent/uncompressed: %s", label, strings.Join(assets.names, ", "))
}
