// Package microblink is the connector for Microblink BlinkID Verify, the
// cloud document verification ("docver") API, in its v2 form or, when
// useV1BlinkIdVerify is set, the legacy v1 form.
//
// The vendor's overall answer decides the requested session checks:
//
//	v2 recommendedOutcome  v1 overallFraudCheck  document checks           verdict
//	Accept                 PASS                  PASS                      -
//	Reject                 FAIL                  FAIL (IDV0010)            -
//	Retry                  -                     FAIL (IDV0010)            Retryable
//	ManuallyReview         -                     PASS or NOT_PERFORMED     Review
//	Undeterminable         -                     PASS or NOT_PERFORMED     Review
//	-                      NOT_PERFORMED         NOT_PERFORMED (IDV0021)   -
//
// selfie_liveness and face_compare are always NOT_PERFORMED (IDV0022):
// docver checks documents only, and document_liveness_back is NOT_PERFORMED
// (IDV0016) when no back image was sent. Under Accept and review, a
// document check whose own vendor check (document liveness, the overall
// fraud verdict) did not pass is not passed either. Each of the vendor's
// top-level checks is also reported, as microblink.<name>, and its
// messages are quoted, so a relying party sees why; a W005 message (or a
// failed v1 blur check) marks a failure retryable. Anything
// unexpected (transport failure, non-200 status, a processingStatus other
// than Completed, malformed or incomplete JSON, an unknown outcome) is an
// error, which the engine reports as NOT_PERFORMED: never a pass.
package microblink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/netguard"
)

// TypeID is the connector type id.
const TypeID = "microblink"

// DefaultURLV2 is the v2 endpoint used when verifierUrlV2 is not set.
const DefaultURLV2 = "https://us-east.verify.microblink.com/api/v2/docver"

// Timeout bounds, in seconds, for one call to the vendor.
const (
	DefaultTimeoutSeconds = 60
	MaxTimeoutSeconds     = 120
)

// Image modes: images inline as base64, or as URLs the vendor fetches.
const (
	ImageModeBase64 = "base64"
	ImageModeURL    = "url"
)

// Type registers the Microblink connector.
func Type() connector.Type {
	return connector.Type{
		ID:  TypeID,
		New: func(cfg connector.Config) (idproof.Connector, error) { return New(cfg) },
		Infos: []connector.Info{
			{VerifierType: TypeID, DocType: idproof.DocDriversLicense},
			{VerifierType: TypeID, DocType: idproof.DocIDCard},
			{VerifierType: TypeID, DocType: idproof.DocPassport},
		},
	}
}

// Connector calls BlinkID Verify. It holds credentials: never log it.
type Connector struct {
	clientID     string
	clientSecret string
	url          string // the endpoint of the API version in use
	v1           bool
	options      map[string]json.RawMessage
	useCase      json.RawMessage // v2 only; v1 has no use cases
	timeout      time.Duration
	client       *http.Client
}

var _ idproof.Connector = (*Connector)(nil)

// Type returns TypeID.
func (*Connector) Type() string { return TypeID }

// connectorConfig is connector.config.
type connectorConfig struct {
	ClientID       string                     `json:"clientId"`
	ClientSecret   string                     `json:"clientSecret"`
	VerifierURLV2  string                     `json:"verifierUrlV2"`
	VerifierURL    string                     `json:"verifierUrl"`
	UseV1          lenient.Bool               `json:"useV1BlinkIdVerify"`
	Options        map[string]json.RawMessage `json:"options"`
	UseCase        json.RawMessage            `json:"useCase"`
	TimeoutSeconds lenient.Int                `json:"timeoutSeconds"`
	ImageMode      string                     `json:"imageMode"`
}

// verificationConfig is the part of verification.config this connector
// reads. It overrides the connector's settings: it is the more specific.
type verificationConfig struct {
	UseV1   lenient.Bool               `json:"useV1BlinkIdVerify"`
	Options map[string]json.RawMessage `json:"options"`
	UseCase json.RawMessage            `json:"useCase"`
}

// passThrough are the verification.config keys sent to the vendor as
// options, besides any key ending in MatchLevel. Other keys belong to the
// engine (checks, skip, debug, ...) and are not the vendor's business.
var passThrough = []string{
	"treatExpirationAsFraud", "imageQualityInterpretation",
	"returnFullDocumentImage", "returnFaceImage", "returnSignatureImage",
}

// reserved are request fields the connector sets itself; an option by one
// of these names would overwrite them in a v1 request, whose options sit
// at the top level.
var reserved = []string{"imageFront", "imageBack", "imageBarcode", "options", "useCase", "captureSessionId", "traceId"}

func invalid(format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, format, args...)
}

// decodeObject decodes raw into v, naming the field at fault.
func decodeObject(prefix string, raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalid("%s.%s", prefix, strings.TrimPrefix(lenient.Explain(err), "field "))
		}
		return invalid("%s must be a JSON object: %v", prefix, err)
	}
	return nil
}

