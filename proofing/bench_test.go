package proofing_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/proofing"
)

// BenchmarkCreate measures Engine.Create of a sandbox session, the work
// behind POST /document_share_session/create without HTTP and the wire
// protocol: scope and configuration look-ups, unsealing and resealing the
// connector, encoding the session document and the insert. The parallel
// variants run 4 goroutines per core, as concurrent requests would.
func BenchmarkCreate(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) idproof.Store
	}{
		{"sqlite", func(b *testing.B) idproof.Store { return sqliteStore(b) }},
		{"postgres", func(b *testing.B) idproof.Store { return postgres.OpenTest(b) }},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			f := newFixture(b, s.open(b))
			var i int
			for b.Loop() {
				i++
				if _, err := f.engine.Create(context.Background(), f.license, benchCreateRequest(f, i)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"-parallel", func(b *testing.B) {
			f := newFixture(b, s.open(b))
			var seq atomic.Int64
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := benchCreateRequest(f, int(seq.Add(1)))
					if _, err := f.engine.Create(context.Background(), f.license, req); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// benchCreateRequest is the request of f.create, for user i.
func benchCreateRequest(f *fixture, i int) proofing.CreateRequest {
	return proofing.CreateRequest{
		DVCID: f.sandbox,
		SessionRequest: &proofing.SessionRequest{TenantDNS: f.creds.TenantDNS, CommunityName: f.creds.CommunityName,
			DocumentType: idproof.DocDriversLicense,
			User:         idproof.SessionUser{UID: "bench-" + strconv.Itoa(i), Firstname: "Ann", Lastname: "Lee"}},
	}
}

// BenchmarkSession measures Engine.Session of a new session, the read
// behind every session endpoint and a result: the store's read and the
// decoding of the session document and its sealed personal data.
func BenchmarkSession(b *testing.B) {
	f := newFixture(b, sqliteStore(b))
	s, err := f.engine.Create(context.Background(), f.license, benchCreateRequest(f, 1))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := f.engine.Session(context.Background(), s.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(s.Data)), "data-bytes")
}
