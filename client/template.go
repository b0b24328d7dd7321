package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/idproof/idproof/workflow"
)

// Template is a proofing template as the API returns it. The built-in
// default that GET /proofingtemplates/{sessionId} falls back to has ID
// "default" and no timestamps.
type Template struct {
	ID           string          `json:"_id"`
	TenantID     string          `json:"tenantId"`
	CommunityID  string          `json:"communityId"`
	DVCID        string          `json:"dvcID"`
	DocumentType string          `json:"documentType"`
	Workflow     []workflow.Step `json:"workflow"`
	CreatedTS    int64           `json:"createdTS,omitempty"` // epoch milliseconds
	UpdatedTS    int64           `json:"updatedTS,omitempty"`
}

// TemplateSpec is the body of the template create and update calls. Empty
// DocumentType and DVCID are left out, which the updates read as "keep".
type TemplateSpec struct {
	DocumentType string          `json:"documentType,omitempty"`
	DVCID        string          `json:"dvcID,omitempty"`
	Workflow     []workflow.Step `json:"workflow"`
}

func templatesPath(tenantID, communityID string) string {
	return "/proofingtemplates/tenant/" + url.PathEscape(tenantID) + "/community/" + url.PathEscape(communityID)
}

// Templates calls GET /proofingtemplates/{sessionId}: the templates that
// apply to the session, or the built-in default. A license is optional;
// without one the client's key must be the one the session is bound to.
func (c *Client) Templates(ctx context.Context, sessionID string) ([]Template, error) {
	var out struct {
		List []Template `json:"list"`
	}
	err := c.Do(ctx, http.MethodGet, "/proofingtemplates/"+url.PathEscape(sessionID), nil, &out)
	return out.List, err
}

// CreateTemplate calls PUT /proofingtemplates/tenant/{t}/community/{c};
// spec needs DocumentType, DVCID and Workflow.
func (c *Client) CreateTemplate(ctx context.Context, tenantID, communityID string, spec TemplateSpec) (*Template, error) {
	var out Template
	if err := c.Do(ctx, http.MethodPut, templatesPath(tenantID, communityID), spec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTemplateByDVC calls PATCH .../dvcId/{dvcId} with the encrypted body
// the endpoint requires. It replaces the workflow of the community's
// templates for dvcID (only those of documentType, when not empty) and
// returns the oldest of them.
func (c *Client) UpdateTemplateByDVC(ctx context.Context, tenantID, communityID, dvcID, documentType string, steps []workflow.Step) (*Template, error) {
	var out Template
	in := TemplateSpec{DocumentType: documentType, Workflow: steps}
	path := templatesPath(tenantID, communityID) + "/dvcId/" + url.PathEscape(dvcID)
	if err := c.Do(ctx, http.MethodPatch, path, in, &out, Envelope()); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTemplate calls PATCH .../id/{id}: a new workflow and, when set in
// spec, a new document type or dvcID.
func (c *Client) UpdateTemplate(ctx context.Context, tenantID, communityID, id string, spec TemplateSpec) (*Template, error) {
	var out Template
	path := templatesPath(tenantID, communityID) + "/id/" + url.PathEscape(id)
	if err := c.Do(ctx, http.MethodPatch, path, spec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTemplate calls DELETE .../id/{id}.
func (c *Client) DeleteTemplate(ctx context.Context, tenantID, communityID, id string) error {
	return c.Do(ctx, http.MethodDelete, templatesPath(tenantID, communityID)+"/id/"+url.PathEscape(id), nil, nil)
}
