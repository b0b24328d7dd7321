package gcs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/blobtest"
)

const testBucket = "idproof-images"

// testEnv is a fake XML API that verifies signatures with the dummy service
// account's public key, and the Config of a store on it.
type testEnv struct {
	fake *fakeGCS
	cfg  Config
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	sa, key := loadServiceAccount(t)
	fake := newFakeGCS(testBucket, sa.ClientEmail, &key.PublicKey)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &testEnv{fake: fake, cfg: Config{
		Bucket:      testBucket,
		ClientEmail: sa.ClientEmail,
		PrivateKey:  sa.PrivateKey,
		ProjectID:   sa.ProjectID,
		Endpoint:    srv.URL,
		HTTPClient:  srv.Client(),
	}}
}

func (e *testEnv) store(t *testing.T) *Store {
	t.Helper()
	return newStore(t, e.cfg)
}

func newStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.backoff = time.Millisecond // retries are tested, not their pacing
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) idproof.BlobStore { return newTestEnv(t).store(t) })
}

// TestVerifierAcceptsVectors runs the fake's verifier on every signed URL
// of Google's conformance vectors, at the vector's own time, so the
// verifier that judges the store is itself checked against Google's
// signatures and not only against the signer it tests.
func TestVerifierAcceptsVectors(t *testing.T) {
	sa, key := loadServiceAccount(t)
	b, err := os.ReadFile("testdata/v4_signatures.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		SigningV4Tests []v4Vector `json:"signingV4Tests"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for _, v := range file.SigningV4Tests {
		t.Run(v.Description, func(t *testing.T) {
			fake := newFakeGCS(v.Bucket, sa.ClientEmail, &key.PublicKey)
			fake.now = func() time.Time { return v.Timestamp }
			req, err := http.NewRequest(v.Method, v.ExpectedURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, val := range v.Headers {
				req.Header.Add(k, val)
			}
			if err := fake.verify(req); err != nil {
				t.Errorf("verify: %v", err)
			}
			// One second past expiry the same URL is refused.
			fake.now = func() time.Time { return v.Timestamp.Add(time.Duration(v.Expiration+1) * time.Second) }
			if err := fake.verify(req); err == nil || err.code != "ExpiredToken" {
				t.Errorf("verify after expiry: %v, want ExpiredToken", err)
			}
		})
	}
}

// send sends one request and returns its status.
func send(t *testing.T, method, u string, header http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := blobtest.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// setQuery returns u with query parameter name set to value; the rest of
// the query, signature included, is left as issued.
func setQuery(t *testing.T, u, name, value string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	q.Set(name, value)
	p.RawQuery = q.Encode()
	return p.String()
}

// TestSignedURLRefused checks that the verifying fake refuses every use of
// a signed URL it was not issued for, with the status Cloud Storage uses.
func TestSignedURLRefused(t *testing.T) {
	env := newTestEnv(t)
	s := env.store(t)
	ctx := t.Context()
	const key = "sessions/s1/front.jpg"
	old := []byte("stored image")
	if err := s.Put(ctx, key, "image/jpeg", bytes.NewReader(old), int64(len(old))); err != nil {
		t.Fatal(err)
	}
	get, err := s.PresignGet(ctx, key, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put, err := s.PresignPut(ctx, key, "image/jpeg", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	// A clock an hour behind issues URLs that expired before they were
	// used.
	past := env.cfg
	past.Clock = idproof.ClockFunc(func() time.Time { return time.Now().Add(-time.Hour) })
	expiredGet, err := newStore(t, past).PresignGet(ctx, key, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	// The same account name with another key: what a leaked, revoked or
	// mistyped key produces.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wrongKey := env.cfg
	wrongKey.PrivateKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}))
	wrongGet, err := newStore(t, wrongKey).PresignGet(ctx, key, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	bad, err := blobtest.TamperSignature(get)
	if err != nil {
		t.Fatal(err)
	}
	jpeg := http.Header{"Content-Type": {"image/jpeg"}}
	tests := []struct {
		name   string
		method string
		url    string
		header http.Header
		want   int
	}{
		{"tampered signature", http.MethodGet, bad, nil, http.StatusForbidden},
		{"GET URL with a longer expiry", http.MethodGet, setQuery(t, get, "X-Goog-Expires", "604800"), nil, http.StatusForbidden},
		{"GET URL with a later date", http.MethodGet, setQuery(t, get, "X-Goog-Date", time.Now().UTC().Add(time.Minute).Format("20060102T150405Z")), nil, http.StatusForbidden},
		{"GET URL with an added parameter", http.MethodGet, setQuery(t, get, "response-content-type", "text/html"), nil, http.StatusForbidden},
		{"GET URL used to PUT", http.MethodPut, get, jpeg, http.StatusForbidden},
		{"GET URL used to DELETE", http.MethodDelete, get, nil, http.StatusForbidden},
		{"PUT URL used to GET", http.MethodGet, put, nil, http.StatusForbidden},
		{"PUT URL used to DELETE", http.MethodDelete, put, jpeg, http.StatusForbidden},
		{"PUT URL with another content type", http.MethodPut, put, http.Header{"Content-Type": {"text/html"}}, http.StatusForbidden},
		{"PUT URL without content type", http.MethodPut, put, nil, http.StatusForbidden},
		{"GET URL signed with another key", http.MethodGet, wrongGet, nil, http.StatusForbidden},
		{"expired GET URL", http.MethodGet, expiredGet, nil, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.method == http.MethodPut {
				body = []byte("<script>")
			}
			if got := send(t, tc.method, tc.url, tc.header, body); got != tc.want {
				t.Errorf("%s: status %d, want %d", tc.method, got, tc.want)
			}
			blobtest.CheckObject(t, s, key, old)
		})
	}

	if got := send(t, http.MethodGet, get, nil, nil); got != http.StatusOK {
		t.Errorf("GET as issued: status %d", got)
	}
	if got := send(t, http.MethodPut, put, jpeg, []byte("new")); got != http.StatusOK {
		t.Errorf("PUT as issued: status %d", got)
	}
	blobtest.CheckObject(t, s, key, []byte("new"))
}

// TestEscapedKeys checks that keys needing percent-encoding are signed the
// way they travel, by the store's requests and by presigned URLs.
func TestEscapedKeys(t *testing.T) {
	s := newTestEnv(t).store(t)
	keys := []string{"with space/ä+b.jpg", "q?x/hash#1.png", "pct%20lit/a&b=c;d~e.jpg", "colon:at@/(paren)!*'.png"}
	for _, k := range keys {
		u, err := s.PresignPut(t.Context(), k, "image/png", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got := send(t, http.MethodPut, u, http.Header{"Content-Type": {"image/png"}}, []byte(k)); got != http.StatusOK {
			t.Fatalf("PUT %q: status %d", k, got)
		}
		blobtest.CheckObject(t, s, k, []byte(k))
	}
	got, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(keys)); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	for _, k := range keys {
		if err := s.Delete(t.Context(), k); err != nil {
			t.Errorf("Delete(%q): %v", k, err)
		}
		blobtest.CheckMissing(t, s, k)
	}
}

// TestListPages lists across several pages, following continuation
// tokens, and only under the prefix.
func TestListPages(t *testing.T) {
	s := newTestEnv(t).store(t)
	s.pageSize = 2
	var want []string
	for i := range 7 {
		k := fmt.Sprintf("p/%02d.jpg", i)
		want = append(want, k)
		if err := s.Put(t.Context(), k, "image/jpeg", strings.NewReader(k), int64(len(k))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(t.Context(), "q/other.jpg", "image/jpeg", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	got, err := s.List(t.Context(), "p/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

// TestPutStream sends a body of unknown length, which goes chunked.
func TestPutStream(t *testing.T) {
	s := newTestEnv(t).store(t)
	b := blobtest.RandomBytes(300 << 10)
	r := struct{ io.Reader }{bytes.NewReader(b)} // hides Seek
	if err := s.Put(t.Context(), "big.jpg", "image/jpeg", r, -1); err != nil {
		t.Fatal(err)
	}
	blobtest.CheckObject(t, s, "big.jpg", b)
}

// TestRetry checks that transient 503s are retried where a request can be
// repeated, and surface as EUNAVAILABLE when they persist.
func TestRetry(t *testing.T) {
	env := newTestEnv(t)
	s := env.store(t)
	b := []byte("image")

	env.fake.failNext = 2
	if err := s.Put(t.Context(), "a.jpg", "image/jpeg", bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("Put after two 503s: %v", err)
	}
	blobtest.CheckObject(t, s, "a.jpg", b)

	env.fake.failNext = 3
	_, _, err := s.Open(t.Context(), "a.jpg")
	if code := idproof.ErrorCode(err); code != idproof.EUNAVAILABLE {
		t.Errorf("Open after three 503s: code %q (%v), want %q", code, err, idproof.EUNAVAILABLE)
	}

	// A body that cannot be rewound is sent once.
	env.fake.failNext = 1
	env.fake.requests = map[string]int{}
	err = s.Put(t.Context(), "b.jpg", "image/jpeg", struct{ io.Reader }{bytes.NewReader(b)}, int64(len(b)))
	if code := idproof.ErrorCode(err); code != idproof.EUNAVAILABLE {
		t.Errorf("Put of a stream after a 503: code %q (%v), want %q", code, err, idproof.EUNAVAILABLE)
	}
	if n := env.fake.requests[http.MethodPut]; n != 1 {
		t.Errorf("stream sent %d times, want 1", n)
	}
}

// TestMisconfigured checks that a wrong key or bucket is an error of its
// own, never mistaken for a missing object.
func TestMisconfigured(t *testing.T) {
	env := newTestEnv(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wrongKey := env.cfg
	wrongKey.PrivateKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}))
	wrongBucket := env.cfg
	wrongBucket.Bucket = "no-such-bucket"
	for name, cfg := range map[string]Config{"wrong key": wrongKey, "wrong bucket": wrongBucket} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, cfg)
			_, _, err := s.Open(t.Context(), "a.jpg")
			if code := idproof.ErrorCode(err); code != idproof.EINTERNAL {
				t.Errorf("Open: code %q (%v), want %q", code, err, idproof.EINTERNAL)
			}
			if err := s.Put(t.Context(), "a.jpg", "image/jpeg", strings.NewReader("x"), 1); err == nil {
				t.Error("Put succeeded")
			}
			if _, err := s.List(t.Context(), ""); err == nil {
				t.Error("List succeeded")
			}
			if err := s.Delete(t.Context(), "a.jpg"); err == nil {
				t.Error("Delete succeeded")
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	cfg := newTestEnv(t).cfg
	cfg.Endpoint = srv.URL
	srv.Close()
	s := newStore(t, cfg)
	if err := s.Delete(t.Context(), "a.jpg"); idproof.ErrorCode(err) != idproof.EUNAVAILABLE {
		t.Errorf("Delete with storage down: %v, want EUNAVAILABLE", err)
	}
}

func TestNew(t *testing.T) {
	sa, _ := loadServiceAccount(t)
	ok := Config{Bucket: testBucket, ClientEmail: sa.ClientEmail, PrivateKey: sa.PrivateKey, ProjectID: sa.ProjectID}
	escaped := strings.ReplaceAll(sa.PrivateKey, "\n", `\n`)
	tests := []struct {
		name   string
		modify func(*Config)
		ok     bool
	}{
		{"valid", func(*Config) {}, true},
		{"key with escaped newlines", func(c *Config) { c.PrivateKey = escaped }, true},
		{"endpoint with port", func(c *Config) { c.Endpoint = "http://127.0.0.1:4443/" }, true},
		{"dotted bucket", func(c *Config) { c.Bucket = "images.example.com" }, true},
		{"no bucket", func(c *Config) { c.Bucket = "" }, false},
		{"bucket uppercase", func(c *Config) { c.Bucket = "Images" }, false},
		{"bucket with slash", func(c *Config) { c.Bucket = "a/b" }, false},
		{"bucket ending in hyphen", func(c *Config) { c.Bucket = "abc-" }, false},
		{"no email", func(c *Config) { c.ClientEmail = "" }, false},
		{"no key", func(c *Config) { c.PrivateKey = "" }, false},
		{"key not PEM", func(c *Config) { c.PrivateKey = "not a key" }, false},
		{"endpoint with path", func(c *Config) { c.Endpoint = "https://storage.example.com/v1" }, false},
		{"endpoint without scheme", func(c *Config) { c.Endpoint = "storage.example.com" }, false},
		{"endpoint ftp", func(c *Config) { c.Endpoint = "ftp://storage.example.com" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.modify(&c)
			_, err := New(t.Context(), c)
			if tc.ok && err != nil {
				t.Errorf("New: %v", err)
			}
			if !tc.ok && idproof.ErrorCode(err) != idproof.EINVALID {
				t.Errorf("New: %v, want EINVALID", err)
			}
		})
	}
}

func TestParsePrivateKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)})
	if _, err := ParsePrivateKey(string(pkcs1)); err != nil {
		t.Errorf("PKCS#1: %v", err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePrivateKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))); err == nil {
		t.Error("an ECDSA key was accepted")
	}
	if _, err := ParsePrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"); err == nil {
		t.Error("garbage DER was accepted")
	}
}

