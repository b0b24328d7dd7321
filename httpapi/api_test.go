package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/wire"
)

func raw(t *testing.T, method, u, body string, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func wantAPIError(t *testing.T, err error, status int, msgPart string) {
	t.Helper()
	var ae *client.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want API error %d", err, status)
	}
	if ae.StatusCode != status || !strings.Contains(ae.Message, msgPart) {
		t.Fatalf("err = %v, want %d containing %q", ae, status, msgPart)
	}
}

func TestPublicEndpoints(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	c := e.client(t, "")
	h, err := c.Healthz(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := c.ServerPublicKey(ctx)
	if err != nil || pk == "" || h.PublicKey != pk || h.Code != "200" || h.Status != "all services operational" || h.Version != "test.0" {
		t.Fatalf("healthz %+v publickeys %q %v", h, pk, err)
	}
	if _, err := wire.ParsePublicKey(pk); err != nil {
		t.Fatalf("server key: %v", err)
	}
	envr, err := c.Environment(ctx)
	if err != nil || envr["allowed_time_span"] != float64(60) || envr["EC_CURVE_NAME"] != "secp256k1" {
		t.Fatalf("environment %v %v", envr, err)
	}
	sd, err := c.ServiceDirectory(ctx)
	if err != nil || sd["idproofingapi"] != "http://idproof.test" || sd["docuverify"] != "http://idproof.test" {
		t.Fatalf("sd %v %v", sd, err)
	}
	info, err := e.client(t, "service").Info(ctx)
	if err != nil || len(info) != 6 || info[3].VerifierType != "sandbox" || info[3].DocType != "dl_object" {
		t.Fatalf("info %v %v", info, err)
	}
	// The vendor's hosted base path works too.
	if st, body := raw(t, "GET", e.url+"/idproofingapi/publickeys", "", nil); st != 200 || !strings.Contains(string(body), pk) {
		t.Fatalf("prefixed: %d %s", st, body)
	}
}

func TestErrorFormat(t *testing.T) {
	e := newEnv(t, storeKinds[0].open, func(c *httpapi.Config) { c.MaxBodyBytes = 1024 })
	json := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		msg                      string
	}{
		{"unknown route", "GET", "/nope", "", nil, 404, "no endpoint GET /nope"},
		{"wrong method", "POST", "/healthz", "", nil, 405, "not allowed"},
		{"bad json", "POST", "/ecdsa_helper/encrypt", "{", json, 400, "not valid JSON"},
		{"wrong json type", "POST", "/ecdsa_helper/encrypt", `{"dataStr": 5}`, json, 400, "dataStr"},
		{"empty body", "POST", "/ecdsa_helper/encrypt", "", json, 400, "empty"},
		{"oversize body", "POST", "/ecdsa_helper/encrypt", `{"dataStr":"` + strings.Repeat("a", 2000) + `"}`, json, 413, "larger than 1024"},
		{"unsupported media type", "POST", "/ecdsa_helper/encrypt", `{}`, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415, "Content-Type"},
		{"missing field", "POST", "/ecdsa_helper/encrypt", `{"dataStr":"x","publicKey":"y"}`, json, 400, "privateKey is required"},
		{"bad method param", "POST", "/ecdsa_helper/sign", `{}`, json, 400, "encrypt or decrypt"},
		{"encrypted body without keys", "POST", "/ecdsa_helper/encrypt", `{"data":"AAAA"}`, json, 400, "publickey"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := raw(t, c.method, e.url+c.path, c.body, c.hdr)
			if st != c.status || !strings.Contains(string(body), c.msg) {
				t.Fatalf("got %d %s, want %d containing %q", st, body, c.status, c.msg)
			}
			assertErrorBody(t, st, body)
		})
	}
}

