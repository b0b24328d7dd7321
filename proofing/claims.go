package proofing

import (
	"regexp"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// A passed session also states its result in the shape of OpenID Connect
// for Identity Assurance 1.0: a verified_claims object that says under
// which rules (trust_framework), when, and on what evidence the holder's
// name, birth date and so on were verified, so that a relying party that
// already reads that shape needs nothing of this server's own. It holds
// personal data, so it lives only in the token kept with the sealed
// personal data (Data.VerifiedProofJWT), which goes when retention ends.

// DefaultTrustFramework is the trust_framework stated when the
// verification configuration sets no trustFramework. No registered
// framework fits a server that anyone may run under any rules, and the
// specification tells relying parties to ignore a framework they do not
// know: an operator certified under one (de_aml, uk_tfida, ...) names it.
const DefaultTrustFramework = "idproof"

// SandboxTrustFramework replaces the configured framework on a sandbox
// result, whose document data is made up: a relying party that reads only
// verified_claims cannot take it for a real verification under its rules.
const SandboxTrustFramework = "idproof_sandbox"

// VerifiedClaims is the verified_claims claim of the verified proof token.
type VerifiedClaims struct {
	Verification ClaimsVerification `json:"verification"`
	Claims       VerifiedPerson     `json:"claims"`
}

// ClaimsVerification says how the claims were verified: the rules, when
// the session completed, the session id (verification_process, which an
// audit resolves), and the document that was checked.
type ClaimsVerification struct {
	TrustFramework      string           `json:"trust_framework"`
	Time                string           `json:"time,omitempty"`
	VerificationProcess string           `json:"verification_process,omitempty"`
	Evidence            []ClaimsEvidence `json:"evidence,omitempty"`
}

// ClaimsEvidence is one piece of evidence; this server only ever checks
// one identity document per session, so it is always of type document.
type ClaimsEvidence struct {
	Type            string           `json:"type"`
	CheckDetails    []CheckDetail    `json:"check_details,omitempty"`
	Time            string           `json:"time,omitempty"`
	DocumentDetails *DocumentDetails `json:"document_details,omitempty"`
}

// CheckDetail is one check that passed, by its registered method.
type CheckDetail struct {
	CheckMethod string `json:"check_method"`
	// Organization names the vendor that made the check when it was not
	// this server; the specification asks for it in that case only.
	Organization string `json:"organization,omitempty"`
	// Txn is "<session id>:<check name>", which the session's result and
	// audit trail resolve.
	Txn  string `json:"txn,omitempty"`
	Time string `json:"time,omitempty"`
}

// DocumentDetails describes the document as it was read.
type DocumentDetails struct {
	Type           string          `json:"type"`
	DocumentNumber string          `json:"document_number,omitempty"`
	DateOfIssuance string          `json:"date_of_issuance,omitempty"`
	DateOfExpiry   string          `json:"date_of_expiry,omitempty"`
	Issuer         *DocumentIssuer `json:"issuer,omitempty"`
}

// DocumentIssuer is who issued the document: a country, and for a driving
// licence the state or province that issued it.
type DocumentIssuer struct {
	CountryCode  string `json:"country_code,omitempty"`
	Jurisdiction string `json:"jurisdiction,omitempty"`
}

// VerifiedPerson holds the claims read from the document, in the names
// and formats of OpenID Connect's standard claims.
type VerifiedPerson struct {
	GivenName  string         `json:"given_name,omitempty"`
	MiddleName string         `json:"middle_name,omitempty"`
	FamilyName string         `json:"family_name,omitempty"`
	Birthdate  string         `json:"birthdate,omitempty"`
	Gender     string         `json:"gender,omitempty"`
	Address    *PostalAddress `json:"address,omitempty"`
}

// PostalAddress is the address claim. Connectors hand over the address as
// one line, so it is stated whole, not split into parts it may not have.
type PostalAddress struct {
	Formatted string `json:"formatted"`
}

// checkMethods maps the session checks to the registered check_method of
// what they do. The document is never in front of anyone: its checks look
// at images taken remotely under visible light (vri), including the
// comparison of the MRZ or barcode with the printed text, which inspects
// the document's own content ("data" would claim a match with an
// authoritative electronic record, which is never consulted). face_compare
// is automated biometric matching with the person remote (bvr).
// selfie_liveness has no registered method of its own: it is what makes
// face_compare worth something, not a check of a claim, so it is left out.
var checkMethods = map[string]string{
	"document_liveness_front": "vri",
	"document_liveness_back":  "vri",
	"fraud_detection":         "vri",
	"face_compare":            "bvr",
}

// checkVendors are the legal entities behind the connectors that make
// their checks elsewhere.
var checkVendors = map[string]string{
	"microblink":  "Microblink",
	"authenticid": "AuthenticID",
}

// claimDocumentTypes maps the session document types to the registered ones.
var claimDocumentTypes = map[string]string{
	idproof.DocPassport:       "passport",
	idproof.DocIDCard:         "idcard",
	idproof.DocDriversLicense: "driving_permit",
}

// countryCodeRE is an ISO 3166 / ICAO 9303 code: three letters, or two,
// which the specification allows for compatibility.
var countryCodeRE = regexp.MustCompile(`^[A-Z]{2,3}$`)

// verifiedClaims builds the verified_claims of a session completed at
// now, or nil when the session did not pass, when no check of the
// document itself passed (claims read from an unchecked document are not
// verified), or when nothing was read from it. Claims come only from what
// the verifier read from the document, never from the relying party's
// description of the user.
func verifiedClaims(s *idproof.Session, d *Data, now time.Time) *VerifiedClaims {
	v := d.Verdict
	if s.Status != idproof.StatusCompleted || s.Outcome != idproof.OutcomePass || v == nil {
		return nil
	}
	docType, ok := claimDocumentTypes[s.DocumentType]
	if !ok {
		return nil
	}
	checked := "" // when the connector's verdict was stored
	if v.TS != 0 {
		checked = isoTime(time.UnixMilli(v.TS))
	}
	ev := ClaimsEvidence{Type: "document", Time: checked}
	documentChecked, seen := false, map[string]bool{}
	for _, c := range v.Checks {
		method, ok := checkMethods[c.Name]
		if !ok || c.Part != "" || c.Result != idproof.CheckPass || seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		documentChecked = documentChecked || method == "vri"
		connector := c.Connector
		if connector == "" {
			connector = v.Connector
		}
		ev.CheckDetails = append(ev.CheckDetails, CheckDetail{
			CheckMethod: method, Organization: checkVendors[connector], Txn: s.ID + ":" + c.Name, Time: checked,
		})
	}
	if !documentChecked {
		return nil
	}
	doc := v.Document
	person := VerifiedPerson{
		GivenName: strings.TrimSpace(doc.FirstName), MiddleName: strings.TrimSpace(doc.MiddleName),
		FamilyName: strings.TrimSpace(doc.LastName), Birthdate: isoDate(doc.DOB), Gender: claimGender(doc.Gender),
	}
	if a := strings.TrimSpace(doc.Address); a != "" {
		person.Address = &PostalAddress{Formatted: a}
	}
	if person == (VerifiedPerson{}) {
		return nil
	}
	details := &DocumentDetails{
		Type: docType, DocumentNumber: strings.TrimSpace(doc.DocumentID),
		DateOfIssuance: isoDate(doc.DOI), DateOfExpiry: isoDate(doc.DOE),
	}
	issuer := DocumentIssuer{CountryCode: countryCode(doc.Country)}
	if s.DocumentType == idproof.DocDriversLicense {
		issuer.Jurisdiction = strings.TrimSpace(doc.State)
	}
	if issuer != (DocumentIssuer{}) {
		details.Issuer = &issuer
	}
	ev.DocumentDetails = details
	framework := d.Settings.TrustFramework
	if framework == "" {
		framework = DefaultTrustFramework
	}
	if v.Sandbox {
		framework = SandboxTrustFramework
	}
	return &VerifiedClaims{
		Verification: ClaimsVerification{
			TrustFramework: framework, Time: isoTime(now), VerificationProcess: s.ID,
			Evidence: []ClaimsEvidence{ev},
		},
		Claims: person,
	}
}

// isoTime is t in the ISO 8601 form the specification asks for, in UTC.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// isoDate returns a YYYY-MM-DD date as it is, and "" for anything else: a
// date a connector could not normalise is left out rather than guessed.
func isoDate(s string) string {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ""
	}
	return s
}

// claimGender maps the document's sex to the gender claim's defined
// values. "X" (unspecified) has none and is left out.
func claimGender(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "M", "MALE":
		return "male"
	case "F", "FEMALE":
		return "female"
	}
	return ""
}

// countryCode returns the issuing country as the specification writes it.
// The MRZ writes Germany "D", the one ICAO code that is not ISO 3166's
// (DEU); connectors that hand over a country's name give no code at all.
func countryCode(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "D" {
		return "DEU"
	}
	if !countryCodeRE.MatchString(c) {
		return ""
	}
	return c
}

// trustFrameworkRE is what a trust framework identifier may look like:
// the registered ones are short names such as de_aml or nist_800_63A.
var trustFrameworkRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)

// parseTrustFramework checks verification.config.trustFramework; "" keeps
// the default.
func parseTrustFramework(v string) (string, error) {
	if v == "" || trustFrameworkRE.MatchString(v) {
		return v, nil
	}
	return "", invalid("verification.config.trustFramework must be up to 100 letters, digits and _.:- starting with a letter or digit, such as de_aml or uk_tfida")
}
