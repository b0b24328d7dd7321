package authenticid

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/netguard"
)

// Defaults and limits of the configuration.
const (
	defaultTimeout = 30 * time.Second
	maxTimeout     = 300 * time.Second
	airPath        = "/AirApi/2.0/AuthenticateDocument"
)

// Document type codes of verification.config.document_type.
const (
	DocTypeLicenseIDCard   = "00"
	DocTypeLicensePassport = "01"
	DocTypePassport        = "11"
)

// rawConfig is connector.config as the API document describes it. Fields
// whose type varies between integrations (booleans sent as strings, account
// codes as numbers) are decoded by hand.
type rawConfig struct {
	AirAccessKey         string          `json:"airAccessKey"`
	AirSecretToken       string          `json:"airSecretToken"`
	AirAPI               string          `json:"airAPI"`
	FaceAPI              string          `json:"faceAPI"`
	FaceAPIKey           string          `json:"faceAPIKey"`
	LivenessAPI          string          `json:"documentLivenessCheckAPI"`
	ShareSession         lenient.Bool    `json:"document_share_session_enabled"`
	AccountCode          json.RawMessage `json:"accountCode"`
	WebURL               string          `json:"cfweb_url"`
	WebCert              string          `json:"cfweb_cert"`
	WebKey               string          `json:"cfweb_key"`
	ChannelConfiguration json.RawMessage `json:"cfweb_channelConfiguration"`
	ChannelResponse      []string        `json:"cfweb_channelResponse"`
	TimeoutSeconds       *float64        `json:"timeoutSeconds"`
}

// rawVerification is the part of verification.config this connector reads.
type rawVerification struct {
	ActionCode   lenient.Int `json:"action_code"`
	DocumentType *string     `json:"document_type"`
}

// config is the validated configuration.
type config struct {
	accessKey, secretToken string
	airURL                 string // full AuthenticateDocument endpoint
	timeout                time.Duration
	actionCode             int
	documentType           string // "" when not configured

	web                  bool
	webURL               string // base URL, no trailing slash
	webUser, webPassword string
	accountCode          json.RawMessage
	channelConfiguration json.RawMessage
	channelResponse      []string
}

// field is a named configuration value, checked in a fixed order so the
// error names the first problem every time.
type field struct{ name, value string }

func invalid(format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, format, args...)
}

// decode unmarshals raw into v and names the offending field on a type
// mismatch, so the error points at the configuration to fix.
func decode(raw json.RawMessage, prefix string, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	err := json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Field == "cfweb_channelResponse":
		return invalid("%s.cfweb_channelResponse must be a list of DQL field names", prefix)
	case errors.As(err, &te) && te.Field != "":
		return invalid("%s.%s", prefix, strings.TrimPrefix(lenient.Explain(err), "field "))
	default:
		return invalid("%s must be a JSON object: %v", prefix, err)
	}
}