func TestECDSAHelper(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	c := e.client(t, "")
	a, _ := wire.GenerateKey()
	b, _ := wire.GenerateKey()
	enc, err := c.ECDSAHelper(ctx, "encrypt", "hello", b.Public().String(), a.String())
	if err != nil {
		t.Fatal(err)
	}
	if enc.PublicKey != a.Public().String() {
		t.Fatalf("publicKey %s, want the key matching privateKey", enc.PublicKey)
	}
	// The other party opens it with its own private key and our public key.
	plain, err := wire.Decrypt(b.Shared(a.Public()), enc.Data)
	if err != nil || string(plain) != "hello" {
		t.Fatalf("decrypt locally: %q %v", plain, err)
	}
	dec, err := c.ECDSAHelper(ctx, "decrypt", enc.Data, a.Public().String(), b.String())
	if err != nil || dec.Data != "hello" {
		t.Fatalf("decrypt via helper: %+v %v", dec, err)
	}
	_, err = c.ECDSAHelper(ctx, "decrypt", enc.Data, b.Public().String(), b.String())
	wantAPIError(t, err, 400, "does not decrypt")
	_, err = c.ECDSAHelper(ctx, "encrypt", "x", "not-a-key", a.String())
	wantAPIError(t, err, 400, "publicKey")
	_, err = c.ECDSAHelper(ctx, "encrypt", "x", b.Public().String(), "AAAA")
	wantAPIError(t, err, 400, "privateKey")
	// Default method is encrypt; the {"data": {...}} wrapper is accepted.
	st, body := raw(t, "POST", e.url+"/ecdsa_helper", `{"data":{"dataStr":"x","publicKey":"`+b.Public().String()+`","privateKey":"`+a.String()+`"}}`, nil)
	if st != 200 || !strings.Contains(string(body), a.Public().String()) {
		t.Fatalf("default method: %d %s", st, body)
	}

	off := newEnv(t, storeKinds[0].open, func(c *httpapi.Config) { c.ECDSAHelper = false })
	_, err = off.client(t, "").ECDSAHelper(ctx, "encrypt", "x", b.Public().String(), a.String())
	wantAPIError(t, err, 501, "switched off")
}

// TestEncryptedBody sends the helper's body as the clients' envelope: the
// server opens it with the caller's shared key.
func TestEncryptedBody(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	a, _ := wire.GenerateKey()
	b, _ := wire.GenerateKey()
	in := map[string]string{"dataStr": "x", "publicKey": b.Public().String(), "privateKey": a.String()}
	var out client.ECDSAResult
	c := e.client(t, "")
	if err := c.Do(ctx, "POST", "/ecdsa_helper/encrypt", in, &out, client.Envelope()); err != nil {
		t.Fatal(err)
	}
	if out.PublicKey != a.Public().String() {
		t.Fatalf("reply %+v", out)
	}
	// An envelope sealed under another key pair is refused as unauthenticated.
	other := e.client(t, "")
	err := c.Do(ctx, "POST", "/ecdsa_helper/encrypt", in, &out, client.Envelope(), client.EditHeaders(func(h http.Header) {
		oh, _ := other.Headers(ctx)
		h.Set("publickey", oh.Get("publickey"))
		h.Set("requestid", oh.Get("requestid"))
	}))
	wantAPIError(t, err, 401, "data")
}

func TestServiceKeys(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			c := e.client(t, "system")
			keys, err := c.ServiceKeys(ctx)
			if err != nil || len(keys) != 1 || keys[0].KeyID != e.creds.ServiceKey.KeyID || keys[0].KeySecret != e.creds.ServiceKey.KeySecret || keys[0].Tag != "bootstrap" {
				t.Fatalf("keys %+v %v", keys, err)
			}
			nk, err := c.RotateServiceKey(ctx, e.creds.ServiceKey.KeyID)
			if err != nil || nk.KeyID == e.creds.ServiceKey.KeyID || nk.Tag != "bootstrap" {
				t.Fatalf("rotate %+v %v", nk, err)
			}
			priv, err := wire.ParsePrivateKey(nk.KeySecret)
			if err != nil || priv.Public().String() != nk.KeyID {
				t.Fatalf("new secret does not match new keyId")
			}
			keys, _ = c.ServiceKeys(ctx)
			if len(keys) != 1 || keys[0].KeyID != nk.KeyID {
				t.Fatalf("after rotate: %+v", keys)
			}
			// The old key is gone: rotating it again is a 404, and it no
			// longer authenticates in the legacy form.
			_, err = c.RotateServiceKey(ctx, e.creds.ServiceKey.KeyID)
			wantAPIError(t, err, 404, "not found")
			st, _ := raw(t, "GET", e.url+"/servicekeys", "", map[string]string{
				"keyId": e.creds.ServiceKey.KeyID, "keySecret": e.creds.ServiceKey.KeySecret, "license": e.licenses["system"]})
			if st != 401 {
				t.Fatalf("old key still works: %d", st)
			}
			// A keyId with its '/' left unescaped reaches the same key.
			if strings.Contains(nk.KeyID, "/") {
				st, body := raw(t, "DELETE", e.url+"/servicekey/"+nk.KeyID, "", hdrs(t, c))
				if st != 200 {
					t.Fatalf("unescaped keyId: %d %s", st, body)
				}
			}
		})
	}
}

