package admin_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/idproof/idproof/admin"
)

func TestIsSecretName(t *testing.T) {
	cases := map[string]bool{
		"apiKey": true, "api_key": true, "API-KEY": true, "key": true, "secretKey": true,
		"clientSecret": true, "client_secret": true, "password": true, "dbPasswd": true,
		"passphrase": true, "token": true, "accessToken": true, "refresh_token": true,
		"privateKey": true, "privateKeyPem": true, "accessKey": true, "accountKey": true,
		"license": true, "licenseKey": true, "cert": true, "clientCertificate": true,
		"credentials": true, "connectionString": true, "Authorization": true,
		"subscriptionKey": true, "hmacKey": true, "keys": true, "apiKeys": true, "pass": true, "pwd": true, "pin": true,

		"keyId": false, "accessKeyId": false, "key_id": false, "secretName": false,
		"tokenUrl": false, "token_endpoint": false, "certPath": false, "licenseType": false,
		"keyFile": false, "keyIds": false, "keySize": false, "publicKey": false, "clientId": false, "client_id": false,
		"type": false, "url": false, "baseUrl": false, "username": false, "user": false,
		"region": false, "bucket": false, "config": false, "passport": false,
		"timeout": false, "": false,
	}
	for name, want := range cases {
		if got := admin.IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestMaskValue(t *testing.T) {
	cases := map[string]string{
		"":                  "",
		"a":                 "****",
		"12345678":          "****",
		"123456789":         "****6789",
		"sk_live_abcdefXYZ": "****fXYZ",
		"pässwörd-ünïcødé":  "****cødé",
	}
	for in, want := range cases {
		if got := admin.MaskValue(in); got != want {
			t.Errorf("MaskValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskSecrets(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"flat", `{"type":"acme","apiKey":"sk_live_0123456789","clientId":"client-1234567890"}`,
			`{"type":"acme","apiKey":"****6789","clientId":"client-1234567890"}`},
		{"nested, order kept, spaces dropped",
			`{ "type": "acme", "config": { "region": "eu", "token": "tok-abcdefghij", "tokenUrl": "https://x/token", "keyId": "kid-1234567890" } }`,
			`{"type":"acme","config":{"region":"eu","token":"****ghij","tokenUrl":"https://x/token","keyId":"kid-1234567890"}}`},
		{"short secret hidden whole", `{"password":"hunter2","pin":"1234"}`, `{"password":"****","pin":"****"}`},
		{"empty secret stays empty", `{"secret":""}`, `{"secret":""}`},
		{"everything under a secret name", `{"credentials":{"user":"operator-name","list":["first-secret-value","x"]}}`,
			`{"credentials":{"user":"****name","list":["****alue","****"]}}`},
		{"arrays of objects", `[{"apiKey":"0123456789"},{"name":"n"}]`, `[{"apiKey":"****6789"},{"name":"n"}]`},
		{"numbers, booleans and null kept", `{"apiKey":12345678901,"token":true,"secret":null,"n":1.50e3}`,
			`{"apiKey":12345678901,"token":true,"secret":null,"n":1.50e3}`},
		{"duplicate keys both masked", `{"key":"first-value-1","key":"second-value-2"}`, `{"key":"****ue-1","key":"****ue-2"}`},
		{"html characters not escaped", `{"note":"a<b>&c","key":"<<<<<<<<<<&"}`, `{"note":"a<b>&c","key":"****<<<&"}`},
		{"escapes decoded before masking", `{"key":"\u0041BCDEFGHIJ\n"}`, `{"key":"****HIJ\n"}`},
		{"scalar document", `"just a string"`, `"just a string"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := admin.MaskSecrets(json.RawMessage(c.in))
			if string(got) != c.want {
				t.Fatalf("MaskSecrets(%s)\n got %s\nwant %s", c.in, got, c.want)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{"key":"abcdefghijkl"`, `nope`, `{"a":1}{}`} {
		if got := admin.MaskSecrets(json.RawMessage(bad)); got != nil {
			t.Errorf("MaskSecrets(%q) = %s, want nil", bad, got)
		}
	}
}

// FuzzMaskSecrets checks that masking never panics, always yields JSON, and
// leaves no secret string longer than 8 characters whole, while every other
// value comes through unchanged.
func FuzzMaskSecrets(f *testing.F) {
	for _, s := range []string{
		`{"type":"acme","config":{"apiKey":"sk_live_0123456789","clientId":"c"}}`,
		`{"credentials":{"a":["0123456789",{"b":"abcdefghijk"}]}}`,
		`[{"password":"pässwörd-ünïcødé"},{"token":null}]`,
		`{"key":"x","key":"yyyyyyyyyyyy"}`,
		`"s"`, `{`, `[[[[]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out := admin.MaskSecrets(doc)
		if !json.Valid(doc) {
			if out != nil {
				t.Fatalf("invalid input gave %q", out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output is not JSON: %q", out)
		}
		compareMasked(t, decodeAny(t, doc), decodeAny(t, out), false)
	})
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// compareMasked walks the input and the masked output together.
func compareMasked(t *testing.T, in, out any, secret bool) {
	t.Helper()
	switch v := in.(type) {
	case map[string]any:
		o, ok := out.(map[string]any)
		if !ok || len(o) != len(v) {
			t.Fatalf("object became %v", out)
		}
		for k, c := range v {
			compareMasked(t, c, o[k], secret || admin.IsSecretName(k))
		}
	case []any:
		o, ok := out.([]any)
		if !ok || len(o) != len(v) {
			t.Fatalf("array became %v", out)
		}
		for i := range v {
			compareMasked(t, v[i], o[i], secret)
		}
	case string:
		o, ok := out.(string)
		switch {
		case !ok:
			t.Fatalf("string %q became %v", v, out)
		case !secret && o != v:
			t.Fatalf("non-secret %q changed to %q", v, o)
		case secret && o != admin.MaskValue(v):
			t.Fatalf("secret %q masked as %q", v, o)
		case secret && utf8.RuneCountInString(v) > 8 && o == v:
			t.Fatalf("secret %q left whole", v)
		}
	default:
		if in != out {
			t.Fatalf("%v became %v", in, out)
		}
	}
}
