package proofing

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
)

var (
	claimsNow     = time.Date(2026, 3, 1, 10, 22, 31, 0, time.UTC)
	claimsChecked = time.Date(2026, 3, 1, 10, 22, 30, 0, time.UTC)
)

// claimsSession is a completed session of docType whose verdict holds
// checks and doc, checked at claimsChecked.
func claimsSession(docType string, outcome idproof.Outcome, connector string, checks []idproof.Check, doc idproof.DocumentData) (*idproof.Session, *Data) {
	s := &idproof.Session{ID: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10", TenantID: "t", CommunityID: "c", DocumentType: docType,
		Status: idproof.StatusCompleted, Outcome: outcome, CompletedAt: claimsNow,
		// What the relying party said: never a source of claims.
		User: idproof.SessionUser{UID: "u-1", Firstname: "Claimed", Lastname: "Byrp"}}
	for i := range checks {
		checks[i].Connector = connector
	}
	doc.DocumentType = docType
	d := &Data{Verdict: &StoredVerdict{Attempt: 1, Outcome: outcome, Connector: connector, Checks: checks, Document: doc, TS: claimsChecked.UnixMilli()}}
	return s, d
}

func pass(names ...string) []idproof.Check {
	var out []idproof.Check
	for _, n := range names {
		out = append(out, idproof.Check{Name: n, Result: idproof.CheckPass})
	}
	return out
}

const claimsTxn = "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10:"

