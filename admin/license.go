package admin

import (
	"context"
	"time"

	"github.com/idproof/idproof"
)

// LicenseSpec describes a license to create.
type LicenseSpec struct {
	Tag         string
	AuthLevel   idproof.AuthLevel
	TenantID    string // "" only for system licenses
	CommunityID string
	ExpiresAt   time.Time
}

// CreateLicense issues a license and returns its key, which is shown once
// here and afterwards only to administrators.
func (s *Service) CreateLicense(ctx context.Context, spec LicenseSpec) (string, *idproof.License, error) {
	if !spec.AuthLevel.Valid() {
		return "", nil, idproof.Errorf(idproof.EINVALID, "authLevel %q is not one of system, service, service_ext, basic", spec.AuthLevel)
	}
	if spec.TenantID == "" && spec.AuthLevel != idproof.AuthSystem {
		return "", nil, idproof.Errorf(idproof.EINVALID, "a %s license needs a tenant", spec.AuthLevel)
	}
	key := idproof.NewUUID()
	l := &idproof.License{
		ID:          idproof.NewObjectID(),
		KeyHash:     idproof.LicenseKeyHash(key),
		KeySealed:   s.Keyring.SealString(key),
		Tag:         spec.Tag,
		AuthLevel:   spec.AuthLevel,
		TenantID:    spec.TenantID,
		CommunityID: spec.CommunityID,
		ExpiresAt:   spec.ExpiresAt.UTC().Truncate(time.Millisecond),
		CreatedAt:   s.now(),
	}
	if err := s.Store.CreateLicense(ctx, l); err != nil {
		return "", nil, err
	}
	return key, l, nil
}

// LicenseKey opens the sealed key of a stored license.
func (s *Service) LicenseKey(l *idproof.License) (string, error) {
	return s.Keyring.OpenString(l.KeySealed)
}
