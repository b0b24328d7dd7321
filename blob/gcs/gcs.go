// Package gcs keeps session images in a Google Cloud Storage bucket.
//
// Every request, the presigned URLs handed to browsers and the store's own
// reads, writes, deletes and listings alike, is a V4 signed URL (see
// [SignURL]) to the XML API, signed with the service account's private key.
// One mechanism serves both, and no OAuth token exchange, token cache or
// metadata server is involved.
//
// The signing is written here rather than taken from
// cloud.google.com/go/storage: that library brings gRPC, OpenTelemetry,
// google.golang.org/api and dozens of other modules into the build for what
// is, for this store, a few HTTP requests and an RSA signature. The signer
// is checked against every URL-signing vector of Google's published V4
// conformance tests (testdata/v4_signatures.json).
package gcs

import (
	"context"
	"crypto/rsa"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Config locates a bucket and the service account that signs for it.
type Config struct {
	// Bucket is the bucket's name (the bucket's bucketName).
	Bucket string
	// ClientEmail and PrivateKey are the service account's client_email
	// and private_key (PEM) from its JSON key file.
	ClientEmail string
	PrivateKey  string
	// ProjectID is the service account's project. No XML API call on
	// objects needs it; it is kept so the configuration mirrors the key
	// file.
	ProjectID string
	// Endpoint is scheme://host[:port] of the XML API, DefaultEndpoint if
	// empty.
	Endpoint string
	// HTTPClient sends the store's own requests. Nil means a client of this
	// package with connection and response-header timeouts (never
	// http.DefaultClient).
	HTTPClient *http.Client
	// Clock dates signatures. Nil means the system clock.
	Clock idproof.Clock
}

// Store is an [idproof.BlobStore] on one Cloud Storage bucket.
type Store struct {
	bucket   string
	email    string
	key      *rsa.PrivateKey
	endpoint string
	client   *http.Client
	clock    idproof.Clock
	pageSize int // List page size (max-keys); 0 lets the service choose
	backoff  time.Duration
}

var _ idproof.BlobStore = (*Store)(nil)

// requestTTL is how long the signature of the store's own requests lasts.
// They are sent at once, so it only has to cover clock skew; keeping it
// short limits what a URL leaked into a log is good for.
const requestTTL = 15 * time.Minute

// defaultClient neither follows redirects, which would carry a signature
// to another URL, nor waits forever for a response to start.
var defaultClient = &http.Client{
	Transport: func() http.RoundTripper {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 2 * time.Minute
		return t
	}(),
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// New checks cfg and returns a store. It sends no request, so wrong
// credentials or a missing bucket show on first use rather than at startup,
// when storage may be briefly unreachable.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := validBucketName(cfg.Bucket); err != nil {
		return nil, err
	}
	if cfg.ClientEmail == "" || cfg.PrivateKey == "" {
		return nil, idproof.Errorf(idproof.EINVALID, "gcs: clientEmail and privateKey are required")
	}
	key, err := ParsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "gcs: privateKey is not a PEM RSA private key")
	}
	endpoint := strings.TrimRight(cfg.Endpoint, "/")
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "gcs: endpoint must be scheme://host[:port]")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = defaultClient
	}
	clock := cfg.Clock
	if clock == nil {
		clock = idproof.SystemClock{}
	}
	return &Store{bucket: cfg.Bucket, email: cfg.ClientEmail, key: key, endpoint: endpoint, client: client, clock: clock, backoff: 200 * time.Millisecond}, nil
}

// PresignPut returns a V4 signed URL for a PUT of key. The Content-Type
// header is signed, so the upload must send exactly contentType.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error) {
	if contentType == "" {
		return "", idproof.Errorf(idproof.EINVALID, "gcs: content type is required")
	}
	return s.presign(http.MethodPut, key, map[string]string{"Content-Type": contentType}, expires)
}

// PresignGet returns a V4 signed URL for a GET of key.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	return s.presign(http.MethodGet, key, nil, expires)
}