// isObject reports whether raw is absent or a JSON object.
func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null" || t[0] == '{'
}

// New builds a connector from its configuration, without network calls.
func New(cfg connector.Config) (*Connector, error) {
	var cc connectorConfig
	if err := decodeObject("connector.config", cfg.Connector, &cc); err != nil {
		return nil, err
	}
	var vc verificationConfig
	if err := decodeObject("verification.config", cfg.Verification, &vc); err != nil {
		return nil, err
	}
	var vopts map[string]json.RawMessage
	_ = json.Unmarshal(cfg.Verification, &vopts) // already known to be an object
	c := &Connector{clientID: strings.TrimSpace(cc.ClientID), clientSecret: cc.ClientSecret, client: cfg.HTTP}
	switch {
	case c.clientID == "":
		return nil, invalid("connector.config.clientId is required")
	case c.clientSecret == "":
		return nil, invalid("connector.config.clientSecret is required")
	}
	c.v1 = cc.UseV1.Value
	if vc.UseV1.Set {
		c.v1 = vc.UseV1.Value
	}
	if cc.VerifierURLV2 == "" {
		cc.VerifierURLV2 = DefaultURLV2
	}
	if err := netguard.CheckURL(cc.VerifierURLV2, cfg.AllowPrivate); err != nil {
		return nil, invalid("connector.config.verifierUrlV2 %v", err)
	}
	if cc.VerifierURL != "" {
		if err := netguard.CheckURL(cc.VerifierURL, cfg.AllowPrivate); err != nil {
			return nil, invalid("connector.config.verifierUrl %v", err)
		}
	}
	c.url = cc.VerifierURLV2
	if c.v1 {
		if cc.VerifierURL == "" {
			return nil, invalid("connector.config.verifierUrl is required when useV1BlinkIdVerify is set")
		}
		c.url = cc.VerifierURL
	}
	secs := cc.TimeoutSeconds.Or(DefaultTimeoutSeconds)
	if secs < 1 || secs > MaxTimeoutSeconds {
		return nil, invalid("connector.config.timeoutSeconds must be between 1 and %d", MaxTimeoutSeconds)
	}
	c.timeout = time.Duration(secs) * time.Second
	switch cc.ImageMode {
	case "", ImageModeBase64:
	case ImageModeURL:
		// Sessions hand the connector image bytes, not URLs the vendor
		// could fetch; accepting the mode would store a configuration
		// that can never verify anything.
		return nil, invalid("connector.config.imageMode %q is not available on this server: sessions hold images, not URLs; use %q", ImageModeURL, ImageModeBase64)
	default:
		return nil, invalid("connector.config.imageMode must be %q or %q", ImageModeBase64, ImageModeURL)
	}
	if !isObject(cc.UseCase) {
		return nil, invalid("connector.config.useCase must be a JSON object")
	}
	if !isObject(vc.UseCase) {
		return nil, invalid("verification.config.useCase must be a JSON object")
	}
	c.useCase = cc.UseCase
	if len(bytes.TrimSpace(vc.UseCase)) > 0 && string(bytes.TrimSpace(vc.UseCase)) != "null" {
		c.useCase = vc.UseCase
	}
	passed := map[string]json.RawMessage{}
	for k, v := range vopts {
		if strings.HasSuffix(k, "MatchLevel") || slices.Contains(passThrough, k) {
			passed[k] = v
		}
	}
	var err error
	c.options, err = mergeOptions([]optionSource{
		{"connector.config.options", cc.Options}, {"verification.config", passed}, {"verification.config.options", vc.Options},
	})
	if err != nil {
		return nil, err
	}
	if c.client == nil {
		c.client = netguard.Client(netguard.Options{AllowPrivate: cfg.AllowPrivate, Timeout: c.timeout})
	}
	// docver answers in place; a redirect would carry the images (and, to
	// the same host, the credentials) somewhere else, so it is an error.
	client := *c.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.client = &client
	return c, nil
}

// optionSource is a set of vendor options and the field it comes from.
type optionSource struct {
	field   string
	options map[string]json.RawMessage
}

// mergeOptions gathers the vendor options; a later source wins a name.
func mergeOptions(sources []optionSource) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, src := range sources {
		for k, v := range src.options {
			if slices.Contains(reserved, k) {
				return nil, invalid("%s.%s is set by the connector and cannot be configured", src.field, k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// version names the API in use, reported with every check.
func (c *Connector) version() string {
	if c.v1 {
		return "blinkid-verify-v1"
	}
	return "blinkid-verify-v2"
}

// String hides the credentials if the connector is ever printed.
func (c *Connector) String() string {
	return fmt.Sprintf("microblink(%s, %s)", c.version(), c.url)
}

// GoString hides the credentials from %#v too.
func (c *Connector) GoString() string { return c.String() }