func hdrs(t *testing.T, c *client.Client) map[string]string {
	h, err := c.Headers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for k := range h {
		m[k] = h.Get(k)
	}
	return m
}

// TestLegacyHeaders covers the plain keyId/keySecret/license form shown in
// the API document's examples.
func TestLegacyHeaders(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	k := e.creds.ServiceKey
	ok := map[string]string{"keyId": k.KeyID, "keySecret": k.KeySecret, "license": e.licenses["system"]}
	if st, body := raw(t, "GET", e.url+"/servicekeys", "", ok); st != 200 {
		t.Fatalf("legacy: %d %s", st, body)
	}
	other, _ := wire.GenerateKey()
	cases := map[string]map[string]string{
		"secret of another key": {"keyId": k.KeyID, "keySecret": other.String(), "license": e.licenses["system"]},
		"unregistered key":      {"keyId": other.Public().String(), "keySecret": other.String(), "license": e.licenses["system"]},
		"no license":            {"keyId": k.KeyID, "keySecret": k.KeySecret},
		"unknown license":       {"keyId": k.KeyID, "keySecret": k.KeySecret, "license": "nope"},
	}
	for name, h := range cases {
		if st, _ := raw(t, "GET", e.url+"/servicekeys", "", h); st != 401 {
			t.Errorf("%s: %d, want 401", name, st)
		}
	}
	if st, _ := raw(t, "GET", e.url+"/servicekeys", "", map[string]string{"keyId": k.KeyID, "keySecret": k.KeySecret, "license": e.licenses["service"]}); st != 403 {
		t.Errorf("service license on system endpoint: %d", st)
	}
	off := newEnv(t, storeKinds[0].open, func(c *httpapi.Config) { c.LegacyAuth = false })
	k2 := off.creds.ServiceKey
	if st, _ := raw(t, "GET", off.url+"/servicekeys", "", map[string]string{"keyId": k2.KeyID, "keySecret": k2.KeySecret, "license": off.licenses["system"]}); st != 401 {
		t.Errorf("legacy switched off: %d", st)
	}
}

// TestServiceKeySlashes rotates the service key 400 times, each time by
// its keyId with every '/' left unescaped. A base64 key begins with '/' or
// holds "//" about one time in fifty, which the router's path cleaning
// would take away: every key must still be found.
func TestServiceKeySlashes(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	c := e.client(t, "system")
	id := e.creds.ServiceKey.KeyID
	tricky := 0
	for range 400 {
		if strings.HasPrefix(id, "/") || strings.Contains(id, "//") {
			tricky++
		}
		st, body := raw(t, "DELETE", e.url+"/servicekey/"+id, "", hdrs(t, c))
		if st != 200 {
			t.Fatalf("keyId %s: %d %s", id, st, body)
		}
		var out []struct {
			KeyID string `json:"keyId"`
		}
		if err := json.Unmarshal(body, &out); err != nil || len(out) != 1 {
			t.Fatalf("reply %s: %v", body, err)
		}
		id = out[0].KeyID
	}
	t.Logf("%d of 400 keys began with '/' or held \"//\"", tricky)
}
