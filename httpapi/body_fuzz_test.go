package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/wire"
)

// FuzzUnwrapBody: no body, however malformed, panics the decoder or comes
// back as anything but a domain error.
func FuzzUnwrapBody(f *testing.F) {
	a, _ := wire.GenerateKey()
	b, _ := wire.GenerateKey()
	key := a.Shared(b.Public())
	inner, _ := json.Marshal(map[string]string{"data": wire.Encrypt(key, []byte(`{"x":1}`))})
	f.Add(inner)
	f.Add([]byte(`{"data":{"data":{"x":1}}}`))
	f.Add([]byte(`{"data":"AAAA","publicKey":"x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"data":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range []*caller{{}, {Shared: key, HasKey: true}} {
			out, err := unwrapBody(body, c)
			if err != nil {
				if code := idproof.ErrorCode(err); code != idproof.EINVALID && code != idproof.EUNAUTHORIZED {
					t.Fatalf("error code %s: %v", code, err)
				}
				continue
			}
			if out == nil && body != nil {
				t.Fatal("nil body returned without error")
			}
		}
	})
}
