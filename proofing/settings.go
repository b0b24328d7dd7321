package proofing

import (
	"encoding/json"
	"slices"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
)

// KnownChecks are the session checks a verification config may ask for.
var KnownChecks = []string{"document_liveness_front", "document_liveness_back", "selfie_liveness", "face_compare", "fraud_detection"}

// Defaults of a verification config's numbers.
const (
	DefaultExpireMin    = 60
	DefaultAbandonMin   = 15
	DefaultMaxRetries   = 3
	DefaultRetentionMin = 24 * 60
)

// Settings are the effective rules of one session, taken from its
// verification object when it is created and kept with it, so changing a
// configuration never changes sessions already under way.
type Settings struct {
	Tag          string `json:"tag,omitempty"`
	Type         string `json:"type,omitempty"`
	Verifier     string `json:"verifier,omitempty"`
	ExpireMin    int    `json:"expireSessionInMin"`
	AbandonMin   int    `json:"abandonSessionInMin"`
	MaxRetries   int    `json:"maxRetries"`
	RetentionMin int    `json:"piiRetentionInMin"`
	// BiometricRetentionMin is how long the biometric data (the selfie,
	// the liveness frames, the portrait cut from the document) stays after
	// the session ends; nil in sessions made before it existed, which
	// keep it as long as the rest (RetentionMin).
	BiometricRetentionMin    *int     `json:"biometricRetentionInMin,omitempty"`
	Checks                   []string `json:"checks"`
	Skip                     bool     `json:"skip,omitempty"`
	Debug                    bool     `json:"debug,omitempty"`
	ReturnRawData            bool     `json:"returnRawData,omitempty"`
	FraudDetectFailureBypass bool     `json:"fraudDetectFailureBypass,omitempty"`
	UseHighResolutionImages  bool     `json:"useHighResolutionImages,omitempty"`
	TrustFramework           string   `json:"trustFramework,omitempty"` // of verified_claims (claims.go); "" is the default
	Capture                  Capture  `json:"capture"`
}

// Capture holds the capture settings the hosted page reads.
type Capture struct {
	License                     string          `json:"license,omitempty"`
	SelfieCaptureMode           string          `json:"selfieCaptureMode"`
	AutoDetectTimeout           int             `json:"autoDetectTimeout"`
	PostTimeoutCaptureMode      string          `json:"postTimeoutCaptureMode"`
	AutoCaptureCountdownSeconds *int            `json:"autoCaptureCountdownSeconds"`
	AutoCaptureCountdownVisible *bool           `json:"autoCaptureCountdownVisible"`
	BypassConfig                json.RawMessage `json:"bypassConfig,omitempty"`
}

// verificationObject is the verification object of the API document.
type verificationObject struct {
	ID     string `json:"id"`
	Tag    string `json:"tag"`
	Type   string `json:"type"`
	Config struct {
		Verifier string `json:"verifier"`
		// Numbers and booleans are lenient: the document's own examples
		// write some of them as strings ("30", "false").
		Debug                       lenient.Bool    `json:"debug"`
		Skip                        lenient.Bool    `json:"skip"`
		ReturnRawData               lenient.Bool    `json:"returnRawData"`
		FraudDetectFailureBypass    lenient.Bool    `json:"fraudDetectFailureBypass"`
		UseHighResolutionImages     lenient.Bool    `json:"useHighResolutionImages"`
		ExpireSessionInMin          lenient.Int     `json:"expireSessionInMin"`
		AbandonSessionInMin         lenient.Int     `json:"abandonSessionInMin"`
		MaxRetries                  lenient.Int     `json:"maxRetries"`
		PIIRetentionInMin           lenient.Int     `json:"piiRetentionInMin"`
		BiometricRetentionInMin     lenient.Int     `json:"biometricRetentionInMin"`
		Checks                      lenient.Strings `json:"checks"`
		License                     string          `json:"license"`
		SelfieCaptureMode           string          `json:"selfieCaptureMode"`
		AutoDetectTimeout           lenient.Int     `json:"autoDetectTimeout"`
		PostTimeoutCaptureMode      string          `json:"postTimeoutCaptureMode"`
		AutoCaptureCountdownSeconds lenient.Int     `json:"autoCaptureCountdownSeconds"`
		AutoCaptureCountdownVisible lenient.Bool    `json:"autoCaptureCountdownVisible"`
		BypassConfig                json.RawMessage `json:"bypassConfig"`
		TrustFramework              string          `json:"trustFramework"`
	} `json:"config"`
}

