package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
)

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := idproof.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func TestTenantsAndCommunities(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	tn, err := s.CreateTenant(ctx, " Example.COM. ", "")
	if err != nil || tn.DNS != "example.com" || tn.Name != "example.com" || !idproof.IsObjectID(tn.ID) {
		t.Fatalf("create tenant: %+v %v", tn, err)
	}
	_, err = s.CreateTenant(ctx, "example.com", "again")
	wantCode(t, "duplicate dns", err, idproof.ECONFLICT)
	for _, bad := range []string{"", "-a.com", "a-.com", "a..com", "a_b.com", "exa mple.com", "ü.com", strings.Repeat("a", 64) + ".com", strings.Repeat("a.", 127) + "com"} {
		_, err := s.CreateTenant(ctx, bad, "")
		wantCode(t, "dns "+bad, err, idproof.EINVALID)
		if !strings.Contains(err.Error(), "dns") {
			t.Errorf("dns %q: message %q does not name the field", bad, err)
		}
	}
	_, err = s.CreateTenant(ctx, "b.example", "tab\tin name")
	wantCode(t, "control character in name", err, idproof.EINVALID)
	ts, err := s.Tenants(ctx)
	if err != nil || len(ts) != 1 || ts[0].ID != tn.ID {
		t.Fatalf("tenants: %+v %v", ts, err)
	}

	c, err := s.CreateCommunity(ctx, tn.ID, "branch 1")
	if err != nil || c.TenantID != tn.ID || c.Name != "branch 1" {
		t.Fatalf("create community: %+v %v", c, err)
	}
	_, err = s.CreateCommunity(ctx, tn.ID, "branch 1")
	wantCode(t, "duplicate community", err, idproof.ECONFLICT)
	_, err = s.CreateCommunity(ctx, idproof.NewObjectID(), "x")
	wantCode(t, "unknown tenant", err, idproof.ENOTFOUND)
	_, err = s.CreateCommunity(ctx, "not an id\x00", "x")
	wantCode(t, "malformed tenant id", err, idproof.ENOTFOUND)
	_, err = s.CreateCommunity(ctx, tn.ID, "")
	wantCode(t, "empty name", err, idproof.EINVALID)
	_, err = s.CreateCommunity(ctx, tn.ID, "a/b")
	wantCode(t, "slash in name", err, idproof.EINVALID)
	cs, err := s.Communities(ctx, tn.ID)
	if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
		t.Fatalf("communities: %+v %v", cs, err)
	}
	_, err = s.Communities(ctx, idproof.NewObjectID())
	wantCode(t, "communities of unknown tenant", err, idproof.ENOTFOUND)

	v := admin.NewTenantView(tn)
	if v.CreatedTS != tn.CreatedAt.UnixMilli() || v.DNS != "example.com" {
		t.Fatalf("view %+v", v)
	}
}

func TestLicenseAdministration(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	creds, err := s.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateTenant(ctx, "other.example", "")
	otherComm, _ := s.CreateCommunity(ctx, other.ID, "default")

	_, _, err = s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: idproof.NewObjectID()})
	wantCode(t, "unknown tenant", err, idproof.ENOTFOUND)
	_, _, err = s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: creds.TenantID, CommunityID: otherComm.ID})
	wantCode(t, "community of another tenant", err, idproof.ENOTFOUND)
	_, _, err = s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthSystem, CommunityID: otherComm.ID})
	wantCode(t, "community without tenant", err, idproof.EINVALID)
	_, _, err = s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: creds.TenantID, ExpiresAt: time.UnixMilli(1 << 60)})
	wantCode(t, "expiry beyond 9999", err, idproof.EINVALID)

	key, l, err := s.CreateLicense(ctx, admin.LicenseSpec{Tag: "ops", AuthLevel: idproof.AuthService, TenantID: other.ID, CommunityID: otherComm.ID})
	if err != nil || key == "" {
		t.Fatalf("create: %v", err)
	}
	ls, err := s.Licenses(ctx, other.ID)
	if err != nil || len(ls) != 1 || ls[0].ID != l.ID {
		t.Fatalf("licenses of tenant: %+v %v", ls, err)
	}
	all, _ := s.Licenses(ctx, "")
	if len(all) < 3 {
		t.Fatalf("all licenses: %d", len(all))
	}
	_, err = s.Licenses(ctx, idproof.NewObjectID())
	wantCode(t, "licenses of unknown tenant", err, idproof.ENOTFOUND)

	d, err := s.DisableLicense(ctx, l.ID)
	if err != nil || !d.Disabled || d.Usable(time.Now()) == "" {
		t.Fatalf("disable: %+v %v", d, err)
	}
	if _, err := s.DisableLicense(ctx, l.ID); err != nil {
		t.Fatalf("disable twice: %v", err)
	}
	_, err = s.DisableLicense(ctx, idproof.NewObjectID())
	wantCode(t, "disable unknown", err, idproof.ENOTFOUND)

	_, l2, _ := s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthBasic, TenantID: other.ID})
	later := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	e, err := s.ExpireLicense(ctx, l2.ID, later)
	if err != nil || !e.ExpiresAt.Equal(later) || e.Usable(time.Now()) != "" {
		t.Fatalf("schedule expiry: %+v %v", e, err)
	}
	e, err = s.ExpireLicense(ctx, l2.ID, time.Time{})
	if err != nil || e.Usable(time.Now().Add(time.Millisecond)) == "" {
		t.Fatalf("expire now: %+v %v", e, err)
	}
	if v := admin.NewLicenseView(e); v.ExpiresTS != e.ExpiresAt.UnixMilli() || v.LicenseKey != "" {
		t.Fatalf("view %+v", v)
	}

	// The bootstrap system license is the only one: it cannot be switched
	// off until another exists.
	sys, _ := s.Store.LicenseByTag(ctx, creds.TenantID, admin.BootstrapSystemTag)
	_, err = s.DisableLicense(ctx, sys.ID)
	wantCode(t, "disable last system license", err, idproof.ECONFLICT)
	_, err = s.ExpireLicense(ctx, sys.ID, time.Time{})
	wantCode(t, "expire last system license", err, idproof.ECONFLICT)
	if _, _, err := s.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthSystem}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DisableLicense(ctx, sys.ID); err != nil {
		t.Fatalf("disable with another system license: %v", err)
	}
}
