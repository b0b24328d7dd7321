package authenticid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/netguard"
)

// ErrPending means the scan session has no final result yet: ask again
// later or wait for the postback.
var ErrPending = errors.New("authenticid: the scan session is still in progress")

// ErrWebDisabled is returned by the CFWeb methods when the configuration
// does not enable scan sessions.
var ErrWebDisabled = idproof.Errorf(idproof.ENOTIMPLEMENTED, "authenticid: scan sessions are not enabled (connector.config.document_share_session_enabled)")

// Status is a CFWeb request's state, as GET /api/status and the postback
// report it.
type Status struct {
	RequestID     string        `json:"requestID"`
	RequestStatus string        `json:"requestStatus"`
	UID           string        `json:"uid"`
	Transactions  []Transaction `json:"transactions"`
	// Raw is the body as received, with every field, known or not.
	Raw json.RawMessage `json:"-"`
}

// Transaction is one capture attempt within a CFWeb request.
type Transaction struct {
	TransactionID        string       `json:"transactionID"`
	TransactionStatus    string       `json:"transactionStatus"` // COMPLETED, EXPIRED, FAILED, or in progress
	TransactionSubStatus string       `json:"transactionSubStatus,omitempty"`
	SequenceNumber       FlexInt      `json:"sequenceNumber"`
	SegmentName          string       `json:"segmentName,omitempty"`
	ActionCodes          *ActionCodes `json:"actionCodes,omitempty"`
	// PII holds the fields asked for in cfweb_channelResponse, by DQL name
	// or plain name, and base64 images.
	PII              map[string]json.RawMessage `json:"pii,omitempty"`
	FailIDEThreshold []Threshold                `json:"failIDEThreshold,omitempty"`
}

// Threshold is one entry of a transaction's IDE threshold lists.
type Threshold struct {
	Category           string `json:"Category,omitempty"`
	Name               string `json:"Name,omitempty"`
	ScoreSegmentResult string `json:"ScoreSegmentResult,omitempty"`
}

