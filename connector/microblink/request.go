package microblink

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// MaxResponseBytes bounds a vendor response. A docver answer with every
// image returned stays well under it; more is a misbehaving endpoint.
const MaxResponseBytes = 10 << 20

// Source is one image as the vendor can take it: inline bytes, or a URL
// the vendor fetches itself. URL wins when both are set.
type Source struct {
	Data []byte
	URL  string
}

// Images are the document images of one request; Front is required.
type Images struct {
	Front, Back, Barcode *Source
}

// imageSlots names, per request image, the evidence images to use, best
// first: the compressed copy only stands in when the original is missing.
var imageSlots = [3][]string{
	{"document_front_image", "document_front_image_compressed"},
	{"document_back_image", "document_back_image_compressed"},
	{"document_back_imageBarcode", "document_back_imageBarcode_compressed"},
}

// evidenceImages picks the request images from a session's images.
func evidenceImages(images map[string][]byte) Images {
	var out [3]*Source
	for i, names := range imageSlots {
		for _, name := range names {
			if b := images[name]; len(b) > 0 {
				out[i] = &Source{Data: b}
				break
			}
		}
	}
	return Images{Front: out[0], Back: out[1], Barcode: out[2]}
}

// image is a request image in either API version's spelling: v2 says
// base64/url, v1 imageBase64/imageUrl.
func image(s *Source, v1 bool) map[string]string {
	if s == nil {
		return nil
	}
	key, val := "base64", ""
	if s.URL != "" {
		key, val = "url", s.URL
	} else {
		val = base64.StdEncoding.EncodeToString(s.Data)
	}
	if v1 {
		key = "image" + strings.ToUpper(key[:1]) + key[1:]
	}
	return map[string]string{key: val}
}

// RequestBody builds the JSON body of a docver call. v2 groups options in
// an options object and takes a useCase and a captureSessionId; v1 takes
// options at the top level and has neither. Both carry traceId.
func RequestBody(v1 bool, imgs Images, options map[string]json.RawMessage, useCase json.RawMessage, sessionID string) ([]byte, error) {
	if imgs.Front == nil {
		return nil, errors.New("microblink: a front image is required")
	}
	body := map[string]any{}
	if v1 {
		for k, v := range options {
			body[k] = v
		}
	} else {
		if len(options) > 0 {
			body["options"] = options
		}
		if t := bytes.TrimSpace(useCase); len(t) > 0 && string(t) != "null" {
			body["useCase"] = json.RawMessage(t)
		}
		body["captureSessionId"] = sessionID
	}
	body["traceId"] = sessionID
	for name, s := range map[string]*Source{"imageFront": imgs.Front, "imageBack": imgs.Back, "imageBarcode": imgs.Barcode} {
		if s != nil {
			body[name] = image(s, v1)
		}
	}
	return json.Marshal(body)
}

// Verify sends the document images to the vendor and maps its answer. It
// returns an error whenever the answer cannot be trusted to be complete.
func (c *Connector) Verify(ctx context.Context, ev idproof.Evidence) (*idproof.Verdict, error) {
	imgs := evidenceImages(ev.Images)
	if imgs.Front == nil {
		return noImages(ev, c.version()), nil
	}
	body, err := RequestBody(c.v1, imgs, c.options, c.useCase, ev.SessionID)
	if err != nil {
		return nil, err
	}
	raw, err := c.post(ctx, body)
	if err != nil {
		return nil, err
	}
	var r *result
	if c.v1 {
		r, err = parseV1(raw)
	} else {
		r, err = parseV2(raw)
	}
	if err != nil {
		return nil, err
	}
	v := r.verdict(ev, imgs.Back != nil, c.version())
	v.Document.DocumentType = ev.DocumentType
	v.Raw = json.RawMessage(raw)
	return v, nil
}

// noImages answers without calling the vendor: there is nothing to send.
func noImages(ev idproof.Evidence, version string) *idproof.Verdict {
	v := &idproof.Verdict{Document: idproof.DocumentData{DocumentType: ev.DocumentType}}
	for _, name := range requested(ev) {
		v.Checks = append(v.Checks, idproof.Check{Name: name, Result: idproof.CheckNotPerformed, Reason: reasonNoImages,
			Message: "no document front image was uploaded; Microblink was not called", Connector: TypeID, Version: version})
	}
	return v
}

// post makes the call and returns the body of a 200 answer that is JSON.
func (c *Connector) post(ctx context.Context, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("microblink: %w", err)
	}
	req.SetBasicAuth(c.clientID, c.clientSecret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	if len(raw) > MaxResponseBytes {
		return nil, fmt.Errorf("microblink: the response is larger than %d bytes", MaxResponseBytes)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("microblink: the credentials were refused (HTTP %d)%s", resp.StatusCode, vendorError(raw))
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("microblink: HTTP %d%s", resp.StatusCode, vendorError(raw))
	case len(bytes.TrimSpace(raw)) == 0:
		return nil, errors.New("microblink: the response body is empty")
	case !json.Valid(raw):
		return nil, errors.New("microblink: the response is not valid JSON")
	}
	return raw, nil
}

// transportError words a failed call; a timeout says so plainly, as it is
// the failure an operator most needs to recognise.
func (c *Connector) transportError(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("microblink: no answer within %s", c.timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("microblink: the request was cancelled: %w", ctx.Err())
	}
	return fmt.Errorf("microblink: the request failed: %w", err)
}

// vendorError extracts the vendor's own explanation from an error body.
// Only known JSON fields are used, and cut short: an arbitrary body (an
// HTML error page, say) is not worth repeating in a session's checks.
func vendorError(raw []byte) string {
	var e map[string]json.RawMessage
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"code", "error", "message", "title", "detail"} {
		if t := text(e[k]); t != "" {
			parts = append(parts, t)
		}
	}
	s := strings.Join(parts, ": ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if s == "" {
		return ""
	}
	return ": " + clip(s, 200)
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
