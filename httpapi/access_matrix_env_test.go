package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
	"github.com/idproof/idproof/imagecheck"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/wire"
	"github.com/idproof/idproof/workflow"
)

// mxEnv is a running server on one store, with tenant A (bootstrapped,
// with a second community), tenant B, and licenses of every kind.
type mxEnv struct {
	url        string
	srv        *Server
	http       *http.Client
	store      idproof.Store
	admin      *admin.Service
	engine     *proofing.Engine
	local      *local.Store
	creds      *admin.Credentials
	serverKey  string
	serverPub  *wire.PublicKey
	sandboxDVC string
	rpLicense  *idproof.License     // the service license fixtures create sessions with
	licenses   map[string]string    // name → license key
	scopes     map[string][2]string // license name → the tenant and community it reaches
	png        []byte               // a document image that passes intake
	frames     []string             // a burst of liveness frames, base64
	workflow   json.RawMessage      // a valid template workflow
	ctx        context.Context
	seq        int // makes names unique
}

func newMxEnv(t *testing.T, open func(testing.TB) idproof.Store) *mxEnv {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	kr, err := secret.New(make([]byte, 32))
	mxMust(t, err)
	clock := idproof.SystemClock{}
	ad := &admin.Service{Store: st, Keyring: kr, Clock: clock}
	creds, err := ad.Bootstrap(ctx, "")
	mxMust(t, err)
	priv, err := admin.ServerKey(ctx, st, kr)
	mxMust(t, err)
	signer, err := signing.Load(ctx, st, kr)
	mxMust(t, err)
	// Legacy auth off, said explicitly: its headers must then be refused.
	cfg := Config{PublicURL: "http://idproof.test", LegacyAuth: false, ECDSAHelper: true, Version: "test.0"}
	keys := wire.NewServer(priv, 0)
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	lb, err := local.New(local.Config{Dir: filepath.Join(t.TempDir(), "blobs"), BaseURL: base, Secret: kr.Derive("local-blob-urls"),
		MaxObjectBytes: imagecheck.DefaultLimits.MaxBytes, Now: time.Now})
	mxMust(t, err)
	buckets := &blob.Resolver{Buckets: st, Keyring: kr, Opener: &blob.Opener{Local: lb, AllowPrivate: true}}
	engine := &proofing.Engine{Store: st, Keyring: kr, Connectors: connector.NewRegistry(sandbox.Type(), native.Type()).WithNetwork(true),
		Signer: signer, Clock: clock, Blobs: buckets.Resolve, PublicURL: cfg.PublicURL, ServerPublicKey: keys.PublicKey()}
	ad.ValidateConfig = engine.ValidateConfig
	page := capture.New(capture.Deps{Session: st.Session, Clock: clock, PublicURL: cfg.PublicURL,
		Settings: func(ctx context.Context, _, communityID string) (capture.Settings, error) {
			return capture.LoadSettings(ctx, st, communityID)
		}, UploadOrigins: capture.BucketOrigins(buckets.Resolve)})
	srv := New(cfg, Deps{Store: st, Keys: keys, Admin: ad, Clock: clock, Connectors: engine.Connectors, Engine: engine,
		Signer: signer, Buckets: buckets, LocalBlob: lb.Handler(), Capture: page})
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(hs.Close)

	x := &mxEnv{url: hs.URL, srv: srv, http: hs.Client(), store: st, admin: ad, engine: engine, local: lb, creds: creds,
		serverKey: keys.PublicKey(), ctx: ctx, licenses: map[string]string{
			"system":          creds.Licenses.System,
			"service":         creds.Licenses.Service,
			"unknown license": "00000000-0000-4000-8000-000000000000",
		}}
	x.serverPub, err = wire.ParsePublicKey(x.serverKey)
	mxMust(t, err)
	dvc, err := st.VerificationConfigByName(ctx, creds.TenantID, creds.CommunityID, admin.BootstrapSandboxName)
	mxMust(t, err)
	x.sandboxDVC = dvc.ID
	x.rpLicense, err = st.LicenseByKeyHash(ctx, idproof.LicenseKeyHash(creds.Licenses.Service))
	mxMust(t, err)

	now := time.Now().UTC().Truncate(time.Millisecond)
	tenantB := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: "tenant-b.example", Name: "B", CreatedAt: now}
	mxMust(t, st.CreateTenant(ctx, tenantB))
	communityB := &idproof.Community{ID: idproof.NewObjectID(), TenantID: tenantB.ID, Name: "default", CreatedAt: now}
	mxMust(t, st.CreateCommunity(ctx, communityB))
	sibling := &idproof.Community{ID: idproof.NewObjectID(), TenantID: creds.TenantID, Name: "sibling", CreatedAt: now}
	mxMust(t, st.CreateCommunity(ctx, sibling))
	mk := func(name string, spec admin.LicenseSpec) *idproof.License {
		spec.Tag = name
		key, l, err := ad.CreateLicense(ctx, spec)
		mxMust(t, err)
		x.licenses[name] = key
		return l
	}
	mk("service_ext", admin.LicenseSpec{AuthLevel: idproof.AuthServiceExt, TenantID: creds.TenantID})
	mk("basic", admin.LicenseSpec{AuthLevel: idproof.AuthBasic, TenantID: creds.TenantID})
	// The unusable licenses are of the highest level: only their state
	// keeps them out.
	mk("expired license", admin.LicenseSpec{AuthLevel: idproof.AuthSystem, TenantID: creds.TenantID, ExpiresAt: now.Add(-time.Hour)})
	dis := mk("disabled license", admin.LicenseSpec{AuthLevel: idproof.AuthSystem, TenantID: creds.TenantID})
	dis.Disabled = true
	mxMust(t, st.UpdateLicense(ctx, dis))
	mk("license of another tenant", admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: tenantB.ID})
	mk("license of another community", admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: creds.TenantID, CommunityID: sibling.ID})
	x.scopes = map[string][2]string{
		"license of another tenant":    {tenantB.ID, communityB.ID},
		"license of another community": {creds.TenantID, sibling.ID},
	}

	// A bucket of tenant A, so that reading it succeeds.
	rp := x.client(t, mxKey(t), "system", time.Now)
	mxMust(t, rp.Do(ctx, "PUT", "/bucket/tenant/"+creds.TenantID+"/community/"+creds.CommunityID,
		map[string]any{"type": "local", "bucketName": "local", "isEnabled": true, "createdBy": "access-matrix"}, nil))

	x.png = mxImage(t, 200, 130, false)
	for range proofing.MinLivenessFrames {
		x.frames = append(x.frames, base64.StdEncoding.EncodeToString(mxImage(t, 96, 128, true)))
	}
	x.workflow, err = json.Marshal(workflow.Default(idproof.DocDriversLicense))
	mxMust(t, err)
	return x
}

// client is a Go client for the server with key, the named license and
// clock (requestid ts).
func (x *mxEnv) client(t testing.TB, key *wire.PrivateKey, license string, now func() time.Time) *client.Client {
	t.Helper()
	opts := []client.Option{client.WithKey(key), client.WithServerKey(x.serverKey), client.WithClock(now), client.WithHTTPClient(x.http)}
	if license != "" {
		lk, ok := x.licenses[license]
		if !ok {
			t.Fatalf("no license %q", license)
		}
		opts = append(opts, client.WithLicense(lk))
	}
	c, err := client.New(x.url, opts...)
	mxMust(t, err)
	return c
}

func (x *mxEnv) next() int { x.seq++; return x.seq }