func TestVerifiedClaims(t *testing.T) {
	t.Parallel()
	const checked = "2026-03-01T10:22:30Z"
	passport := idproof.DocumentData{DocumentID: "L898902C3", FirstName: "ANNA MARIA", LastName: "ERIKSSON", FullName: "ANNA MARIA ERIKSSON",
		DOB: "1974-08-12", DOE: "2032-04-15", Gender: "F", Country: "UTO", MRZ: "P<UTOERIKSSON<<ANNA<MARIA"}
	passportChecks := append(pass("document_liveness_front", "fraud_detection", "selfie_liveness", "face_compare"),
		idproof.Check{Name: "native.mrz", Part: "document_liveness_front", Result: idproof.CheckPass},
		idproof.Check{Name: "document_liveness_back", Result: idproof.CheckNotPerformed, Reason: "IDV0022"})
	tests := []struct {
		name      string
		docType   string
		outcome   idproof.Outcome
		connector string
		checks    []idproof.Check
		doc       idproof.DocumentData
		framework string
		sandbox   bool
		want      *VerifiedClaims
	}{{
		name: "passport read by the built-in verifier", docType: idproof.DocPassport, outcome: idproof.OutcomePass,
		connector: "native", checks: passportChecks, doc: passport,
		want: &VerifiedClaims{
			Verification: ClaimsVerification{TrustFramework: DefaultTrustFramework, Time: "2026-03-01T10:22:31Z",
				VerificationProcess: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10",
				Evidence: []ClaimsEvidence{{Type: "document", Time: checked,
					CheckDetails: []CheckDetail{
						{CheckMethod: "vri", Txn: claimsTxn + "document_liveness_front", Time: checked},
						{CheckMethod: "vri", Txn: claimsTxn + "fraud_detection", Time: checked},
						{CheckMethod: "bvr", Txn: claimsTxn + "face_compare", Time: checked},
					},
					DocumentDetails: &DocumentDetails{Type: "passport", DocumentNumber: "L898902C3", DateOfExpiry: "2032-04-15",
						Issuer: &DocumentIssuer{CountryCode: "UTO"}}}}},
			Claims: VerifiedPerson{GivenName: "ANNA MARIA", FamilyName: "ERIKSSON", Birthdate: "1974-08-12", Gender: "female"},
		},
	}, {
		name: "driving licence read by a vendor", docType: idproof.DocDriversLicense, outcome: idproof.OutcomePass,
		connector: "microblink", checks: pass("document_liveness_front", "document_liveness_back"), framework: "uk_tfida",
		doc: idproof.DocumentData{DocumentID: "D1234567", FirstName: "ADA", MiddleName: "KING", LastName: "BYRON", DOB: "1980-02-03",
			DOI: "2020-01-01", DOE: "2028-02-03", Gender: "M", Country: "USA", State: "CA", Address: " 1 Main St Springfield CA 90001 "},
		want: &VerifiedClaims{
			Verification: ClaimsVerification{TrustFramework: "uk_tfida", Time: "2026-03-01T10:22:31Z",
				VerificationProcess: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10",
				Evidence: []ClaimsEvidence{{Type: "document", Time: checked,
					CheckDetails: []CheckDetail{
						{CheckMethod: "vri", Organization: "Microblink", Txn: claimsTxn + "document_liveness_front", Time: checked},
						{CheckMethod: "vri", Organization: "Microblink", Txn: claimsTxn + "document_liveness_back", Time: checked},
					},
					DocumentDetails: &DocumentDetails{Type: "driving_permit", DocumentNumber: "D1234567", DateOfIssuance: "2020-01-01",
						DateOfExpiry: "2028-02-03", Issuer: &DocumentIssuer{CountryCode: "USA", Jurisdiction: "CA"}}}}},
			Claims: VerifiedPerson{GivenName: "ADA", MiddleName: "KING", FamilyName: "BYRON", Birthdate: "1980-02-03", Gender: "male",
				Address: &PostalAddress{Formatted: "1 Main St Springfield CA 90001"}},
		},
	}, {
		name: "identity card: empty and unreadable fields are left out", docType: idproof.DocIDCard, outcome: idproof.OutcomePass,
		connector: "native", checks: pass("document_liveness_front"),
		doc: idproof.DocumentData{LastName: "MUSTERMANN", DOB: "12.08.1964", DOE: "", Gender: "X", Country: "D", State: "BY"},
		want: &VerifiedClaims{
			Verification: ClaimsVerification{TrustFramework: DefaultTrustFramework, Time: "2026-03-01T10:22:31Z",
				VerificationProcess: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10",
				Evidence: []ClaimsEvidence{{Type: "document", Time: checked,
					CheckDetails:    []CheckDetail{{CheckMethod: "vri", Txn: claimsTxn + "document_liveness_front", Time: checked}},
					DocumentDetails: &DocumentDetails{Type: "idcard", Issuer: &DocumentIssuer{CountryCode: "DEU"}}}}},
			Claims: VerifiedPerson{FamilyName: "MUSTERMANN"},
		},
	}, {
		name: "a country given by name is no code", docType: idproof.DocIDCard, outcome: idproof.OutcomePass,
		connector: "native", checks: pass("document_liveness_front"), doc: idproof.DocumentData{LastName: "HORVAT", Country: "Croatia"},
		want: &VerifiedClaims{
			Verification: ClaimsVerification{TrustFramework: DefaultTrustFramework, Time: "2026-03-01T10:22:31Z",
				VerificationProcess: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10",
				Evidence: []ClaimsEvidence{{Type: "document", Time: checked,
					CheckDetails:    []CheckDetail{{CheckMethod: "vri", Txn: claimsTxn + "document_liveness_front", Time: checked}},
					DocumentDetails: &DocumentDetails{Type: "idcard"}}}},
			Claims: VerifiedPerson{FamilyName: "HORVAT"},
		},
	}, {
		name: "a sandbox pass says so in its framework", docType: idproof.DocPassport, outcome: idproof.OutcomePass,
		connector: "sandbox", checks: pass("document_liveness_front"), framework: "de_aml", sandbox: true,
		doc: idproof.DocumentData{DocumentID: "SANDBOX-1", FirstName: "Ada", LastName: "Byron", Country: "UTO"},
		want: &VerifiedClaims{
			Verification: ClaimsVerification{TrustFramework: SandboxTrustFramework, Time: "2026-03-01T10:22:31Z",
				VerificationProcess: "0b6f1f0e-5d1e-4c55-9d43-5c2d3a7e9a10",
				Evidence: []ClaimsEvidence{{Type: "document", Time: checked,
					CheckDetails: []CheckDetail{{CheckMethod: "vri", Txn: claimsTxn + "document_liveness_front", Time: checked}},
					DocumentDetails: &DocumentDetails{Type: "passport", DocumentNumber: "SANDBOX-1",
						Issuer: &DocumentIssuer{CountryCode: "UTO"}}}}},
			Claims: VerifiedPerson{GivenName: "Ada", FamilyName: "Byron"},
		},
	}, {
		name: "a failed session has none", docType: idproof.DocPassport, outcome: idproof.OutcomeFailed, connector: "native",
		checks: append(pass("document_liveness_front"), idproof.Check{Name: "face_compare", Result: idproof.CheckFail}), doc: passport,
	}, {
		name: "a session in review has none", docType: idproof.DocPassport, outcome: idproof.OutcomeReview, connector: "native",
		checks: pass("document_liveness_front"), doc: passport,
	}, {
		name: "a pass without a check of the document has none", docType: idproof.DocPassport, outcome: idproof.OutcomePass,
		connector: "native", checks: pass("selfie_liveness", "face_compare"), doc: passport,
	}, {
		name: "a pass that read nothing of the holder has none", docType: idproof.DocPassport, outcome: idproof.OutcomePass,
		connector: "native", checks: pass("document_liveness_front"), doc: idproof.DocumentData{DocumentID: "L898902C3", Country: "UTO"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d := claimsSession(tt.docType, tt.outcome, tt.connector, tt.checks, tt.doc)
			d.Settings.TrustFramework, d.Verdict.Sandbox = tt.framework, tt.sandbox
			got := verifiedClaims(s, d, claimsNow)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("verified_claims (-want +got):\n%s", diff)
			}
			if got == nil {
				return
			}
			b, _ := json.Marshal(got)
			if err := validateClaims(t, b); err != nil {
				t.Fatalf("%s\ndoes not validate: %v", b, err)
			}
			if strings.Contains(string(b), "Claimed") || strings.Contains(string(b), `""`) {
				t.Fatalf("a claim from the session user, or an empty field: %s", b)
			}
		})
	}
}

