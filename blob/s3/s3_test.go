package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/blobtest"
	idps3 "github.com/idproof/idproof/blob/s3"
)

func newStore(t *testing.T, cfg idps3.Config) *idps3.Store {
	t.Helper()
	s, err := idps3.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	g := needGateway(t)
	// One bucket for the whole suite: blobtest gives every subtest its own
	// prefix, which is how a real deployment shares a bucket.
	cfg := g.config(g.newBucket(t))
	blobtest.Run(t, func(t *testing.T) idproof.BlobStore { return newStore(t, cfg) })
}

// TestPresignPutContentType checks that the Content-Type is signed: an
// upload with another type is refused and leaves no object behind.
func TestPresignPutContentType(t *testing.T) {
	g := needGateway(t)
	s := newStore(t, g.config(g.newBucket(t)))
	const key = "session/front.jpg"
	u, err := s.PresignPut(t.Context(), key, "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("not really a jpeg")
	for _, ct := range []string{"image/png", "text/html", ""} {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		if resp := blobtest.Do(t, http.MethodPut, u, h, bytes.NewReader(body), int64(len(body))); resp.Status != http.StatusForbidden {
			t.Errorf("PUT signed for image/jpeg sent as %q: got %s, want 403", ct, resp)
		}
	}
	blobtest.CheckMissing(t, s, key)
	h := http.Header{"Content-Type": {"image/jpeg"}}
	if resp := blobtest.Do(t, http.MethodPut, u, h, bytes.NewReader(body), int64(len(body))); resp.Status != http.StatusOK {
		t.Fatalf("PUT as signed: got %s, want 200", resp)
	}
	blobtest.CheckObject(t, s, key, body)
}

// TestWrongSecret checks that URLs signed with a secret the server does not
// know are refused, for both methods.
func TestWrongSecret(t *testing.T) {
	g := needGateway(t)
	cfg := g.config(g.newBucket(t))
	good := newStore(t, cfg)
	cfg.SecretKey = "not-the-secret"
	bad := newStore(t, cfg)
	const key = "session/selfie.jpg"
	stored := []byte("stored")
	if err := good.Put(t.Context(), key, "image/jpeg", bytes.NewReader(stored), int64(len(stored))); err != nil {
		t.Fatal(err)
	}

	put, err := bad.PresignPut(t.Context(), key, "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"image/jpeg"}}
	if resp := blobtest.Do(t, http.MethodPut, put, h, strings.NewReader("evil"), 4); resp.Status != http.StatusForbidden {
		t.Errorf("PUT signed with a wrong secret: got %s, want 403", resp)
	}
	get, err := bad.PresignGet(t.Context(), key, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp := blobtest.Do(t, http.MethodGet, get, nil, nil, 0); resp.Status != http.StatusForbidden {
		t.Errorf("GET signed with a wrong secret: got %s, want 403", resp)
	}
	blobtest.CheckObject(t, good, key, stored)

	// The store's own calls are signed the same way, and the failure must
	// not pass for a missing object.
	if _, _, err := bad.Open(t.Context(), key); err == nil || idproof.IsNotFound(err) {
		t.Errorf("Open with a wrong secret: %v, want a non-not-found error", err)
	}
}

// TestPutBodies covers the Put paths the suite does not: a stream that
// cannot be rewound (sent as an unsigned payload) and an unknown size.
func TestPutBodies(t *testing.T) {
	g := needGateway(t)
	s := newStore(t, g.config(g.newBucket(t)))
	want := blobtest.RandomBytes(300 << 10)
	tests := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"Seekable", bytes.NewReader(want), int64(len(want))},
		{"Stream", struct{ io.Reader }{bytes.NewReader(want)}, int64(len(want))},
		{"UnknownSize", struct{ io.Reader }{bytes.NewReader(want)}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := "put/" + tc.name
			if err := s.Put(t.Context(), key, "image/jpeg", tc.r, tc.size); err != nil {
				t.Fatalf("Put: %v", err)
			}
			blobtest.CheckObject(t, s, key, want)
		})
	}
}

