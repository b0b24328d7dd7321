package wire

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// The published test vector of the scheme (see the wire protocol spec).
const (
	vecPrivA  = "cGB/g7jd/jw1v4z8FDfoeppYQ6y1IJAYzPPkzKkCc4w="
	vecPubA   = "os9skQhJpyJIz7g5xgopwlN3N7eqMR9XMupvIIZf+CkB0V5ADDDdQ0wfA8KqH98NuFch4cIm6qwfuLGwoPCk+A=="
	vecPrivB  = "q10WnF32y2ViAbHJfv7kGwU+6vinvZPFOqerTQeyygw="
	vecPubB   = "vU4Z0bJomXZlhQ97q+8PQQIqwMAsQI/wjWmeG/aLbpIn+fjiVtvHvdq6FzOsNFVgblyVvT2H4R+/y0KjiL3hAA=="
	vecShared = "OR+QqLYqT6YgLgCmcdBcjwI7P0h/pxz13uKTnanYDrc="
	vecNonce  = "000102030405060708090a0b0c0d0e0f"
	vecPlain  = `{"ts":1700000000,"appid":"com.example.app","uuid":"123e4567-e89b-12d3-a456-426614174000"}`
	vecCipher = "AAECAwQFBgcICQoLDA0OD5YIYslXf/xxjfICp1skX//u7nrZwHUsPBxxkPtKVemH+QErNaejnCQCheCrCrUrxJ8kRgLLa4a26n/rt3unxOPDC/Ih8kQGeDUZH7Pmp8vPkiAV0eD9JJuCQ9NKlEUNIyQpN7b4g1xjrw=="
)

