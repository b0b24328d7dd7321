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
	if err := s.checkLicenseSpec(ctx, spec); err != nil {
		return "", nil, err
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

// Expiry times must lie within what both stores keep exactly.
var (
	minExpiry = time.Date(1970, 1, 1, 0, 0, 0, 1e6, time.UTC)
	maxExpiry = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// checkLicenseSpec checks the parts of a spec that refer to other things:
// the tag, the expiry, and that the tenant and community exist.
func (s *Service) checkLicenseSpec(ctx context.Context, spec LicenseSpec) error {
	if err := checkOptionalName("tag", spec.Tag); err != nil {
		return err
	}
	if err := checkExpiry(spec.ExpiresAt); err != nil {
		return err
	}
	if spec.TenantID == "" {
		if spec.CommunityID != "" {
			return idproof.Errorf(idproof.EINVALID, "communityId needs a tenantId")
		}
		return nil
	}
	if _, err := s.tenant(ctx, spec.TenantID); err != nil {
		return err
	}
	if spec.CommunityID != "" {
		if _, err := s.community(ctx, spec.TenantID, spec.CommunityID); err != nil {
			return err
		}
	}
	return nil
}

func checkExpiry(at time.Time) error {
	if !at.IsZero() && (at.Before(minExpiry) || at.After(maxExpiry)) {
		return idproof.Errorf(idproof.EINVALID, "expiry %s is outside 1970 to 9999", at.UTC().Format(time.RFC3339))
	}
	return nil
}

// LicenseView is a license as the administration API returns it. The key
// travels only in the reply that creates the license.
type LicenseView struct {
	ID          string            `json:"id"`
	Tag         string            `json:"tag"`
	AuthLevel   idproof.AuthLevel `json:"authLevel"`
	TenantID    string            `json:"tenantId"`
	CommunityID string            `json:"communityId"`
	ExpiresTS   int64             `json:"expiresTS"` // 0: never
	Disabled    bool              `json:"disabled"`
	CreatedTS   int64             `json:"createdTS"`
	LicenseKey  string            `json:"licenseKey,omitempty"`
}

// NewLicenseView converts a license for the API, without its key.
func NewLicenseView(l *idproof.License) LicenseView {
	return LicenseView{
		ID: l.ID, Tag: l.Tag, AuthLevel: l.AuthLevel, TenantID: l.TenantID, CommunityID: l.CommunityID,
		ExpiresTS: epochMillis(l.ExpiresAt), Disabled: l.Disabled, CreatedTS: epochMillis(l.CreatedAt),
	}
}

// Licenses lists the licenses of an existing tenant, or every license when
// tenantID is "".
func (s *Service) Licenses(ctx context.Context, tenantID string) ([]*idproof.License, error) {
	if tenantID != "" {
		if _, err := s.tenant(ctx, tenantID); err != nil {
			return nil, err
		}
	}
	return s.Store.Licenses(ctx, tenantID)
}

// DisableLicense disables a license for good; disabling it again is
// harmless.
func (s *Service) DisableLicense(ctx context.Context, id string) (*idproof.License, error) {
	return s.changeLicense(ctx, id, func(l *idproof.License) { l.Disabled = true })
}

// ExpireLicense sets the expiry of a license to at, or to now when at is
// zero. A time in the future schedules the expiry.
func (s *Service) ExpireLicense(ctx context.Context, id string, at time.Time) (*idproof.License, error) {
	if at.IsZero() {
		at = s.now()
	}
	at = at.UTC().Truncate(time.Millisecond)
	if err := checkExpiry(at); err != nil {
		return nil, err
	}
	return s.changeLicense(ctx, id, func(l *idproof.License) { l.ExpiresAt = at })
}

// changeLicense applies change to a stored license. It refuses to leave the
// installation without a usable system license: the API could then no
// longer be administered without direct access to the database.
func (s *Service) changeLicense(ctx context.Context, id string, change func(*idproof.License)) (*idproof.License, error) {
	if !idproof.IsObjectID(id) {
		return nil, notFound("license", id)
	}
	l, err := s.Store.License(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	wasUsable := l.Usable(now) == ""
	change(l)
	if l.AuthLevel == idproof.AuthSystem && wasUsable && l.Usable(now) != "" {
		if err := s.keepOneSystemLicense(ctx, l.ID, now); err != nil {
			return nil, err
		}
	}
	if err := s.Store.UpdateLicense(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Service) keepOneSystemLicense(ctx context.Context, except string, now time.Time) error {
	all, err := s.Store.Licenses(ctx, "")
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != except && o.AuthLevel == idproof.AuthSystem && o.Usable(now) == "" {
			return nil
		}
	}
	return idproof.Errorf(idproof.ECONFLICT, "license %s is the last usable system license; create another one first", except)
}
