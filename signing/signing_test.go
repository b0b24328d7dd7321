package signing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/sqlite"
)

// TestVerifyWithOrdinaryJOSE signs a token and checks it the way a relying
// party would: the JWK Set as JSON, and a JWT library that knows nothing of
// this project.
func TestVerifyWithOrdinaryJOSE(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := secret.New(bytes.Repeat([]byte{3}, 32))
	s, err := signing.Load(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	again, err := signing.Load(ctx, st, kr)
	if err != nil || again.KeyID() != s.KeyID() {
		t.Fatal("the signing key must persist")
	}
	tok, err := s.Sign(map[string]any{"sub": "session-1", "iat": time.Now().Unix(), "result": "COMPLETED_PASS"})
	if err != nil {
		t.Fatal(err)
	}
	jwksJSON, _ := json.Marshal(s.JWKS())

	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksJSON, &set); err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		keys := set.Key(tk.Header["kid"].(string))
		if len(keys) != 1 {
			t.Fatalf("kid %v not in the set", tk.Header["kid"])
		}
		return keys[0].Key, nil
	}, jwt.WithValidMethods([]string{"ES256"}))
	if err != nil || !parsed.Valid {
		t.Fatalf("verify: %v", err)
	}
	if parsed.Claims.(jwt.MapClaims)["result"] != "COMPLETED_PASS" {
		t.Fatalf("claims %v", parsed.Claims)
	}
	// A tampered token fails.
	bad := tok[:len(tok)-4] + "AAAA"
	if _, err := jwt.Parse(bad, func(*jwt.Token) (any, error) { return set.Keys[0].Key, nil }); err == nil {
		t.Fatal("tampered token verified")
	}
}
