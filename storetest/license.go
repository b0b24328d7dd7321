package storetest

import (
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newLicense creates a license of tenantID with the given tag, created i
// minutes after t0. Every field is set so that round trips cover them all.
func newLicense(t *testing.T, s idproof.Store, tenantID, tag string, i int) *idproof.License {
	t.Helper()
	key := idproof.NewUUID()
	l := &idproof.License{
		ID:          idproof.NewObjectID(),
		KeyHash:     idproof.LicenseKeyHash(key),
		KeySealed:   []byte("sealed:" + key),
		Tag:         tag,
		AuthLevel:   idproof.AuthService,
		TenantID:    tenantID,
		CommunityID: idproof.NewObjectID(),
		ExpiresAt:   t0.Add(365 * 24 * time.Hour),
		Disabled:    true,
		CreatedAt:   t0.Add(time.Duration(i) * time.Minute),
	}
	must(t, "CreateLicense", s.CreateLicense(t.Context(), l))
	return l
}

func licenseID(v *idproof.License) string { return v.ID }

var licenseTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		want := newLicense(t, s, idproof.NewObjectID(), "ops", 0)
		got, err := s.License(ctx, want.ID)
		must(t, "License", err)
		check(t, "License", got, want)
		got, err = s.LicenseByKeyHash(ctx, want.KeyHash)
		must(t, "LicenseByKeyHash", err)
		check(t, "LicenseByKeyHash", got, want)
		got, err = s.LicenseByTag(ctx, want.TenantID, "ops")
		must(t, "LicenseByTag", err)
		check(t, "LicenseByTag", got, want)
	}},
	{"ZeroValues", func(t *testing.T, s idproof.Store) {
		want := &idproof.License{
			ID:        idproof.NewObjectID(),
			KeyHash:   idproof.LicenseKeyHash("k"),
			AuthLevel: idproof.AuthSystem,
			CreatedAt: t0,
		}
		must(t, "CreateLicense", s.CreateLicense(t.Context(), want))
		got, err := s.License(t.Context(), want.ID)
		must(t, "License", err)
		check(t, "License", got, want)
		if !got.ExpiresAt.IsZero() {
			t.Errorf("ExpiresAt = %v, want the zero time", got.ExpiresAt)
		}
	}},
	{"SystemTag", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		sys := newLicense(t, s, "", "root", 0)
		newLicense(t, s, idproof.NewObjectID(), "root", 1)
		got, err := s.LicenseByTag(ctx, "", "root")
		must(t, "LicenseByTag system", err)
		check(t, "LicenseByTag system", got, sys)
		dup := newLicenseValue("", "root")
		wantCode(t, "CreateLicense duplicate system tag", s.CreateLicense(ctx, dup), idproof.ECONFLICT)
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		l := newLicense(t, s, idproof.NewObjectID(), "ops", 0)
		newLicense(t, s, l.TenantID, "", 1)
		_, err := s.License(ctx, idproof.NewObjectID())
		wantCode(t, "License", err, idproof.ENOTFOUND)
		_, err = s.LicenseByKeyHash(ctx, idproof.LicenseKeyHash("nope"))
		wantCode(t, "LicenseByKeyHash", err, idproof.ENOTFOUND)
		_, err = s.LicenseByTag(ctx, idproof.NewObjectID(), "ops")
		wantCode(t, "LicenseByTag other tenant", err, idproof.ENOTFOUND)
		_, err = s.LicenseByTag(ctx, "", "ops")
		wantCode(t, "LicenseByTag system", err, idproof.ENOTFOUND)
		_, err = s.LicenseByTag(ctx, l.TenantID, "")
		wantCode(t, "LicenseByTag empty tag", err, idproof.ENOTFOUND)
	}},
	{"DuplicateKeyHash", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		l := newLicense(t, s, idproof.NewObjectID(), "", 0)
		dup := newLicenseValue(idproof.NewObjectID(), "")
		dup.KeyHash = l.KeyHash
		wantCode(t, "CreateLicense", s.CreateLicense(ctx, dup), idproof.ECONFLICT)
		_, err := s.License(ctx, dup.ID)
		wantCode(t, "License after conflict", err, idproof.ENOTFOUND)
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		l := newLicense(t, s, idproof.NewObjectID(), "", 0)
		dup := newLicenseValue(l.TenantID, "")
		dup.ID = l.ID
		wantCode(t, "CreateLicense", s.CreateLicense(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"DuplicateTag", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		tenant := idproof.NewObjectID()
		newLicense(t, s, tenant, "ops", 0)
		wantCode(t, "CreateLicense same tenant and tag", s.CreateLicense(ctx, newLicenseValue(tenant, "ops")), idproof.ECONFLICT)
		newLicense(t, s, idproof.NewObjectID(), "ops", 1) // other tenant
		newLicense(t, s, tenant, "", 2)                   // empty tags never conflict
		newLicense(t, s, tenant, "", 3)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a, b := idproof.NewObjectID(), idproof.NewObjectID()
		a2 := newLicense(t, s, a, "", 2)
		a1 := newLicense(t, s, a, "", 1)
		b1 := newLicense(t, s, b, "", 3)
		sys := newLicense(t, s, "", "", 0)
		got, err := s.Licenses(ctx, a)
		must(t, "Licenses a", err)
		check(t, "Licenses a", got, []*idproof.License{a1, a2})
		got, err = s.Licenses(ctx, "")
		must(t, "Licenses all", err)
		check(t, "Licenses all", got, []*idproof.License{sys, a1, a2, b1})
		got, err = s.Licenses(ctx, idproof.NewObjectID())
		must(t, "Licenses unknown tenant", err)
		if len(got) != 0 {
			t.Errorf("Licenses of an unknown tenant: %v", ids(got, licenseID))
		}
	}},
	{"Update", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		l := newLicense(t, s, idproof.NewObjectID(), "ops", 0)
		want := *l
		want.Disabled = false
		want.ExpiresAt = time.Time{}
		want.Tag = "renamed"
		want.CommunityID = ""

		// Fields UpdateLicense does not own are ignored.
		upd := want
		upd.KeyHash = idproof.LicenseKeyHash("other")
		upd.KeySealed = []byte("other")
		upd.AuthLevel = idproof.AuthSystem
		upd.TenantID = idproof.NewObjectID()
		upd.CreatedAt = t0.Add(time.Hour)
		must(t, "UpdateLicense", s.UpdateLicense(ctx, &upd))

		got, err := s.License(ctx, l.ID)
		must(t, "License", err)
		check(t, "License after update", got, &want)
		got, err = s.LicenseByTag(ctx, l.TenantID, "renamed")
		must(t, "LicenseByTag new tag", err)
		check(t, "LicenseByTag new tag", got, &want)
		_, err = s.LicenseByTag(ctx, l.TenantID, "ops")
		wantCode(t, "LicenseByTag old tag", err, idproof.ENOTFOUND)
	}},
	{"UpdateNotFound", func(t *testing.T, s idproof.Store) {
		l := newLicenseValue(idproof.NewObjectID(), "")
		wantCode(t, "UpdateLicense", s.UpdateLicense(t.Context(), l), idproof.ENOTFOUND)
	}},
	{"UpdateTagConflict", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		tenant := idproof.NewObjectID()
		newLicense(t, s, tenant, "ops", 0)
		l := newLicense(t, s, tenant, "dev", 1)
		upd := *l
		upd.Tag = "ops"
		upd.Disabled = false
		wantCode(t, "UpdateLicense", s.UpdateLicense(ctx, &upd), idproof.ECONFLICT)
		got, err := s.License(ctx, l.ID)
		must(t, "License", err)
		check(t, "License after failed update", got, l)
	}},
}

// newLicenseValue returns a license that is not stored yet.
func newLicenseValue(tenantID, tag string) *idproof.License {
	return &idproof.License{
		ID:        idproof.NewObjectID(),
		KeyHash:   idproof.LicenseKeyHash(idproof.NewUUID()),
		Tag:       tag,
		AuthLevel: idproof.AuthBasic,
		TenantID:  tenantID,
		CreatedAt: t0,
	}
}
