package idproof

import "time"

// ServiceKey is a secp256k1 key pair the service issues to an integrator. Its
// public key is the keyId; its private key (the keySecret) is stored sealed
// with the master key.
type ServiceKey struct {
	KeyID        string // base64 public key (64-byte X||Y)
	SecretSealed []byte // base64 private key, sealed
	Tag          string
	Type         string // e.g. "service"
	CreatedAt    time.Time
}