// webCall sends a JSON request to CFWeb and returns the 2xx body.
func (c *Connector) webCall(ctx context.Context, method, path, jwt string, in any, what string) ([]byte, error) {
	if !c.cfg.web {
		return nil, ErrWebDisabled
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	var body io.Reader // a nil interface, not a nil *bytes.Reader, when there is no body
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("authenticid %s: %w", what, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.webURL+path, body)
	if err != nil {
		return nil, fmt.Errorf("authenticid %s: build request: %w", what, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if jwt != "" {
		req.Header.Set("Authorization", "Bearer "+jwt)
	}
	return c.do(req, what)
}

// Login exchanges the CFWeb credentials (cfweb_cert as username, cfweb_key
// as password) for a jwt.
func (c *Connector) Login(ctx context.Context) (string, error) {
	raw, err := c.webCall(ctx, http.MethodPost, "/api/login", "", map[string]string{"username": c.cfg.webUser, "password": c.cfg.webPassword}, "login")
	if err != nil {
		return "", err
	}
	var r struct {
		JWT string `json:"jwt"`
	}
	if err := decodeObject(raw, &r); err != nil {
		return "", fmt.Errorf("authenticid login: %w", err)
	}
	if strings.TrimSpace(r.JWT) == "" {
		return "", errors.New("authenticid login: the response has no jwt")
	}
	return r.JWT, nil
}

// verifyRequest is the body of POST /api/verify.
type verifyRequest struct {
	Channel              string          `json:"channel"`
	ChannelConfiguration json.RawMessage `json:"channelConfiguration,omitempty"`
	ChannelResponse      []string        `json:"channelResponse,omitempty"`
	TransactionDetails   struct {
		AccountCode json.RawMessage `json:"accountCode"`
	} `json:"transactionDetails"`
	PostbackURL string `json:"postbackURL,omitempty"`
	RedirectURL string `json:"redirectURL,omitempty"`
}

// StartVerification opens a scan session: it returns the vendor's request
// id and the capture URL to send the user to. postbackURL receives the
// result (see ParsePostback); redirectURL is where the user lands after.
func (c *Connector) StartVerification(ctx context.Context, jwt, postbackURL, redirectURL string) (requestID, captureURL string, err error) {
	if strings.TrimSpace(jwt) == "" {
		return "", "", errors.New("authenticid verify: no jwt; call Login first")
	}
	in := verifyRequest{Channel: "URL", ChannelConfiguration: c.cfg.channelConfiguration, ChannelResponse: c.cfg.channelResponse, PostbackURL: postbackURL, RedirectURL: redirectURL}
	in.TransactionDetails.AccountCode = c.cfg.accountCode
	raw, err := c.webCall(ctx, http.MethodPost, "/api/verify", jwt, in, "verify")
	if err != nil {
		return "", "", err
	}
	var r struct {
		RequestID string `json:"requestID"`
		URL       string `json:"url"`
	}
	if err := decodeObject(raw, &r); err != nil {
		return "", "", fmt.Errorf("authenticid verify: %w", err)
	}
	if r.RequestID == "" || r.URL == "" {
		return "", "", errors.New("authenticid verify: the response lacks requestID or url")
	}
	// The URL is handed to the user's browser: only a web URL will do.
	if err := netguard.CheckURL(r.URL, c.allowPrivate); err != nil {
		return "", "", fmt.Errorf("authenticid verify: the capture url %v", err)
	}
	return r.RequestID, r.URL, nil
}

// Status fetches the state of a scan session.
func (c *Connector) Status(ctx context.Context, jwt, requestID string) (*Status, error) {
	if strings.TrimSpace(jwt) == "" || strings.TrimSpace(requestID) == "" {
		return nil, errors.New("authenticid status: jwt and requestID are required")
	}
	raw, err := c.webCall(ctx, http.MethodGet, "/api/status?requestID="+url.QueryEscape(requestID), jwt, nil, "status")
	if err != nil {
		return nil, err
	}
	st, err := ParsePostback(raw)
	if err != nil {
		return nil, fmt.Errorf("authenticid status: %w", err)
	}
	if st.RequestID != requestID {
		return nil, fmt.Errorf("authenticid status: the answer is for another request")
	}
	return st, nil
}

// ParsePostback decodes a CFWeb status body, as posted to postbackURL or
// returned by GET /api/status. The postback is not signed in the public
// documentation, so callers should confirm it with Status before acting.
func ParsePostback(body []byte) (*Status, error) {
	var st Status
	if err := decodeObject(body, &st); err != nil {
		return nil, err
	}
	if strings.TrimSpace(st.RequestID) == "" {
		return nil, errors.New("the status has no requestID")
	}
	st.Raw = append(json.RawMessage(nil), body...)
	return &st, nil
}

// MapStatus turns a scan session's state into a verdict for the requested
// checks; see the package comment for the table. It returns ErrPending
// while the session has no final result. The verdict's document data comes
// from the latest transaction's pii; its DocumentType is left to the
// caller, which knows the session's document type.
func (c *Connector) MapStatus(st *Status, checks []string) (*idproof.Verdict, error) {
	if st == nil {
		return nil, errors.New("authenticid: no status")
	}
	var t *Transaction
	for i := range st.Transactions {
		if t == nil || st.Transactions[i].SequenceNumber >= t.SequenceNumber {
			t = &st.Transactions[i]
		}
	}
	status, request := "", strings.ToUpper(strings.TrimSpace(st.RequestStatus))
	if t != nil {
		status = strings.ToUpper(strings.TrimSpace(t.TransactionStatus))
	}
	final := status == "COMPLETED" || status == "FAILED" || status == "EXPIRED"
	var v *idproof.Verdict
	switch {
	case status == "COMPLETED":
		var err error
		v, err = decide(checks, c.cfg.actionCode, answer{codes: t.ActionCodes, word: t.SegmentName, emptyPasses: true, failed: failedThresholds(t.FailIDEThreshold), hasBack: true})
		if err != nil {
			return nil, err
		}
	case status == "FAILED" || (!final && request == "FAILED"):
		v = verdictFor(checks, idproof.CheckFail, reasonFailed, "AuthenticID: the scan session failed", true)
	case status == "EXPIRED" || (!final && request == "EXPIRED"):
		v = verdictFor(checks, idproof.CheckNotPerformed, reasonExpired, "AuthenticID: the scan session expired before it was completed", true)
	default:
		return nil, ErrPending
	}
	if t != nil {
		fields := map[string]string{}
		stringFields(fields, "", t.PII)
		v.Document = documentData(fields, "")
	}
	v.Raw = st.Raw
	return v, nil
}

// failedThresholds counts threshold entries that are not informational.
func failedThresholds(ts []Threshold) int {
	n := 0
	for _, t := range ts {
		switch strings.ToUpper(strings.TrimSpace(t.ScoreSegmentResult)) {
		case "N/A", "INFO ONLY", "PASS":
		default:
			n++
		}
	}
	return n
}