func (s *Store) presign(method, key string, headers map[string]string, expires time.Duration) (string, error) {
	if err := validKey(key); err != nil {
		return "", err
	}
	if expires < time.Second || expires > MaxExpires {
		return "", idproof.Errorf(idproof.EINVALID, "gcs: expiry must be between 1s and %v", MaxExpires)
	}
	return s.sign(method, key, headers, nil, expires)
}

func (s *Store) sign(method, key string, headers map[string]string, query url.Values, expires time.Duration) (string, error) {
	return SignURL(SignOptions{
		Method:      method,
		Bucket:      s.bucket,
		Object:      key,
		Endpoint:    s.endpoint,
		Time:        s.clock.Now(),
		Expires:     expires,
		Headers:     headers,
		Query:       query,
		ClientEmail: s.email,
		Key:         s.key,
	})
}

// Put stores an object from r. With size < 0 the body is sent chunked.
func (s *Store) Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	if err := validKey(key); err != nil {
		return err
	}
	var headers map[string]string
	if contentType != "" {
		headers = map[string]string{"Content-Type": contentType}
	}
	resp, err := s.do(ctx, http.MethodPut, key, nil, headers, r, size)
	if err != nil {
		return err
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return s.fail("put", key, resp)
	}
	return nil
}

// Open reads an object. A missing object is ENOTFOUND.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := validKey(key); err != nil {
		return nil, 0, err
	}
	resp, err := s.do(ctx, http.MethodGet, key, nil, nil, nil, 0)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, resp.ContentLength, nil
	}
	defer drain(resp)
	if err := s.fail("open", key, resp); !isNoSuchKey(err) {
		return nil, 0, err
	}
	return nil, 0, idproof.Errorf(idproof.ENOTFOUND, "object %s not found", key)
}

// Delete removes an object; a missing object is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	resp, err := s.do(ctx, http.MethodDelete, key, nil, nil, nil, 0)
	if err != nil {
		return err
	}
	defer drain(resp)
	if resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusOK {
		return nil
	}
	if err := s.fail("delete", key, resp); !isNoSuchKey(err) {
		return err
	}
	return nil
}

// listResult is the part of the XML API's ListBucketResult that List uses.
type listResult struct {
	IsTruncated           bool   `xml:"IsTruncated"`
	NextContinuationToken string `xml:"NextContinuationToken"`
	Contents              []struct {
		Key string `xml:"Key"`
	} `xml:"Contents"`
}

// maxListBody bounds one page of listing XML; a page of 1000 keys of the
// longest allowed name stays well below it.
const maxListBody = 16 << 20

// List returns the object names under prefix, sorted, following
// continuation tokens across pages.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}}
		if prefix != "" {
			q.Set("prefix", prefix)
		}
		if token != "" {
			q.Set("continuation-token", token)
		}
		if s.pageSize > 0 {
			q.Set("max-keys", fmt.Sprint(s.pageSize))
		}
		resp, err := s.do(ctx, http.MethodGet, "", q, nil, nil, 0)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			err := s.fail("list", prefix, resp)
			drain(resp)
			return nil, err
		}
		var page listResult
		err = xml.NewDecoder(io.LimitReader(resp.Body, maxListBody)).Decode(&page)
		drain(resp)
		if err != nil {
			return nil, fmt.Errorf("gcs: list %s: decode: %w", prefix, err)
		}
		for _, c := range page.Contents {
			keys = append(keys, c.Key)
		}
		if !page.IsTruncated {
			break
		}
		if page.NextContinuationToken == "" || page.NextContinuationToken == token {
			return nil, fmt.Errorf("gcs: list %s: truncated page without a new continuation token", prefix)
		}
		token = page.NextContinuationToken
	}
	sort.Strings(keys)
	return keys, nil
}

