package storetest

import (
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newServiceKeyValue returns a service key that is not stored yet, created i
// minutes after t0.
func newServiceKeyValue(tag string, i int) *idproof.ServiceKey {
	id := idproof.NewUUID()
	return &idproof.ServiceKey{
		KeyID:        "pub-" + id,
		SecretSealed: []byte("sealed-" + id),
		Tag:          tag,
		Type:         "service",
		CreatedAt:    t0.Add(time.Duration(i) * time.Minute),
	}
}

// newServiceKey creates a service key, created i minutes after t0.
func newServiceKey(t *testing.T, s idproof.Store, tag string, i int) *idproof.ServiceKey {
	t.Helper()
	k := newServiceKeyValue(tag, i)
	must(t, "CreateServiceKey", s.CreateServiceKey(t.Context(), k))
	return k
}

var serviceKeyTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		want := newServiceKey(t, s, "integrator", 0)
		got, err := s.ServiceKey(ctx, want.KeyID)
		must(t, "ServiceKey", err)
		check(t, "ServiceKey", got, want)
		got, err = s.ServiceKeyByTag(ctx, "integrator")
		must(t, "ServiceKeyByTag", err)
		check(t, "ServiceKeyByTag", got, want)
	}},
	{"TagUnique", func(t *testing.T, s idproof.Store) {
		newServiceKey(t, s, "rotating", 0)
		wantCode(t, "CreateServiceKey same tag", s.CreateServiceKey(t.Context(), newServiceKeyValue("rotating", 1)), idproof.ECONFLICT)
		// Empty tags do not collide.
		newServiceKey(t, s, "", 2)
		newServiceKey(t, s, "", 3)
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		newServiceKey(t, s, "", 0)
		_, err := s.ServiceKey(ctx, "missing")
		wantCode(t, "ServiceKey", err, idproof.ENOTFOUND)
		_, err = s.ServiceKeyByTag(ctx, "missing")
		wantCode(t, "ServiceKeyByTag", err, idproof.ENOTFOUND)
		_, err = s.ServiceKeyByTag(ctx, "")
		wantCode(t, "ServiceKeyByTag empty tag", err, idproof.ENOTFOUND)
	}},
	{"Duplicate", func(t *testing.T, s idproof.Store) {
		k := newServiceKey(t, s, "a", 0)
		dup := newServiceKeyValue("b", 1)
		dup.KeyID = k.KeyID
		wantCode(t, "CreateServiceKey", s.CreateServiceKey(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		got, err := s.ServiceKeys(ctx)
		must(t, "ServiceKeys", err)
		if len(got) != 0 {
			t.Fatalf("ServiceKeys of an empty store: %d, want 0", len(got))
		}
		k2 := newServiceKey(t, s, "b", 2)
		k1 := newServiceKey(t, s, "a", 1)
		got, err = s.ServiceKeys(ctx)
		must(t, "ServiceKeys", err)
		check(t, "ServiceKeys", got, []*idproof.ServiceKey{k1, k2})
	}},
	{"Replace", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		old := newServiceKey(t, s, "rotating", 0)
		other := newServiceKey(t, s, "other", 1)
		repl := newServiceKeyValue("rotating", 2)
		must(t, "ReplaceServiceKey", s.ReplaceServiceKey(ctx, old.KeyID, repl))
		_, err := s.ServiceKey(ctx, old.KeyID)
		wantCode(t, "ServiceKey old", err, idproof.ENOTFOUND)
		got, err := s.ServiceKey(ctx, repl.KeyID)
		must(t, "ServiceKey new", err)
		check(t, "ServiceKey new", got, repl)
		list, err := s.ServiceKeys(ctx)
		must(t, "ServiceKeys", err)
		check(t, "ServiceKeys", list, []*idproof.ServiceKey{other, repl})
	}},
	{"ReplaceSameID", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		old := newServiceKey(t, s, "rotating", 0)
		repl := newServiceKeyValue("renamed", 1)
		repl.KeyID = old.KeyID
		must(t, "ReplaceServiceKey", s.ReplaceServiceKey(ctx, old.KeyID, repl))
		got, err := s.ServiceKey(ctx, old.KeyID)
		must(t, "ServiceKey", err)
		check(t, "ServiceKey", got, repl)
	}},
	{"ReplaceMissing", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		repl := newServiceKeyValue("rotating", 0)
		wantCode(t, "ReplaceServiceKey", s.ReplaceServiceKey(ctx, "missing", repl), idproof.ENOTFOUND)
		_, err := s.ServiceKey(ctx, repl.KeyID)
		wantCode(t, "ServiceKey new", err, idproof.ENOTFOUND)
	}},
	{"ReplaceConflict", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		old := newServiceKey(t, s, "rotating", 0)
		taken := newServiceKey(t, s, "other", 1)
		repl := newServiceKeyValue("rotating", 2)
		repl.KeyID = taken.KeyID
		wantCode(t, "ReplaceServiceKey", s.ReplaceServiceKey(ctx, old.KeyID, repl), idproof.ECONFLICT)
		got, err := s.ServiceKey(ctx, old.KeyID)
		must(t, "ServiceKey old kept", err)
		check(t, "ServiceKey old kept", got, old)
		got, err = s.ServiceKey(ctx, taken.KeyID)
		must(t, "ServiceKey taken", err)
		check(t, "ServiceKey taken", got, taken)
	}},
	{"Delete", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		k := newServiceKey(t, s, "a", 0)
		keep := newServiceKey(t, s, "b", 1)
		must(t, "DeleteServiceKey", s.DeleteServiceKey(ctx, k.KeyID))
		_, err := s.ServiceKey(ctx, k.KeyID)
		wantCode(t, "ServiceKey deleted", err, idproof.ENOTFOUND)
		wantCode(t, "DeleteServiceKey again", s.DeleteServiceKey(ctx, k.KeyID), idproof.ENOTFOUND)
		_, err = s.ServiceKey(ctx, keep.KeyID)
		must(t, "ServiceKey kept", err)
	}},
}
