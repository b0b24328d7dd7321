package client

import (
	"context"
	"net/http"
	"net/url"
)

// Health is the reply of GET /healthz.
type Health struct {
	Status    string `json:"status"`
	PublicKey string `json:"publicKey"`
	Code      string `json:"code"`
	Version   string `json:"version"`
}

// Healthz calls GET /healthz.
func (c *Client) Healthz(ctx context.Context) (*Health, error) {
	var h Health
	return &h, c.Do(ctx, http.MethodGet, "/healthz", nil, &h, Anonymous())
}

// ServerPublicKey calls GET /publickeys.
func (c *Client) ServerPublicKey(ctx context.Context) (string, error) {
	var out struct {
		PublicKey string `json:"publicKey"`
	}
	return out.PublicKey, c.Do(ctx, http.MethodGet, "/publickeys", nil, &out, Anonymous())
}

// Environment calls GET /environment.
func (c *Client) Environment(ctx context.Context) (map[string]any, error) {
	var out map[string]any
	return out, c.Do(ctx, http.MethodGet, "/environment", nil, &out, Anonymous())
}

// ServiceDirectory calls GET /sd.
func (c *Client) ServiceDirectory(ctx context.Context) (map[string]string, error) {
	var out map[string]string
	return out, c.Do(ctx, http.MethodGet, "/sd", nil, &out, Anonymous())
}

// ConnectorInfo is one entry of GET /info.
type ConnectorInfo struct {
	VerifierType string `json:"verifierType"`
	DocType      string `json:"docType"`
}

// Info calls GET /info.
func (c *Client) Info(ctx context.Context) ([]ConnectorInfo, error) {
	var out []ConnectorInfo
	return out, c.Do(ctx, http.MethodGet, "/info", nil, &out)
}

// ECDSAResult is the reply of the ecdsa helper.
type ECDSAResult struct {
	Data      string `json:"data"`
	PublicKey string `json:"publicKey"`
}

// ECDSAHelper calls POST /ecdsa_helper/{method} (encrypt or decrypt).
func (c *Client) ECDSAHelper(ctx context.Context, method, dataStr, publicKey, privateKey string) (*ECDSAResult, error) {
	var out ECDSAResult
	in := map[string]string{"dataStr": dataStr, "publicKey": publicKey, "privateKey": privateKey}
	return &out, c.Do(ctx, http.MethodPost, "/ecdsa_helper/"+url.PathEscape(method), in, &out, Anonymous())
}

// ServiceKey is a service key pair as the API returns it.
type ServiceKey struct {
	Tag       string `json:"tag"`
	KeyID     string `json:"keyId"`
	KeySecret string `json:"keySecret"`
	Type      string `json:"type"`
}

// ServiceKeys calls GET /servicekeys (system license).
func (c *Client) ServiceKeys(ctx context.Context) ([]ServiceKey, error) {
	var out []ServiceKey
	return out, c.Do(ctx, http.MethodGet, "/servicekeys", nil, &out)
}

// RotateServiceKey calls DELETE /servicekey/{keyId} (system license) and
// returns the new key.
func (c *Client) RotateServiceKey(ctx context.Context, keyID string) (*ServiceKey, error) {
	var out []ServiceKey
	if err := c.Do(ctx, http.MethodDelete, "/servicekey/"+url.PathEscape(keyID), nil, &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &Error{StatusCode: 500, Message: "empty reply"}
	}
	return &out[0], nil
}
