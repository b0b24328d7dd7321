package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newDVCValue returns a verification config that is not stored yet, created
// i minutes after t0.
func newDVCValue(tenantID, communityID, name string, i int) *idproof.VerificationConfig {
	at := t0.Add(time.Duration(i) * time.Minute)
	return &idproof.VerificationConfig{
		ID:              idproof.NewObjectID(),
		TenantID:        tenantID,
		CommunityID:     communityID,
		Name:            name,
		ConnectorSealed: []byte{0, 1, 2, 0xff, 'x'},
		Verification:    json.RawMessage(`{"checks": ["face", "document"], "threshold": 0.8, "nested": {"a": null}}`),
		CreatedAt:       at,
		UpdatedAt:       at.Add(time.Second),
	}
}

// newDVC creates a verification config, created i minutes after t0.
func newDVC(t *testing.T, s idproof.Store, tenantID, communityID, name string, i int) *idproof.VerificationConfig {
	t.Helper()
	c := newDVCValue(tenantID, communityID, name, i)
	must(t, "CreateVerificationConfig", s.CreateVerificationConfig(t.Context(), c))
	return c
}

var dvcTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		want := newDVC(t, s, idproof.NewObjectID(), idproof.NewObjectID(), "kyc", 0)
		got, err := s.VerificationConfig(ctx, want.ID)
		must(t, "VerificationConfig", err)
		check(t, "VerificationConfig", got, want)
		got, err = s.VerificationConfigByName(ctx, want.TenantID, want.CommunityID, "kyc")
		must(t, "VerificationConfigByName", err)
		check(t, "VerificationConfigByName", got, want)
	}},
	{"EmptyBytes", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newDVCValue("t", "c", "a", 0)
		a.ConnectorSealed, a.Verification = nil, nil
		b := newDVCValue("t", "c", "b", 0)
		b.ConnectorSealed, b.Verification = []byte{}, json.RawMessage{}
		for _, want := range []*idproof.VerificationConfig{a, b} {
			must(t, "CreateVerificationConfig", s.CreateVerificationConfig(ctx, want))
			got, err := s.VerificationConfig(ctx, want.ID)
			must(t, "VerificationConfig", err)
			check(t, "VerificationConfig", got, want)
		}
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c := newDVC(t, s, "t", "c", "kyc", 0)
		_, err := s.VerificationConfig(ctx, idproof.NewObjectID())
		wantCode(t, "VerificationConfig", err, idproof.ENOTFOUND)
		_, err = s.VerificationConfigByName(ctx, c.TenantID, "other", "kyc")
		wantCode(t, "VerificationConfigByName other community", err, idproof.ENOTFOUND)
		_, err = s.VerificationConfigByName(ctx, "other", c.CommunityID, "kyc")
		wantCode(t, "VerificationConfigByName other tenant", err, idproof.ENOTFOUND)
		_, err = s.VerificationConfigByName(ctx, c.TenantID, c.CommunityID, "other")
		wantCode(t, "VerificationConfigByName other name", err, idproof.ENOTFOUND)
	}},
	{"DuplicateName", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		newDVC(t, s, "t", "c", "kyc", 0)
		wantCode(t, "CreateVerificationConfig", s.CreateVerificationConfig(ctx, newDVCValue("t", "c", "kyc", 1)), idproof.ECONFLICT)
		newDVC(t, s, "t", "c2", "kyc", 2)
		newDVC(t, s, "t2", "c", "kyc", 3)
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		c := newDVC(t, s, "t", "c", "kyc", 0)
		dup := newDVCValue("t", "c", "other", 1)
		dup.ID = c.ID
		wantCode(t, "CreateVerificationConfig", s.CreateVerificationConfig(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c2 := newDVC(t, s, "t", "c", "b", 2)
		c1 := newDVC(t, s, "t", "c", "a", 1)
		d1 := newDVC(t, s, "t", "d", "a", 3)
		newDVC(t, s, "u", "c", "a", 0)
		got, err := s.VerificationConfigs(ctx, "t", "c")
		must(t, "VerificationConfigs", err)
		check(t, "VerificationConfigs community", got, []*idproof.VerificationConfig{c1, c2})
		got, err = s.VerificationConfigs(ctx, "t", "")
		must(t, "VerificationConfigs", err)
		check(t, "VerificationConfigs tenant", got, []*idproof.VerificationConfig{c1, c2, d1})
		got, err = s.VerificationConfigs(ctx, "t", "none")
		must(t, "VerificationConfigs", err)
		check(t, "VerificationConfigs unknown community", got, nil)
	}},
	{"Update", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c := newDVC(t, s, "t", "c", "kyc", 0)
		want := *c
		want.Name = "kyc2"
		want.ConnectorSealed = []byte("new connector")
		want.Verification = json.RawMessage(`{"checks":[]}`)
		want.UpdatedAt = t0.Add(time.Hour)

		upd := want
		upd.TenantID, upd.CommunityID, upd.CreatedAt = "x", "y", t0.Add(2*time.Hour)
		must(t, "UpdateVerificationConfig", s.UpdateVerificationConfig(ctx, &upd))
		got, err := s.VerificationConfig(ctx, c.ID)
		must(t, "VerificationConfig", err)
		check(t, "VerificationConfig after update", got, &want)
		got, err = s.VerificationConfigByName(ctx, "t", "c", "kyc2")
		must(t, "VerificationConfigByName new name", err)
		check(t, "VerificationConfigByName new name", got, &want)
		_, err = s.VerificationConfigByName(ctx, "t", "c", "kyc")
		wantCode(t, "VerificationConfigByName old name", err, idproof.ENOTFOUND)
	}},
	{"UpdateNotFound", func(t *testing.T, s idproof.Store) {
		c := newDVCValue("t", "c", "kyc", 0)
		wantCode(t, "UpdateVerificationConfig", s.UpdateVerificationConfig(t.Context(), c), idproof.ENOTFOUND)
	}},
	{"UpdateNameConflict", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		newDVC(t, s, "t", "c", "a", 0)
		c := newDVC(t, s, "t", "c", "b", 1)
		upd := *c
		upd.Name = "a"
		upd.ConnectorSealed = []byte("changed")
		wantCode(t, "UpdateVerificationConfig", s.UpdateVerificationConfig(ctx, &upd), idproof.ECONFLICT)
		got, err := s.VerificationConfig(ctx, c.ID)
		must(t, "VerificationConfig", err)
		check(t, "VerificationConfig after failed update", got, c)
	}},
	{"Delete", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c := newDVC(t, s, "t", "c", "a", 0)
		keep := newDVC(t, s, "t", "c", "b", 1)
		must(t, "DeleteVerificationConfig", s.DeleteVerificationConfig(ctx, c.ID))
		_, err := s.VerificationConfig(ctx, c.ID)
		wantCode(t, "VerificationConfig deleted", err, idproof.ENOTFOUND)
		wantCode(t, "DeleteVerificationConfig again", s.DeleteVerificationConfig(ctx, c.ID), idproof.ENOTFOUND)
		_, err = s.VerificationConfig(ctx, keep.ID)
		must(t, "VerificationConfig kept", err)
		newDVC(t, s, "t", "c", "a", 2) // the name is free again
	}},
}
