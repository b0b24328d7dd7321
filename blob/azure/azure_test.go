package azure

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/blobtest"
	"github.com/idproof/idproof/internal/testservers"
)

// The package's tests share one Azurite; TestMain stops it.
var azurite struct {
	once sync.Once
	srv  *testservers.AzureServer
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if azurite.srv != nil {
		azurite.srv.Stop()
	}
	os.Exit(code)
}

// requireAzurite starts the shared emulator on first use; without the
// binary the test skips (fails under CI=true).
func requireAzurite(t *testing.T) *testservers.AzureServer {
	t.Helper()
	azurite.once.Do(func() { azurite.srv, azurite.err = testservers.StartAzurite() })
	if azurite.err != nil {
		testservers.Require(t, "azurite", testservers.AzuriteInstall, azurite.err)
	}
	return azurite.srv
}

// newContainer creates a container of its own for t, deleted when t ends,
// and returns the Config of a store on it.
func newContainer(t *testing.T) Config {
	t.Helper()
	az := requireAzurite(t)
	cfg := Config{
		AccountName: az.AccountName,
		AccountKey:  az.AccountKey,
		Container:   "t" + hex.EncodeToString(blobtest.RandomBytes(8)),
		Endpoint:    az.Endpoint,
	}
	s := newStore(t, cfg)
	if _, err := s.client.Create(t.Context(), nil); err != nil {
		t.Fatalf("create container: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.client.Delete(ctx, nil); err != nil {
			t.Logf("delete container: %v", err)
		}
	})
	return cfg
}

func newStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	cfg := newContainer(t)
	blobtest.Run(t, func(t *testing.T) idproof.BlobStore { return newStore(t, cfg) },
		blobtest.WithPutHeaders(PutHeaders))
}