func mustPriv(t testing.TB, s string) *PrivateKey {
	t.Helper()
	k, err := ParsePrivateKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustPub(t testing.TB, s string) *PublicKey {
	t.Helper()
	k, err := ParsePublicKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVector(t *testing.T) {
	a, b := mustPriv(t, vecPrivA), mustPriv(t, vecPrivB)
	if got := a.Public().String(); got != vecPubA {
		t.Fatalf("public A = %s", got)
	}
	if got := b.Public().String(); got != vecPubB {
		t.Fatalf("public B = %s", got)
	}
	ab := a.Shared(mustPub(t, vecPubB))
	ba := b.Shared(mustPub(t, vecPubA))
	if got := base64.StdEncoding.EncodeToString(ab[:]); got != vecShared {
		t.Fatalf("shared(A,B) = %s", got)
	}
	if ab != ba {
		t.Fatal("shared key is not symmetric")
	}
	var nonce [NonceSize]byte
	n, _ := hex.DecodeString(vecNonce)
	copy(nonce[:], n)
	if got := EncryptWithNonce(ab, nonce, []byte(vecPlain)); got != vecCipher {
		t.Fatalf("ciphertext = %s", got)
	}
	plain, err := Decrypt(ba, vecCipher)
	if err != nil || string(plain) != vecPlain {
		t.Fatalf("decrypt = %q, %v", plain, err)
	}
	rid, err := ParseRequestID(plain)
	if err != nil || rid.TS != 1700000000 || rid.AppID != "com.example.app" || rid.UUID != "123e4567-e89b-12d3-a456-426614174000" {
		t.Fatalf("requestid = %+v, %v", rid, err)
	}
}

func TestParsePrivateKeyLenient(t *testing.T) {
	raw, _ := base64.StdEncoding.DecodeString(vecPrivA)
	// A key whose top byte is zero, as some clients send it.
	zeroTop := append([]byte{0}, raw[1:]...)
	short := zeroTop[1:]
	cases := map[string]struct {
		in      string
		wantPub string // "" = must fail
	}{
		"std padded":         {vecPrivA, vecPubA},
		"std unpadded":       {strings.TrimRight(vecPrivA, "="), vecPubA},
		"url alphabet":       {base64.RawURLEncoding.EncodeToString(raw), vecPubA},
		"java sign byte":     {base64.StdEncoding.EncodeToString(append([]byte{0}, raw...)), vecPubA},
		"dropped zero byte":  {base64.StdEncoding.EncodeToString(short), mustPriv(t, base64.StdEncoding.EncodeToString(zeroTop)).Public().String()},
		"not base64":         {"!!!", ""},
		"too short":          {base64.StdEncoding.EncodeToString(raw[:20]), ""},
		"33 bytes non-zero":  {base64.StdEncoding.EncodeToString(append([]byte{1}, raw...)), ""},
		"zero scalar":        {base64.StdEncoding.EncodeToString(make([]byte, 32)), ""},
		"above curve order":  {base64.StdEncoding.EncodeToString(bytesRepeat(0xff, 32)), ""},
		"whitespace trimmed": {" " + vecPrivA + "\n", vecPubA},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParsePrivateKey(c.in)
			if c.wantPub == "" {
				if err == nil {
					t.Fatalf("accepted %q", c.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Public().String() != c.wantPub {
				t.Fatalf("public = %s, want %s", got.Public(), c.wantPub)
			}
		})
	}
}

func bytesRepeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestParsePublicKey(t *testing.T) {
	raw, _ := base64.StdEncoding.DecodeString(vecPubA)
	offCurve := append([]byte(nil), raw...)
	offCurve[63] ^= 1
	cases := map[string]struct {
		in string
		ok bool
	}{
		"64 bytes":        {vecPubA, true},
		"with 0x04":       {base64.StdEncoding.EncodeToString(append([]byte{4}, raw...)), true},
		"url unpadded":    {base64.RawURLEncoding.EncodeToString(raw), true},
		"off curve":       {base64.StdEncoding.EncodeToString(offCurve), false},
		"compressed size": {base64.StdEncoding.EncodeToString(raw[:33]), false},
		"empty":           {"", false},
		"garbage":         {"%%%", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			k, err := ParsePublicKey(c.in)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if c.ok && k.String() != vecPubA {
				t.Fatalf("round trip = %s", k)
			}
		})
	}
}

func TestDecryptRejects(t *testing.T) {
	key := mustPriv(t, vecPrivA).Shared(mustPub(t, vecPubB))
	other := mustPriv(t, vecPrivA).Shared(mustPub(t, vecPubA))
	good := Encrypt(key, []byte("hello"))
	raw, _ := base64.StdEncoding.DecodeString(good)
	raw[len(raw)-1] ^= 1
	for name, in := range map[string]string{
		"wrong key":   "", // filled below
		"tampered":    base64.StdEncoding.EncodeToString(raw),
		"too short":   base64.StdEncoding.EncodeToString(raw[:20]),
		"not base64":  "***",
		"empty":       "",
		"only nonce+": base64.StdEncoding.EncodeToString(raw[:NonceSize]),
	} {
		t.Run(name, func(t *testing.T) {
			k := key
			if name == "wrong key" {
				in, k = good, other
			}
			if _, err := Decrypt(k, in); err != ErrDecrypt {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if p, err := Decrypt(key, good); err != nil || string(p) != "hello" {
		t.Fatalf("round trip: %q %v", p, err)
	}
}

func TestParseRequestIDTolerance(t *testing.T) {
	cases := map[string]struct {
		in   string
		want RequestID
		ok   bool
	}{
		"canonical":       {`{"ts":1,"appid":"a","uuid":"u"}`, RequestID{1, "a", "u"}, true},
		"appId capital":   {`{"uuid":"u","appId":"a","ts":1}`, RequestID{1, "a", "u"}, true},
		"extra fields":    {`{"ts":1,"appid":"a","uuid":"u","deviceId":"d","x":[1]}`, RequestID{1, "a", "u"}, true},
		"float ts":        {`{"ts":1.9,"uuid":"u"}`, RequestID{1, "", "u"}, true},
		"string ts":       {`{"ts":"17","uuid":"u"}`, RequestID{17, "", "u"}, true},
		"uuid not a uuid": {`{"ts":1,"uuid":"abc"}`, RequestID{1, "", "abc"}, true},
		"no ts":           {`{"uuid":"u"}`, RequestID{}, false},
		"no uuid":         {`{"ts":1}`, RequestID{}, false},
		"ts object":       {`{"ts":{},"uuid":"u"}`, RequestID{}, false},
		"uuid number":     {`{"ts":1,"uuid":5}`, RequestID{}, false},
		"not json":        {`ts=1`, RequestID{}, false},
		"array":           {`[1]`, RequestID{}, false},
		"uuid with NUL":   {`{"ts":1,"uuid":"a\u0000b"}`, RequestID{}, false},
		"uuid bad UTF-8":  {"{\"ts\":1,\"uuid\":\"a\xffb\"}", RequestID{}, false},
		"appid newline":   {`{"ts":1,"appid":"a\nb","uuid":"u"}`, RequestID{}, false},
		"uuid non-ASCII":  {`{"ts":1,"uuid":"é-1"}`, RequestID{1, "", "é-1"}, true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseRequestID([]byte(c.in))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v", err)
			}
			if c.ok && got != c.want {
				t.Fatalf("got %+v want %+v", got, c.want)
			}
		})
	}
}

func TestOpenRequest(t *testing.T) {
	srv := NewServer(mustPriv(t, vecPrivA), 2)
	client := mustPriv(t, vecPrivB)
	shared := client.Shared(mustPub(t, srv.PublicKey()))
	now := time.Unix(1700000000, 0)
	hdr := Encrypt(shared, RequestID{TS: now.Unix() - 30, UUID: "x"}.Marshal())
	if _, rid, err := srv.OpenRequest(vecPubB, hdr, now, time.Minute); err != nil || rid.UUID != "x" {
		t.Fatalf("open = %+v %v", rid, err)
	}
	if _, _, err := srv.OpenRequest(vecPubB, hdr, now.Add(time.Minute), time.Minute); err == nil {
		t.Fatal("stale ts accepted")
	}
	if _, _, err := srv.OpenRequest(vecPubA, hdr, now, time.Minute); err == nil {
		t.Fatal("requestid under another key accepted")
	}
	if _, _, err := srv.OpenRequest("bad", hdr, now, time.Minute); err == nil {
		t.Fatal("bad public key accepted")
	}
}