func TestPresignInvalid(t *testing.T) {
	s := newTestEnv(t).store(t)
	for _, key := range []string{"", "/a", "a//b", "a/../b", "./a", "a/"} {
		if _, err := s.PresignGet(t.Context(), key, time.Minute); idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("PresignGet(%q): %v, want EINVALID", key, err)
		}
	}
	for _, d := range []time.Duration{0, time.Millisecond, MaxExpires + time.Second} {
		if _, err := s.PresignGet(t.Context(), "a", d); idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("PresignGet with expiry %v: %v, want EINVALID", d, err)
		}
	}
	if _, err := s.PresignPut(t.Context(), "a", "", time.Minute); idproof.ErrorCode(err) != idproof.EINVALID {
		t.Errorf("PresignPut without content type: %v, want EINVALID", err)
	}
}

// TestPresignShape pins what a PUT URL signs: path style on the endpoint,
// the content type among the signed headers, the expiry in seconds.
func TestPresignShape(t *testing.T) {
	sa, _ := loadServiceAccount(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newStore(t, Config{Bucket: testBucket, ClientEmail: sa.ClientEmail, PrivateKey: sa.PrivateKey,
		Clock: idproof.ClockFunc(func() time.Time { return at })})
	u, err := s.PresignPut(t.Context(), "dir/a b.jpg", "image/jpeg", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if p.Scheme != "https" || p.Host != "storage.googleapis.com" || p.EscapedPath() != "/"+testBucket+"/dir/a%20b.jpg" {
		t.Errorf("URL %s: want https://storage.googleapis.com/%s/dir/a%%20b.jpg", u, testBucket)
	}
	q := p.Query()
	want := map[string]string{
		"X-Goog-Algorithm":     "GOOG4-RSA-SHA256",
		"X-Goog-Credential":    sa.ClientEmail + "/20260301/auto/storage/goog4_request",
		"X-Goog-Date":          "20260301T120000Z",
		"X-Goog-Expires":       "900",
		"X-Goog-SignedHeaders": "content-type;host",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
}
