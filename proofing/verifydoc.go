package proofing

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/imagecheck"
)

// DocumentRequest is the body of POST /verify: a document checked at once,
// outside any session.
type DocumentRequest struct {
	Connector    json.RawMessage `json:"connector"`
	Verification json.RawMessage `json:"verification"`
	Document     *VerifyDocument `json:"document"`
}

// VerifyDocument is the document object of POST /verify.
type VerifyDocument struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"` // dl, ppt, idcard (any case)
	FrontImage         string          `json:"front_image"`
	BackImage          string          `json:"back_image"`
	BarcodeImage       string          `json:"barcode_image"`
	FrontImageFlash    string          `json:"front_image_flash"`
	FrontImageURL      string          `json:"front_image_url"`
	BackImageURL       string          `json:"back_image_url"`
	BarcodeImageURL    string          `json:"barcode_image_url"`
	FrontImageFlashURL string          `json:"front_image_flash_url"`
	Result             json.RawMessage `json:"result"` // optional client extraction result
}

var documentTypes = map[string]string{"dl": idproof.DocDriversLicense, "ppt": idproof.DocPassport, "idcard": idproof.DocIDCard}

// documentChecks are the checks POST /verify can run: there is no selfie.
var documentChecks = []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}

// maxImageFetch bounds an image fetched from a *_url field.
const maxImageFetch = 15 << 20

