package admin_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
)

func newService(t *testing.T, master byte) (*admin.Service, idproof.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, _ := secret.New(bytes.Repeat([]byte{master}, 32))
	return &admin.Service{Store: st, Keyring: kr, Clock: idproof.SystemClock{}}, st
}

func TestBootstrapIsIdempotentAndRaceFree(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	var wg sync.WaitGroup
	out := make([]*admin.Credentials, 4)
	errs := make([]error, 4)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = s.Bootstrap(ctx, "")
		}()
	}
	wg.Wait()
	for i := range out {
		if errs[i] != nil {
			t.Fatalf("bootstrap %d: %v", i, errs[i])
		}
		if *out[i] != *out[0] {
			t.Fatalf("bootstrap %d made different credentials:\n%+v\n%+v", i, out[i], out[0])
		}
	}
	again, err := s.Bootstrap(ctx, "")
	if err != nil || *again != *out[0] {
		t.Fatalf("rerun: %+v %v", again, err)
	}
	c := out[0]
	if c.TenantDNS != "localhost" || c.CommunityName != "default" || c.Licenses.System == "" || c.Licenses.Service == "" || c.ServiceKey.KeySecret == "" || !idproof.IsObjectID(c.DVCID) {
		t.Fatalf("credentials incomplete: %+v", c)
	}
}

func TestLicenseKeysAreSealed(t *testing.T) {
	s, st := newService(t, 1)
	ctx := context.Background()
	c, err := s.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.LicenseByKeyHash(ctx, idproof.LicenseKeyHash(c.Licenses.System))
	if err != nil || l.AuthLevel != idproof.AuthSystem {
		t.Fatalf("license lookup: %+v %v", l, err)
	}
	if bytes.Contains(l.KeySealed, []byte(c.Licenses.System)) {
		t.Fatal("license key stored in clear")
	}
	k, _ := st.ServiceKey(ctx, c.ServiceKey.KeyID)
	if bytes.Contains(k.SecretSealed, []byte(c.ServiceKey.KeySecret)) {
		t.Fatal("service key secret stored in clear")
	}
	if _, _, err := s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: "root"}); idproof.ErrorCode(err) != idproof.EINVALID {
		t.Fatalf("bad level: %v", err)
	}
	if _, _, err := s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService}); idproof.ErrorCode(err) != idproof.EINVALID {
		t.Fatalf("service license without tenant: %v", err)
	}
}

func TestMasterKeyAndServerKey(t *testing.T) {
	s, st := newService(t, 1)
	ctx := context.Background()
	if err := admin.CheckMasterKey(ctx, st, s.Keyring); err != nil {
		t.Fatal(err)
	}
	k1, err := admin.ServerKey(ctx, st, s.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := admin.ServerKey(ctx, st, s.Keyring)
	if k1.String() != k2.String() {
		t.Fatal("server key changed between starts")
	}
	wrong, _ := secret.New(bytes.Repeat([]byte{2}, 32))
	if err := admin.CheckMasterKey(ctx, st, wrong); err == nil {
		t.Fatal("wrong master key accepted")
	}
}

func TestRotateServiceKey(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	k, err := s.CreateServiceKey(ctx, "t", "")
	if err != nil || k.Type != "service" {
		t.Fatalf("%+v %v", k, err)
	}
	n, err := s.RotateServiceKey(ctx, k.KeyID)
	if err != nil || n.KeyID == k.KeyID || n.Tag != "t" {
		t.Fatalf("%+v %v", n, err)
	}
	if _, err := s.RotateServiceKey(ctx, k.KeyID); !idproof.IsNotFound(err) {
		t.Fatalf("rotating a gone key: %v", err)
	}
}
