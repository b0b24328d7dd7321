package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var tenantConflicts = conflicts{
	"tenants_pkey":    "tenant with this id already exists",
	"tenants_dns_key": "tenant with this dns already exists",
	"":                "tenant already exists",
}

var communityConflicts = conflicts{
	"communities_pkey":     "community with this id already exists",
	"communities_name_key": "community with this name already exists in the tenant",
	"":                     "community already exists",
}

const tenantColumns = `id, dns, name, created_at`

func scanTenant(r pgx.Row) (*idproof.Tenant, error) {
	var t idproof.Tenant
	if err := r.Scan(&t.ID, &t.DNS, &t.Name, &t.CreatedAt); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateTenant stores a new tenant; its ID and DNS must be unused.
func (s *Store) CreateTenant(ctx context.Context, t *idproof.Tenant) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO tenants (`+tenantColumns+`) VALUES ($1, $2, $3, $4)`,
		t.ID, t.DNS, t.Name, ts(t.CreatedAt))
	if err != nil {
		return writeErr("create tenant", err, tenantConflicts)
	}
	return nil
}

// Tenant returns the tenant with the given ID.
func (s *Store) Tenant(ctx context.Context, id string) (*idproof.Tenant, error) {
	t, err := scanTenant(s.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get tenant", err, "tenant", id)
	}
	return t, nil
}

// TenantByDNS returns the tenant with the given DNS name.
func (s *Store) TenantByDNS(ctx context.Context, dns string) (*idproof.Tenant, error) {
	t, err := scanTenant(s.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE dns = $1`, dns))
	if err != nil {
		return nil, readErr("get tenant by dns", err, "tenant", dns)
	}
	return t, nil
}

// Tenants lists every tenant, oldest first.
func (s *Store) Tenants(ctx context.Context) ([]*idproof.Tenant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return collect(rows, scanTenant, "list tenants")
}

const communityColumns = `id, tenant_id, name, created_at`

func scanCommunity(r pgx.Row) (*idproof.Community, error) {
	var c idproof.Community
	if err := r.Scan(&c.ID, &c.TenantID, &c.Name, &c.CreatedAt); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCommunity stores a new community of an existing tenant; its ID, and
// its name within the tenant, must be unused.
func (s *Store) CreateCommunity(ctx context.Context, c *idproof.Community) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO communities (`+communityColumns+`) VALUES ($1, $2, $3, $4)`,
		c.ID, c.TenantID, c.Name, ts(c.CreatedAt))
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
	c, err := scanCommunity(s.pool.QueryRow(ctx, `SELECT `+communityColumns+` FROM communities WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get community", err, "community", id)
	}
	return c, nil
}

// CommunityByName returns the community of a tenant with the given name.
func (s *Store) CommunityByName(ctx context.Context, tenantID, name string) (*idproof.Community, error) {
	c, err := scanCommunity(s.pool.QueryRow(ctx,
		`SELECT `+communityColumns+` FROM communities WHERE tenant_id = $1 AND name = $2`, tenantID, name))
	if err != nil {
		return nil, readErr("get community by name", err, "community", name)
	}
	return c, nil
}

// Communities lists the communities of a tenant, oldest first.
func (s *Store) Communities(ctx context.Context, tenantID string) ([]*idproof.Community, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT `+communityColumns+` FROM communities WHERE tenant_id = $1 ORDER BY created_at, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return collect(rows, scanCommunity, "list communities")
}
