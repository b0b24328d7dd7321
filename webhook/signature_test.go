package webhook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if !strings.HasPrefix(a, SecretPrefix) || len(a) != len(SecretPrefix)+43 {
		t.Fatalf("secret %q: want %s and 43 base64url characters", a, SecretPrefix)
	}
	if a == b {
		t.Fatal("two secrets are equal")
	}
}

func TestSignKnownValue(t *testing.T) {
	// Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
	got := Sign("whsec_test", time.Unix(1700000000, 0), []byte(`{"a":1}`))
	want := "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1700000000, 0)
	body := []byte(`{"id":"e1","type":"session.completed"}`)
	good := Sign("whsec_a", now, body)
	old := Sign("whsec_old", now, body)
	sig := func(h string) string { return h[strings.Index(h, "v1="):] }
	tests := []struct {
		name    string
		header  string
		body    []byte
		secrets []string
		now     time.Time
		want    error
	}{
		{"valid", good, body, []string{"whsec_a"}, now, nil},
		{"valid with spaces", strings.ReplaceAll(good, ",", ", "), body, []string{"whsec_a"}, now, nil},
		{"second secret matches", good, body, []string{"whsec_b", "whsec_a"}, now, nil},
		{"second signature matches", good + "," + sig(old), body, []string{"whsec_old"}, now, nil},
		{"unknown scheme ignored", good + ",v0=abc", body, []string{"whsec_a"}, now, nil},
		{"just within tolerance", good, body, []string{"whsec_a"}, now.Add(DefaultTolerance), nil},
		{"stale", good, body, []string{"whsec_a"}, now.Add(DefaultTolerance + time.Second), ErrTimestamp},
		{"future", good, body, []string{"whsec_a"}, now.Add(-DefaultTolerance - time.Second), ErrTimestamp},
		{"wrong secret", good, body, []string{"whsec_b"}, now, ErrNoMatch},
		{"no secrets", good, body, nil, now, ErrNoMatch},
		{"body changed", good, []byte(`{"id":"e2"}`), []string{"whsec_a"}, now, ErrNoMatch},
		{"empty", "", body, []string{"whsec_a"}, now, ErrMalformed},
		{"no timestamp", sig(good), body, []string{"whsec_a"}, now, ErrMalformed},
		{"no signature", "t=1700000000", body, []string{"whsec_a"}, now, ErrMalformed},
		{"two timestamps", "t=1," + good, body, []string{"whsec_a"}, now, ErrMalformed},
		{"timestamp not a number", "t=12a," + sig(good), body, []string{"whsec_a"}, now, ErrMalformed},
		{"negative timestamp", "t=-1," + sig(good), body, []string{"whsec_a"}, now, ErrMalformed},
		{"huge timestamp", "t=99999999999999999999," + sig(good), body, []string{"whsec_a"}, now, ErrMalformed},
		{"short signature", "t=1700000000,v1=abcd", body, []string{"whsec_a"}, now, ErrMalformed},
		{"not hex", "t=1700000000,v1=" + strings.Repeat("zz", 32), body, []string{"whsec_a"}, now, ErrMalformed},
		{"no equals", "t=1700000000,v1", body, []string{"whsec_a"}, now, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.header, tt.body, tt.secrets, tt.now, 0)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyTolerance(t *testing.T) {
	now := time.Unix(1700000000, 0)
	h := Sign("whsec_a", now, nil)
	if err := Verify(h, nil, []string{"whsec_a"}, now.Add(time.Minute), 30*time.Second); !errors.Is(err, ErrTimestamp) {
		t.Fatalf("a minute late with 30s tolerance: %v", err)
	}
	if err := Verify(h, nil, []string{"whsec_a"}, now.Add(time.Minute), time.Hour); err != nil {
		t.Fatalf("a minute late with an hour's tolerance: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	now := time.Unix(1700000000, 0)
	body := []byte(`{"id":"e1"}`)
	f.Add(Sign("whsec_a", now, body), body)
	f.Add("t=1700000000,v1=00,v1=", body)
	f.Add("t=,v1=,=,,", []byte{})
	f.Add("t=1700000000 , v1="+strings.Repeat("a", 64), body)
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := Verify(header, body, []string{"whsec_a"}, now, 0)
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTimestamp) && !errors.Is(err, ErrNoMatch) {
			t.Fatalf("Verify(%q) = %v: not one of the documented errors", header, err)
		}
		if err == nil {
			// Accepted: it must carry a signature of this body.
			if _, _, perr := parseHeader(header); perr != nil {
				t.Fatalf("accepted a header the parser refuses: %v", perr)
			}
		}
	})
}