// claimsSchema is the schema compiled once.
var claimsSchema = func() func(t *testing.T) *jsonschema.Schema {
	var sch *jsonschema.Schema
	return func(t *testing.T) *jsonschema.Schema {
		t.Helper()
		if sch != nil {
			return sch
		}
		f, err := os.Open("testdata/verified_claims.schema.json")
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
		if sch, err = c.Compile("verified_claims.schema.json"); err != nil {
			t.Fatal(err)
		}
		return sch
	}
}()

func validateClaims(t *testing.T, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return claimsSchema(t).Validate(v)
}

// TestClaimsSchemaRejects makes sure the schema can fail: each broken
// object must not validate.
func TestClaimsSchemaRejects(t *testing.T) {
	const ok = `{"verification":{"trust_framework":"idproof","time":"2026-03-01T10:22:31Z","evidence":[{"type":"document",` +
		`"check_details":[{"check_method":"vri"}],"document_details":{"type":"passport","date_of_expiry":"2032-04-15",` +
		`"issuer":{"country_code":"UTO"}}}]},"claims":{"family_name":"ERIKSSON","birthdate":"1974-08-12"}}`
	if err := validateClaims(t, []byte(ok)); err != nil {
		t.Fatalf("the valid object fails: %v", err)
	}
	for name, broken := range map[string]string{
		"no trust_framework":         strings.Replace(ok, `"trust_framework":"idproof",`, "", 1),
		"no verification":            `{"claims":{"family_name":"ERIKSSON"}}`,
		"no claims":                  `{"verification":{"trust_framework":"idproof"}}`,
		"empty claims":               `{"verification":{"trust_framework":"idproof"},"claims":{}}`,
		"document without details":   strings.Replace(ok, `,"document_details":{"type":"passport","date_of_expiry":"2032-04-15","issuer":{"country_code":"UTO"}}`, "", 1),
		"document without checks":    strings.Replace(ok, `"check_details":[{"check_method":"vri"}],`, "", 1),
		"empty check_details":        strings.Replace(ok, `[{"check_method":"vri"}]`, `[]`, 1),
		"check without method":       strings.Replace(ok, `{"check_method":"vri"}`, `{"txn":"x"}`, 1),
		"document details sans type": strings.Replace(ok, `"type":"passport",`, "", 1),
		"unknown evidence type":      strings.Replace(ok, `"type":"document"`, `"type":"selfie"`, 1),
		"country as a name":          strings.Replace(ok, `"UTO"`, `"Utopia"`, 1),
		"date not ISO 8601":          strings.Replace(ok, `"2032-04-15"`, `"15.04.2032"`, 1),
		"time without zone":          strings.Replace(ok, `"2026-03-01T10:22:31Z"`, `"2026-03-01T10:22:31"`, 1),
		"birthdate as a number":      strings.Replace(ok, `"1974-08-12"`, `19740812`, 1),
	} {
		if broken == ok {
			t.Fatalf("%s: the case does not change the object", name)
		}
		if err := validateClaims(t, []byte(broken)); err == nil {
			t.Errorf("%s: validates", name)
		}
	}
}

