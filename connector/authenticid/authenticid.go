package authenticid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sort"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
)

// TypeID is the connector type id.
const TypeID = "authenticid"

// Version is reported in every check: the CFAir API version called.
const Version = "AirApi/2.0"

// maxBody bounds a vendor response; CFAir answers carry base64 images.
const maxBody = 32 << 20

// Type registers the AuthenticID connector.
func Type() connector.Type {
	return connector.Type{
		ID:  TypeID,
		New: New,
		Infos: []connector.Info{
			{VerifierType: TypeID, DocType: idproof.DocDriversLicense},
			{VerifierType: TypeID, DocType: idproof.DocIDCard},
			{VerifierType: TypeID, DocType: idproof.DocPassport},
		},
	}
}

// Connector calls AuthenticID. Verify uses CFAir; the CFWeb methods serve
// vendor-hosted capture.
type Connector struct {
	cfg          *config
	http         *http.Client
	allowPrivate bool
}

var _ idproof.Connector = (*Connector)(nil)

// New builds a connector from connector.config and verification.config,
// refusing a configuration it cannot use with an EINVALID error naming the
// field. It makes no network call.
func New(cfg connector.Config) (idproof.Connector, error) {
	if cfg.HTTP == nil {
		return nil, idproof.Errorf(idproof.EINTERNAL, "authenticid: no HTTP client was provided")
	}
	c, err := parseConfig(cfg.Connector, cfg.Verification, cfg.AllowPrivate)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: c, http: cfg.HTTP, allowPrivate: cfg.AllowPrivate}, nil
}

// Type returns TypeID.
func (*Connector) Type() string { return TypeID }

// airResponse is the part of an AuthenticateDocument answer the decision
// and the document data rest on; the whole body is kept as Raw.
type airResponse struct {
	AuthenticationResult   string                     `json:"AuthenticationResult"`
	SegmentName            string                     `json:"SegmentName"`
	ActionCodes            *ActionCodes               `json:"ActionCodes"`
	ErrorCodes             json.RawMessage            `json:"ErrorCodes"`
	DocumentEncoding       map[string]json.RawMessage `json:"DocumentEncoding"`
	DocumentRiskConditions struct {
		DQL map[string]json.RawMessage `json:"DQL_Default_Results"`
	} `json:"DocumentRiskConditions"`
	DocumentCharacteristics struct {
		Classification map[string]json.RawMessage `json:"Classification"`
	} `json:"DocumentCharacteristics"`
}

