// Package secret seals secrets at rest (service-key private keys, license
// keys, connector and bucket credentials, the personal data of sessions)
// with a master key, so a copy of the database alone does not reveal them.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the master key length (AES-256).
const KeySize = 32

// version prefixes every sealed value so the format can change later.
const version = 1

// Keyring seals and opens values with the master key.
type Keyring struct {
	aead   cipher.AEAD
	master []byte
}

// New returns a Keyring for a 32-byte master key.
func New(master []byte) (*Keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key must be %d bytes, got %d", KeySize, len(master))
	}
	block, err := aes.NewCipher(master)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keyring{aead: aead, master: append([]byte(nil), master...)}, nil
}

// Derive returns a 32-byte key for one purpose (HMAC-SHA256 of the label
// under the master key), so that, for example, URL signatures never use
// the master key itself and every replica derives the same key.
func (k *Keyring) Derive(label string) []byte {
	m := hmac.New(sha256.New, k.master)
	m.Write([]byte("idproof derive v1\x00" + label))
	return m.Sum(nil)
}

// Index returns a keyed hash of parts for finding a sealed value by an
// exact match: hex of the first 16 bytes of HMAC-SHA256, under the key
// Derive(purpose), of the parts each prefixed by its length (so that no two
// lists of parts hash alike). Equal inputs give equal indexes on every
// replica; without the master key an index reveals nothing and cannot be
// checked against guesses. 128 bits keep accidental collisions out of
// reach while halving the index columns.
func (k *Keyring) Index(purpose string, parts ...string) string {
	m := hmac.New(sha256.New, k.Derive(purpose))
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Seal encrypts plaintext: version || nonce || ciphertext || tag. An empty
// plaintext seals to nil, so "no secret" stays distinguishable and cheap.
func (k *Keyring) Seal(plaintext []byte) []byte {
	if len(plaintext) == 0 {
		return nil
	}
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err)
	}
	return k.aead.Seal(out, out[1:], plaintext, nil)
}

// ErrOpen means a sealed value does not open with this master key.
var ErrOpen = errors.New("sealed value does not open with this master key")

// Open decrypts what Seal produced; nil opens to nil.
func (k *Keyring) Open(sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	n := k.aead.NonceSize()
	if sealed[0] != version || len(sealed) < 1+n+k.aead.Overhead() {
		return nil, ErrOpen
	}
	p, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], nil)
	if err != nil {
		return nil, ErrOpen
	}
	return p, nil
}

// SealString is Seal for strings.
func (k *Keyring) SealString(s string) []byte { return k.Seal([]byte(s)) }

// OpenString is Open for strings.
func (k *Keyring) OpenString(sealed []byte) (string, error) {
	p, err := k.Open(sealed)
	return string(p), err
}

// Source says where the master key comes from. The first non-empty of
// Base64 (e.g. from IDPROOF_MASTER_KEY) and File wins; with neither, the key
// lives in DataDir/master.key and is generated there on first use.
type Source struct {
	Base64  string
	File    string
	DataDir string
}

// Load reads (or on a fresh data dir creates) the master key. It reports
// whether it created one so the caller can say so.
func Load(src Source) (key []byte, created bool, err error) {
	switch {
	case src.Base64 != "":
		key, err = decodeKey(src.Base64)
		if err != nil {
			return nil, false, fmt.Errorf("master key from environment: %w", err)
		}
		return key, false, nil
	case src.File != "":
		key, err = readKeyFile(src.File)
		return key, false, err
	}
	if src.DataDir == "" {
		return nil, false, errors.New("no master key: give one or a data directory")
	}
	path := filepath.Join(src.DataDir, "master.key")
	key, err = readKeyFile(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return key, false, err
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(src.DataDir, 0o700); err != nil {
		return nil, false, err
	}
	// O_EXCL: two processes starting on one data dir must not both create a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		key, err = readKeyFile(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("create master key: %w", err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, false, fmt.Errorf("write master key: %w", werr)
	}
	return key, true, nil
}

func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	key, err := decodeKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("master key in %s: %w", path, err)
	}
	return key, nil
}

func decodeKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("must decode to %d bytes, got %d", KeySize, len(b))
	}
	return b, nil
}