// payload decodes the claims of a compact JWS without checking it; the
// signature is checked end to end in cmd/idproof.
func payload(t *testing.T, tok string) map[string]json.RawMessage {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSignProofs: a pass is signed twice, the verified token sealed with
// the personal data and shown until retention ends; a failure once.
func TestSignProofs(t *testing.T) {
	t.Parallel()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer, err := signing.New(key)
	if err != nil {
		t.Fatal(err)
	}
	kr, _ := secret.New(bytes.Repeat([]byte{9}, secret.KeySize))
	e := &Engine{Keyring: kr, Signer: signer, PublicURL: "https://idproof.test"}

	s, d := claimsSession(idproof.DocPassport, idproof.OutcomePass, "native", pass("document_liveness_front"),
		idproof.DocumentData{DocumentID: "L898902C3", LastName: "ERIKSSON"})
	d.AuditHead = "head-hash"
	e.signProofs(s, d, claimsNow)
	if d.ProofJWT == "" || d.VerifiedProofJWT == "" {
		t.Fatalf("tokens %q %q", d.ProofJWT, d.VerifiedProofJWT)
	}
	plain, verified := payload(t, d.ProofJWT), payload(t, d.VerifiedProofJWT)
	if _, ok := plain["verified_claims"]; ok || strings.Contains(d.ProofJWT, "ERIKSSON") {
		t.Fatalf("the plain token holds personal data: %s", plain)
	}
	if _, ok := verified["verified_claims"]; !ok {
		t.Fatalf("no verified_claims: %v", verified)
	}
	for _, p := range []map[string]json.RawMessage{plain, verified} {
		if string(p["auditHead"]) != `"head-hash"` {
			t.Fatalf("auditHead %s", p["auditHead"])
		}
	}
	if string(plain["jti"]) == string(verified["jti"]) {
		t.Fatal("the two tokens share a jti")
	}
	if d.proofToken(s, claimsNow) != d.VerifiedProofJWT {
		t.Fatal("the result does not show the verified token while the data is kept")
	}

	// Sealed: not in the data document; back after a read.
	if err := e.encode(s, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(s.Data), d.VerifiedProofJWT) || !strings.Contains(string(s.Data), d.ProofJWT) {
		t.Fatal("the verified token is stored in the clear, or the plain one is not stored")
	}
	back, err := e.decode(s)
	if err != nil || back.VerifiedProofJWT != d.VerifiedProofJWT {
		t.Fatalf("decode: %v", err)
	}

	// Retention over: the plain token, before and after the purge.
	s.PurgeAt = claimsNow.Add(time.Minute)
	if d.proofToken(s, claimsNow.Add(time.Minute)) != d.ProofJWT {
		t.Fatal("the verified token is shown after retention")
	}
	blankPersonal(s, d)
	if d.VerifiedProofJWT != "" || d.ProofJWT == "" {
		t.Fatal("blankPersonal must drop the verified token only")
	}

	// A failure: one token, no verified claims.
	s, d = claimsSession(idproof.DocPassport, idproof.OutcomeFailed, "native",
		[]idproof.Check{{Name: "document_liveness_front", Result: idproof.CheckFail}}, idproof.DocumentData{LastName: "ERIKSSON"})
	d.VerifiedProofJWT = "stale"
	e.signProofs(s, d, claimsNow)
	if d.ProofJWT == "" || d.VerifiedProofJWT != "" || d.proofToken(s, claimsNow) != d.ProofJWT {
		t.Fatalf("failed session: %q %q", d.ProofJWT, d.VerifiedProofJWT)
	}
}

func TestParseTrustFramework(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{"": true, "de_aml": true, "nist_800_63A": true, "uk_tfida": true, "eidas": true,
		"a b": false, "_x": false, "x\n": false, strings.Repeat("a", 101): false} {
		_, err := parseTrustFramework(v)
		if (err == nil) != ok {
			t.Errorf("%q: %v", v, err)
		}
		if err != nil && idproof.ErrorCode(err) != idproof.EINVALID {
			t.Errorf("%q: not an invalid-input error: %v", v, err)
		}
	}
	s, err := ParseSettings(json.RawMessage(`{"config":{"trustFramework":"de_aml"}}`))
	if err != nil || s.TrustFramework != "de_aml" {
		t.Fatalf("%+v %v", s, err)
	}
}
