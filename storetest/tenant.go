package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newTenant creates a tenant named after dns, created i minutes after t0.
func newTenant(t *testing.T, s idproof.Store, dns string, i int) *idproof.Tenant {
	t.Helper()
	tn := &idproof.Tenant{
		ID:        idproof.NewObjectID(),
		DNS:       dns,
		Name:      "Tenant " + dns,
		CreatedAt: t0.Add(time.Duration(i) * time.Minute),
	}
	must(t, "CreateTenant", s.CreateTenant(t.Context(), tn))
	return tn
}

// newCommunity creates a community of tenant, created i minutes after t0.
func newCommunity(t *testing.T, s idproof.Store, tenantID, name string, i int) *idproof.Community {
	t.Helper()
	c := &idproof.Community{
		ID:        idproof.NewObjectID(),
		TenantID:  tenantID,
		Name:      name,
		CreatedAt: t0.Add(time.Duration(i) * time.Minute),
	}
	must(t, "CreateCommunity", s.CreateCommunity(t.Context(), c))
	return c
}

func communityID(v *idproof.Community) string { return v.ID }

var tenantTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		want := newTenant(t, s, "acme.example.com", 0)
		got, err := s.Tenant(ctx, want.ID)
		must(t, "Tenant", err)
		check(t, "Tenant", got, want)
		got, err = s.TenantByDNS(ctx, want.DNS)
		must(t, "TenantByDNS", err)
		check(t, "TenantByDNS", got, want)
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		newTenant(t, s, "acme.example.com", 0)
		_, err := s.Tenant(ctx, idproof.NewObjectID())
		wantCode(t, "Tenant", err, idproof.ENOTFOUND)
		_, err = s.Tenant(ctx, "")
		wantCode(t, "Tenant empty id", err, idproof.ENOTFOUND)
		_, err = s.TenantByDNS(ctx, "other.example.com")
		wantCode(t, "TenantByDNS", err, idproof.ENOTFOUND)
	}},
	{"DuplicateDNS", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		first := newTenant(t, s, "acme.example.com", 0)
		dup := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: first.DNS, Name: "Other", CreatedAt: t0}
		wantCode(t, "CreateTenant", s.CreateTenant(ctx, dup), idproof.ECONFLICT)
		_, err := s.Tenant(ctx, dup.ID)
		wantCode(t, "Tenant after conflict", err, idproof.ENOTFOUND)
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		first := newTenant(t, s, "acme.example.com", 0)
		dup := &idproof.Tenant{ID: first.ID, DNS: "other.example.com", Name: "Other", CreatedAt: t0}
		wantCode(t, "CreateTenant", s.CreateTenant(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		got, err := s.Tenants(t.Context())
		must(t, "Tenants", err)
		if len(got) != 0 {
			t.Fatalf("Tenants of an empty store: %d, want 0", len(got))
		}
		var want []*idproof.Tenant
		for i := range 3 {
			// Created in reverse time order, to see that the list is sorted.
			want = append([]*idproof.Tenant{newTenant(t, s, fmt.Sprintf("t%d.example.com", i), 10-i)}, want...)
		}
		got, err = s.Tenants(t.Context())
		must(t, "Tenants", err)
		check(t, "Tenants", got, want)
	}},
}

var communityTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		tn := newTenant(t, s, "acme.example.com", 0)
		want := newCommunity(t, s, tn.ID, "default", 1)
		got, err := s.Community(ctx, want.ID)
		must(t, "Community", err)
		check(t, "Community", got, want)
		got, err = s.CommunityByName(ctx, tn.ID, "default")
		must(t, "CommunityByName", err)
		check(t, "CommunityByName", got, want)
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newTenant(t, s, "a.example.com", 0)
		b := newTenant(t, s, "b.example.com", 0)
		newCommunity(t, s, a.ID, "default", 0)
		_, err := s.Community(ctx, idproof.NewObjectID())
		wantCode(t, "Community", err, idproof.ENOTFOUND)
		_, err = s.CommunityByName(ctx, b.ID, "default")
		wantCode(t, "CommunityByName other tenant", err, idproof.ENOTFOUND)
		_, err = s.CommunityByName(ctx, a.ID, "other")
		wantCode(t, "CommunityByName other name", err, idproof.ENOTFOUND)
	}},
	{"DuplicateName", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newTenant(t, s, "a.example.com", 0)
		b := newTenant(t, s, "b.example.com", 0)
		newCommunity(t, s, a.ID, "default", 0)
		dup := &idproof.Community{ID: idproof.NewObjectID(), TenantID: a.ID, Name: "default", CreatedAt: t0}
		wantCode(t, "CreateCommunity same tenant", s.CreateCommunity(ctx, dup), idproof.ECONFLICT)
		newCommunity(t, s, b.ID, "default", 0) // same name, other tenant
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		tn := newTenant(t, s, "a.example.com", 0)
		c := newCommunity(t, s, tn.ID, "default", 0)
		dup := &idproof.Community{ID: c.ID, TenantID: tn.ID, Name: "other", CreatedAt: t0}
		wantCode(t, "CreateCommunity", s.CreateCommunity(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"MissingTenant", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		c := &idproof.Community{ID: idproof.NewObjectID(), TenantID: idproof.NewObjectID(), Name: "default", CreatedAt: t0}
		wantCode(t, "CreateCommunity", s.CreateCommunity(ctx, c), idproof.ENOTFOUND)
		_, err := s.Community(ctx, c.ID)
		wantCode(t, "Community", err, idproof.ENOTFOUND)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newTenant(t, s, "a.example.com", 0)
		b := newTenant(t, s, "b.example.com", 0)
		a2 := newCommunity(t, s, a.ID, "second", 2)
		a1 := newCommunity(t, s, a.ID, "first", 1)
		b1 := newCommunity(t, s, b.ID, "first", 1)
		got, err := s.Communities(ctx, a.ID)
		must(t, "Communities", err)
		check(t, "Communities a", got, []*idproof.Community{a1, a2})
		got, err = s.Communities(ctx, b.ID)
		must(t, "Communities", err)
		check(t, "Communities b", got, []*idproof.Community{b1})
		got, err = s.Communities(ctx, idproof.NewObjectID())
		must(t, "Communities", err)
		if len(got) != 0 {
			t.Errorf("Communities of an unknown tenant: %v", ids(got, communityID))
		}
	}},
}
