package proofing

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// SessionRequest is the sessionRequest object of the create call.
type SessionRequest struct {
	TenantDNS        string              `json:"tenantDNS"`
	TenantID         string              `json:"tenantId"`
	CommunityName    string              `json:"communityName"`
	CommunityID      string              `json:"communityId"`
	DocumentType     string              `json:"documentType"`
	DID              string              `json:"did"`
	UserUID          string              `json:"userUID"`
	User             idproof.SessionUser `json:"user"`
	WorkflowMetadata json.RawMessage     `json:"workflowMetadata"`
}

// CreateRequest is the body of POST /document_share_session/create: a
// stored configuration (DVCID) or an inline connector and verification.
type CreateRequest struct {
	DVCID          string          `json:"dvcID"`
	Connector      json.RawMessage `json:"connector"`
	Verification   json.RawMessage `json:"verification"`
	SessionRequest *SessionRequest `json:"sessionRequest"`
}

// Create makes a PENDING session for the caller's license and returns it.
func (e *Engine) Create(ctx context.Context, lic *idproof.License, req CreateRequest) (*idproof.Session, error) {
	sr := req.SessionRequest
	if sr == nil {
		return nil, invalid("sessionRequest is required")
	}
	if !idproof.ValidDocumentType(sr.DocumentType) {
		return nil, invalid("sessionRequest.documentType must be one of dl_object, ppt_object, idcard_object")
	}
	tenant, comm, err := e.resolveScope(ctx, lic, sr)
	if err != nil {
		return nil, err
	}
	connector, verification, dvcID, err := e.resolveConfig(ctx, tenant, comm, req)
	if err != nil {
		return nil, err
	}
	settings, err := ParseSettings(verification)
	if err != nil {
		return nil, err
	}
	if settings.Capture.License == "" {
		if settings.Capture.License, err = connectorLicense(connector); err != nil {
			return nil, err
		}
	}
	if len(sr.WorkflowMetadata) > 0 && !isObject(sr.WorkflowMetadata) {
		return nil, invalid("sessionRequest.workflowMetadata must be an object")
	}
	user := sr.User
	if user.UID == "" {
		user.UID = sr.UserUID
	}
	if err := checkLengths(map[string]string{"user.uid": user.UID, "user.username": user.Username, "user.firstname": user.Firstname, "user.lastname": user.Lastname, "did": sr.DID}); err != nil {
		return nil, err
	}
	now := e.now()
	s := &idproof.Session{
		ID: idproof.NewUUID(), TenantID: tenant.ID, CommunityID: comm.ID, TenantDNS: tenant.DNS, CommunityName: comm.Name,
		DVCID: dvcID, DocumentType: sr.DocumentType, Status: idproof.StatusPending, User: user, DID: sr.DID,
		CreatedAt: now, ExpiresAt: now.Add(time.Duration(settings.ExpireMin) * time.Minute), LastActivityAt: now,
		ConnectorSealed: e.Keyring.Seal(connector),
	}
	d := &Data{URL: e.SessionURL(s.ID), Settings: settings, Verification: verification, WorkflowMetadata: sr.WorkflowMetadata}
	d.History = []HistoryEntry{{Activity: ActivityCreated, TS: ms(now)}}
	d.caller = callerFrom(ctx)
	e.audit(s, d, ActivityCreated, map[string]string{"dvcID": dvcID, "documentType": s.DocumentType}, now)
	e.schedule(s, d)
	if err := e.write(ctx, s, d, true); err != nil {
		return nil, err
	}
	e.observer().SessionCreated()
	return s, nil
}

