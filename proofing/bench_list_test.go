package proofing_test

import (
	"context"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
)

// BenchmarkList measures Engine.List of one page of 100 sessions, the work
// behind POST /proofingsession/fetch without HTTP: the query and decoding
// each session of the page (opening its sealed personal data).
func BenchmarkList(b *testing.B) {
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
			for i := range 300 {
				if _, err := f.engine.Create(context.Background(), f.license, benchCreateRequest(f, i)); err != nil {
					b.Fatal(err)
				}
			}
			filter := idproof.SessionFilter{TenantID: f.creds.TenantID, CommunityID: f.creds.CommunityID, Limit: 100}
			for b.Loop() {
				list, _, err := f.engine.List(context.Background(), filter)
				if err != nil || len(list) != 100 {
					b.Fatalf("List: %d sessions, %v", len(list), err)
				}
			}
		})
	}
}
