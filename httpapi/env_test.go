package httpapi_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/blob"
	"github.com/idproof/idproof/blob/local"
	"github.com/idproof/idproof/capture"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/native"
	"github.com/idproof/idproof/connector/sandbox"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/imagecheck"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/wire"
)

// storeKinds are the stores every API test runs on.
var storeKinds = []struct {
	name string
	open func(t testing.TB) idproof.Store
}{
	{"sqlite", func(t testing.TB) idproof.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t testing.TB) idproof.Store { return postgres.OpenTest(t) }},
}

// env is a running API with a bootstrapped tenant and one license of every
// kind the access tests need.
type env struct {
	url      string
	store    idproof.Store
	admin    *admin.Service
	creds    *admin.Credentials
	licenses map[string]string // name → license key
	cfg      httpapi.Config
	engine   *proofing.Engine
	buckets  *blob.Resolver
	clock    *testClock
}

// testClock is the server's clock: real time plus an offset a test can
// move forward to make sessions expire. Clients made by env.client use it
// too, so their request ids stay fresh.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

func newEnv(t testing.TB, open func(t testing.TB) idproof.Store, edit ...func(*httpapi.Config)) *env {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	kr, err := secret.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ad := &admin.Service{Store: st, Keyring: kr, Clock: idproof.SystemClock{}}
	creds, err := ad.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	priv, err := admin.ServerKey(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Config{PublicURL: "http://idproof.test", LegacyAuth: true, ECDSAHelper: true, Version: "test.0"}
	for _, f := range edit {
		f(&cfg)
	}
	signer, err := signing.Load(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	keys := wire.NewServer(priv, 0)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	localBlob, err := local.New(local.Config{Dir: filepath.Join(t.TempDir(), "blobs"), BaseURL: base, Secret: kr.Derive("local-blob-urls"),
		MaxObjectBytes: imagecheck.DefaultLimits.MaxBytes, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	buckets := &blob.Resolver{Buckets: st, Keyring: kr, Opener: &blob.Opener{Local: localBlob, AllowPrivate: true}}
	engine := &proofing.Engine{Store: st, Keyring: kr, Connectors: connector.NewRegistry(sandbox.Type(), native.Type()).WithNetwork(true),
		Signer: signer, Clock: clock, Blobs: buckets.Resolve, PublicURL: cfg.PublicURL, ServerPublicKey: keys.PublicKey()}
	ad.ValidateConfig = engine.ValidateConfig
	page := capture.New(capture.Deps{Session: st.Session, Clock: clock, PublicURL: cfg.PublicURL,
		Settings: func(ctx context.Context, _, communityID string) (capture.Settings, error) {
			return capture.LoadSettings(ctx, st, communityID)
		}, UploadOrigins: capture.BucketOrigins(buckets.Resolve)})
	srv.Config.Handler = httpapi.New(cfg, httpapi.Deps{Store: st, Keys: keys, Admin: ad, Clock: clock,
		Connectors: engine.Connectors, Engine: engine, Signer: signer, Buckets: buckets, LocalBlob: localBlob.Handler(), Capture: page})
	srv.Start()
	t.Cleanup(srv.Close)

	e := &env{url: srv.URL, store: st, admin: ad, creds: creds, cfg: cfg, engine: engine, buckets: buckets, clock: clock, licenses: map[string]string{
		"system":  creds.Licenses.System,
		"service": creds.Licenses.Service,
	}}
	mk := func(name string, level idproof.AuthLevel, expires time.Time) *idproof.License {
		key, l, err := ad.CreateLicense(ctx, admin.LicenseSpec{Tag: name, AuthLevel: level, TenantID: creds.TenantID, ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		e.licenses[name] = key
		return l
	}
	mk("basic", idproof.AuthBasic, time.Time{})
	mk("expired", idproof.AuthSystem, time.Now().Add(-time.Hour))
	dis := mk("disabled", idproof.AuthSystem, time.Time{})
	dis.Disabled = true
	if err := st.UpdateLicense(ctx, dis); err != nil {
		t.Fatal(err)
	}
	return e
}

// client returns a client with a fresh key pair and the named license.
func (e *env) client(t testing.TB, license string, opts ...client.Option) *client.Client {
	t.Helper()
	if license != "" {
		key, ok := e.licenses[license]
		if !ok {
			key = license
		}
		opts = append(opts, client.WithLicense(key))
	}
	c, err := client.New(e.url, append([]client.Option{client.WithClock(e.clock.Now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
