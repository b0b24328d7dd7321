package storetest

import (
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newBucketValue returns a bucket that is not stored yet, created i minutes
// after t0.
func newBucketValue(tenantID, communityID, name string, i int) *idproof.Bucket {
	at := t0.Add(time.Duration(i) * time.Minute)
	return &idproof.Bucket{
		ID:                idproof.NewObjectID(),
		TenantID:          tenantID,
		CommunityID:       communityID,
		Type:              "aws",
		BucketName:        name,
		IsEnabled:         true,
		CreatedBy:         "admin@example.com",
		CredentialsSealed: []byte("sealed credentials " + name),
		CreatedAt:         at,
		UpdatedAt:         at,
	}
}

var bucketTests = []test{
	{"CreateThenReplace", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		first := newBucketValue("t", "c", "images", 0)
		want := *first
		must(t, "PutBucket create", s.PutBucket(ctx, first))
		if first.ID != want.ID || !sameMillis(first.CreatedAt, want.CreatedAt) {
			t.Errorf("PutBucket create changed the argument's ID or CreatedAt: %s %v", first.ID, first.CreatedAt)
		}
		got, err := s.BucketByCommunity(ctx, "t", "c")
		must(t, "BucketByCommunity", err)
		check(t, "BucketByCommunity after create", got, &want)

		second := newBucketValue("t", "c", "other-images", 5)
		second.Type = "local"
		second.IsEnabled = false
		second.CreatedBy = "someone@example.com"
		second.CredentialsSealed = nil
		want = *second
		want.ID, want.CreatedAt = first.ID, first.CreatedAt
		must(t, "PutBucket replace", s.PutBucket(ctx, second))
		if second.ID != first.ID || !sameMillis(second.CreatedAt, first.CreatedAt) {
			t.Errorf("PutBucket replace: argument has ID %s, CreatedAt %v; want the stored %s, %v",
				second.ID, second.CreatedAt, first.ID, first.CreatedAt)
		}
		got, err = s.BucketByCommunity(ctx, "t", "c")
		must(t, "BucketByCommunity", err)
		check(t, "BucketByCommunity after replace", got, &want)
	}},
	{"PerCommunity", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newBucketValue("t", "a", "a", 0)
		b := newBucketValue("t", "b", "b", 1)
		u := newBucketValue("u", "a", "u", 2)
		for _, v := range []*idproof.Bucket{a, b, u} {
			must(t, "PutBucket", s.PutBucket(ctx, v))
		}
		for _, want := range []*idproof.Bucket{a, b, u} {
			got, err := s.BucketByCommunity(ctx, want.TenantID, want.CommunityID)
			must(t, "BucketByCommunity", err)
			check(t, "BucketByCommunity", got, want)
		}
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		must(t, "PutBucket", s.PutBucket(ctx, newBucketValue("t", "a", "a", 0)))
		_, err := s.BucketByCommunity(ctx, "t", "b")
		wantCode(t, "BucketByCommunity other community", err, idproof.ENOTFOUND)
		_, err = s.BucketByCommunity(ctx, "u", "a")
		wantCode(t, "BucketByCommunity other tenant", err, idproof.ENOTFOUND)
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		a := newBucketValue("t", "a", "a", 0)
		must(t, "PutBucket", s.PutBucket(ctx, a))
		b := newBucketValue("t", "b", "b", 1)
		b.ID = a.ID
		wantCode(t, "PutBucket", s.PutBucket(ctx, b), idproof.ECONFLICT)
		_, err := s.BucketByCommunity(ctx, "t", "b")
		wantCode(t, "BucketByCommunity", err, idproof.ENOTFOUND)
	}},
}

// sameMillis reports whether a and b are the same instant at millisecond
// precision.
func sameMillis(a, b time.Time) bool {
	return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond))
}
