package idproof

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// AuthLevel grades what a license may do. Higher levels include lower ones.
type AuthLevel string

// The auth levels named by the API. Any other value is a plain license that
// only passes the "license" access class.
const (
	AuthSystem     AuthLevel = "system"
	AuthService    AuthLevel = "service"
	AuthServiceExt AuthLevel = "service_ext"
	AuthBasic      AuthLevel = "basic"
)

// Rank orders auth levels: system > service > service_ext > anything else.
func (l AuthLevel) Rank() int {
	switch l {
	case AuthSystem:
		return 3
	case AuthService:
		return 2
	case AuthServiceExt:
		return 1
	}
	return 0
}

// Valid reports whether l is one of the known levels.
func (l AuthLevel) Valid() bool {
	switch l {
	case AuthSystem, AuthService, AuthServiceExt, AuthBasic:
		return true
	}
	return false
}

// License is a credential a relying party presents (in the encrypted
// licensekey header) to call the API. The key itself is a secret: the store
// keeps only its hash for look-up and a copy sealed with the master key so an
// administrator can read it back.
type License struct {
	ID          string
	KeyHash     string // LicenseKeyHash of the key
	KeySealed   []byte // the key, sealed with the master key
	Tag         string // a human name; unique per tenant when set
	AuthLevel   AuthLevel
	TenantID    string // "" only for a system license that spans all tenants
	CommunityID string // "" means every community of the tenant
	ExpiresAt   time.Time
	Disabled    bool
	CreatedAt   time.Time
}

// LicenseKeyHash is the look-up hash of a license key. License keys are long
// random strings, so an unsalted SHA-256 is enough to make a leaked table
// useless without making look-ups slow.
func LicenseKeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Usable reports why the license may not be used at time now, or "" if it may.
func (l *License) Usable(now time.Time) string {
	if l.Disabled {
		return "license is disabled"
	}
	if !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) {
		return "license has expired"
	}
	return ""
}

// CanAccess reports whether the license may touch resources of the given
// tenant and community. System licenses see everything; others see their own
// tenant, and their own community when they are bound to one. An empty
// communityID asks about the tenant as a whole.
func (l *License) CanAccess(tenantID, communityID string) bool {
	if l.AuthLevel == AuthSystem {
		return true
	}
	if l.TenantID == "" || l.TenantID != tenantID {
		return false
	}
	return l.CommunityID == "" || communityID == "" || l.CommunityID == communityID
}
