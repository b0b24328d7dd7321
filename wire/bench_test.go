package wire

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"
)

// BenchmarkOpenRequest measures checking the publickey and requestid headers
// of a request. "cold" uses a new caller key for every request, so the shared
// key is derived each time; "warm" reuses one caller, as a busy integrator does.
func BenchmarkOpenRequest(b *testing.B) {
	server, _ := GenerateKey()
	now := time.Now()
	type req struct{ pub, rid string }
	mk := func(n int) []req {
		out := make([]req, n)
		for i := range out {
			c, _ := GenerateKey()
			sh := c.Shared(server.Public())
			out[i] = req{c.Public().String(), Encrypt(sh, RequestID{TS: now.Unix(), AppID: "bench", UUID: fmt.Sprint(i)}.Marshal())}
		}
		return out
	}
	b.Run("cold", func(b *testing.B) {
		reqs := mk(1024)
		srv := NewServer(server, 1) // a cache of one entry: every caller misses
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r := reqs[i%len(reqs)]
			if _, _, err := srv.OpenRequest(r.pub, r.rid, now, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		reqs := mk(1)
		srv := NewServer(server, 0)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, _, err := srv.OpenRequest(reqs[0].pub, reqs[0].rid, now, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEnvelope measures sealing and opening bodies of 1 KiB and 1 MiB.
func BenchmarkEnvelope(b *testing.B) {
	a, _ := GenerateKey()
	c, _ := GenerateKey()
	key := a.Shared(c.Public())
	for _, size := range []int{1 << 10, 1 << 20} {
		plain := make([]byte, size)
		rand.Read(plain)
		name := fmt.Sprintf("%dKiB", size>>10)
		b.Run("encrypt/"+name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				Encrypt(key, plain)
			}
		})
		sealed := Encrypt(key, plain)
		b.Run("decrypt/"+name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				if _, err := Decrypt(key, sealed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseRequestID is the plaintext of every request's requestid.
func BenchmarkParseRequestID(b *testing.B) {
	plain := []byte(`{"ts":1700000000,"appid":"com.example.app","uuid":"123e4567-e89b-12d3-a456-426614174000"}`)
	for b.Loop() {
		if _, err := ParseRequestID(plain); err != nil {
			b.Fatal(err)
		}
	}
}