// do signs and sends one request to object (the bucket itself when object
// is empty). Requests without a body, or with one that can be rewound, are
// retried on throttling, server errors and network failures.
func (s *Store) do(ctx context.Context, method, object string, query url.Values, headers map[string]string, body io.Reader, size int64) (*http.Response, error) {
	op := strings.ToLower(method) + " " + object
	var start int64
	seeker, rewindable := body.(io.Seeker)
	if rewindable {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			rewindable = false
		}
	}
	retry := body == nil || rewindable
	delay := s.backoff
	for attempt := 1; ; attempt++ {
		u, err := s.sign(method, object, headers, query, requestTTL)
		if err != nil {
			return nil, err
		}
		// The client closes a request body it is given; a retry needs
		// the caller's reader still open, so the client gets a wrapper.
		var rb io.Reader
		if body != nil {
			rb = io.NopCloser(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u, rb)
		if err != nil {
			return nil, fmt.Errorf("gcs: %s: %w", op, err)
		}
		if body != nil {
			req.ContentLength = size
			if size == 0 {
				// A zero ContentLength with a non-nil body means "unknown"
				// to net/http; an empty object must go as length 0.
				req.Body = http.NoBody
			}
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := s.client.Do(req)
		transient := err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if !transient || !retry || attempt == 3 || ctx.Err() != nil {
			if err != nil {
				return nil, s.netErr(op, err)
			}
			return resp, nil
		}
		if resp != nil {
			drain(resp)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("gcs: %s: %w", op, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 4
		if rewindable {
			if _, err := seeker.Seek(start, io.SeekStart); err != nil {
				return nil, fmt.Errorf("gcs: %s: rewind body: %w", op, err)
			}
		}
	}
}

// netErr classifies a failure to get any response: the context's own end
// stays as it is; anything else means storage could not be reached.
func (s *Store) netErr(op string, err error) error {
	var netErr net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &netErr) {
		return fmt.Errorf("gcs: %s: %w", op, err)
	}
	return fmt.Errorf("%w: gcs: %s: %w", unavailable(), op, err)
}

// apiError is an error response of the XML API.
type apiError struct {
	Op      string `xml:"-"`
	Key     string `xml:"-"`
	Status  int    `xml:"-"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("gcs: %s %s: %d %s: %s", e.Op, e.Key, e.Status, e.Code, e.Message)
}

// isNoSuchKey reports whether err is a 404 for the object rather than for
// the bucket: a missing bucket is a misconfiguration that must not pass for
// a missing (or successfully deleted) object.
func isNoSuchKey(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == http.StatusNotFound && e.Code != "NoSuchBucket"
}

// fail turns an unexpected response into an error: throttling and server
// errors are EUNAVAILABLE; anything else (a refused signature, a missing
// bucket) is an internal misconfiguration. The service's code and message
// go into the error for logs, not into the caller-safe message.
func (s *Store) fail(op, key string, resp *http.Response) error {
	e := &apiError{}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = xml.Unmarshal(b, e)
	e.Op, e.Key, e.Status = op, key, resp.StatusCode
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return fmt.Errorf("%w: %w", unavailable(), e)
	}
	return e
}

func unavailable() error {
	return idproof.Errorf(idproof.EUNAVAILABLE, "blob storage is unavailable")
}

// drain reads what is left of a small response and closes it, so the
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// validKey refuses keys that would not name one object: empty, absolute, or
// with empty or dot segments, which URL handling would collapse into another
// object's name.
func validKey(key string) error {
	if key == "" || len(key) > 1024 {
		return idproof.Errorf(idproof.EINVALID, "invalid object key")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return idproof.Errorf(idproof.EINVALID, "invalid object key")
		}
	}
	return nil
}

// validBucketName applies Cloud Storage's naming rules, so a typo in the
// bucket configuration fails at creation instead of on first upload. It
// also keeps the name safe to put in a URL path unescaped.
func validBucketName(name string) error {
	bad := idproof.Errorf(idproof.EINVALID, "gcs: bucketName must be 3-222 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
	if len(name) < 3 || len(name) > 222 {
		return bad
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !alnum(c) && c != '-' && c != '_' && c != '.' {
			return bad
		}
	}
	return nil
}
