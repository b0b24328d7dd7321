package wire

import (
	"testing"
)

// FuzzDecrypt feeds arbitrary envelopes to Decrypt: it must never panic and
// must fail with ErrDecrypt for anything not sealed with the key.
func FuzzDecrypt(f *testing.F) {
	key := mustPriv(f, vecPrivA).Shared(mustPub(f, vecPubB))
	f.Add(vecCipher)
	f.Add("")
	f.Add("AAAA")
	f.Add(Encrypt(key, []byte("{}")))
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Decrypt(key, s)
		if err != nil && err != ErrDecrypt {
			t.Fatalf("unexpected error type %v", err)
		}
		if err == nil {
			// Whatever opened must re-seal and open to the same bytes.
			again, err := Decrypt(key, Encrypt(key, p))
			if err != nil || string(again) != string(p) {
				t.Fatal("round trip mismatch")
			}
		}
	})
}

// FuzzParseRequestID: arbitrary plaintext never panics, and what parses has
// a uuid.
func FuzzParseRequestID(f *testing.F) {
	f.Add([]byte(vecPlain))
	f.Add([]byte(`{"ts":"1","appId":"x","uuid":"y","extra":null}`))
	f.Add([]byte(`{"ts":1e308,"uuid":"y"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequestID(b)
		if err == nil && r.UUID == "" {
			t.Fatal("parsed without uuid")
		}
	})
}

// FuzzParseKeys: key parsing never panics and parsed keys round-trip.
func FuzzParseKeys(f *testing.F) {
	f.Add(vecPrivA, vecPubA)
	f.Add("", "")
	f.Add("AA==", "BA==")
	f.Fuzz(func(t *testing.T, priv, pub string) {
		if k, err := ParsePrivateKey(priv); err == nil {
			if _, err := ParsePrivateKey(k.String()); err != nil {
				t.Fatal(err)
			}
		}
		if k, err := ParsePublicKey(pub); err == nil {
			if k2, err := ParsePublicKey(k.String()); err != nil || !k2.Equal(k) {
				t.Fatal("public key round trip")
			}
		}
	})
}
