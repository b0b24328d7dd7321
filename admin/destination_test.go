package admin_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
)

func TestIsDestinationName(t *testing.T) {
	for name, want := range map[string]bool{
		"verifierUrl": true, "verifierUrlV2": false, "baseURL": true, "endpoint": true, "tokenEndpoint": true,
		"host": true, "hostname": true, "airAPI": true, "documentLivenessCheckAPI": true, "region": true,
		"accountName": true, "bucket_name": true, "projectid": true, "servers": true, "urls": true,
		"clientId": false, "clientSecret": false, "apiKey": false, "faceAPIKey": false, "timeoutSeconds": false,
		"type": false, "accessKey": false,
	} {
		if got := admin.IsDestinationName(name); got != want {
			t.Errorf("IsDestinationName(%q) = %v, want %v", name, got, want)
		}
	}
}

// A masked secret is kept only for the destination it was given for: a
// caller who may edit a configuration but was never shown its secrets must
// not be able to send them to a host of their own.
func TestMaskedSecretsDoNotFollowANewDestination(t *testing.T) {
	const (
		clientSecret = "mb_client_secret_0123456789"
		storedConn   = `{"type":"microblink","config":{"clientId":"c-1","clientSecret":"` + clientSecret + `",` +
			`"verifierUrl":"https://api.microblink.example/v1","options":{"returnImages":true}}}`
	)
	cases := []struct {
		name  string
		edit  func(string) string
		field string // named in the refusal with the masked field; "" when accepted
	}{
		{"other edits keep the secret", func(s string) string { return strings.Replace(s, "c-1", "c-2", 1) }, ""},
		{"url changed", func(s string) string {
			return strings.Replace(s, "api.microblink.example", "attacker.example", 1)
		}, "connector.config.verifierUrl"},
		{"url changed with the secret again", func(s string) string {
			s = strings.Replace(s, "api.microblink.example", "new.microblink.example", 1)
			return strings.Replace(s, "****6789", "mb_client_secret_new", 1)
		}, ""},
		{"endpoint added", func(s string) string {
			return strings.Replace(s, `"clientId"`, `"tokenEndpoint":"https://attacker.example/t","clientId"`, 1)
		}, "connector.config.tokenEndpoint"},
		{"url removed", func(s string) string {
			return strings.Replace(s, `,"verifierUrl":"https://api.microblink.example/v1"`, "", 1)
		}, "connector.config.verifierUrl"},
		{"url under a name no list foresees", func(s string) string {
			return strings.Replace(s, `"returnImages":true`, `"returnImages":true,"callback":"https://attacker.example/cb"`, 1)
		}, "connector.config.options.callback"},
		{"host changed", func(s string) string {
			return strings.Replace(s, `"clientId"`, `"host":"attacker.example","clientId"`, 1)
		}, "connector.config.host"},
		{"vendor changed", func(s string) string {
			return strings.Replace(s, `"type":"microblink"`, `"type":"authenticid"`, 1)
		}, "connector.type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newService(t, 1)
			ctx := context.Background()
			creds, err := s.Bootstrap(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			tid, cid := creds.TenantID, creds.CommunityID
			dvc, err := s.PutVerificationConfig(ctx, tid, cid, "mb", json.RawMessage(storedConn), verification)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.VerificationConfigView(dvc)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(v.Connector), `"clientSecret":"****6789"`) {
				t.Fatalf("view %s", v.Connector)
			}
			_, err = s.PutVerificationConfig(ctx, tid, cid, "mb", json.RawMessage(c.edit(string(v.Connector))), verification)
			stored, _ := s.VerificationConfig(ctx, dvc.ID)
			open, _ := s.OpenConnector(stored)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, c.name, err, idproof.EINVALID)
			if msg := err.Error(); !strings.Contains(msg, "connector.config.clientSecret") || !strings.Contains(msg, c.field) {
				t.Fatalf("message %q names neither connector.config.clientSecret nor %s", msg, c.field)
			}
			if string(open) != storedConn {
				t.Fatalf("refused put changed the stored connector: %s", open)
			}
		})
	}
}

func TestRestoreMaskedOutsideDestination(t *testing.T) {
	stored := json.RawMessage(`{"aws_credential":{"accessKey":"AKIA1","secretKey":"0123456789abcdef","region":"eu-west-1"}}`)
	doc := json.RawMessage(`{"aws_credential":{"accessKey":"AKIA1","secretKey":"****cdef","region":"eu-west-1"}}`)
	got, err := admin.RestoreMasked(doc, stored, "credentials", admin.Destination{Field: "bucketName", Old: "a", New: "a"})
	if err != nil || string(got) != string(stored) {
		t.Fatalf("same bucket: %s %v", got, err)
	}
	_, err = admin.RestoreMasked(doc, stored, "credentials", admin.Destination{Field: "bucketName", Old: "a", New: "b"})
	if idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), "credentials.aws_credential.secretKey") || !strings.Contains(err.Error(), "bucketName") {
		t.Fatalf("other bucket: %v", err)
	}
	moved := json.RawMessage(strings.Replace(string(doc), "eu-west-1", "us-east-1", 1))
	if _, err := admin.RestoreMasked(moved, stored, "credentials"); err == nil || !strings.Contains(err.Error(), "credentials.aws_credential.region") {
		t.Fatalf("other region: %v", err)
	}
}
