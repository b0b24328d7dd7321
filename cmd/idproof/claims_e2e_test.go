package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/idproof/idproof/client"
)

// TestVerifiedClaimsEndToEnd drives sandbox sessions to COMPLETED_PASS
// through the Go client against the real server, and checks the signed
// result a relying party receives: its signature against the published
// keys, its verified_claims against the schema and against the result's
// own document fields, and that once retention has ended the token shown
// no longer holds them.
func TestVerifiedClaimsEndToEnd(t *testing.T) {
	// The sweeper is woken when a session's retention ends at completion,
	// and otherwise runs on its interval: a short one here, so that a
	// wake-up that comes before the completion is stored is soon made up.
	base, data := serveForTest(t, "--sweep-interval", "200ms")
	ctx := context.Background()
	// A requestid's ts is in whole seconds, and one from before the server
	// started may be refused: start in the next second.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	rp := serviceClient(t, base, data)
	keys := fetchJWKS(t, base)
	schema := compileClaimsSchema(t)

	// pass runs a sandbox session with the given verification config to
	// its end, as the capture page would, and returns its v3 result.
	pass := func(verification string) (string, map[string]any) {
		t.Helper()
		created, err := rp.CreateSession(ctx, client.CreateSessionRequest{
			Connector: json.RawMessage(`{"id":"c1","type":"sandbox","config":{}}`), Verification: json.RawMessage(verification),
			SessionRequest: client.SessionRequest{TenantID: creds.TenantID, CommunityID: creds.CommunityID, DocumentType: "ppt_object",
				User: &client.SessionUser{UID: "claims-e2e", Firstname: "Ada", Lastname: "Byron"}}})
		if err != nil {
			t.Fatal(err)
		}
		browser, err := client.New(base)
		if err != nil {
			t.Fatal(err)
		}
		for _, action := range []string{"start", "complete"} {
			if _, err := browser.SessionCall(ctx, created.SessionID, action); err != nil {
				t.Fatalf("%s: %v", action, err)
			}
		}
		res, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: created.SessionID, IncludeMetadata: true}, true)
		if err != nil {
			t.Fatal(err)
		}
		if res["resultStatus"] != "COMPLETED_PASS" {
			t.Fatalf("result %v", res)
		}
		return created.SessionID, res
	}

	// Retention kept: the token shown holds verified_claims.
	id, res := pass(`{"id":"v1","config":{"trustFramework":"de_aml"}}`)
	doc, _ := res["document"].(map[string]any)
	claims := verifyProof(t, keys, doc["proof_jwt"])
	if claims["sub"] != id || claims["resultStatus"] != "COMPLETED_PASS" || claims["auditHead"] == "" || claims["auditHead"] == nil {
		t.Fatalf("proof claims %v", claims)
	}
	vc, ok := claims["verified_claims"]
	if !ok {
		t.Fatalf("no verified_claims in %v", claims)
	}
	if err := schema.Validate(vc); err != nil {
		t.Fatalf("verified_claims %v does not validate: %v", vc, err)
	}
	var got struct {
		Verification struct {
			TrustFramework      string `json:"trust_framework"`
			VerificationProcess string `json:"verification_process"`
			Evidence            []struct {
				Type            string `json:"type"`
				DocumentDetails struct {
					Type           string `json:"type"`
					DocumentNumber string `json:"document_number"`
					Issuer         struct {
						CountryCode string `json:"country_code"`
					} `json:"issuer"`
				} `json:"document_details"`
				CheckDetails []struct {
					CheckMethod string `json:"check_method"`
				} `json:"check_details"`
			} `json:"evidence"`
		} `json:"verification"`
		Claims struct {
			GivenName  string `json:"given_name"`
			FamilyName string `json:"family_name"`
		} `json:"claims"`
	}
	remarshalClaims(t, vc, &got)
	if len(got.Verification.Evidence) != 1 {
		t.Fatalf("evidence %+v", got.Verification.Evidence)
	}
	ev := got.Verification.Evidence[0]
	for _, c := range []struct{ what, got, want string }{
		{"trust_framework (a sandbox result)", got.Verification.TrustFramework, "idproof_sandbox"},
		{"verification_process", got.Verification.VerificationProcess, id},
		{"evidence type", ev.Type, "document"},
		{"document type", ev.DocumentDetails.Type, "passport"},
		{"document_number", ev.DocumentDetails.DocumentNumber, claimString(doc["documentId"])},
		{"issuer country_code", ev.DocumentDetails.Issuer.CountryCode, claimString(doc["country"])},
		{"given_name", got.Claims.GivenName, claimString(doc["firstName"])},
		{"family_name", got.Claims.FamilyName, claimString(doc["lastName"])},
	} {
		if c.got != c.want || c.got == "" {
			t.Errorf("%s = %q, want %q (not empty)", c.what, c.got, c.want)
		}
	}
	if len(ev.CheckDetails) == 0 {
		t.Error("no check_details")
	}
	// The v1 result shows the same token.
	v1, err := rp.SessionResult(ctx, client.ResultRequest{SessionID: id}, false)
	if err != nil || v1["token"] != doc["proof_jwt"] {
		t.Fatalf("v1 token differs from v3 proof_jwt: %v", err)
	}

	// Retention over at once: the token shown is the plain one, before and
	// after the sweeper has deleted the personal data.
	id, res = pass(`{"id":"v2","config":{"piiRetentionInMin":0}}`)
	doc, _ = res["document"].(map[string]any)
	plain := doc["proof_jwt"]
	claims = verifyProof(t, keys, plain)
	if _, ok := claims["verified_claims"]; ok || claims["sub"] != id || doc["firstName"] != "" {
		t.Fatalf("after retention: claims %v, document %v", claims, doc)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err = rp.SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, true)
		if err != nil {
			t.Fatal(err)
		}
		if meta, _ := res["metadata"].(map[string]any); meta["purged"] == true {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweeper did not purge a session with no retention")
		}
		time.Sleep(100 * time.Millisecond)
	}
	doc, _ = res["document"].(map[string]any)
	if doc["proof_jwt"] != plain {
		t.Fatal("the token changed when the session was purged")
	}
}

// fetchJWKS reads the keys the server publishes for its signed results.
func fetchJWKS(t *testing.T, base string) jose.JSONWebKeySet {
	t.Helper()
	resp, err := http.Get(base + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || resp.StatusCode != 200 || len(set.Keys) == 0 {
		t.Fatalf("jwks: %d %v", resp.StatusCode, err)
	}
	return set
}

// verifyProof checks a proof_jwt's ES256 signature with the key its kid
// names and returns its claims.
func verifyProof(t *testing.T, keys jose.JSONWebKeySet, tok any) map[string]any {
	t.Helper()
	s, _ := tok.(string)
	jws, err := jose.ParseSignedCompact(s, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("proof_jwt %q: %v", s, err)
	}
	found := keys.Key(jws.Signatures[0].Header.KeyID)
	if len(found) != 1 {
		t.Fatalf("kid %q is not published", jws.Signatures[0].Header.KeyID)
	}
	b, err := jws.Verify(found[0].Key)
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// compileClaimsSchema compiles the verified_claims schema the proofing
// tests use.
func compileClaimsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../proofing/testdata/verified_claims.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("verified_claims.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("verified_claims.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func remarshalClaims(t *testing.T, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

func claimString(v any) string {
	s, _ := v.(string)
	return s
}
