package wire

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Curve is the only curve the deployed clients use. It is a named value so a
// configuration can state it and the server can refuse anything else.
const Curve = "secp256k1"

// PrivateKey is a secp256k1 private key.
type PrivateKey struct{ k *secp256k1.PrivateKey }

// PublicKey is a secp256k1 public key.
type PublicKey struct{ k *secp256k1.PublicKey }

// GenerateKey returns a new random key pair.
func GenerateKey() (*PrivateKey, error) {
	k, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return &PrivateKey{k}, nil
}

// ParsePrivateKey reads a base64 big-endian scalar. Clients differ in how
// they encode it: some drop leading zero bytes (31 bytes), Java's BigInteger
// adds a sign byte (33 bytes). All of them are accepted.
func ParsePrivateKey(s string) (*PrivateKey, error) {
	b, err := DecodeBase64(s)
	if err != nil {
		return nil, errors.New("private key is not base64")
	}
	if len(b) == 33 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) < 31 || len(b) > 32 {
		return nil, fmt.Errorf("private key must be 32 bytes, got %d", len(b))
	}
	var padded [32]byte
	copy(padded[32-len(b):], b)
	var scalar secp256k1.ModNScalar
	if overflow := scalar.SetBytes(&padded); overflow != 0 || scalar.IsZero() {
		return nil, errors.New("private key is out of range for " + Curve)
	}
	return &PrivateKey{secp256k1.NewPrivateKey(&scalar)}, nil
}

// ParsePublicKey reads base64 of the 64-byte X||Y point (no 0x04 prefix).
// A 65-byte form with the prefix is accepted too. Points off the curve are
// refused.
func ParsePublicKey(s string) (*PublicKey, error) {
	b, err := DecodeBase64(s)
	if err != nil {
		return nil, errors.New("public key is not base64")
	}
	switch {
	case len(b) == 64:
		b = append([]byte{0x04}, b...)
	case len(b) == 65 && b[0] == 0x04:
	default:
		return nil, fmt.Errorf("public key must be 64 bytes (X||Y), got %d", len(b))
	}
	k, err := secp256k1.ParsePubKey(b)
	if err != nil {
		return nil, errors.New("public key is not a point on " + Curve)
	}
	return &PublicKey{k}, nil
}

// String encodes the private key as standard base64 of 32 bytes.
func (p *PrivateKey) String() string {
	b := p.k.Key.Bytes()
	return base64.StdEncoding.EncodeToString(b[:])
}

// Public returns the matching public key.
func (p *PrivateKey) Public() *PublicKey { return &PublicKey{p.k.PubKey()} }

// String encodes the public key as standard base64 of the 64-byte X||Y.
func (p *PublicKey) String() string {
	return base64.StdEncoding.EncodeToString(p.k.SerializeUncompressed()[1:])
}

// Equal reports whether two public keys are the same point.
func (p *PublicKey) Equal(q *PublicKey) bool { return p.k.IsEqual(q.k) }

// SharedKey is the 32-byte AES key two parties derive from their key pairs.
type SharedKey [32]byte

// Shared derives the key shared between p and peer: the x coordinate of
// p*peer, used directly as the AES key (the clients apply no KDF).
func (p *PrivateKey) Shared(peer *PublicKey) SharedKey {
	var out SharedKey
	x := secp256k1.GenerateSharedSecret(p.k, peer.k)
	copy(out[32-len(x):], x)
	return out
}

// DecodeBase64 accepts the standard and URL alphabets, with or without
// padding, because clients in different languages produce all four.
func DecodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}