// VerifyDocument runs a connector on one document and returns its signed
// certificate. Images are checked like a session's, kept in memory only,
// and never stored.
func (e *Engine) VerifyDocument(ctx context.Context, lic *idproof.License, req DocumentRequest, fetch *http.Client) (map[string]any, error) {
	doc := req.Document
	if doc == nil {
		return nil, invalid("document is required")
	}
	short := strings.ToLower(strings.TrimSuffix(strings.ToLower(doc.Type), "_object"))
	docType, ok := documentTypes[short]
	if !ok {
		return nil, invalid("document.type must be dl, ppt or idcard")
	}
	if doc.ID == "" || len(doc.ID) > 128 {
		return nil, invalid("document.id is required (at most 128 characters)")
	}
	if err := checkConfigKeys(req.Connector, req.Verification); err != nil {
		return nil, err
	}
	spec, err := e.Connectors.ParseSpec(req.Connector, req.Verification)
	if err != nil {
		return nil, err
	}
	settings, err := ParseSettings(req.Verification)
	if err != nil {
		return nil, err
	}
	images := map[string][]byte{}
	for _, in := range []struct{ name, field, b64, url string }{
		{"document_front_image", "front_image", doc.FrontImage, doc.FrontImageURL},
		{"document_back_image", "back_image", doc.BackImage, doc.BackImageURL},
		{"document_back_imageBarcode", "barcode_image", doc.BarcodeImage, doc.BarcodeImageURL},
		{"document_front_image_flash", "front_image_flash", doc.FrontImageFlash, doc.FrontImageFlashURL},
	} {
		raw, err := e.imageInput(ctx, fetch, in.field, in.b64, in.url)
		if err != nil || raw == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		img, err := imagecheck.Check(in.name, bytes.NewReader(raw), imagecheck.DefaultLimits)
		if err != nil {
			return nil, err
		}
		images[in.name] = img.Data
	}
	if images["document_front_image"] == nil {
		return nil, invalid("document.front_image (or front_image_url) is required")
	}
	var checks []string
	for _, c := range settings.Checks {
		if slices.Contains(documentChecks, c) && (c != "document_liveness_back" || images["document_back_image"] != nil) {
			checks = append(checks, c)
		}
	}
	var extracted json.RawMessage
	if len(doc.Result) > 0 && string(doc.Result) != "null" {
		extracted, _ = json.Marshal(map[string]json.RawMessage{SideFront: doc.Result})
	}
	conn, err := e.Connectors.New(spec, req.Verification)
	if err != nil {
		return nil, err
	}
	now := e.now()
	v := &StoredVerdict{Connector: spec.Type, Document: idproof.DocumentData{DocumentType: docType}}
	cctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	start := time.Now() // see Observer
	res, err := conn.Verify(cctx, idproof.Evidence{SessionID: "verify-" + doc.ID, DocumentType: docType, Checks: checks, Attempt: 1, Images: images, Extracted: extracted})
	cancel()
	e.observer().ConnectorCalled(spec.Type, time.Since(start), err)
	if err != nil {
		e.log().Warn("connector failed", "verify", doc.ID, "connector", spec.Type, "err", err)
		for _, c := range checks {
			v.Checks = append(v.Checks, idproof.Check{Name: c, Result: idproof.CheckNotPerformed, Reason: ReasonConnectorError, Message: "the verification connector failed: " + err.Error(), Connector: spec.Type})
		}
	} else {
		v.Checks, v.Review, v.Sandbox, v.Document = completeChecks(checks, res.Checks, spec.Type), res.Review, res.Sandbox, res.Document
		if settings.ReturnRawData {
			v.Raw = res.Raw
		}
	}
	v.Outcome, v.Reason, v.Message = DeriveOutcome(v.Checks, v.Review, settings.FraudDetectFailureBypass)
	claims := ProofClaims{Issuer: e.PublicURL, Subject: "document:" + doc.ID, IssuedAt: now.Unix(), ID: idproof.NewUUID(),
		TenantID: lic.TenantID, CommunityID: lic.CommunityID, DocumentType: docType, Status: "VERIFIED",
		ResultStatus: v.Outcome, Reason: v.Reason, Checks: []proofCheck{}, Sandbox: v.Sandbox}
	for _, c := range v.Checks {
		claims.Checks = append(claims.Checks, proofCheck{c.Name, c.Result, c.Reason})
	}
	if v.Document != (idproof.DocumentData{DocumentType: docType}) {
		claims.DocumentDigest = DocumentDigest(v.Document)
	}
	var token string
	if e.Signer != nil {
		if token, err = e.Signer.Sign(claims); err != nil {
			return nil, err
		}
	}
	cert := map[string]any{
		"docType": short, "docId": doc.ID, "type": short + "_authenticate", "authority": spec.Type,
		"ts": now.Unix(), "verified": v.Outcome == idproof.OutcomePass, "result": v.Outcome,
		"metadata": map[string]any{"checks": v.Checks, "reason": v.Reason, "message": v.Message, "review": v.Review,
			"sandbox": v.Sandbox, "document": v.Document},
		"token": token, "proof_jwt": token, "publicKey": e.ServerPublicKey, "sandbox": v.Sandbox,
	}
	if len(v.Raw) > 0 {
		cert["raw_data"] = v.Raw
	}
	return cert, nil
}

// imageInput reads an image field: base64 inline, or fetched from a URL
// through the guarded client (no private targets unless allowed).
func (e *Engine) imageInput(ctx context.Context, fetch *http.Client, field, b64, url string) ([]byte, error) {
	switch {
	case b64 != "":
		return DecodeInline("document."+field, b64)
	case url == "":
		return nil, nil
	case fetch == nil:
		return nil, invalid("document.%s_url is not supported on this server; send %s as base64", field, field)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil || (req.URL.Scheme != "https" && req.URL.Scheme != "http") {
		return nil, invalid("document.%s_url is not an http(s) URL", field)
	}
	resp, err := fetch.Do(req)
	if err != nil {
		return nil, invalid("document.%s_url could not be fetched: %v", field, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, invalid("document.%s_url answered %d", field, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxImageFetch+1))
	if err != nil {
		return nil, invalid("document.%s_url could not be read: %v", field, err)
	}
	if len(b) > maxImageFetch {
		return nil, idproof.Errorf(idproof.ETOOLARGE, "document.%s_url is larger than %d bytes", field, maxImageFetch)
	}
	return b, nil
}
