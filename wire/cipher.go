package wire

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
)

// NonceSize is the GCM nonce length the clients use (not the usual 12).
const NonceSize = 16

const tagSize = 16

// ErrDecrypt is returned for any ciphertext that does not open: bad
// encoding, too short, or a failed authentication tag. Callers treat it as
// an authentication failure, not a server error.
var ErrDecrypt = errors.New("cannot decrypt: wrong key or corrupted data")

func newGCM(key SharedKey) cipher.AEAD {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, NonceSize)
	if err != nil {
		panic(err)
	}
	return gcm
}

// Encrypt seals plaintext with a random nonce and returns
// base64(nonce || ciphertext || tag).
func Encrypt(key SharedKey, plaintext []byte) string {
	var nonce [NonceSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		panic(err)
	}
	return EncryptWithNonce(key, nonce, plaintext)
}

// EncryptWithNonce is Encrypt with a caller-chosen nonce. Reusing a nonce
// with the same key breaks GCM; it exists for test vectors.
func EncryptWithNonce(key SharedKey, nonce [NonceSize]byte, plaintext []byte) string {
	out := make([]byte, NonceSize, NonceSize+len(plaintext)+tagSize)
	copy(out, nonce[:])
	out = newGCM(key).Seal(out, nonce[:], plaintext, nil)
	return base64.StdEncoding.EncodeToString(out)
}

// Decrypt opens what Encrypt produced. Every failure is ErrDecrypt.
func Decrypt(key SharedKey, encoded string) ([]byte, error) {
	raw, err := DecodeBase64(encoded)
	if err != nil || len(raw) < NonceSize+tagSize {
		return nil, ErrDecrypt
	}
	plain, err := newGCM(key).Open(nil, raw[:NonceSize], raw[NonceSize:], nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}
