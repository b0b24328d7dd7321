package httpapi_test

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkLicensedRequest measures a whole authenticated request through
// the HTTP stack: header checks, the requestid replay insert and the
// license look-up, on each store. The client reuses one key pair, so the
// shared key is cached (the common case for an integrator).
func BenchmarkLicensedRequest(b *testing.B) {
	for _, sk := range storeKinds {
		b.Run(sk.name, func(b *testing.B) {
			e := newEnv(b, sk.open)
			c := e.client(b, "service")
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.Do(ctx, http.MethodGet, "/info", nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
