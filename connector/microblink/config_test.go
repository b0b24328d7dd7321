package microblink_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/microblink"
	mbt "github.com/idproof/idproof/connector/microblink/microblinktest"
)

func TestType(t *testing.T) {
	typ := microblink.Type()
	if typ.ID != "microblink" || typ.New == nil {
		t.Fatalf("type = %+v", typ)
	}
	docs := map[string]bool{}
	for _, info := range typ.Infos {
		if info.VerifierType != "microblink" {
			t.Errorf("info %+v", info)
		}
		docs[info.DocType] = true
	}
	for _, d := range []string{idproof.DocDriversLicense, idproof.DocIDCard, idproof.DocPassport} {
		if !docs[d] {
			t.Errorf("no info for %s", d)
		}
	}
	conn, err := typ.New(connector.Config{Connector: json.RawMessage(`{"clientId":"id","clientSecret":"s"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if conn.Type() != "microblink" || !strings.Contains(conn.(*microblink.Connector).String(), microblink.DefaultURLV2) {
		t.Errorf("connector %v does not default to %s", conn, microblink.DefaultURLV2)
	}
	if strings.Contains(conn.(*microblink.Connector).String(), `"s"`) {
		t.Error("String shows the secret")
	}
}

func TestConfig(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	base := `"clientId":"id","clientSecret":"secret"`
	for _, tc := range []struct {
		name, connector, verification string
		allowPrivate                  bool
		wantErr                       string // "" when the config is valid
	}{
		{name: "minimal", connector: `{` + base + `}`},
		{name: "missing clientId", connector: `{"clientSecret":"s"}`, wantErr: "connector.config.clientId is required"},
		{name: "missing clientSecret", connector: `{"clientId":"id"}`, wantErr: "connector.config.clientSecret is required"},
		{name: "empty config", connector: ``, wantErr: "connector.config.clientId is required"},
		{name: "not an object", connector: `"microblink"`, wantErr: "connector.config must be a JSON object"},
		{name: "array", connector: `[]`, wantErr: "connector.config must be a JSON object"},
		{name: "http refused", connector: `{` + base + `,"verifierUrlV2":"http://verify.example.com/api/v2/docver"}`,
			wantErr: "connector.config.verifierUrlV2 must be an https URL"},
		{name: "http allowed with private", connector: `{` + base + `,"verifierUrlV2":"http://verify.example.com/api/v2/docver"}`, allowPrivate: true},
		{name: "loopback refused", connector: `{` + base + `,"verifierUrlV2":"https://127.0.0.1/api/v2/docver"}`,
			wantErr: "connector.config.verifierUrlV2 must not point at a private"},
		{name: "fake server refused without private", connector: `{` + base + `,"verifierUrlV2":"` + srv.URLV2() + `"}`,
			wantErr: "connector.config.verifierUrlV2"},
		{name: "fake server allowed with private", connector: `{` + base + `,"verifierUrlV2":"` + srv.URLV2() + `"}`, allowPrivate: true},
		{name: "link-local v1 refused", connector: `{` + base + `,"verifierUrl":"https://169.254.169.254/api/v1/docver"}`,
			wantErr: "connector.config.verifierUrl must not point"},
		{name: "v1 needs its URL", connector: `{` + base + `,"useV1BlinkIdVerify":true}`,
			wantErr: "connector.config.verifierUrl is required when useV1BlinkIdVerify is set"},
		{name: "v1 from verification needs its URL", connector: `{` + base + `}`, verification: `{"useV1BlinkIdVerify":true}`,
			wantErr: "connector.config.verifierUrl is required"},
		{name: "v1", connector: `{` + base + `,"useV1BlinkIdVerify":true,"verifierUrl":"https://eu.verify.microblink.com/api/v1/docver"}`},
		{name: "useV1 not a boolean", connector: `{` + base + `,"useV1BlinkIdVerify":"yes"}`,
			wantErr: "connector.config.useV1BlinkIdVerify must be true or false"},
		{name: "timeout zero", connector: `{` + base + `,"timeoutSeconds":0}`, wantErr: "connector.config.timeoutSeconds must be between 1 and 120"},
		{name: "timeout too long", connector: `{` + base + `,"timeoutSeconds":121}`, wantErr: "connector.config.timeoutSeconds"},
		{name: "timeout negative", connector: `{` + base + `,"timeoutSeconds":-5}`, wantErr: "connector.config.timeoutSeconds"},
		{name: "timeout not a number", connector: `{` + base + `,"timeoutSeconds":"sixty"}`, wantErr: "connector.config.timeoutSeconds must be a whole number"},
		{name: "timeout fraction", connector: `{` + base + `,"timeoutSeconds":1.5}`, wantErr: "connector.config.timeoutSeconds must be a whole number"},
		{name: "timeout max", connector: `{` + base + `,"timeoutSeconds":120}`},
		{name: "image mode base64", connector: `{` + base + `,"imageMode":"base64"}`},
		{name: "image mode url", connector: `{` + base + `,"imageMode":"url"}`, wantErr: `connector.config.imageMode "url" is not available`},
		{name: "image mode unknown", connector: `{` + base + `,"imageMode":"ftp"}`, wantErr: "connector.config.imageMode must be"},
		{name: "options not an object", connector: `{` + base + `,"options":[1]}`, wantErr: "connector.config.options must be an object"},
		{name: "options reserved", connector: `{` + base + `,"options":{"imageFront":{}}}`, wantErr: "options.imageFront is set by the connector"},
		{name: "useCase not an object", connector: `{` + base + `,"useCase":"strict"}`, wantErr: "connector.config.useCase must be a JSON object"},
		{name: "verification useCase not an object", connector: `{` + base + `}`, verification: `{"useCase":5}`,
			wantErr: "verification.config.useCase must be a JSON object"},
		{name: "verification not an object", connector: `{` + base + `}`, verification: `"x"`, wantErr: "verification.config must be a JSON object"},
		{name: "verification options reserved", connector: `{` + base + `}`, verification: `{"options":{"traceId":"x"}}`,
			wantErr: "options.traceId is set by the connector"},
		{name: "unknown fields kept for others", connector: `{` + base + `,"license":"L","dl":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := microblink.New(connector.Config{
				Connector: json.RawMessage(tc.connector), Verification: json.RawMessage(tc.verification), AllowPrivate: tc.allowPrivate,
			})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("accepted; want %q", tc.wantErr)
			case tc.wantErr != "" && (!strings.Contains(err.Error(), tc.wantErr) || idproof.ErrorCode(err) != idproof.EINVALID):
				t.Fatalf("error %q (%s); want EINVALID containing %q", err, idproof.ErrorCode(err), tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret\"") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

// TestRegistry builds the connector through the registry, as the server
// does: a loopback endpoint is refused unless the server allows private
// targets.
func TestRegistry(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	spec := json.RawMessage(`{"type":"microblink","config":{"clientId":"id","clientSecret":"s","verifierUrlV2":"` + srv.URLV2() + `"}}`)
	if _, err := connector.NewRegistry(microblink.Type()).ParseSpec(spec, nil); err == nil {
		t.Error("loopback endpoint accepted without AllowPrivate")
	}
	if _, err := connector.NewRegistry(microblink.Type()).WithNetwork(true).ParseSpec(spec, nil); err != nil {
		t.Errorf("loopback endpoint refused with AllowPrivate: %v", err)
	}
}
