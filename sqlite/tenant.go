package sqlite

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
)

var tenantConflicts = conflicts{
	"tenants.id":  "tenant with this id already exists",
	"tenants.dns": "tenant with this dns already exists",
	"":            "tenant already exists",
}

var communityConflicts = conflicts{
	"communities.id": "community with this id already exists",
	"communities.tenant_id, communities.name": "community with this name already exists in the tenant",
	"": "community already exists",
}

const tenantColumns = `id, dns, name, created_at`

func scanTenant(r scanner) (*idproof.Tenant, error) {
	var t idproof.Tenant
	var created int64
	if err := r.Scan(&t.ID, &t.DNS, &t.Name, &created); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMillis(created)
	return &t, nil
}

// CreateTenant stores a new tenant; its ID and DNS must be unused.
func (s *Store) CreateTenant(ctx context.Context, t *idproof.Tenant) error {
	_, err := s.exec(ctx, nil, `INSERT INTO tenants (`+tenantColumns+`) VALUES (?, ?, ?, ?)`,
		t.ID, t.DNS, t.Name, millis(t.CreatedAt))
	if err != nil {
		return writeErr("create tenant", err, tenantConflicts)
	}
	return nil
}

// Tenant returns the tenant with the given ID.
func (s *Store) Tenant(ctx context.Context, id string) (*idproof.Tenant, error) {
	t, err := scanTenant(s.q.tenant.QueryRowContext(ctx, id))
	if err != nil {
		return nil, readErr("get tenant", err, "tenant", id)
	}
	return t, nil
}

// TenantByDNS returns the tenant with the given DNS name.
func (s *Store) TenantByDNS(ctx context.Context, dns string) (*idproof.Tenant, error) {
	t, err := scanTenant(s.q.tenantByDNS.QueryRowContext(ctx, dns))
	if err != nil {
		return nil, readErr("get tenant by dns", err, "tenant", dns)
	}
	return t, nil
}

// Tenants lists every tenant, oldest first.
func (s *Store) Tenants(ctx context.Context) ([]*idproof.Tenant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tenantColumns+` FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return collect(rows, scanTenant, "list tenants")
}

const communityColumns = `id, tenant_id, name, created_at`

func scanCommunity(r scanner) (*idproof.Community, error) {
	var c idproof.Community
	var created int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.Name, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMillis(created)
	return &c, nil
}

// CreateCommunity stores a new community of an existing tenant; its ID, and
// its name within the tenant, must be unused.
func (s *Store) CreateCommunity(ctx context.Context, c *idproof.Community) error {
	_, err := s.exec(ctx, nil, `INSERT INTO communities (`+communityColumns+`) VALUES (?, ?, ?, ?)`,
		c.ID, c.TenantID, c.Name, millis(c.CreatedAt))
	if isForeignKey(err) {
		return notFound("tenant", c.TenantID)
	}
	if err != nil {
		return writeErr("create community", err, communityConflicts)
	}
	return nil
}

// Community returns the community with the given ID.
func (s *Store) Community(ctx context.Context, id string) (*idproof.Community, error) {
	c, err := scanCommunity(s.q.community.QueryRowContext(ctx, id))
	if err != nil {
		return nil, readErr("get community", err, "community", id)
	}
	return c, nil
}

// CommunityByName returns the community of a tenant with the given name.
func (s *Store) CommunityByName(ctx context.Context, tenantID, name string) (*idproof.Community, error) {
	c, err := scanCommunity(s.q.communityByName.QueryRowContext(ctx, tenantID, name))
	if err != nil {
		return nil, readErr("get community by name", err, "community", name)
	}
	return c, nil
}

// Communities lists the communities of a tenant, oldest first.
func (s *Store) Communities(ctx context.Context, tenantID string) ([]*idproof.Community, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+communityColumns+` FROM communities WHERE tenant_id = ? ORDER BY created_at, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return collect(rows, scanCommunity, "list communities")
}
