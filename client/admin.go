package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// The administration endpoints under /admin/ need a system license.

// Tenant is a tenant as the administration API returns it.
type Tenant struct {
	ID        string `json:"id"`
	DNS       string `json:"dns"`
	Name      string `json:"name"`
	CreatedTS int64  `json:"createdTS"`
}

// Community is a community of a tenant.
type Community struct {
	ID        string `json:"id"`
	TenantID  string `json:"tenantId"`
	Name      string `json:"name"`
	CreatedTS int64  `json:"createdTS"`
}

// License is a license as the administration API returns it. LicenseKey is
// set only in the reply of CreateLicense: the key is not shown again.
type License struct {
	ID          string `json:"id"`
	Tag         string `json:"tag"`
	AuthLevel   string `json:"authLevel"`
	TenantID    string `json:"tenantId"`
	CommunityID string `json:"communityId"`
	ExpiresTS   int64  `json:"expiresTS"` // epoch ms; 0: never
	Disabled    bool   `json:"disabled"`
	CreatedTS   int64  `json:"createdTS"`
	LicenseKey  string `json:"licenseKey,omitempty"`
}

// LicenseRequest describes a license to create.
type LicenseRequest struct {
	TenantID    string `json:"tenantId,omitempty"` // may be empty only for a system license
	CommunityID string `json:"communityId,omitempty"`
	AuthLevel   string `json:"authLevel"` // system, service, service_ext or basic
	Tag         string `json:"tag,omitempty"`
	ExpiresTS   int64  `json:"expiresTS,omitempty"` // epoch ms; 0: never
}

// VerificationConfig is a stored verification configuration (a dvcID). Read
// back, the secrets of its connector are masked; sending a masked value back
// keeps the stored secret.
type VerificationConfig struct {
	DVCID        string          `json:"dvcID"`
	TenantID     string          `json:"tenantId"`
	CommunityID  string          `json:"communityId"`
	Name         string          `json:"name"`
	Connector    json.RawMessage `json:"connector"`
	Verification json.RawMessage `json:"verification"`
	CreatedTS    int64           `json:"createdTS"`
	UpdatedTS    int64           `json:"updatedTS"`
}

// CreateTenant calls POST /admin/tenants.
func (c *Client) CreateTenant(ctx context.Context, dns, name string) (*Tenant, error) {
	var out Tenant
	in := map[string]string{"dns": dns, "name": name}
	return &out, c.Do(ctx, http.MethodPost, "/admin/tenants", in, &out)
}

// Tenants calls GET /admin/tenants.
func (c *Client) Tenants(ctx context.Context) ([]Tenant, error) {
	var out struct{ Data []Tenant }
	return out.Data, c.Do(ctx, http.MethodGet, "/admin/tenants", nil, &out)
}

// CreateCommunity calls POST /admin/tenants/{tenantId}/communities.
func (c *Client) CreateCommunity(ctx context.Context, tenantID, name string) (*Community, error) {
	var out Community
	in := map[string]string{"name": name}
	return &out, c.Do(ctx, http.MethodPost, "/admin/tenants/"+url.PathEscape(tenantID)+"/communities", in, &out)
}

// Communities calls GET /admin/tenants/{tenantId}/communities.
func (c *Client) Communities(ctx context.Context, tenantID string) ([]Community, error) {
	var out struct{ Data []Community }
	return out.Data, c.Do(ctx, http.MethodGet, "/admin/tenants/"+url.PathEscape(tenantID)+"/communities", nil, &out)
}

// CreateLicense calls POST /admin/licenses. The reply carries the key.
func (c *Client) CreateLicense(ctx context.Context, req LicenseRequest) (*License, error) {
	var out License
	return &out, c.Do(ctx, http.MethodPost, "/admin/licenses", req, &out)
}

// Licenses calls GET /admin/licenses: the licenses of a tenant, or all of
// them when tenantID is "".
func (c *Client) Licenses(ctx context.Context, tenantID string) ([]License, error) {
	path := "/admin/licenses"
	if tenantID != "" {
		path += "?" + url.Values{"tenantId": {tenantID}}.Encode()
	}
	var out struct{ Data []License }
	return out.Data, c.Do(ctx, http.MethodGet, path, nil, &out)
}

// DisableLicense calls POST /admin/licenses/{id}/disable.
func (c *Client) DisableLicense(ctx context.Context, id string) (*License, error) {
	var out License
	return &out, c.Do(ctx, http.MethodPost, "/admin/licenses/"+url.PathEscape(id)+"/disable", nil, &out)
}

// ExpireLicense calls POST /admin/licenses/{id}/expire: the license expires
// at at, or now when at is zero.
func (c *Client) ExpireLicense(ctx context.Context, id string, at time.Time) (*License, error) {
	var in any
	if !at.IsZero() {
		in = map[string]int64{"expiresTS": at.UnixMilli()}
	}
	var out License
	return &out, c.Do(ctx, http.MethodPost, "/admin/licenses/"+url.PathEscape(id)+"/expire", in, &out)
}

// PutVerificationConfig calls PUT
// /admin/dvcs/tenant/{tenantId}/community/{communityId}/name/{name}: it
// creates or replaces the named configuration.
func (c *Client) PutVerificationConfig(ctx context.Context, tenantID, communityID, name string, connector, verification json.RawMessage) (*VerificationConfig, error) {
	var out VerificationConfig
	in := map[string]json.RawMessage{"connector": connector, "verification": verification}
	return &out, c.Do(ctx, http.MethodPut, dvcScopePath(tenantID, communityID)+"/name/"+url.PathEscape(name), in, &out)
}

// VerificationConfigs calls GET
// /admin/dvcs/tenant/{tenantId}/community/{communityId}.
func (c *Client) VerificationConfigs(ctx context.Context, tenantID, communityID string) ([]VerificationConfig, error) {
	var out struct{ Data []VerificationConfig }
	return out.Data, c.Do(ctx, http.MethodGet, dvcScopePath(tenantID, communityID), nil, &out)
}

// VerificationConfig calls GET /admin/dvcs/{dvcID}.
func (c *Client) VerificationConfig(ctx context.Context, dvcID string) (*VerificationConfig, error) {
	var out VerificationConfig
	return &out, c.Do(ctx, http.MethodGet, "/admin/dvcs/"+url.PathEscape(dvcID), nil, &out)
}

// DeleteVerificationConfig calls DELETE /admin/dvcs/{dvcID}.
func (c *Client) DeleteVerificationConfig(ctx context.Context, dvcID string) error {
	return c.Do(ctx, http.MethodDelete, "/admin/dvcs/"+url.PathEscape(dvcID), nil, nil)
}

func dvcScopePath(tenantID, communityID string) string {
	return "/admin/dvcs/tenant/" + url.PathEscape(tenantID) + "/community/" + url.PathEscape(communityID)
}