// Verify posts the document images to CFAir AuthenticateDocument and maps
// the answer; see the package comment for the table.
func (c *Connector) Verify(ctx context.Context, ev idproof.Evidence) (*idproof.Verdict, error) {
	front := firstImage(ev.Images, "document_front_image", "document_front_image_compressed")
	back := firstImage(ev.Images, "document_back_image", "document_back_image_compressed")
	if front == nil {
		v := verdictFor(ev.Checks, idproof.CheckNotPerformed, reasonNoImages, "AuthenticID: no front image was uploaded", false)
		v.Document.DocumentType = ev.DocumentType
		return v, nil
	}
	body, contentType, err := multipartBody(front, back)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.airURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("authenticid: build request: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("AccountAccessKey", c.cfg.accessKey)
	req.Header.Set("SecretToken", c.cfg.secretToken)
	req.Header.Set("RequestIdentifier", requestIdentifier(ev))
	req.Header.Set("DeviceType", "Web")
	req.Header.Set("DocumentType", c.documentType(ev.DocumentType))
	raw, err := c.do(req, "AuthenticateDocument")
	if err != nil {
		return nil, err
	}
	return c.mapAir(raw, ev.Checks, ev.DocumentType, back != nil)
}

// mapAir maps an AuthenticateDocument answer to a verdict.
func (c *Connector) mapAir(raw []byte, checks []string, docType string, hasBack bool) (*idproof.Verdict, error) {
	var r airResponse
	if err := decodeObject(raw, &r); err != nil {
		return nil, fmt.Errorf("authenticid AuthenticateDocument: %w", err)
	}
	if codes := errorCodes(r.ErrorCodes); codes != "" {
		return nil, fmt.Errorf("authenticid AuthenticateDocument: the vendor reported error codes %s", codes)
	}
	word := r.AuthenticationResult
	if word == "" {
		word = r.SegmentName
	}
	v, err := decide(checks, c.cfg.actionCode, answer{codes: r.ActionCodes, word: word, hasBack: hasBack})
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	stringFields(fields, "", r.DocumentEncoding)
	stringFields(fields, "Classification.", r.DocumentCharacteristics.Classification)
	stringFields(fields, "", r.DocumentRiskConditions.DQL)
	var top map[string]json.RawMessage
	_ = json.Unmarshal(raw, &top) // decodeObject proved it is an object
	for k := range top {
		if !strings.HasPrefix(k, "DQL_") {
			delete(top, k)
		}
	}
	stringFields(fields, "", top)
	v.Document = documentData(fields, docType)
	v.Raw = raw
	return v, nil
}

// documentType is the DocumentType header: the configured code, else the
// one that fits the session's document.
func (c *Connector) documentType(sessionDocType string) string {
	switch {
	case c.cfg.documentType != "":
		return c.cfg.documentType
	case sessionDocType == idproof.DocPassport:
		return DocTypePassport
	}
	return DocTypeLicenseIDCard
}

// requestIdentifier is the session id, with the attempt number on retries.
func requestIdentifier(ev idproof.Evidence) string {
	if ev.Attempt > 1 {
		return fmt.Sprintf("%s-%d", ev.SessionID, ev.Attempt)
	}
	return ev.SessionID
}

func firstImage(images map[string][]byte, names ...string) []byte {
	for _, n := range names {
		if b := images[n]; len(b) > 0 {
			return b
		}
	}
	return nil
}

// do sends req through the guarded client and returns a 2xx body. Errors
// name the call and the status but never echo the body, which may hold
// personal data.
func (c *Connector) do(req *http.Request, what string) ([]byte, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("authenticid %s: no answer in time (limit %s)", what, c.cfg.timeout)
		}
		return nil, fmt.Errorf("authenticid %s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("authenticid %s: no complete answer in time (limit %s)", what, c.cfg.timeout)
		}
		return nil, fmt.Errorf("authenticid %s: read response: %w", what, err)
	case len(body) > maxBody:
		return nil, fmt.Errorf("authenticid %s: response larger than %d bytes", what, maxBody)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("authenticid %s: credentials refused (HTTP %d)", what, resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("authenticid %s: HTTP %d", what, resp.StatusCode)
	}
	return body, nil
}

// decodeObject refuses anything but a JSON object, then decodes it into v.
func decodeObject(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("empty response")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return errors.New("the response is not a JSON object")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("unexpected response shape: %w", err)
	}
	return nil
}

// errorCodes summarises a non-empty ErrorCodes value, or returns "".
func errorCodes(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "", "null", "{}", "[]", `""`:
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 5 {
			keys = keys[:5]
		}
		return fmt.Sprint(keys)
	}
	if len(raw) > 80 {
		raw = raw[:80]
	}
	return string(raw)
}

// multipartBody builds the AuthenticateDocument form: FrontImage and, when
// there is a back image, BackImage, each a file part with its image type.
func multipartBody(front, back []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range []struct {
		field, file string
		data        []byte
	}{{"FrontImage", "front", front}, {"BackImage", "back", back}} {
		if p.data == nil {
			continue
		}
		ct := http.DetectContentType(p.data)
		ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg"}[ct]
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.file+ext))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, "", fmt.Errorf("authenticid: build form: %w", err)
		}
		if _, err := part.Write(p.data); err != nil {
			return nil, "", fmt.Errorf("authenticid: build form: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("authenticid: build form: %w", err)
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}
