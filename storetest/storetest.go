// Package storetest is the conformance suite for implementations of
// idproof.Store. Each store package runs it from its own tests, so every
// backend is held to one contract:
//
//   - Times come back in UTC, truncated to whole milliseconds.
//   - A nil or empty []byte or json.RawMessage may come back as either nil
//     or empty; non-empty bytes come back exactly.
//   - json.RawMessage fields come back as equivalent JSON (a backend may
//     reformat it, as Postgres jsonb would).
//   - Sessions lists newest first: CreatedAt descending, then ID ascending
//     (bytewise). Other lists are oldest first: CreatedAt, then ID.
//   - ServiceKeyByTag finds the newest key carrying the tag.
//   - VerificationConfigs and Templates with communityID "" list the whole
//     tenant.
//   - UpdateSession treats ID, TenantID, CommunityID, TenantDNS,
//     CommunityName and CreatedAt as immutable, and reports a missing
//     session as ENOTFOUND rather than ECONFLICT.
//   - A request id that expires exactly at now is expired.
//   - A community must belong to an existing tenant (ENOTFOUND otherwise).
//   - CreateSession and UpdateSession write Session.Outbox and
//     Session.Audit with the session or not at all; a taken audit (session,
//     seq) is ECONFLICT. Payloads and audit details come back byte for
//     byte (the audit hash covers their bytes), unlike other JSON.
//   - Webhook events list and fan out oldest first, the events of one
//     change in the order written; deliveries list newest first
//     (CreatedAt descending, then ID). An endpoint's Events come back nil
//     when empty. Attempt durations are kept in whole milliseconds.
//   - An idempotency record that expires exactly at now is expired; one
//     created exactly at staleBefore is not stale. Finishing a key not held
//     is ENOTFOUND; releasing one is not an error.
package storetest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof"
)

// Run runs the suite. newStore must return an empty store that is private to
// the calling test; each subtest asks for its own, so subtests are independent
// and any of them can be run alone with -run.
func Run(t *testing.T, newStore func(t *testing.T) idproof.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Tenant", tenantTests},
		{"Community", communityTests},
		{"License", licenseTests},
		{"ServiceKey", serviceKeyTests},
		{"VerificationConfig", dvcTests},
		{"Session", sessionTests},
		{"Sessions", sessionListTests},
		{"Template", templateTests},
		{"Bucket", bucketTests},
		{"Replay", replayTests},
		{"Setting", settingTests},
		{"Idempotency", idempotencyTests},
		{"Audit", auditTests},
		{"WebhookEndpoint", webhookEndpointTests},
		{"WebhookDelivery", webhookDeliveryTests},
		{"WebhookLog", webhookLogTests},
		{"Store", storeTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.fn(t, newStore(t))
				})
			}
		})
	}
}

// test is one named check run against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s idproof.Store)
}

var storeTests = []test{
	{"Ping", func(t *testing.T, s idproof.Store) {
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}},
}

// t0 has nanoseconds and a zone other than UTC so that every round trip
// exercises truncation and conversion.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("UTC+2", 2*60*60))

var (
	bytesType = reflect.TypeFor[[]byte]()
	rawType   = reflect.TypeFor[json.RawMessage]()
	timeType  = reflect.TypeFor[time.Time]()
)

// cmpOpts compares stored values with what was written: times at
// millisecond precision, bytes with nil equal to empty, JSON by meaning.
// Filtering by exact type keeps the []byte and json.RawMessage comparers
// apart, since each type is assignable to the other.
var cmpOpts = cmp.Options{
	cmp.Comparer(sameMillis),
	cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() == bytesType },
		cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })),
	cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() == rawType },
		cmp.Comparer(jsonEqual)),
}

// jsonEqual reports whether a and b are the same JSON value; empty values
// are equal to each other and to nothing else.
func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

// check fails t unless got equals want under cmpOpts and every time in got
// is UTC with millisecond precision. An empty list equals a nil one.
func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	checkTimes(t, what, reflect.ValueOf(got))
	if g, w := reflect.ValueOf(got), reflect.ValueOf(want); g.Kind() == reflect.Slice && g.Len() == 0 && w.Len() == 0 {
		return // an empty list may be nil
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// checkTimes walks v and reports every time.Time that is not UTC or has
// sub-millisecond digits.
func checkTimes(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkTimes(t, path, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			checkTimes(t, path, v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == timeType {
			tm := v.Interface().(time.Time)
			if tm.Location() != time.UTC {
				t.Errorf("%s: time %v is in %v, want UTC", path, tm, tm.Location())
			}
			if tm.Nanosecond()%int(time.Millisecond) != 0 {
				t.Errorf("%s: time %v has sub-millisecond precision", path, tm)
			}
			return
		}
		for i := range v.NumField() {
			checkTimes(t, path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	}
}

// wantCode fails t unless err carries the domain error code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := idproof.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
	if idproof.ErrorMessage(err) == "" {
		t.Errorf("%s: %s error without a message", what, code)
	}
}

// must fails t on a non-nil err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// ids returns the IDs of a list, in order, for compact diffs.
func ids[T any](list []*T, id func(*T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = id(v)
	}
	return out
}
