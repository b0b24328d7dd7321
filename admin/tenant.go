package admin

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// TenantView is a tenant as the administration API returns it.
type TenantView struct {
	ID        string `json:"id"`
	DNS       string `json:"dns"`
	Name      string `json:"name"`
	CreatedTS int64  `json:"createdTS"`
}

// NewTenantView converts a tenant for the API.
func NewTenantView(t *idproof.Tenant) TenantView {
	return TenantView{ID: t.ID, DNS: t.DNS, Name: t.Name, CreatedTS: epochMillis(t.CreatedAt)}
}

// CommunityView is a community as the administration API returns it.
type CommunityView struct {
	ID        string `json:"id"`
	TenantID  string `json:"tenantId"`
	Name      string `json:"name"`
	CreatedTS int64  `json:"createdTS"`
}

// NewCommunityView converts a community for the API.
func NewCommunityView(c *idproof.Community) CommunityView {
	return CommunityView{ID: c.ID, TenantID: c.TenantID, Name: c.Name, CreatedTS: epochMillis(c.CreatedAt)}
}

// epochMillis is t in milliseconds since the epoch, 0 for the zero time
// ("never" for expiry).
func epochMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// CreateTenant creates a tenant. dns is its unique DNS name; name, a label
// for people, defaults to dns. A dns already taken is a conflict.
func (s *Service) CreateTenant(ctx context.Context, dns, name string) (*idproof.Tenant, error) {
	dns, err := normalizeDNS(dns)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = dns
	}
	if err := checkName("name", name); err != nil {
		return nil, err
	}
	t := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: dns, Name: name, CreatedAt: s.now()}
	if err := s.Store.CreateTenant(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Tenants lists every tenant, oldest first.
func (s *Service) Tenants(ctx context.Context) ([]*idproof.Tenant, error) {
	return s.Store.Tenants(ctx)
}

// CreateCommunity creates a community of an existing tenant. Names are
// unique within the tenant.
func (s *Service) CreateCommunity(ctx context.Context, tenantID, name string) (*idproof.Community, error) {
	if err := checkName("name", name); err != nil {
		return nil, err
	}
	if _, err := s.tenant(ctx, tenantID); err != nil {
		return nil, err
	}
	c := &idproof.Community{ID: idproof.NewObjectID(), TenantID: tenantID, Name: name, CreatedAt: s.now()}
	if err := s.Store.CreateCommunity(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Communities lists the communities of an existing tenant, oldest first.
func (s *Service) Communities(ctx context.Context, tenantID string) ([]*idproof.Community, error) {
	if _, err := s.tenant(ctx, tenantID); err != nil {
		return nil, err
	}
	return s.Store.Communities(ctx, tenantID)
}

// tenant finds a tenant. Ids this service never makes are not looked up,
// so arbitrary input from a URL never reaches the database.
func (s *Service) tenant(ctx context.Context, id string) (*idproof.Tenant, error) {
	if !idproof.IsObjectID(id) {
		return nil, notFound("tenant", id)
	}
	return s.Store.Tenant(ctx, id)
}

// community finds a community of the given tenant; one of another tenant is
// reported as not found, like a missing one.
func (s *Service) community(ctx context.Context, tenantID, id string) (*idproof.Community, error) {
	if !idproof.IsObjectID(id) {
		return nil, notFound("community", id)
	}
	c, err := s.Store.Community(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.TenantID != tenantID {
		return nil, notFound("community", id)
	}
	return c, nil
}

// notFound names the missing entity, quoting at most 64 bytes of an id that
// came from the caller.
func notFound(entity, id string) error {
	if len(id) > 64 {
		id = id[:64] + "..."
	}
	return idproof.Errorf(idproof.ENOTFOUND, "%s %q not found", entity, id)
}

// normalizeDNS lower-cases a DNS name, drops a trailing dot and checks it is
// a host name: dot-separated labels of letters, digits and inner hyphens.
func normalizeDNS(dns string) (string, error) {
	dns = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(dns)), ".")
	if dns == "" {
		return "", idproof.Errorf(idproof.EINVALID, "dns is required")
	}
	if len(dns) > 253 {
		return "", idproof.Errorf(idproof.EINVALID, "dns is longer than 253 characters")
	}
	for _, label := range strings.Split(dns, ".") {
		if !validLabel(label) {
			return "", idproof.Errorf(idproof.EINVALID, "dns %q is not a host name: labels of 1 to 63 letters, digits and inner hyphens, separated by dots", dns)
		}
	}
	return dns, nil
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// maxNameLen bounds names and tags.
const maxNameLen = 128

// checkName checks a required name: printable text of at most maxNameLen
// characters without surrounding spaces or '/', so it can travel in a URL
// path segment and be stored by either database.
func checkName(field, v string) error {
	if v == "" {
		return idproof.Errorf(idproof.EINVALID, "%s is required", field)
	}
	return checkOptionalName(field, v)
}

// checkOptionalName is checkName for a name that may be empty.
func checkOptionalName(field, v string) error {
	switch {
	case v == "":
		return nil
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxNameLen:
		return idproof.Errorf(idproof.EINVALID, "%s must be valid text of at most %d characters", field, maxNameLen)
	case strings.TrimSpace(v) != v:
		return idproof.Errorf(idproof.EINVALID, "%s must not start or end with spaces", field)
	case strings.ContainsRune(v, '/'):
		return idproof.Errorf(idproof.EINVALID, "%s must not contain '/'", field)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) && r != ' ' {
			return idproof.Errorf(idproof.EINVALID, "%s must not contain control characters", field)
		}
	}
	return nil
}
