package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/idproof/idproof"
)

const (
	apiKey    = "sk_live_0123456789abcdef"
	secondKey = "sk_live_fedcba9876543210"
)

var (
	connector    = json.RawMessage(`{"type":"acme","config":{"baseUrl":"https://acme.example","apiKey":"` + apiKey + `","clientId":"client-42","keys":["` + secondKey + `","short"]}}`)
	verification = json.RawMessage(`{ "tag": "t", "config": {"maxRetries": 2} }`)
)

func TestPutVerificationConfigKeepsMaskedSecrets(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	creds, err := s.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	tid, cid := creds.TenantID, creds.CommunityID

	c, err := s.PutVerificationConfig(ctx, tid, cid, "acme", connector, verification)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(c.ConnectorSealed), apiKey) {
		t.Fatal("connector stored in clear")
	}
	if string(c.Verification) != `{"tag":"t","config":{"maxRetries":2}}` {
		t.Fatalf("verification %s", c.Verification)
	}
	v, err := s.VerificationConfigView(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"acme","config":{"baseUrl":"https://acme.example","apiKey":"****cdef","clientId":"client-42","keys":["****3210","****"]}}`
	if string(v.Connector) != want {
		t.Fatalf("masked view\n got %s\nwant %s", v.Connector, want)
	}

	// Put the masked connector back with one edit: the secrets stay, the
	// edit lands, and the dvcID does not change.
	edited := strings.Replace(string(v.Connector), "client-42", "client-43", 1)
	c2, err := s.PutVerificationConfig(ctx, tid, cid, "acme", json.RawMessage(edited), verification)
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID != c.ID {
		t.Fatalf("replace made a new config %s, want %s", c2.ID, c.ID)
	}
	stored, _ := s.VerificationConfig(ctx, c.ID)
	open, err := s.OpenConnector(stored)
	if err != nil {
		t.Fatal(err)
	}
	wantOpen := strings.Replace(string(connector), "client-42", "client-43", 1)
	if string(open) != wantOpen {
		t.Fatalf("stored connector\n got %s\nwant %s", open, wantOpen)
	}

	// A new secret replaces the old one.
	fresh := strings.Replace(string(v.Connector), "****cdef", "sk_live_new_value_0000", 1)
	if _, err := s.PutVerificationConfig(ctx, tid, cid, "acme", json.RawMessage(fresh), verification); err != nil {
		t.Fatal(err)
	}
	stored, _ = s.VerificationConfig(ctx, c.ID)
	open, _ = s.OpenConnector(stored)
	if !strings.Contains(string(open), "sk_live_new_value_0000") || strings.Contains(string(open), apiKey) {
		t.Fatalf("secret not replaced: %s", open)
	}

	// A masked value with nothing behind it is refused: under another
	// name, at another place, or no longer matching the stored secret.
	for name, doc := range map[string]string{
		"other name":    string(v.Connector),
		"other place":   `{"type":"acme","config":{"password":"****cdef"}}`,
		"stale masking": `{"type":"acme","config":{"apiKey":"****cdef"}}`,
	} {
		dvcName := "acme"
		if name == "other name" {
			dvcName = "copy"
		}
		_, err := s.PutVerificationConfig(ctx, tid, cid, dvcName, json.RawMessage(doc), verification)
		wantCode(t, name, err, idproof.EINVALID)
		if !strings.Contains(err.Error(), "connector.config.") {
			t.Errorf("%s: message %q does not name the field", name, err)
		}
	}

	list, err := s.VerificationConfigs(ctx, tid, cid)
	if err != nil || len(list) < 2 || list[len(list)-1].ID != c.ID {
		t.Fatalf("list: %d %v", len(list), err)
	}
	if err := s.DeleteVerificationConfig(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.VerificationConfig(ctx, c.ID)
	wantCode(t, "get deleted", err, idproof.ENOTFOUND)
	wantCode(t, "delete deleted", s.DeleteVerificationConfig(ctx, c.ID), idproof.ENOTFOUND)
	wantCode(t, "delete malformed", s.DeleteVerificationConfig(ctx, "../x"), idproof.ENOTFOUND)
}

func TestPutVerificationConfigChecks(t *testing.T) {
	s, _ := newService(t, 1)
	ctx := context.Background()
	creds, err := s.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateTenant(ctx, "other.example", "")
	otherComm, _ := s.CreateCommunity(ctx, other.ID, "c")
	tid, cid := creds.TenantID, creds.CommunityID
	cases := []struct {
		name, tenant, community, dvc, connector, verification, code, msg string
	}{
		{"no name", tid, cid, "", `{"type":"a"}`, `{}`, idproof.EINVALID, "name"},
		{"no connector", tid, cid, "n", ``, `{}`, idproof.EINVALID, "connector is required"},
		{"connector not object", tid, cid, "n", `[1]`, `{}`, idproof.EINVALID, "connector must be"},
		{"no type", tid, cid, "n", `{"config":{}}`, `{}`, idproof.EINVALID, "connector.type"},
		{"empty type", tid, cid, "n", `{"type":""}`, `{}`, idproof.EINVALID, "connector.type"},
		{"type not string", tid, cid, "n", `{"type":1}`, `{}`, idproof.EINVALID, "connector.type"},
		{"config not object", tid, cid, "n", `{"type":"a","config":"x"}`, `{}`, idproof.EINVALID, "connector.config"},
		{"duplicate key", tid, cid, "n", `{"type":"a","config":{"key":"1","key":"2"}}`, `{}`, idproof.EINVALID, `connector.config has the key "key" twice`},
		{"no verification", tid, cid, "n", `{"type":"a"}`, ``, idproof.EINVALID, "verification is required"},
		{"verification null", tid, cid, "n", `{"type":"a"}`, `null`, idproof.EINVALID, "verification must be"},
		{"verification config", tid, cid, "n", `{"type":"a"}`, `{"config":[]}`, idproof.EINVALID, "verification.config"},
		{"unknown tenant", idproof.NewObjectID(), cid, "n", `{"type":"a"}`, `{}`, idproof.ENOTFOUND, "tenant"},
		{"community of another tenant", tid, otherComm.ID, "n", `{"type":"a"}`, `{}`, idproof.ENOTFOUND, "community"},
		{"validator says no", tid, cid, "n", `{"type":"nope"}`, `{}`, idproof.EINVALID, "unknown connector type nope"},
	}
	s.ValidateConfig = func(conn, ver json.RawMessage) error {
		var c struct{ Type string }
		_ = json.Unmarshal(conn, &c)
		if c.Type == "nope" {
			return errors.New("unknown connector type nope")
		}
		return nil
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.PutVerificationConfig(ctx, c.tenant, c.community, c.dvc, json.RawMessage(c.connector), json.RawMessage(c.verification))
			wantCode(t, c.name, err, c.code)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("message %q, want it to contain %q", err, c.msg)
			}
		})
	}
	// The validator sees the secrets in clear.
	var seen string
	s.ValidateConfig = func(conn, _ json.RawMessage) error { seen = string(conn); return nil }
	if _, err := s.PutVerificationConfig(ctx, tid, cid, "acme", connector, verification); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seen, apiKey) {
		t.Fatalf("validator got %s", seen)
	}
}
