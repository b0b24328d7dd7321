package idproof

import "time"

// Tenant is a customer of the service, identified to callers by its DNS name.
type Tenant struct {
	ID        string
	DNS       string // unique, lower case
	Name      string
	CreatedAt time.Time
}

// Community is a partition of a tenant (for example "default"); licenses,
// verification configurations, templates and buckets belong to one.
type Community struct {
	ID        string
	TenantID  string
	Name      string // unique within the tenant
	CreatedAt time.Time
}
