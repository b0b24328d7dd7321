package storecache

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/idproof/idproof"
)

// Keys join their parts with NUL, which no identifier or name holds.
func key(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	return string(b)
}

func cloneTenant(t *idproof.Tenant) *idproof.Tenant          { v := *t; return &v }
func cloneCommunity(c *idproof.Community) *idproof.Community { v := *c; return &v }

func cloneLicense(l *idproof.License) *idproof.License {
	v := *l
	v.KeySealed = bytes.Clone(l.KeySealed)
	return &v
}

func cloneConfig(c *idproof.VerificationConfig) *idproof.VerificationConfig {
	v := *c
	v.ConnectorSealed = bytes.Clone(c.ConnectorSealed)
	v.Verification = json.RawMessage(bytes.Clone(c.Verification))
	return &v
}

// Tenant returns the tenant with the given ID.
func (c *Cache) Tenant(ctx context.Context, id string) (*idproof.Tenant, error) {
	return get(ctx, c, tenants, key("id", id), func(ctx context.Context) (*idproof.Tenant, error) {
		return c.Store.Tenant(ctx, id)
	}, cloneTenant)
}

// TenantByDNS returns the tenant with the given DNS name.
func (c *Cache) TenantByDNS(ctx context.Context, dns string) (*idproof.Tenant, error) {
	return get(ctx, c, tenants, key("dns", dns), func(ctx context.Context) (*idproof.Tenant, error) {
		return c.Store.TenantByDNS(ctx, dns)
	}, cloneTenant)
}

// CreateTenant stores a new tenant.
func (c *Cache) CreateTenant(ctx context.Context, t *idproof.Tenant) error {
	defer c.wrote(tenants)
	return c.Store.CreateTenant(ctx, t)
}

// Community returns the community with the given ID.
func (c *Cache) Community(ctx context.Context, id string) (*idproof.Community, error) {
	return get(ctx, c, communities, key("id", id), func(ctx context.Context) (*idproof.Community, error) {
		return c.Store.Community(ctx, id)
	}, cloneCommunity)
}

// CommunityByName returns the community of a tenant with the given name.
func (c *Cache) CommunityByName(ctx context.Context, tenantID, name string) (*idproof.Community, error) {
	return get(ctx, c, communities, key("name", tenantID, name), func(ctx context.Context) (*idproof.Community, error) {
		return c.Store.CommunityByName(ctx, tenantID, name)
	}, cloneCommunity)
}

// CreateCommunity stores a new community.
func (c *Cache) CreateCommunity(ctx context.Context, cm *idproof.Community) error {
	defer c.wrote(communities)
	return c.Store.CreateCommunity(ctx, cm)
}

// License returns the license with the given ID.
func (c *Cache) License(ctx context.Context, id string) (*idproof.License, error) {
	return get(ctx, c, licenses, key("id", id), func(ctx context.Context) (*idproof.License, error) {
		return c.Store.License(ctx, id)
	}, cloneLicense)
}

// LicenseByKeyHash returns the license whose key has the given hash: the
// look-up of every licensed request.
func (c *Cache) LicenseByKeyHash(ctx context.Context, keyHash string) (*idproof.License, error) {
	return get(ctx, c, licenses, key("hash", keyHash), func(ctx context.Context) (*idproof.License, error) {
		return c.Store.LicenseByKeyHash(ctx, keyHash)
	}, cloneLicense)
}

// CreateLicense stores a new license.
func (c *Cache) CreateLicense(ctx context.Context, l *idproof.License) error {
	defer c.wrote(licenses)
	return c.Store.CreateLicense(ctx, l)
}

// UpdateLicense writes Disabled, ExpiresAt, Tag and CommunityID.
func (c *Cache) UpdateLicense(ctx context.Context, l *idproof.License) error {
	defer c.wrote(licenses)
	return c.Store.UpdateLicense(ctx, l)
}

// VerificationConfig returns the verification config with the given ID.
func (c *Cache) VerificationConfig(ctx context.Context, id string) (*idproof.VerificationConfig, error) {
	return get(ctx, c, configs, key("id", id), func(ctx context.Context) (*idproof.VerificationConfig, error) {
		return c.Store.VerificationConfig(ctx, id)
	}, cloneConfig)
}

// VerificationConfigByName returns the verification config of a community
// with the given name.
func (c *Cache) VerificationConfigByName(ctx context.Context, tenantID, communityID, name string) (*idproof.VerificationConfig, error) {
	return get(ctx, c, configs, key("name", tenantID, communityID, name), func(ctx context.Context) (*idproof.VerificationConfig, error) {
		return c.Store.VerificationConfigByName(ctx, tenantID, communityID, name)
	}, cloneConfig)
}

// CreateVerificationConfig stores a new verification config.
func (c *Cache) CreateVerificationConfig(ctx context.Context, vc *idproof.VerificationConfig) error {
	defer c.wrote(configs)
	return c.Store.CreateVerificationConfig(ctx, vc)
}

// UpdateVerificationConfig replaces Name, ConnectorSealed, Verification and
// UpdatedAt.
func (c *Cache) UpdateVerificationConfig(ctx context.Context, vc *idproof.VerificationConfig) error {
	defer c.wrote(configs)
	return c.Store.UpdateVerificationConfig(ctx, vc)
}

// DeleteVerificationConfig deletes a verification config.
func (c *Cache) DeleteVerificationConfig(ctx context.Context, id string) error {
	defer c.wrote(configs)
	return c.Store.DeleteVerificationConfig(ctx, id)
}
