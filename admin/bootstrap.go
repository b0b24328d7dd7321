package admin

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Credentials is what a fresh install hands its operator: enough to call
// every endpoint. Its JSON form is a stable contract of `idproof bootstrap --json`.
type Credentials struct {
	TenantID      string `json:"tenantId"`
	TenantDNS     string `json:"tenantDNS"`
	CommunityID   string `json:"communityId"`
	CommunityName string `json:"communityName"`
	Licenses      struct {
		System  string `json:"system"`
		Service string `json:"service"`
	} `json:"licenses"`
	ServiceKey struct {
		KeyID     string `json:"keyId"`
		KeySecret string `json:"keySecret"`
	} `json:"serviceKey"`
	DVCID string `json:"dvcID"`
}

// Names of what Bootstrap creates, so that running it again finds them.
const (
	BootstrapDNS           = "localhost"
	BootstrapCommunity     = "default"
	BootstrapSystemTag     = "bootstrap-system"
	BootstrapServiceTag    = "bootstrap-service"
	BootstrapServiceKeyTag = "bootstrap"
	BootstrapDVCName       = "default"
	BootstrapSandboxName   = "sandbox"
)

// DefaultConnector and DefaultVerification make up the verification
// configuration a fresh install starts with.
var (
	DefaultConnector    = json.RawMessage(`{"type":"native","config":{}}`)
	SandboxConnector    = json.RawMessage(`{"type":"sandbox","config":{}}`)
	SandboxVerification = json.RawMessage(`{"tag":"sandbox","config":{"verifier":"sandbox","expireSessionInMin":60,"abandonSessionInMin":15,"maxRetries":3,"checks":["document_liveness_front","document_liveness_back","selfie_liveness","face_compare"]}}`)
	// The built-in verifier's default asks for the checks it can perform:
	// face comparison and liveness need a model it does not have, so asking
	// for them would end every session NOT_PERFORMED.
	DefaultVerification = json.RawMessage(`{"tag":"default","config":{"verifier":"native","skip":false,"debug":false,"expireSessionInMin":60,"abandonSessionInMin":15,"maxRetries":3,"checks":["document_liveness_front","document_liveness_back","fraud_detection"]}}`)
)

// Bootstrap creates, or finds when run again, a tenant, its default
// community, a system and a service license, a service key and a default
// verification configuration, and returns their credentials.
func (s *Service) Bootstrap(ctx context.Context, dns string) (*Credentials, error) {
	if dns == "" {
		dns = BootstrapDNS
	}
	dns = strings.ToLower(dns)
	now := s.now()
	var c Credentials

	tenant, err := findOrCreate(ctx,
		func() (*idproof.Tenant, error) { return s.Store.TenantByDNS(ctx, dns) },
		func() (*idproof.Tenant, error) {
			t := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: dns, Name: dns, CreatedAt: now}
			return t, s.Store.CreateTenant(ctx, t)
		})
	if err != nil {
		return nil, err
	}
	c.TenantID, c.TenantDNS = tenant.ID, tenant.DNS

	comm, err := findOrCreate(ctx,
		func() (*idproof.Community, error) { return s.Store.CommunityByName(ctx, tenant.ID, BootstrapCommunity) },
		func() (*idproof.Community, error) {
			c := &idproof.Community{ID: idproof.NewObjectID(), TenantID: tenant.ID, Name: BootstrapCommunity, CreatedAt: now}
			return c, s.Store.CreateCommunity(ctx, c)
		})
	if err != nil {
		return nil, err
	}
	c.CommunityID, c.CommunityName = comm.ID, comm.Name

	if c.Licenses.System, err = s.ensureLicense(ctx, LicenseSpec{Tag: BootstrapSystemTag, AuthLevel: idproof.AuthSystem, TenantID: tenant.ID}); err != nil {
		return nil, err
	}
	if c.Licenses.Service, err = s.ensureLicense(ctx, LicenseSpec{Tag: BootstrapServiceTag, AuthLevel: idproof.AuthService, TenantID: tenant.ID}); err != nil {
		return nil, err
	}

	key, err := findOrCreate(ctx,
		func() (*ServiceKeyView, error) { return s.ServiceKeyByTag(ctx, BootstrapServiceKeyTag) },
		func() (*ServiceKeyView, error) { return s.CreateServiceKey(ctx, BootstrapServiceKeyTag, "service") })
	if err != nil {
		return nil, err
	}
	c.ServiceKey.KeyID, c.ServiceKey.KeySecret = key.KeyID, key.KeySecret

	dvc, err := s.ensureDVC(ctx, tenant.ID, comm.ID, BootstrapDVCName, DefaultConnector, DefaultVerification, now)
	if err != nil {
		return nil, err
	}
	// A second configuration with the sandbox connector, so integrators can
	// drive every outcome before real verification is set up.
	if _, err := s.ensureDVC(ctx, tenant.ID, comm.ID, BootstrapSandboxName, SandboxConnector, SandboxVerification, now); err != nil {
		return nil, err
	}
	c.DVCID = dvc.ID
	return &c, nil
}

func (s *Service) ensureDVC(ctx context.Context, tenantID, communityID, name string, connector, verification json.RawMessage, now time.Time) (*idproof.VerificationConfig, error) {
	return findOrCreate(ctx,
		func() (*idproof.VerificationConfig, error) {
			return s.Store.VerificationConfigByName(ctx, tenantID, communityID, name)
		},
		func() (*idproof.VerificationConfig, error) {
			d := &idproof.VerificationConfig{
				ID: idproof.NewObjectID(), TenantID: tenantID, CommunityID: communityID, Name: name,
				ConnectorSealed: s.Keyring.Seal(connector), Verification: verification,
				CreatedAt: now, UpdatedAt: now,
			}
			return d, s.Store.CreateVerificationConfig(ctx, d)
		})
}

func (s *Service) ensureLicense(ctx context.Context, spec LicenseSpec) (string, error) {
	l, err := findOrCreate(ctx,
		func() (*idproof.License, error) { return s.Store.LicenseByTag(ctx, spec.TenantID, spec.Tag) },
		func() (*idproof.License, error) {
			_, l, err := s.CreateLicense(ctx, spec)
			return l, err
		})
	if err != nil {
		return "", err
	}
	return s.LicenseKey(l)
}

// findOrCreate returns what find finds, or what create makes. When another
// process creates the same thing at the same moment (two replicas starting
// on one empty database), create fails with a conflict and the winner's
// copy is read back.
func findOrCreate[T any](ctx context.Context, find, create func() (T, error)) (T, error) {
	v, err := find()
	if !idproof.IsNotFound(err) {
		return v, err
	}
	v, err = create()
	if idproof.ErrorCode(err) == idproof.ECONFLICT {
		return find()
	}
	return v, err
}
