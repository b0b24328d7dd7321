package httpapi_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/wire"
)

// storeKinds are the stores every API test runs on.
var storeKinds = []struct {
	name string
	open func(t *testing.T) idproof.Store
}{
	{"sqlite", func(t *testing.T) idproof.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t *testing.T) idproof.Store { return postgres.OpenTest(t) }},
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
}

func newEnv(t *testing.T, open func(t *testing.T) idproof.Store, edit ...func(*httpapi.Config)) *env {
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
	api := httpapi.New(cfg, httpapi.Deps{Store: st, Keys: wire.NewServer(priv, 0), Admin: ad})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	e := &env{url: srv.URL, store: st, admin: ad, creds: creds, cfg: cfg, licenses: map[string]string{
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
func (e *env) client(t *testing.T, license string, opts ...client.Option) *client.Client {
	t.Helper()
	if license != "" {
		key, ok := e.licenses[license]
		if !ok {
			key = license
		}
		opts = append(opts, client.WithLicense(key))
	}
	c, err := client.New(e.url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
