package blobtest

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

func TestTamperSignature(t *testing.T) {
	for name, tc := range map[string]struct {
		url, param string
		decode     func(string) ([]byte, error)
	}{
		// All "A": only hex digits, but 43 of them.
		"Local": {
			"https://idp.example.com/blob/a/b.jpg?m=PUT&ct=image%2Fjpeg&exp=1700000000&sig=" +
				base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
			"sig", base64.RawURLEncoding.Strict().DecodeString,
		},
		"S3": {
			"https://bucket.s3.amazonaws.com/a/b.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60" +
				"&X-Amz-Signature=" + strings.Repeat("0f", 32) + "&X-Amz-SignedHeaders=content-type%3Bhost",
			"X-Amz-Signature", hex.DecodeString,
		},
		"GCSUpperHex": {
			"https://storage.googleapis.com/bucket/a/b.jpg?X-Goog-Signature=" + strings.Repeat("AB", 16) + "&X-Goog-SignedHeaders=host",
			"X-Goog-Signature", hex.DecodeString,
		},
		"Azure": {
			"https://acct.blob.core.windows.net/c/a/b.jpg?sv=2023-11-03&sp=r&sig=" +
				url.QueryEscape(base64.StdEncoding.EncodeToString(make([]byte, 32))),
			"sig", base64.StdEncoding.Strict().DecodeString,
		},
	} {
		t.Run(name, func(t *testing.T) {
			bad, err := TamperSignature(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			u0, _ := url.Parse(tc.url)
			u1, err := url.Parse(bad)
			if err != nil {
				t.Fatal(err)
			}
			q0, q1 := u0.Query(), u1.Query()
			for k := range q0 {
				if k != tc.param && q0.Get(k) != q1.Get(k) {
					t.Errorf("%s changed from %q to %q", k, q0.Get(k), q1.Get(k))
				}
			}
			was, err0 := tc.decode(q0.Get(tc.param))
			now, err1 := tc.decode(q1.Get(tc.param))
			if err0 != nil || err1 != nil || string(was) == string(now) {
				t.Errorf("signature %q -> %q: decodes to the same bytes or not at all (%v, %v)", q0.Get(tc.param), q1.Get(tc.param), err0, err1)
			}
			if u0.Path != u1.Path {
				t.Errorf("path changed to %q", u1.Path)
			}
		})
	}
	if _, err := TamperSignature("https://example.com/a?x=1"); err == nil {
		t.Error("TamperSignature of a URL without a signature succeeded")
	}
}

func TestSwapKey(t *testing.T) {
	got, err := SwapKey("https://s3.example.com/bucket/p/victim.jpg?X-Amz-Signature=00", "p/victim.jpg", "p/issued.jpg")
	if want := "https://s3.example.com/bucket/p/issued.jpg?X-Amz-Signature=00"; err != nil || got != want {
		t.Errorf("SwapKey = %q, %v; want %q", got, err, want)
	}
	if _, err := SwapKey("https://example.com/other?sig=1", "p/victim.jpg", "x"); err == nil {
		t.Error("SwapKey of a URL without the key succeeded")
	}
}
