package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The head movement of active liveness, as the browser runs see it: the
// page films it through helpers here, and what it sent is read back from
// the browser's own record of its requests (the DevTools protocol's
// Network domain) with the server's answers, and from the objects the
// server stored. The session's API offers the relying party no view of
// the frames, and the page's key, which alone may ask for the challenge,
// stays in the browser; the browser's record is the page's traffic as it
// went over the wire, not what the page's script says of itself.

// livenessFrames is how many frames the page films (lib/liveness.js).
const livenessFrames = 8

// filmMovement goes from the review screen from through the head
// movement: the camera films a face moving, the page says which way to
// turn, Start films the burst while its progress shows, and the review of
// the frames is left open. From the selfie's review its primary action
// ("Use this photo") leads there; from the movement's own review, its
// secondary one ("Film again"). It returns the heading the page showed and
// the class of the arrow it drew over the preview.
func (p *page) filmMovement(cam *fakeCamera, from string) (heading, arrow string) {
	p.t.Helper()
	// No camera is open on a review screen: the next one films the new scene.
	cam.film(p.t, "face-turning")
	action := ".actions .btn-primary"
	if from == "liveness-review" {
		action = ".actions .btn-secondary"
	}
	p.activate(from, action)
	const screen = "capture-camera-liveness"
	p.waitScreen(screen)
	ready := fmt.Sprintf(`#app .screen[data-screen=%q] .actions .btn-primary:not([disabled])`, screen)
	p.do("wait for the camera of "+screen, chromedp.WaitVisible(chromedp.CSS(ready)))
	heading = eval[string](p, `document.querySelector('#app .screen h1').textContent`)
	arrow = eval[string](p, `(document.querySelector('#app .screen .turn-arrow') || {}).className || ''`)
	p.activate(screen, ".actions .btn-primary")
	p.do("wait for the burst", chromedp.Poll[chromedp.Void](
		`(() => { const b = document.getElementById('liveness-progress'); return !!b && b.offsetParent !== null && b.value >= 3; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond)))
	// Whoever pressed Start, with a key or a tap, keeps their place.
	if got := eval[string](p, `document.activeElement.tagName + ':' + document.activeElement.textContent`); got != "BUTTON:"+catalogue(p.t, "en")["liveness.start"] &&
		got != "BUTTON:"+catalogue(p.t, "es")["liveness.start"] {
		p.t.Errorf("%s: while filming, focus is on %q, not on the Start button", screen, got)
	}
	p.docsScreenshot(screen)
	p.waitScreen("liveness-review")
	if n := eval[int](p, `document.querySelectorAll('#app .screen .burst-frames img').length`); n != livenessFrames {
		p.t.Errorf("the review shows %d frames, want %d", n, livenessFrames)
	}
	return heading, arrow
}

// wantDirection fails the test unless the page's heading and arrow ask for
// direction, the challenge the server gave. The preview is mirrored, so
// the arrow points to the side of the screen the person's own turn goes.
func wantDirection(t *testing.T, direction, heading, arrow string) {
	t.Helper()
	if want := catalogue(t, "en")["liveness.title."+direction]; heading != want {
		t.Errorf("the page says %q for the challenge %s, want %q", heading, direction, want)
	}
	side := map[string]string{"turn_left": "turn-arrow-left", "turn_right": "turn-arrow-right"}[direction]
	if !strings.Contains(arrow, side) {
		t.Errorf("the arrow is %q for the challenge %s, want %s", arrow, direction, side)
	}
}

// netLog is the browser's record of the page's requests whose URL holds
// one of its patterns, in the order they were sent.
type netLog struct {
	p        *page
	patterns []string

	mu     sync.Mutex
	sent   []sentRequest
	status map[network.RequestID]int64
	done   map[network.RequestID]bool
}

type sentRequest struct {
	id           network.RequestID
	method, path string
}

// apiCall is one request of a netLog, answered.
type apiCall struct {
	Method, Path string
	Status       int64
	Reply        map[string]any // the JSON the server answered
	Body         []byte         // what the page sent, if anything
}

// watchNetwork starts recording the page's requests to URLs holding one
// of patterns.
func (p *page) watchNetwork(patterns ...string) *netLog {
	p.t.Helper()
	l := &netLog{p: p, patterns: patterns, status: map[network.RequestID]int64{}, done: map[network.RequestID]bool{}}
	sent := chromedp.Events(p.ctx, network.RequestWillBeSent)
	received := chromedp.Events(p.ctx, network.ResponseReceived)
	finished := chromedp.Events(p.ctx, network.LoadingFinished)
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if !l.wanted(ev.Request.URL) {
				continue
			}
			path := ev.Request.URL
			if i := strings.Index(path, "/proofingsession/"); i >= 0 {
				path = path[i:]
			}
			l.mu.Lock()
			l.sent = append(l.sent, sentRequest{ev.RequestID, ev.Request.Method, path})
			l.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range received {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.status[ev.RequestID] = ev.Response.Status
			l.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range finished {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.done[ev.RequestID] = true
			l.mu.Unlock()
		}
	}()
	p.do("record the network", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
	return l
}

func (l *netLog) wanted(url string) bool {
	for _, pat := range l.patterns {
		if strings.Contains(url, pat) {
			return true
		}
	}
	return false
}

// calls returns the requests recorded so far with their answers, once
// every one of them has been answered.
func (l *netLog) calls() []apiCall {
	l.p.t.Helper()
	var sent []sentRequest
	for deadline := time.Now().Add(10 * time.Second); ; {
		l.mu.Lock()
		sent = append([]sentRequest(nil), l.sent...)
		all := true
		for _, r := range sent {
			all = all && l.done[r.id] && l.status[r.id] != 0
		}
		l.mu.Unlock()
		if all {
			break
		}
		if time.Now().After(deadline) {
			l.p.t.Fatalf("requests still unanswered: %+v", sent)
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := make([]apiCall, 0, len(sent))
	for _, r := range sent {
		c := apiCall{Method: r.method, Path: r.path, Status: l.status[r.id]}
		l.p.do("read the answer to "+r.path, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: r.id})
			if err != nil {
				return err
			}
			_ = json.Unmarshal(res.Body, &c.Reply) // an empty or non-JSON answer leaves Reply nil
			if r.method != "POST" {
				return nil
			}
			body, err := chromedp.Call(ctx, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: r.id})
			if err != nil {
				return err
			}
			c.Body = body.PostData
			return nil
		}))
		out = append(out, c)
	}
	return out
}

// movementPatterns are the requests watchNetwork follows for the head
// movement: its own, the retries that start a new attempt, and the
// document's submission that verifies one.
var movementPatterns = []string{"/liveness/", "/retry", "/v3/submit/document"}

// checkMovement checks the page's calls of attempts attempts, each with
// its head movement: the challenge asked for (again after a retry, and
// then the new attempt's), exactly one burst posted and taken for the
// attempt with at least minFrames frames (the page films livenessFrames),
// before the document's submission verifies it. Each frame is a JPEG of at
// most 480 pixels on its long side, as the camera filmed it (unmirrored:
// the scene's marker in the top left corner), and the face moves from
// frame to frame. It returns each attempt's direction.
func checkMovement(t *testing.T, calls []apiCall, attempts int) []string {
	t.Helper()
	type seen struct {
		direction string
		frames    int
		submitted bool
	}
	per := make([]seen, attempts+1)
	attempt := 1
	for _, c := range calls {
		if c.Status != 200 {
			t.Errorf("%s %s answered %d: %v", c.Method, c.Path, c.Status, c.Reply)
			continue
		}
		if attempt > attempts {
			t.Fatalf("%s %s after the last attempt", c.Method, c.Path)
		}
		s := &per[attempt]
		switch {
		case strings.HasSuffix(c.Path, "/retry"):
			if s.frames == 0 || !s.submitted {
				t.Errorf("attempt %d was retried before its burst and submission", attempt)
			}
			attempt++
		case strings.HasSuffix(c.Path, "/liveness/challenge"):
			dir, _ := c.Reply["direction"].(string)
			if c.Reply["attempt"] != float64(attempt) || (dir != "turn_left" && dir != "turn_right") {
				t.Errorf("challenge of attempt %d: %v", attempt, c.Reply)
			}
			if s.direction != "" && s.direction != dir {
				t.Errorf("attempt %d: the challenge changed from %s to %s", attempt, s.direction, dir)
			}
			s.direction = dir
		case strings.HasSuffix(c.Path, "/liveness/frames"):
			if s.direction == "" || s.submitted || s.frames > 0 {
				t.Errorf("attempt %d: a burst posted before the challenge, after the submission, or twice", attempt)
			}
			var body struct{ Frames []string }
			if err := json.Unmarshal(c.Body, &body); err != nil {
				t.Fatalf("the burst's body: %v", err)
			}
			received, _ := c.Reply["received"].(float64)
			if c.Reply["attempt"] != float64(attempt) || int(received) != len(body.Frames) || len(body.Frames) < 3 {
				t.Errorf("attempt %d: %d frames sent, the server answered %v", attempt, len(body.Frames), c.Reply)
			}
			if len(body.Frames) != livenessFrames {
				t.Errorf("attempt %d: %d frames sent, want %d", attempt, len(body.Frames), livenessFrames)
			}
			checkFrames(t, body.Frames)
			s.frames = int(received)
		case strings.HasSuffix(c.Path, "/v3/submit/document"):
			if s.frames < 3 {
				t.Errorf("attempt %d was submitted with %d frames of its movement", attempt, s.frames)
			}
			s.submitted = true
		}
	}
	if attempt != attempts {
		t.Errorf("%d attempts, want %d", attempt, attempts)
	}
	var dirs []string
	for a := 1; a <= attempts; a++ {
		if !per[a].submitted {
			t.Errorf("attempt %d was never submitted", a)
		}
		dirs = append(dirs, per[a].direction)
	}
	return dirs
}

// checkFrames checks the frames of a burst: small JPEGs, unmirrored, of a
// face that moves.
func checkFrames(t *testing.T, frames []string) {
	t.Helper()
	var prev *image.YCbCr
	moved := false
	for i, f := range frames {
		b, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			t.Fatalf("frame %d is not base64: %v", i, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("frame %d is not a JPEG: %v", i, err)
		}
		r := img.Bounds()
		if max(r.Dx(), r.Dy()) > 480 || r.Dx()*3 != r.Dy()*4 {
			t.Errorf("frame %d is %dx%d, want the camera's 4:3 at most 480 pixels wide", i, r.Dx(), r.Dy())
		}
		// The marker: camera pixels 30–130 of 1280, scaled.
		s := float64(r.Dx()) / camW
		lo, hi := int(45*s), int(115*s)
		if !reddish(img, image.Rect(lo, lo, hi, hi)) || reddish(img, image.Rect(r.Dx()-hi, lo, r.Dx()-lo, hi)) {
			t.Errorf("frame %d: the marker is not in the top left corner: the frames are mirrored, or not the camera's", i)
		}
		y, ok := img.(*image.YCbCr)
		if !ok {
			t.Fatalf("frame %d: a %T", i, img)
		}
		if prev != nil && meanDiff(prev.Y, y.Y) > 2 {
			moved = true
		}
		prev = y
	}
	if !moved {
		t.Error("the frames of the burst are all alike: they were not taken over the movement")
	}
}

// reddish tells whether the mean colour of r in img is the marker's red.
func reddish(img image.Image, r image.Rectangle) bool {
	var sr, sg, sb, n int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sr, sg, sb, n = sr+int(cr>>8), sg+int(cg>>8), sb+int(cb>>8), n+1
		}
	}
	return n > 0 && sr/n > 150 && sg/n < 100 && sb/n < 100
}

// meanDiff is the mean absolute difference of two planes of one size.
func meanDiff(a, b []byte) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 255
	}
	sum := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a))
}

// storedFrames counts the frames of the head movement the server stored
// for session id, in the embedded local bucket of the data directory.
func (s *captureServer) storedFrames(t *testing.T, id string) int {
	t.Helper()
	dir := filepath.Join(s.data, "blobs", "sessions", s.tenantID, s.communityID, id, "checked")
	names, err := filepath.Glob(filepath.Join(dir, "selfie_liveness_frame_*"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("the session's stored images: %v", err)
	}
	return len(names)
}
