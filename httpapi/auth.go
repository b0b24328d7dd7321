package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/replay"
	"github.com/idproof/idproof/wire"
)

// class is an access class of the API contract.
type class int

const (
	public           class = iota // no credentials
	session                       // publickey + requestid of any key pair
	sessionOrLicense              // session; a license, when sent, is checked too
	licensed                      // + a valid license of any level
	serviceExt                    // + authLevel service_ext or higher
	service                       // + authLevel service or higher
	system                        // + authLevel system
)

// minLevel is the least auth level a class accepts.
func (c class) minLevel() idproof.AuthLevel {
	switch c {
	case serviceExt:
		return idproof.AuthServiceExt
	case service:
		return idproof.AuthService
	case system:
		return idproof.AuthSystem
	}
	return ""
}

// caller is what authentication learned about a request.
type caller struct {
	PublicKey string // the caller's public key (publickey header, or legacy keyId)
	Shared    wire.SharedKey
	HasKey    bool // PublicKey/Shared are set
	RequestID wire.RequestID
	License   *idproof.License // set for license classes
	Enveloped bool             // the body came as {"data": "<encrypted>"}
}

// auditName is how the audit trail names the caller: by license when it
// has one, else by the thumbprint of its key (the capture page's).
func (c *caller) auditName() string {
	switch {
	case c.License != nil:
		return "license:" + c.License.ID
	case c.HasKey:
		return "user:" + proofing.KeyThumbprint(c.PublicKey)
	}
	return "anonymous"
}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey).(*caller)
	if c == nil {
		c = &caller{}
	}
	return c
}

func unauthorized(format string, args ...any) error {
	return errorf(idproof.EUNAUTHORIZED, format, args...)
}

// provenKey is the caller's public key once it has shown it holds the
// private key (a requestid that opens, or the legacy secret); "" before.
func (c *caller) provenKey() string {
	if !c.HasKey {
		return ""
	}
	return c.PublicKey
}

// authenticate applies the access class to r. Every failure is a 401 except
// a license whose level is too low (403) and a caller over its limits
// (429). The caller is returned in failures too: what it proved so far
// decides what the failure counts against. The requestid is recorded
// against replay only once the credentials are good, so that a flood of
// bad ones writes nothing.
func (s *Server) authenticate(r *http.Request, cl class) (*caller, error) {
	c := &caller{}
	if cl == public {
		return c, nil
	}
	now := s.clock.Now()
	h := r.Header
	pub, rid := h.Get("publickey"), h.Get("requestid")
	legacy := s.cfg.LegacyAuth && pub == "" && cl != session && h.Get("keyId") != ""
	switch {
	case legacy:
		if err := s.legacyKey(r.Context(), h.Get("keyId"), h.Get("keySecret"), c); err != nil {
			return c, err
		}
		// The legacy form has no required requestid; one that is sent is
		// still checked, replay included.
		if rid != "" {
			if err := s.openRequestID(c.PublicKey, rid, now, c); err != nil {
				return c, err
			}
		}
	case pub == "" || rid == "":
		return c, unauthorized("publickey and requestid headers are required")
	default:
		if err := s.openRequestID(pub, rid, now, c); err != nil {
			return c, err
		}
	}
	if err := s.limits.admitKey(c.PublicKey, s.limits.clientIP(r)); err != nil {
		return c, err
	}
	if cl == session || (cl == sessionOrLicense && !sendsLicense(h, s.cfg.LegacyAuth)) {
		return c, s.useRequestID(r.Context(), now, c)
	}
	lic, err := s.license(r.Context(), h, c, now)
	if err != nil {
		return c, err
	}
	if err := s.useRequestID(r.Context(), now, c); err != nil {
		return c, err
	}
	if min := cl.minLevel(); min != "" && lic.AuthLevel.Rank() < min.Rank() {
		return c, errorf(idproof.EFORBIDDEN, "this endpoint needs a license of authLevel %s or higher; this license is %s", min, lic.AuthLevel)
	}
	c.License = lic
	return c, nil
}

// sendsLicense reports whether the request presents a license.
func sendsLicense(h http.Header, legacy bool) bool {
	return h.Get("licensekey") != "" || (legacy && h.Get("license") != "")
}

