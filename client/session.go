package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// SessionUser describes the person to proof.
type SessionUser struct {
	UID       string `json:"uid,omitempty"`
	Username  string `json:"username,omitempty"`
	Firstname string `json:"firstname,omitempty"`
	Lastname  string `json:"lastname,omitempty"`
}

// SessionRequest is the sessionRequest object of a create call.
type SessionRequest struct {
	TenantDNS        string          `json:"tenantDNS,omitempty"`
	TenantID         string          `json:"tenantId,omitempty"`
	CommunityName    string          `json:"communityName,omitempty"`
	CommunityID      string          `json:"communityId,omitempty"`
	DocumentType     string          `json:"documentType"`
	DID              string          `json:"did,omitempty"`
	UserUID          string          `json:"userUID,omitempty"`
	User             *SessionUser    `json:"user,omitempty"`
	WorkflowMetadata json.RawMessage `json:"workflowMetadata,omitempty"`
}

// CreateSessionRequest is the body of POST /document_share_session/create:
// DVCID, or Connector and Verification inline.
type CreateSessionRequest struct {
	DVCID          string          `json:"dvcID,omitempty"`
	Connector      json.RawMessage `json:"connector,omitempty"`
	Verification   json.RawMessage `json:"verification,omitempty"`
	SessionRequest SessionRequest  `json:"sessionRequest"`
}

// CreatedSession is the reply of create.
type CreatedSession struct {
	SessionID string `json:"sessionId"`
	URL       string `json:"url"`
}

// CreateSession calls POST /document_share_session/create.
func (c *Client) CreateSession(ctx context.Context, req CreateSessionRequest, opts ...CallOption) (*CreatedSession, error) {
	var out CreatedSession
	return &out, c.Do(ctx, http.MethodPost, "/document_share_session/create", req, &out, opts...)
}

// ResultRequest is the body of the result calls.
type ResultRequest struct {
	SessionID          string `json:"sessionId"`
	DVCID              string `json:"dvcID,omitempty"`
	IncludeMetadata    bool   `json:"includeMetadata,omitempty"`
	APIVersion         string `json:"apiVersion,omitempty"`
	AlwaysReturnAssets bool   `json:"alwaysReturnAssets,omitempty"`
	GranularStatus     bool   `json:"granularStatus,omitempty"`
}

// SessionResult calls POST /document_share_session/result, or the /v3 path
// when v3 is set. An encrypted reply is opened.
func (c *Client) SessionResult(ctx context.Context, req ResultRequest, v3 bool, opts ...CallOption) (map[string]any, error) {
	path := "/document_share_session/result"
	if v3 {
		path = "/v3/document_share_session/result"
	}
	var out map[string]any
	return out, c.Do(ctx, http.MethodPost, path, req, &out, opts...)
}

// SessionQuery filters POST /proofingsession/fetch.
type SessionQuery struct {
	ID                    string `json:"id,omitempty"`
	Status                string `json:"status,omitempty"`
	OverallRecommendation string `json:"overallRecommendation,omitempty"`
	DocumentType          string `json:"documentType,omitempty"`
	Name                  string `json:"name,omitempty"`
	UID                   string `json:"uid,omitempty"`
	DVCID                 string `json:"dvcID,omitempty"`
	StartDate             string `json:"startDate,omitempty"`
	EndDate               string `json:"endDate,omitempty"`
}

// SessionPage is the reply of fetch.
type SessionPage struct {
	Data []map[string]any `json:"data"`
	Page struct {
		Index int `json:"index"`
		Total int `json:"total"`
		Size  int `json:"size"`
	} `json:"page"`
}

// FetchSessions calls POST /proofingsession/fetch.
func (c *Client) FetchSessions(ctx context.Context, tenantID, communityID string, q SessionQuery, pIndex, pSize int, opts ...CallOption) (*SessionPage, error) {
	body := map[string]any{"data": map[string]any{"query": q, "pIndex": pIndex, "pSize": pSize, "tenantId": tenantID, "communityId": communityID}}
	var out struct {
		Data SessionPage `json:"data"`
	}
	if err := c.Do(ctx, http.MethodPost, "/proofingsession/fetch", body, &out, opts...); err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// SessionCall calls one of the end user's session endpoints: "" (details),
// start, validate, complete, decline, retry or retry/cancel.
func (c *Client) SessionCall(ctx context.Context, sessionID, action string, opts ...CallOption) (map[string]any, error) {
	path := "/proofingsession/" + url.PathEscape(sessionID)
	if action != "" {
		path += "/" + action
	}
	var out map[string]any
	return out, c.Do(ctx, http.MethodGet, path, nil, &out, opts...)
}

// SessionEvent calls POST /proofingsession/{id}/submit/event/{name}.
func (c *Client) SessionEvent(ctx context.Context, sessionID, name, screen, status, errText string, opts ...CallOption) error {
	body := map[string]string{"screen_name": screen, "status": status, "error": errText}
	return c.Do(ctx, http.MethodPost, "/proofingsession/"+url.PathEscape(sessionID)+"/submit/event/"+url.PathEscape(name), body, nil, opts...)
}