func invalid(format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, format, args...)
}

// ParseSettings reads a verification object and applies defaults. Every
// error names the offending field.
func ParseSettings(raw json.RawMessage) (Settings, error) {
	var v verificationObject
	if len(raw) == 0 {
		return Settings{}, invalid("verification is required")
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return Settings{}, invalid("verification: %s", lenient.Explain(err))
	}
	c := v.Config
	s := Settings{
		Tag: v.Tag, Type: v.Type, Verifier: c.Verifier, Skip: c.Skip.Value, Debug: c.Debug.Value,
		ReturnRawData: c.ReturnRawData.Value, FraudDetectFailureBypass: c.FraudDetectFailureBypass.Value,
		UseHighResolutionImages: c.UseHighResolutionImages.Value,
	}
	var err error
	if s.ExpireMin, err = bounded("expireSessionInMin", c.ExpireSessionInMin.Ptr(), DefaultExpireMin, 1, 30*24*60); err != nil {
		return s, err
	}
	if s.AbandonMin, err = bounded("abandonSessionInMin", c.AbandonSessionInMin.Ptr(), DefaultAbandonMin, 1, 24*60); err != nil {
		return s, err
	}
	if s.MaxRetries, err = bounded("maxRetries", c.MaxRetries.Ptr(), DefaultMaxRetries, 0, 10); err != nil {
		return s, err
	}
	if s.RetentionMin, err = bounded("piiRetentionInMin", c.PIIRetentionInMin.Ptr(), DefaultRetentionMin, 0, 365*24*60); err != nil {
		return s, err
	}
	bio, err := bounded("biometricRetentionInMin", c.BiometricRetentionInMin.Ptr(), s.RetentionMin, 0, s.RetentionMin)
	if err != nil {
		return s, invalid("%s (piiRetentionInMin): biometric data cannot outlive the rest", err)
	}
	s.BiometricRetentionMin = &bio
	s.Checks = c.Checks
	if len(s.Checks) == 0 {
		s.Checks = KnownChecks
	}
	for i, name := range s.Checks {
		if !slices.Contains(KnownChecks, name) {
			return s, invalid("verification.config.checks[%d] %q is not one of %v", i, name, KnownChecks)
		}
	}
	s.Capture = Capture{
		License: c.License, SelfieCaptureMode: orDefault(c.SelfieCaptureMode, "auto"),
		PostTimeoutCaptureMode:      orDefault(c.PostTimeoutCaptureMode, "manual"),
		AutoCaptureCountdownSeconds: c.AutoCaptureCountdownSeconds.Ptr(),
		AutoCaptureCountdownVisible: c.AutoCaptureCountdownVisible.Ptr(), BypassConfig: c.BypassConfig,
	}
	if s.Capture.AutoDetectTimeout, err = bounded("autoDetectTimeout", c.AutoDetectTimeout.Ptr(), 40, 0, 600); err != nil {
		return s, err
	}
	switch s.Capture.SelfieCaptureMode {
	case "auto", "manualWithFaceDetection":
	default:
		return s, invalid("verification.config.selfieCaptureMode must be auto or manualWithFaceDetection")
	}
	switch s.Capture.PostTimeoutCaptureMode {
	case "none", "manual", "auto":
	default:
		return s, invalid("verification.config.postTimeoutCaptureMode must be none, manual or auto")
	}
	if s.TrustFramework, err = parseTrustFramework(c.TrustFramework); err != nil {
		return s, err
	}
	return s, nil
}

func bounded(name string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, invalid("verification.config.%s must be between %d and %d, got %d", name, lo, hi, *v)
	}
	return *v, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
