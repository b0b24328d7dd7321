package authenticid

import (
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
)

func TestType(t *testing.T) {
	t.Parallel()
	ty := Type()
	if ty.ID != "authenticid" || ty.New == nil {
		t.Fatalf("Type() = %+v", ty)
	}
	got := map[string]bool{}
	for _, i := range ty.Infos {
		got[i.VerifierType+"/"+i.DocType] = true
	}
	for _, d := range []string{idproof.DocDriversLicense, idproof.DocIDCard, idproof.DocPassport} {
		if !got["authenticid/"+d] {
			t.Errorf("Infos lack %s", d)
		}
	}
	if _, err := New(connector.Config{Connector: mustJSON(t, airConfig("https://a.example.com")), Verification: mustJSON(t, verification(nil))}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
}

func TestConfigAccepted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		conn, ver    map[string]any
		allowPrivate bool
		airURL       string
	}{
		{"host", airConfig("air.example.com"), verification(nil), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
		{"base URL with slash", airConfig("https://air.example.com/"), verification(nil), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
		{"full endpoint", airConfig("https://air.example.com/AirApi/2.0/AuthenticateDocument"), verification(nil), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
		{"http when private allowed", airConfig("http://127.0.0.1:8080"), verification(nil), true, "http://127.0.0.1:8080/AirApi/2.0/AuthenticateDocument"},
		{"scan sessions", webConfig("air.example.com", "https://cfweb.example.com"), verification(map[string]any{"document_type": "11"}), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
		{"numeric account code, boolean flag", with(webConfig("air.example.com", "https://cfweb.example.com"), map[string]any{"accountCode": 1234, "document_share_session_enabled": true}), verification(nil), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
		{"sessions off ignore cfweb fields", with(airConfig("air.example.com"), map[string]any{"document_share_session_enabled": "false", "cfweb_url": "http://10.0.0.1"}), verification(nil), false, "https://air.example.com/AirApi/2.0/AuthenticateDocument"},
	}
	for _, tc := range cases {
		c, err := build(t, tc.conn, tc.ver, tc.allowPrivate)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.cfg.airURL != tc.airURL || c.cfg.actionCode != 99 {
			t.Errorf("%s: airURL %q, action code %d", tc.name, c.cfg.airURL, c.cfg.actionCode)
		}
	}
}

func with(m map[string]any, changes map[string]any) map[string]any {
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// TestConfigRefused checks that each bad setting is refused with EINVALID
// naming the field.
func TestConfigRefused(t *testing.T) {
	t.Parallel()
	air := func(ch map[string]any) map[string]any { return with(airConfig("air.example.com"), ch) }
	web := func(ch map[string]any) map[string]any {
		return with(webConfig("air.example.com", "https://cfweb.example.com"), ch)
	}
	cases := []struct {
		name      string
		conn, ver map[string]any
		field     string
	}{
		{"missing access key", air(map[string]any{"airAccessKey": nil}), verification(nil), "airAccessKey"},
		{"blank secret", air(map[string]any{"airSecretToken": " "}), verification(nil), "airSecretToken"},
		{"missing airAPI", air(map[string]any{"airAPI": nil}), verification(nil), "airAPI"},
		{"http airAPI", air(map[string]any{"airAPI": "http://air.example.com"}), verification(nil), "airAPI"},
		{"loopback airAPI", air(map[string]any{"airAPI": "127.0.0.1"}), verification(nil), "airAPI"},
		{"airAPI with query", air(map[string]any{"airAPI": "https://air.example.com/?x=1"}), verification(nil), "airAPI"},
		{"private faceAPI", air(map[string]any{"faceAPI": "https://10.1.2.3"}), verification(nil), "faceAPI"},
		{"http liveness API", air(map[string]any{"documentLivenessCheckAPI": "http://l.example.com"}), verification(nil), "documentLivenessCheckAPI"},
		{"airAPI a number", air(map[string]any{"airAPI": 5}), verification(nil), "airAPI"},
		{"zero timeout", air(map[string]any{"timeoutSeconds": 0}), verification(nil), "timeoutSeconds"},
		{"huge timeout", air(map[string]any{"timeoutSeconds": 1000}), verification(nil), "timeoutSeconds"},
		{"string timeout", air(map[string]any{"timeoutSeconds": "5"}), verification(nil), "timeoutSeconds"},
		{"missing action code", air(nil), map[string]any{"verifier": "authenticid"}, "action_code"},
		{"action code not a number", air(nil), map[string]any{"action_code": "rescan"}, "action_code"},
		{"fractional action code", air(nil), map[string]any{"action_code": 99.5}, "action_code"},
		{"unknown document type", air(nil), verification(map[string]any{"document_type": "02"}), "document_type"},
		{"flag not a boolean", air(map[string]any{"document_share_session_enabled": "yes"}), verification(nil), "document_share_session_enabled"},
		{"missing cfweb_url", web(map[string]any{"cfweb_url": nil}), verification(nil), "cfweb_url"},
		{"http cfweb_url", web(map[string]any{"cfweb_url": "http://cfweb.example.com"}), verification(nil), "cfweb_url"},
		{"missing cfweb_cert", web(map[string]any{"cfweb_cert": ""}), verification(nil), "cfweb_cert"},
		{"missing cfweb_key", web(map[string]any{"cfweb_key": nil}), verification(nil), "cfweb_key"},
		{"PEM key", web(map[string]any{"cfweb_key": "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----"}), verification(nil), "cfweb_key"},
		{"missing account code", web(map[string]any{"accountCode": nil}), verification(nil), "accountCode"},
		{"blank account code", web(map[string]any{"accountCode": " "}), verification(nil), "accountCode"},
		{"object account code", web(map[string]any{"accountCode": map[string]any{}}), verification(nil), "accountCode"},
		{"channel configuration a list", web(map[string]any{"cfweb_channelConfiguration": []int{1}}), verification(nil), "cfweb_channelConfiguration"},
		{"empty channel response name", web(map[string]any{"cfweb_channelResponse": []string{"DQL_Final_FirstName_Result", ""}}), verification(nil), "cfweb_channelResponse"},
	}
	for _, tc := range cases {
		_, err := build(t, tc.conn, tc.ver, false)
		if idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: err = %v, want EINVALID naming %s", tc.name, err, tc.field)
		}
	}
}

// TestConfigStringForms: the API document writes numbers and booleans of
// these objects as strings; they are read as the values they spell.
func TestConfigStringForms(t *testing.T) {
	t.Parallel()
	web := webConfig("air.example.com", "https://cfweb.example.com")
	web["document_share_session_enabled"] = "true"
	if _, err := build(t, web, map[string]any{"action_code": "99", "document_type": "11"}, false); err != nil {
		t.Fatalf("action_code as a string: %v", err)
	}
	if _, err := build(t, with(airConfig("air.example.com"), map[string]any{"document_share_session_enabled": "false"}), map[string]any{"action_code": 99}, false); err != nil {
		t.Fatalf("flag as a string: %v", err)
	}
}
