package idproof

import (
	"context"
	"time"
)

// Store is everything the service persists. Two implementations exist
// (sqlite, postgres) and both pass the suite in storetest. A store method owns
// its transaction; stores do not authorize: callers check scope before.
//
// Not-found conditions return an *Error with ENOTFOUND, uniqueness violations
// ECONFLICT. Times are stored with millisecond precision in UTC. Lists come
// oldest first (CreatedAt, then ID) unless a method says otherwise. Stores
// check no references between entities except community → tenant.
type Store interface {
	TenantStore
	LicenseStore
	ServiceKeyStore
	VerificationConfigStore
	SessionStore
	TemplateStore
	BucketStore
	ReplayStore
	SettingStore
	WebhookStore
	AuditStore
	IdempotencyStore

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error
}

// TenantStore keeps tenants and their communities.
type TenantStore interface {
	CreateTenant(ctx context.Context, t *Tenant) error
	Tenant(ctx context.Context, id string) (*Tenant, error)
	TenantByDNS(ctx context.Context, dns string) (*Tenant, error)
	Tenants(ctx context.Context) ([]*Tenant, error)

	CreateCommunity(ctx context.Context, c *Community) error
	Community(ctx context.Context, id string) (*Community, error)
	CommunityByName(ctx context.Context, tenantID, name string) (*Community, error)
	Communities(ctx context.Context, tenantID string) ([]*Community, error)
}

// LicenseStore keeps licenses.
type LicenseStore interface {
	CreateLicense(ctx context.Context, l *License) error
	License(ctx context.Context, id string) (*License, error)
	LicenseByKeyHash(ctx context.Context, keyHash string) (*License, error)
	// LicenseByTag finds a license by tenant and tag; tenantID "" finds
	// tenant-less (system) licenses.
	LicenseByTag(ctx context.Context, tenantID, tag string) (*License, error)
	// Licenses lists a tenant's licenses, or all of them when tenantID is "".
	Licenses(ctx context.Context, tenantID string) ([]*License, error)
	// UpdateLicense changes Disabled, ExpiresAt, Tag and CommunityID.
	UpdateLicense(ctx context.Context, l *License) error
}

// ServiceKeyStore keeps the service key pairs.
type ServiceKeyStore interface {
	CreateServiceKey(ctx context.Context, k *ServiceKey) error
	ServiceKey(ctx context.Context, keyID string) (*ServiceKey, error)
	// ServiceKeyByTag returns the key with the tag. Non-empty tags are
	// unique: creating a second key with one is ECONFLICT.
	ServiceKeyByTag(ctx context.Context, tag string) (*ServiceKey, error)
	ServiceKeys(ctx context.Context) ([]*ServiceKey, error)
	// ReplaceServiceKey deletes oldKeyID and creates k in one transaction.
	ReplaceServiceKey(ctx context.Context, oldKeyID string, k *ServiceKey) error
	DeleteServiceKey(ctx context.Context, keyID string) error
}

// VerificationConfigStore keeps verification configurations (dvcIDs).
type VerificationConfigStore interface {
	CreateVerificationConfig(ctx context.Context, c *VerificationConfig) error
	VerificationConfig(ctx context.Context, id string) (*VerificationConfig, error)
	VerificationConfigByName(ctx context.Context, tenantID, communityID, name string) (*VerificationConfig, error)
	// VerificationConfigs lists a community's configs; communityID "" lists the tenant's.
	VerificationConfigs(ctx context.Context, tenantID, communityID string) ([]*VerificationConfig, error)
	// UpdateVerificationConfig replaces Name, ConnectorSealed, Verification and UpdatedAt.
	UpdateVerificationConfig(ctx context.Context, c *VerificationConfig) error
	DeleteVerificationConfig(ctx context.Context, id string) error
}

// SessionStore keeps proofing sessions.
//
// CreateSession and UpdateSession also append s.Outbox to the webhook
// outbox and s.Audit to the session's audit trail, in the same
// transaction as the session row: the change, its events and its trail
// entries are stored together or not at all. An audit entry whose
// (SessionID, Seq) is taken is ECONFLICT, like a stale version. Neither
// method changes s.Outbox or s.Audit.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, id string) (*Session, error)
	// UpdateSession writes every mutable field of s if the stored Version
	// equals s.Version, and then increments s.Version. Otherwise it returns
	// ECONFLICT and changes nothing, so two writers never lose an update.
	// ID, tenant, community (ids and names) and CreatedAt never change; a
	// missing session is ENOTFOUND.
	UpdateSession(ctx context.Context, s *Session) error
	// Sessions returns one page of sessions matching f, newest first (ties by
	// ID), and the number of sessions matching f in all. Limit 0 means no
	// limit: callers serving requests must always set one.
	Sessions(ctx context.Context, f SessionFilter) ([]*Session, int, error)
	// ClaimSessionsDue takes up to limit sessions whose DueAt is set and not
	// after now, earliest first, and in the same statement moves their DueAt
	// to leaseUntil (bumping Version), so that concurrent callers (replicas
	// sweeping at once) claim disjoint sets. It returns the claimed sessions
	// as updated, in no particular order. A claimer that dies leaves them
	// due again at leaseUntil.
	ClaimSessionsDue(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*Session, error)
}

// TemplateStore keeps proofing templates.
type TemplateStore interface {
	CreateTemplate(ctx context.Context, t *Template) error
	Template(ctx context.Context, id string) (*Template, error)
	// Templates lists the templates of a community (communityID "": of the
	// tenant); dvcID and documentType filter when not empty.
	Templates(ctx context.Context, tenantID, communityID, dvcID, documentType string) ([]*Template, error)
	// UpdateTemplate replaces DVCID, DocumentType, Workflow and UpdatedAt.
	UpdateTemplate(ctx context.Context, t *Template) error
	DeleteTemplate(ctx context.Context, id string) error
}

// BucketStore keeps each community's bucket configuration.
type BucketStore interface {
	// PutBucket creates or replaces the bucket of b's community. On replace
	// the stored ID and CreatedAt are kept and copied back into b.
	PutBucket(ctx context.Context, b *Bucket) error
	BucketByCommunity(ctx context.Context, tenantID, communityID string) (*Bucket, error)
}

// ReplayStore remembers request ids so that each is accepted once, across
// every replica sharing the database.
type ReplayStore interface {
	// UseRequestID records (publicKey, uuid) until expiresAt. It returns false
	// if the pair is already recorded and not yet expired at now.
	UseRequestID(ctx context.Context, publicKey, uuid string, now, expiresAt time.Time) (bool, error)
	// PurgeRequestIDs forgets pairs that expired before now and returns how many.
	PurgeRequestIDs(ctx context.Context, now time.Time) (int, error)
}

// SettingStore keeps small service-wide values (the server key pair, the
// master key check) that every replica must agree on.
type SettingStore interface {
	// Setting returns the value of key, or ENOTFOUND.
	Setting(ctx context.Context, key string) ([]byte, error)
	// PutSettingIfAbsent stores value under key unless key exists, and returns
	// the value now stored, so replicas starting together agree on one value.
	PutSettingIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error)
	// PutSetting stores value under key, replacing any value there.
	PutSetting(ctx context.Context, key string, value []byte) error
}
