// Package signing signs proofing results so a relying party can check them
// offline: compact JWS with ES256 over a P-256 key that every replica shares
// (it lives sealed in the database), published as a JWK Set.
package signing

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
)

const settingKey = "signing_key"

// Signer signs JSON claims.
type Signer struct {
	kid    string
	pub    jose.JSONWebKey
	signer jose.Signer
}

// Load returns the service's signer, creating its key on first use.
func Load(ctx context.Context, st idproof.SettingStore, kr *secret.Keyring) (*Signer, error) {
	sealed, err := st.Setting(ctx, settingKey)
	if idproof.IsNotFound(err) {
		k, gerr := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if gerr != nil {
			return nil, gerr
		}
		der, merr := x509.MarshalPKCS8PrivateKey(k)
		if merr != nil {
			return nil, merr
		}
		sealed, err = st.PutSettingIfAbsent(ctx, settingKey, kr.Seal(der))
	}
	if err != nil {
		return nil, err
	}
	der, err := kr.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("signing key is not a P-256 key")
	}
	return New(key)
}

// New returns a signer for key; the key id is its RFC 7638 thumbprint.
func New(key *ecdsa.PrivateKey) (*Signer, error) {
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.ES256), Use: "sig"}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), pub.KeyID))
	if err != nil {
		return nil, err
	}
	return &Signer{kid: pub.KeyID, pub: pub, signer: sig}, nil
}

// KeyID identifies the signing key in JWS headers and the JWK Set.
func (s *Signer) KeyID() string { return s.kid }

// Sign returns the compact JWS of claims marshalled as JSON.
func (s *Signer) Sign(claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := s.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// JWKS is the public key set served at /.well-known/jwks.json.
func (s *Signer) JWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{s.pub}}
}

// Verify checks a compact JWS made by Sign against a key of set, chosen by
// the token's kid, and returns its payload. Only ES256 is accepted.
func Verify(token string, set jose.JSONWebKeySet) ([]byte, error) {
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, fmt.Errorf("the token is not a compact ES256 JWS: %w", err)
	}
	if len(obj.Signatures) != 1 {
		return nil, errors.New("the token must carry exactly one signature")
	}
	kid := obj.Signatures[0].Header.KeyID
	keys := set.Key(kid)
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key with kid %q in the key set", kid)
	}
	payload, err := obj.Verify(keys[0].Key)
	if err != nil {
		return nil, fmt.Errorf("the token's signature does not verify: %w", err)
	}
	return payload, nil
}