// TestListPages stores more keys than one ListObjectsV2 page holds (1000).
func TestListPages(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 1001 objects")
	}
	g := needGateway(t)
	s := newStore(t, g.config(g.newBucket(t)))
	const n = 1001
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("many/%04d", i)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	errs := make(chan error, n)
	for _, k := range want {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- s.Put(t.Context(), k, "text/plain", strings.NewReader(k), int64(len(k)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	got, err := s.List(t.Context(), "many/")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("List returned %d keys, want %d", len(got), n)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("List()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestMissingBucket checks that a misconfigured bucket is reported as such
// and not as a missing object, which callers would take for a normal state.
func TestMissingBucket(t *testing.T) {
	g := needGateway(t)
	s := newStore(t, g.config("no-such-bucket"))
	_, _, err := s.Open(t.Context(), "a/b")
	if err == nil || idproof.IsNotFound(err) {
		t.Fatalf("Open in a missing bucket: %v, want a non-not-found error", err)
	}
	if !strings.Contains(err.Error(), "no-such-bucket") {
		t.Errorf("Open in a missing bucket: %v, want the bucket named", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	// Validation happens before any request, so no gateway is needed.
	s := newStore(t, idps3.Config{Bucket: "bucket", Region: "us-east-1", AccessKey: "a", SecretKey: "s", Endpoint: "http://127.0.0.1:1"})
	ctx := t.Context()
	checks := []struct {
		name string
		err  error
	}{
		{"EmptyKey", s.Delete(ctx, "")},
		{"LeadingSlash", s.Delete(ctx, "/a")},
		{"DotDot", s.Delete(ctx, "a/../b")},
		{"DoubleSlash", s.Delete(ctx, "a//b")},
		{"ZeroExpiry", errOf(s.PresignGet(ctx, "a", 0))},
		{"TooLong", errOf(s.PresignGet(ctx, "a", 8*24*time.Hour))},
		{"NoContentType", errOf(s.PresignPut(ctx, "a", "", time.Minute))},
	}
	for _, c := range checks {
		if code := idproof.ErrorCode(c.err); code != idproof.EINVALID {
			t.Errorf("%s: %v (code %q), want %q", c.name, c.err, code, idproof.EINVALID)
		}
	}
}

func errOf(_ string, err error) error { return err }

func TestConfig(t *testing.T) {
	valid := idps3.Config{Bucket: "idproof-images", Region: "eu-west-1", AccessKey: "AKIA", SecretKey: "secret"}
	tests := []struct {
		name   string
		modify func(*idps3.Config)
		want   string // substring of the error; "" means valid
	}{
		{"Valid", func(*idps3.Config) {}, ""},
		{"Endpoint", func(c *idps3.Config) { c.Endpoint = "https://minio.example.com:9000/" }, ""},
		{"NoBucket", func(c *idps3.Config) { c.Bucket = "" }, "bucket name is required"},
		{"ShortBucket", func(c *idps3.Config) { c.Bucket = "ab" }, "3 to 63"},
		{"UpperBucket", func(c *idps3.Config) { c.Bucket = "Images" }, "lowercase"},
		{"SlashBucket", func(c *idps3.Config) { c.Bucket = "a/b/c" }, "lowercase"},
		{"IPBucket", func(c *idps3.Config) { c.Bucket = "192.168.1.1" }, "IP address"},
		{"NoRegion", func(c *idps3.Config) { c.Region = "" }, "region is required"},
		{"BadRegion", func(c *idps3.Config) { c.Region = "us east" }, "region"},
		{"NoAccessKey", func(c *idps3.Config) { c.AccessKey = "" }, "access key and secret key"},
		{"NoSecretKey", func(c *idps3.Config) { c.SecretKey = "" }, "access key and secret key"},
		{"EndpointScheme", func(c *idps3.Config) { c.Endpoint = "ftp://example.com" }, "http:// or https://"},
		{"EndpointRelative", func(c *idps3.Config) { c.Endpoint = "example.com:9000" }, "http:// or https://"},
		{"EndpointNoHost", func(c *idps3.Config) { c.Endpoint = "http://" }, "no host"},
		{"EndpointUser", func(c *idps3.Config) { c.Endpoint = "https://u:p@example.com" }, "credentials"},
		{"EndpointQuery", func(c *idps3.Config) { c.Endpoint = "https://example.com/?a=b" }, "query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.modify(&cfg)
			_, err := idps3.New(context.Background(), cfg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want EINVALID containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigStringHidesSecret(t *testing.T) {
	cfg := idps3.Config{Bucket: "b", Region: "r", AccessKey: "AKIA", SecretKey: "super-secret"}
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg)} {
		if strings.Contains(s, "super-secret") {
			t.Errorf("%q shows the secret key", s)
		}
	}
}