// parseConfig validates connector.config and verification.config without
// any network call.
func parseConfig(connectorRaw, verificationRaw json.RawMessage, allowPrivate bool) (*config, error) {
	const p = "connector.config"
	var rc rawConfig
	if err := decode(connectorRaw, p, &rc); err != nil {
		return nil, err
	}
	var rv rawVerification
	if err := decode(verificationRaw, "verification.config", &rv); err != nil {
		return nil, err
	}
	c := &config{accessKey: rc.AirAccessKey, secretToken: rc.AirSecretToken, timeout: defaultTimeout}
	for _, f := range []field{{"airAccessKey", rc.AirAccessKey}, {"airSecretToken", rc.AirSecretToken}, {"airAPI", rc.AirAPI}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, invalid("%s.%s is required", p, f.name)
		}
	}
	base, err := serviceURL(p+".airAPI", rc.AirAPI, allowPrivate)
	if err != nil {
		return nil, err
	}
	c.airURL = base
	if !strings.HasSuffix(base, airPath) {
		c.airURL = base + airPath
	}
	// Not called (no published request format), but a stored URL must
	// still be one the guarded client could be pointed at.
	for _, f := range []field{{"faceAPI", rc.FaceAPI}, {"documentLivenessCheckAPI", rc.LivenessAPI}} {
		if strings.TrimSpace(f.value) != "" {
			if _, err := serviceURL(p+"."+f.name, f.value, allowPrivate); err != nil {
				return nil, err
			}
		}
	}
	if rc.TimeoutSeconds != nil {
		s := *rc.TimeoutSeconds
		if s <= 0 || s > maxTimeout.Seconds() || math.IsNaN(s) {
			return nil, invalid("%s.timeoutSeconds must be more than 0 and at most %d", p, int(maxTimeout.Seconds()))
		}
		c.timeout = time.Duration(s * float64(time.Second))
	}
	if !rv.ActionCode.Set {
		return nil, invalid("verification.config.action_code is required (the code meaning no rescan is suggested, 99 by default at AuthenticID)")
	}
	if rv.ActionCode.Value < 0 {
		return nil, invalid("verification.config.action_code must be a whole number of 0 or more")
	}
	c.actionCode = rv.ActionCode.Value
	if rv.DocumentType != nil {
		switch *rv.DocumentType {
		case DocTypeLicenseIDCard, DocTypeLicensePassport, DocTypePassport:
			c.documentType = *rv.DocumentType
		default:
			return nil, invalid("verification.config.document_type must be %q, %q or %q", DocTypeLicenseIDCard, DocTypeLicensePassport, DocTypePassport)
		}
	}
	if c.web = rc.ShareSession.Value; c.web {
		if err := c.parseWeb(rc, allowPrivate); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parseWeb validates the scan-session (CFWeb) settings.
func (c *config) parseWeb(rc rawConfig, allowPrivate bool) error {
	const p = "connector.config"
	for _, f := range []field{{"cfweb_url", rc.WebURL}, {"cfweb_cert", rc.WebCert}, {"cfweb_key", rc.WebKey}} {
		if strings.TrimSpace(f.value) == "" {
			return invalid("%s.%s is required when document_share_session_enabled is true", p, f.name)
		}
		if strings.Contains(f.value, "-----BEGIN") {
			return invalid("%s.%s must be the CFWeb login credential, not PEM material: client TLS authentication is not supported", p, f.name)
		}
	}
	base, err := serviceURL(p+".cfweb_url", rc.WebURL, allowPrivate)
	if err != nil {
		return err
	}
	c.webURL, c.webUser, c.webPassword = base, rc.WebCert, rc.WebKey
	code := bytes.TrimSpace(rc.AccountCode)
	var s string
	var n float64
	switch {
	case len(code) == 0 || string(code) == "null" || (json.Unmarshal(code, &s) == nil && strings.TrimSpace(s) == ""):
		return invalid("%s.accountCode is required when document_share_session_enabled is true", p)
	case json.Unmarshal(code, &s) != nil && json.Unmarshal(code, &n) != nil:
		return invalid("%s.accountCode must be a string or a number", p)
	}
	c.accountCode = append(json.RawMessage(nil), code...)
	if cc := bytes.TrimSpace(rc.ChannelConfiguration); len(cc) > 0 && string(cc) != "null" {
		var obj map[string]json.RawMessage
		if json.Unmarshal(cc, &obj) != nil {
			return invalid("%s.cfweb_channelConfiguration must be an object", p)
		}
		c.channelConfiguration = append(json.RawMessage(nil), cc...)
	}
	for i, name := range rc.ChannelResponse {
		if strings.TrimSpace(name) == "" {
			return invalid("%s.cfweb_channelResponse[%d] must not be empty", p, i)
		}
	}
	c.channelResponse = rc.ChannelResponse
	return nil
}

// serviceURL turns a configured host or URL into an https base URL without
// a trailing slash, refusing what the guarded client must not reach.
func serviceURL(field, v string, allowPrivate bool) (string, error) {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	if err := netguard.CheckURL(v, allowPrivate); err != nil {
		return "", invalid("%s %v", field, err)
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", invalid("%s is not a valid URL", field)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", invalid("%s must not carry credentials, a query or a fragment", field)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
