// Package client is a Go client for the API. It builds the headers and
// envelopes of the wire protocol (publickey, requestid, licensekey, and
// {"data": "<encrypted>"} bodies) and opens encrypted replies.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/wire"
)

// Client calls one server with one key pair and, optionally, one license.
type Client struct {
	base    string
	http    *http.Client
	key     *wire.PrivateKey
	pub     string
	license string
	appID   string
	now     func() time.Time

	mu        sync.Mutex
	serverKey string
	shared    wire.SharedKey
}

// Option configures a Client.
type Option func(*Client)

// WithKey sets the caller's key pair (default: a new random one, as a
// browser session would make).
func WithKey(k *wire.PrivateKey) Option { return func(c *Client) { c.key = k } }

// WithLicense sets the license key sent in the licensekey header.
func WithLicense(key string) Option { return func(c *Client) { c.license = key } }

// WithHTTPClient replaces the HTTP client (default: 30 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithAppID sets the appid of request ids (default "idproof-go-client").
func WithAppID(id string) Option { return func(c *Client) { c.appID = id } }

// WithServerKey pins the server's public key instead of fetching it.
func WithServerKey(k string) Option { return func(c *Client) { c.serverKey = k } }

// WithClock sets the clock of request ids (tests use it to go stale).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New returns a client for the server at baseURL (for example
// http://127.0.0.1:8080 or https://host/idproofingapi).
func New(baseURL string, opts ...Option) (*Client, error) {
	if _, err := url.Parse(baseURL); err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	c := &Client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: 30 * time.Second}, appID: "idproof-go-client", now: time.Now}
	for _, o := range opts {
		o(c)
	}
	if c.key == nil {
		k, err := wire.GenerateKey()
		if err != nil {
			return nil, err
		}
		c.key = k
	}
	c.pub = c.key.Public().String()
	return c, nil
}

// PublicKeyString is the caller's public key as sent in the publickey header.
func (c *Client) PublicKeyString() string { return c.pub }

// sharedKey fetches the server key once and derives the shared key.
func (c *Client) sharedKey(ctx context.Context) (wire.SharedKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shared != (wire.SharedKey{}) {
		return c.shared, nil
	}
	if c.serverKey == "" {
		var out struct {
			PublicKey string `json:"publicKey"`
		}
		if err := c.do(ctx, http.MethodGet, "/publickeys", nil, &out, callOptions{public: true}); err != nil {
			return wire.SharedKey{}, fmt.Errorf("fetch server public key: %w", err)
		}
		c.serverKey = out.PublicKey
	}
	pub, err := wire.ParsePublicKey(c.serverKey)
	if err != nil {
		return wire.SharedKey{}, fmt.Errorf("server public key: %w", err)
	}
	c.shared = c.key.Shared(pub)
	return c.shared, nil
}

// Headers returns a fresh set of authentication headers: publickey, a new
// requestid and, when a license is set, licensekey.
func (c *Client) Headers(ctx context.Context) (http.Header, error) {
	shared, err := c.sharedKey(ctx)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("publickey", c.pub)
	h.Set("requestid", wire.Encrypt(shared, wire.RequestID{TS: c.now().Unix(), AppID: c.appID, UUID: idproof.NewUUID()}.Marshal()))
	if c.license != "" {
		h.Set("licensekey", wire.Encrypt(shared, []byte(c.license)))
	}
	return h, nil
}

// CallOption changes one call.
type CallOption func(*callOptions)

type callOptions struct {
	public   bool              // send no credentials
	envelope bool              // send the body as {"data": "<encrypted>"}
	edit     func(http.Header) // change headers after they are built
}

// Envelope sends the body encrypted, as the vendor's clients do.
func Envelope() CallOption { return func(o *callOptions) { o.envelope = true } }

// Anonymous sends no credentials.
func Anonymous() CallOption { return func(o *callOptions) { o.public = true } }

// EditHeaders lets a caller change the built headers (tests use it to send
// broken ones). Several edits run in the order given.
func EditHeaders(f func(http.Header)) CallOption {
	return func(o *callOptions) {
		prev := o.edit
		o.edit = func(h http.Header) {
			if prev != nil {
				prev(h)
			}
			f(h)
		}
	}
}

// Do calls method path with in as JSON body (nil: no body) and decodes the
// reply into out (nil: discard). An encrypted reply {data, publicKey} is
// opened first. Non-2xx replies return *Error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any, opts ...CallOption) error {
	var o callOptions
	for _, f := range opts {
		f(&o)
	}
	return c.do(ctx, method, path, in, out, o)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any, o callOptions) error {
	var body io.Reader
	var h http.Header
	if !o.public {
		var err error
		if h, err = c.Headers(ctx); err != nil {
			return err
		}
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if o.envelope {
			shared, err := c.sharedKey(ctx)
			if err != nil {
				return err
			}
			b, _ = json.Marshal(map[string]string{"data": wire.Encrypt(shared, b)})
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if o.edit != nil {
		o.edit(req.Header)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newError(resp.StatusCode, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	data, err = c.open(ctx, data)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// open decrypts an encrypted reply {"data": "<...>", "publicKey": "..."}.
func (c *Client) open(ctx context.Context, data []byte) ([]byte, error) {
	var env struct {
		Data      *string `json:"data"`
		PublicKey string  `json:"publicKey"`
	}
	if json.Unmarshal(data, &env) != nil || env.Data == nil || env.PublicKey == "" {
		return data, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil || len(m) != 2 {
		return data, nil
	}
	shared, err := c.sharedKey(ctx)
	if err != nil {
		return nil, err
	}
	plain, err := wire.Decrypt(shared, *env.Data)
	if err != nil {
		// Not an envelope for us (e.g. the ecdsa helper's {data, publicKey}).
		return data, nil
	}
	return plain, nil
}

// Error is a non-2xx reply in the API's error format.
type Error struct {
	StatusCode int    `json:"statusCode"`
	Text       string `json:"error"`
	Message    string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.StatusCode, e.Text, e.Message) }

func newError(status int, body []byte) error {
	e := &Error{}
	if json.Unmarshal(body, e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
	}
	e.StatusCode = status
	if e.Text == "" {
		e.Text = http.StatusText(status)
	}
	return e
}