// resolveScope finds the tenant and community the request names and checks
// that the license may use them. What the license may not see is "not found".
func (e *Engine) resolveScope(ctx context.Context, lic *idproof.License, sr *SessionRequest) (*idproof.Tenant, *idproof.Community, error) {
	var tenant *idproof.Tenant
	var err error
	switch {
	case sr.TenantID != "":
		tenant, err = e.Store.Tenant(ctx, sr.TenantID)
	case sr.TenantDNS != "":
		tenant, err = e.Store.TenantByDNS(ctx, strings.ToLower(sr.TenantDNS))
	default:
		return nil, nil, invalid("sessionRequest.tenantDNS or sessionRequest.tenantId is required")
	}
	if err == nil && sr.TenantDNS != "" && !strings.EqualFold(tenant.DNS, sr.TenantDNS) {
		return nil, nil, invalid("sessionRequest.tenantDNS %q does not match sessionRequest.tenantId", sr.TenantDNS)
	}
	if idproof.IsNotFound(err) || (err == nil && !lic.CanAccess(tenant.ID, "")) {
		return nil, nil, idproof.Errorf(idproof.ENOTFOUND, "tenant not found")
	}
	if err != nil {
		return nil, nil, err
	}
	var comm *idproof.Community
	switch {
	case sr.CommunityID != "":
		comm, err = e.Store.Community(ctx, sr.CommunityID)
		if err == nil && comm.TenantID != tenant.ID {
			err = idproof.Errorf(idproof.ENOTFOUND, "community not found")
		}
	case sr.CommunityName != "":
		comm, err = e.Store.CommunityByName(ctx, tenant.ID, sr.CommunityName)
	default:
		return nil, nil, invalid("sessionRequest.communityName or sessionRequest.communityId is required")
	}
	if err == nil && sr.CommunityName != "" && comm.Name != sr.CommunityName {
		return nil, nil, invalid("sessionRequest.communityName %q does not match sessionRequest.communityId", sr.CommunityName)
	}
	if idproof.IsNotFound(err) || (err == nil && !lic.CanAccess(tenant.ID, comm.ID)) {
		return nil, nil, idproof.Errorf(idproof.ENOTFOUND, "community not found")
	}
	return tenant, comm, err
}

// resolveConfig returns the connector and verification objects of the
// session: from the stored configuration, or inline.
func (e *Engine) resolveConfig(ctx context.Context, tenant *idproof.Tenant, comm *idproof.Community, req CreateRequest) (connector, verification json.RawMessage, dvcID string, err error) {
	if req.DVCID != "" {
		c, err := e.Store.VerificationConfig(ctx, req.DVCID)
		if idproof.IsNotFound(err) || (err == nil && (c.TenantID != tenant.ID || c.CommunityID != comm.ID)) {
			return nil, nil, "", idproof.Errorf(idproof.ENOTFOUND, "dvcID %q not found in this community", req.DVCID)
		}
		if err != nil {
			return nil, nil, "", err
		}
		connector, err = e.Keyring.Open(c.ConnectorSealed)
		if err != nil {
			return nil, nil, "", err
		}
		verification = c.Verification
		dvcID = c.ID
	} else {
		if len(req.Connector) == 0 || len(req.Verification) == 0 || string(req.Connector) == "null" {
			return nil, nil, "", invalid("dvcID is required")
		}
		// A stored configuration was checked when it was put (and one
		// stored before keys were checked must keep working); an inline
		// one is checked here.
		if err := checkConfigKeys(req.Connector, req.Verification); err != nil {
			return nil, nil, "", err
		}
		connector, verification = req.Connector, req.Verification
	}
	if _, err := e.Connectors.ParseSpec(connector, verification); err != nil {
		return nil, nil, "", err
	}
	return connector, verification, dvcID, nil
}

// connectorLicense is the capture license of connector.config.license,
// where the API document's create body puts it; verification.config.license
// is read first, as earlier clients put it there.
func connectorLicense(connector json.RawMessage) (string, error) {
	var c struct {
		Config struct {
			License *string `json:"license"`
		} `json:"config"`
	}
	if err := json.Unmarshal(connector, &c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "config.license" {
			return "", invalid("connector.config.license must be a string")
		}
		return "", nil // the connector's own parser reports other faults
	}
	if c.Config.License == nil {
		return "", nil
	}
	if len(*c.Config.License) > maxCaptureLicense {
		return "", invalid("connector.config.license is longer than %d bytes", maxCaptureLicense)
	}
	return *c.Config.License, nil
}

// maxCaptureLicense bounds a capture license: vendors' SDK keys are a few
// hundred bytes to a few kilobytes.
const maxCaptureLicense = 16 << 10

func isObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil
}

func checkLengths(fields map[string]string) error {
	for name, v := range fields {
		if len(v) > 256 {
			return invalid("sessionRequest.%s is longer than 256 characters", name)
		}
	}
	return nil
}

// ValidateConfig checks a verification configuration before it is stored:
// its objects have no unknown or misplaced keys, the connector can be built
// and the verification settings parse. It is admin.Service.ValidateConfig.
func (e *Engine) ValidateConfig(connector, verification json.RawMessage) error {
	if err := checkConfigKeys(connector, verification); err != nil {
		return err
	}
	if _, err := e.Connectors.ParseSpec(connector, verification); err != nil {
		return err
	}
	_, err := ParseSettings(verification)
	return err
}