// checkRequestID verifies the requestid header under the caller's key and
// records it so it is accepted once, in every replica.
func (s *Server) checkRequestID(ctx context.Context, pub, rid string, now time.Time, c *caller) error {
	if err := s.openRequestID(pub, rid, now, c); err != nil {
		return err
	}
	return s.useRequestID(ctx, now, c)
}

// openRequestID verifies the requestid header under the caller's key: the
// caller then holds the key. Nothing is recorded yet.
func (s *Server) openRequestID(pub, rid string, now time.Time, c *caller) error {
	shared, reqID, err := s.keys.OpenRequest(pub, rid, now, s.cfg.AllowedTimeSpan)
	if err != nil {
		return unauthorized("%v", err)
	}
	c.PublicKey, c.Shared, c.HasKey, c.RequestID = pub, shared, true, reqID
	return nil
}

// useRequestID records the caller's requestid, if it sent one, so that it
// is accepted once (in every replica, with the store's guard).
func (s *Server) useRequestID(ctx context.Context, now time.Time, c *caller) error {
	if c.RequestID.UUID == "" && c.RequestID.TS == 0 {
		return nil // legacy headers without a requestid
	}
	// Remember the pair for as long as its ts could still pass the window.
	until := time.Unix(c.RequestID.TS, 0).Add(s.cfg.AllowedTimeSpan + time.Second)
	if until.Before(now) {
		until = now.Add(time.Second)
	}
	fresh, err := s.replay.Use(ctx, c.PublicKey, c.RequestID.UUID, time.Unix(c.RequestID.TS, 0), now, until)
	if errors.Is(err, replay.ErrRefused) {
		// Not a replay and not a bad credential: the guard cannot vouch
		// for this requestid yet (see replay.Memory). A 429 asks for a
		// retry with a new one, and unlike a 401 does not count towards
		// the key's lock-out: a client busy when the server restarts
		// would lock itself out within its first second.
		return tooMany(time.Second, "%v", err)
	}
	if err != nil {
		return err
	}
	if !fresh {
		return unauthorized("requestid was already used; send a new uuid with every request")
	}
	return nil
}

// legacyKey checks the plain keyId/keySecret headers: the secret must be
// the private key of keyId, and keyId a registered service key.
func (s *Server) legacyKey(ctx context.Context, keyID, keySecret string, c *caller) error {
	pub, err := wire.ParsePublicKey(keyID)
	if err != nil {
		return unauthorized("keyId: %v", err)
	}
	priv, err := wire.ParsePrivateKey(keySecret)
	if err != nil {
		return unauthorized("keySecret: %v", err)
	}
	if !priv.Public().Equal(pub) {
		return unauthorized("keySecret is not the private key of keyId")
	}
	if _, err := s.store.ServiceKey(ctx, pub.String()); err != nil {
		if idproof.IsNotFound(err) {
			return unauthorized("keyId is not a registered service key")
		}
		return err
	}
	shared, err := s.keys.Shared(pub.String())
	if err != nil {
		return unauthorized("keyId: %v", err)
	}
	c.PublicKey, c.Shared, c.HasKey = pub.String(), shared, true
	return nil
}

// license finds the caller's license: licensekey (encrypted) or, with
// legacy auth, the plain license header.
func (s *Server) license(ctx context.Context, h http.Header, c *caller, now time.Time) (*idproof.License, error) {
	var key string
	switch {
	case h.Get("licensekey") != "":
		plain, err := wire.Decrypt(c.Shared, h.Get("licensekey"))
		if err != nil {
			return nil, unauthorized("licensekey: %v", err)
		}
		key = strings.TrimSpace(string(plain))
	case s.cfg.LegacyAuth && h.Get("license") != "":
		key = strings.TrimSpace(h.Get("license"))
	default:
		return nil, unauthorized("licensekey header is required")
	}
	lic, err := s.store.LicenseByKeyHash(ctx, idproof.LicenseKeyHash(key))
	why := ""
	switch {
	case idproof.IsNotFound(err):
		why = "unknown license"
	case err != nil:
		return nil, err
	default:
		why = lic.Usable(now)
	}
	if why != "" {
		// Unknown, disabled and expired answer alike: the difference
		// would tell a guesser which keys exist. The log keeps it.
		log := logger(ctx, s.log).With("reason", why, "publickey", c.PublicKey)
		if lic != nil {
			log = log.With("license_id", lic.ID)
		}
		log.Info("license refused")
		return nil, unauthorized("license is not valid")
	}
	return lic, nil
}
