package proofing_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// TestConfigKeys: a verification configuration with a key its objects do
// not have, or a session setting where it is not read, is refused with a
// message naming the key and where it belongs; connectors' own options
// pass.
func TestConfigKeys(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	const sandbox = `{"type":"sandbox","config":{}}`
	cases := []struct {
		name, connector, verification string
		want                          string // "" when accepted
	}{
		{"document's example", `{"id":"x","type":"sandbox","config":{}}`, `{"id":"x","tag":"t","type":"dl_authenticate","config":{}}`, ""},
		{"settings in config", sandbox, `{"tag":"t","config":{"piiRetentionInMin":5,"maxRetries":"2","checks":["face_compare"]}}`, ""},
		{"setting in another case", sandbox, `{"config":{"PIIRetentionInMin":5}}`, ""},
		{"connector options in verification.config", `{"type":"native"}`, `{"config":{"minAgeYears":18,"faceMatchThreshold":0.5}}`, ""},
		{"vendor options in verification.config", sandbox, `{"config":{"treatExpirationAsFraud":true,"useV1BlinkIdVerify":false}}`, ""},
		{"license in connector.config", `{"type":"sandbox","config":{"license":"k"}}`, `{"config":{}}`, ""},
		{"retention beside config", sandbox, `{"tag":"t","piiRetentionInMin":5,"config":{}}`,
			"verification.piiRetentionInMin is not a field of the verification object (id, tag, type, config); it belongs in verification.config"},
		{"unknown verification key", sandbox, `{"tag":"t","retention":5}`, "verification.retention is not a field of the verification object"},
		{"retention in connector", `{"type":"sandbox","piiRetentionInMin":5}`, `{"config":{}}`,
			"connector.piiRetentionInMin is not a field of the connector object (id, type, config); it belongs in verification.config"},
		{"license beside connector.config", `{"type":"sandbox","license":"k"}`, `{"config":{}}`,
			"connector.license is not a field of the connector object (id, type, config); it belongs in connector.config or verification.config"},
		{"vendor credential beside connector.config", `{"type":"sandbox","clientId":"c"}`, `{"config":{}}`,
			"connector.clientId is not a field of the connector object (id, type, config); the connector's own settings belong in connector.config"},
		{"retention in connector.config", `{"type":"sandbox","config":{"piiRetentionInMin":5}}`, `{"config":{}}`,
			"connector.config.piiRetentionInMin is a session setting: it belongs in verification.config"},
		{"misspelt setting", sandbox, `{"config":{"piiRetentionInMins":5}}`,
			"verification.config.piiRetentionInMins is not a setting the server reads; did you mean piiRetentionInMin?"},
		{"misspelt retries", sandbox, `{"config":{"maxRetires":1}}`, "did you mean maxRetries?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, ver := json.RawMessage(c.connector), json.RawMessage(c.verification)
			check := func(what string, err error) {
				t.Helper()
				if c.want == "" {
					if err != nil {
						t.Errorf("%s: %v", what, err)
					}
					return
				}
				wantCode(t, err, idproof.EINVALID, c.want)
			}
			check("ValidateConfig", f.engine.ValidateConfig(conn, ver))
			_, err := f.engine.Create(context.Background(), f.license, proofing.CreateRequest{Connector: conn, Verification: ver,
				SessionRequest: &proofing.SessionRequest{TenantDNS: f.creds.TenantDNS, CommunityName: f.creds.CommunityName,
					DocumentType: idproof.DocDriversLicense}})
			check("Create", err)
		})
	}
}