// do sends one request and returns its status and body.
func do(t *testing.T, method, u string, header http.Header, body []byte) (int, string) {
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
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// withQuery returns u with query parameter name set to value, the signature
// left as issued.
func withQuery(t *testing.T, u, name, value string) string {
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

// TestSASRefused checks that Azurite answers 403 to every use of a SAS URL
// that it was not issued for, and that the same URLs work as issued.
func TestSASRefused(t *testing.T) {
	cfg := newContainer(t)
	s := newStore(t, cfg)
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

	wrongKey := cfg
	wrongKey.AccountKey = base64.StdEncoding.EncodeToString(blobtest.RandomBytes(64))
	ws := newStore(t, wrongKey)
	wrongGet, err := ws.PresignGet(ctx, key, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wrongPut, err := ws.PresignPut(ctx, key, "image/jpeg", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	// A clock an hour behind issues URLs that expired before they were
	// used, without the test having to wait.
	past := cfg
	past.Clock = idproof.ClockFunc(func() time.Time { return time.Now().Add(-time.Hour) })
	ps := newStore(t, past)
	expiredGet, err := ps.PresignGet(ctx, key, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	expiredPut, err := ps.PresignPut(ctx, key, "image/jpeg", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	otherContainer := strings.Replace(get, "/"+cfg.Container+"/", "/"+newContainer(t).Container+"/", 1)
	bad, err := blobtest.TamperSignature(get)
	if err != nil {
		t.Fatal(err)
	}
	upload := PutHeaders("image/jpeg")
	tests := []struct {
		name   string
		method string
		url    string
	}{
		{"tampered signature", http.MethodGet, bad},
		{"GET URL given write permission", http.MethodPut, withQuery(t, get, "sp", "rcw")},
		{"GET URL with a later expiry", http.MethodGet, withQuery(t, expiredGet, "se", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))},
		{"GET URL in another container", http.MethodGet, otherContainer},
		{"GET URL used to PUT", http.MethodPut, get},
		{"GET URL used to DELETE", http.MethodDelete, get},
		{"PUT URL used to GET", http.MethodGet, put},
		{"PUT URL used to DELETE", http.MethodDelete, put},
		{"expired GET URL", http.MethodGet, expiredGet},
		{"expired PUT URL", http.MethodPut, expiredPut},
		{"GET URL signed with another key", http.MethodGet, wrongGet},
		{"PUT URL signed with another key", http.MethodPut, wrongPut},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h http.Header
			var body []byte
			if tc.method == http.MethodPut {
				h, body = upload, []byte("replacement")
			}
			if status, msg := do(t, tc.method, tc.url, h, body); status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403: %s", tc.method, status, msg)
			}
			blobtest.CheckObject(t, s, key, old)
		})
	}

	// The URLs work as issued, so the refusals above came from what was
	// changed.
	if status, msg := do(t, http.MethodGet, get, nil, nil); status != http.StatusOK {
		t.Errorf("GET as issued: status %d: %s", status, msg)
	}
	if status, msg := do(t, http.MethodPut, put, upload, []byte("new")); status != http.StatusCreated {
		t.Errorf("PUT as issued: status %d: %s", status, msg)
	}
	blobtest.CheckObject(t, s, key, []byte("new"))
}

// TestPutNeedsBlobType documents why PresignPut's callers must send
// PutHeaders: Put Blob without x-ms-blob-type is refused.
func TestPutNeedsBlobType(t *testing.T) {
	s := newStore(t, newContainer(t))
	u, err := s.PresignPut(t.Context(), "a.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"image/jpeg"}}
	if status, _ := do(t, http.MethodPut, u, h, []byte("x")); status < 400 || status > 499 {
		t.Errorf("PUT without x-ms-blob-type: status %d, want 4xx", status)
	}
	blobtest.CheckMissing(t, s, "a.jpg")
}

// TestEscapedKeys checks that keys needing URL escaping are signed and
// addressed consistently by the SAS URLs and the SDK calls.
func TestEscapedKeys(t *testing.T) {
	s := newStore(t, newContainer(t))
	keys := []string{"with space/ä+b.jpg", "q?x/hash#1.png", "pct%20lit/a&b=c;d.jpg"}
	for _, k := range keys {
		u, err := s.PresignPut(t.Context(), k, "image/png", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if status, msg := do(t, http.MethodPut, u, PutHeaders("image/png"), []byte(k)); status != http.StatusCreated {
			t.Fatalf("PUT %q: status %d: %s", k, status, msg)
		}
		blobtest.CheckObject(t, s, k, []byte(k))
		g, err := s.PresignGet(t.Context(), k, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := do(t, http.MethodGet, g, nil, nil); status != http.StatusOK || body != k {
			t.Errorf("GET %q: status %d body %q", k, status, body)
		}
	}
	got, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(keys)); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

// TestListPages lists across several pages, as a container with more than
// the service's page size of blobs would.
func TestListPages(t *testing.T) {
	s := newStore(t, newContainer(t))
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

// TestPutStream covers the staged-block path taken for readers that cannot
// seek, with a body larger than one block.
func TestPutStream(t *testing.T) {
	s := newStore(t, newContainer(t))
	b := blobtest.RandomBytes(2<<20 + 123)
	r := struct{ io.Reader }{bytes.NewReader(b)} // hides Seek
	if err := s.Put(t.Context(), "big.jpg", "image/jpeg", r, -1); err != nil {
		t.Fatal(err)
	}
	blobtest.CheckObject(t, s, "big.jpg", b)
}

// TestMisconfigured checks that a wrong key or a missing container is an
// error of its own, never mistaken for a missing object.
func TestMisconfigured(t *testing.T) {
	cfg := newContainer(t)
	wrongKey := cfg
	wrongKey.AccountKey = base64.StdEncoding.EncodeToString(blobtest.RandomBytes(64))
	noContainer := cfg
	noContainer.Container = "no-such-container"
	for name, c := range map[string]Config{"wrong key": wrongKey, "missing container": noContainer} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, c)
			_, _, err := s.Open(t.Context(), "a.jpg")
			if code := idproof.ErrorCode(err); code != idproof.EINTERNAL {
				t.Errorf("Open: code %q (%v), want %q", code, err, idproof.EINTERNAL)
			}
			if err := s.Put(t.Context(), "a.jpg", "image/jpeg", strings.NewReader("x"), 1); err == nil {
				t.Error("Put succeeded")
			}
		})
	}
}

func TestNew(t *testing.T) {
	ok := Config{AccountName: testservers.AzuriteAccount, AccountKey: testservers.AzuriteKey, Container: "images"}
	tests := []struct {
		name   string
		modify func(*Config)
		ok     bool
	}{
		{"valid", func(*Config) {}, true},
		{"valid with endpoint", func(c *Config) { c.Endpoint = "http://127.0.0.1:10000/devstoreaccount1/" }, true},
		{"no account", func(c *Config) { c.AccountName = "" }, false},
		{"no key", func(c *Config) { c.AccountKey = "" }, false},
		{"key not base64", func(c *Config) { c.AccountKey = "not base64!" }, false},
		{"no container", func(c *Config) { c.Container = "" }, false},
		{"container uppercase", func(c *Config) { c.Container = "Images" }, false},
		{"container double hyphen", func(c *Config) { c.Container = "a--b" }, false},
		{"container too short", func(c *Config) { c.Container = "ab" }, false},
		{"endpoint not a URL", func(c *Config) { c.Endpoint = "127.0.0.1:10000" }, false},
		{"endpoint with query", func(c *Config) { c.Endpoint = "https://x.example/?a=b" }, false},
		{"endpoint ftp", func(c *Config) { c.Endpoint = "ftp://x.example" }, false},
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
			if err != nil && strings.Contains(err.Error(), c.AccountKey) && c.AccountKey != "" {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
}

func TestPresignInvalid(t *testing.T) {
	s, err := New(t.Context(), Config{AccountName: testservers.AzuriteAccount, AccountKey: testservers.AzuriteKey, Container: "images"})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "/a", "a//b", "a/../b", "./a", "a/"} {
		if _, err := s.PresignGet(t.Context(), key, time.Minute); idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("PresignGet(%q): %v, want EINVALID", key, err)
		}
	}
	if _, err := s.PresignGet(t.Context(), "a", 0); idproof.ErrorCode(err) != idproof.EINVALID {
		t.Errorf("PresignGet with zero expiry: %v, want EINVALID", err)
	}
	if _, err := s.PresignPut(t.Context(), "a", "", time.Minute); idproof.ErrorCode(err) != idproof.EINVALID {
		t.Errorf("PresignPut without content type: %v, want EINVALID", err)
	}
	u, err := s.PresignPut(t.Context(), "dir/a b.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/images/dir/a%20b.jpg"; p.Host != testservers.AzuriteAccount+".blob.core.windows.net" || p.EscapedPath() != want {
		t.Errorf("URL %s: want host %s.blob.core.windows.net and path %s", u, testservers.AzuriteAccount, want)
	}
	if q := p.Query(); q.Get("sp") != "cw" || q.Get("sr") != "b" || q.Get("sig") == "" || q.Get("st") != "" || q.Get("spr") != "https" {
		t.Errorf("URL %s: want sp=cw, sr=b, spr=https, a signature and no start time", u)
	}
}

func TestWrapClassifies(t *testing.T) {
	s := &Store{container: "images"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"throttled", &azcore.ResponseError{StatusCode: http.StatusTooManyRequests}, idproof.EUNAVAILABLE},
		{"server error", &azcore.ResponseError{StatusCode: http.StatusServiceUnavailable}, idproof.EUNAVAILABLE},
		{"network", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, idproof.EUNAVAILABLE},
		{"forbidden", &azcore.ResponseError{StatusCode: http.StatusForbidden, ErrorCode: "AuthenticationFailed"}, idproof.EINTERNAL},
		{"canceled", context.Canceled, idproof.EINTERNAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.wrap("open", "k", tc.err)
			if got := idproof.ErrorCode(err); got != tc.want {
				t.Errorf("code %q, want %q (%v)", got, tc.want, err)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("%v does not wrap %v", err, tc.err)
			}
			if tc.want == idproof.EUNAVAILABLE && idproof.ErrorMessage(err) != "blob storage is unavailable" {
				t.Errorf("message %q leaks detail", idproof.ErrorMessage(err))
			}
		})
	}
}
