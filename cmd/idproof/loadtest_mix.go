package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"

	"github.com/idproof/idproof/client"
)

// mixImages are the document sides a mix session uploads. Without a
// contentType, presign signs document images for PNG, as the capture page
// asks for them.
var mixImages = []string{"document_front_image", "document_back_image"}

// mixSession is the flow of one proofing session, as an integrator and a
// user's browser run it: create (service license) → start (the browser's
// own new key pair) → presign → upload each side to its presigned URL →
// submit → complete → result and fetch (service license). Every request
// goes through wk.call; the first failure ends the session.
type mixSession struct {
	create    func(wk *loadWorker, i int) (*client.CreatedSession, error)
	serverKey string // pinned in the browsers, as the capture page gets it with the page
	baseURL   string
	tenantID  string
	community string
	picture   []byte
}

func newMixSession(create func(*loadWorker, int) (*client.CreatedSession, error), baseURL, serverKey, tenantID, communityID string) (*mixSession, error) {
	pic, err := mixPicture()
	if err != nil {
		return nil, err
	}
	return &mixSession{create: create, serverKey: serverKey, baseURL: baseURL, tenantID: tenantID, community: communityID, picture: pic}, nil
}

// mixPicture is a small PNG with the proportions of an ID card, made once
// and uploaded for every side: enough for the image checks, small enough
// that the run measures the server rather than the loopback's bandwidth.
func mixPicture() ([]byte, error) {
	const w, h = 428, 270
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x/16 + y/16) % 2 * 200), 255})
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

func (m *mixSession) run(wk *loadWorker, i int) error {
	ctx := wk.ctx
	var created *client.CreatedSession
	if err := wk.call("create", func() (err error) { created, err = m.create(wk, i); return err }); err != nil {
		return err
	}
	id := created.SessionID
	browser, err := client.New(m.baseURL, client.WithHTTPClient(wk.hc), client.WithServerKey(m.serverKey))
	if err != nil {
		return err
	}
	// Derive the browser's shared key before timing: that is the browser's
	// own work, not the server's.
	if _, err := browser.Headers(ctx); err != nil {
		return err
	}
	if err := wk.call("start", func() error { _, err := browser.SessionCall(ctx, id, "start"); return err }); err != nil {
		return err
	}
	var urls map[string]string
	if err := wk.call("presign", func() error {
		return browser.Do(ctx, http.MethodPost, "/presignedurls/"+url.PathEscape(id), map[string]any{"imagesUrl": mixImages}, &urls)
	}); err != nil {
		return err
	}
	for _, name := range mixImages {
		if err := wk.call("upload", func() error { return m.upload(ctx, wk.hc, urls[name]) }); err != nil {
			return err
		}
	}
	body := map[string]any{
		"document_front": map[string]any{"result": map[string]any{}, "imageNames": mixImages[:1]},
		"document_back":  map[string]any{"result": map[string]any{}, "imageNames": mixImages[1:]},
	}
	if err := wk.call("submit", func() error {
		return browser.Do(ctx, http.MethodPost, "/proofingsession/"+url.PathEscape(id)+"/v3/submit/document", body, nil)
	}); err != nil {
		return err
	}
	if err := wk.call("complete", func() error { _, err := browser.SessionCall(ctx, id, "complete"); return err }); err != nil {
		return err
	}
	if err := wk.call("result", func() error {
		_, err := wk.c.SessionResult(ctx, client.ResultRequest{SessionID: id}, false)
		return err
	}); err != nil {
		return err
	}
	return wk.call("fetch", func() error {
		page, err := wk.c.FetchSessions(ctx, m.tenantID, m.community, client.SessionQuery{ID: id}, 0, 10)
		if err == nil && len(page.Data) != 1 {
			err = fmt.Errorf("fetch of session %s found %d sessions", id, len(page.Data))
		}
		return err
	})
}

// upload PUTs the picture to a presigned URL, as the capture page does.
func (m *mixSession) upload(ctx context.Context, hc *http.Client, u string) error {
	if u == "" {
		return fmt.Errorf("presign returned no URL for an image")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(m.picture))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "image/png")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return &client.Error{StatusCode: resp.StatusCode, Text: http.StatusText(resp.StatusCode), Message: string(bytes.TrimSpace(msg))}
	}
	return nil
}
