// Package webhook delivers the events of the outbox to the endpoints
// relying parties configure, signed so that a receiver can tell them from
// forgeries and replays.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the signature of a delivery.
const SignatureHeader = "Idproof-Signature"

// SecretPrefix starts every signing secret, so that a secret found in a
// log or a configuration file says what it is.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock. It bounds how long a captured delivery can be
// replayed, and it absorbs clock skew and retries in flight.
const DefaultTolerance = 5 * time.Minute

// Errors of Verify. They are wrapped with detail; test with errors.Is.
var (
	// ErrMalformed: the header is missing or cannot be parsed.
	ErrMalformed = errors.New("webhook signature header is malformed")
	// ErrTimestamp: the signed timestamp is outside the tolerance, too old
	// (perhaps a replay) or in the future.
	ErrTimestamp = errors.New("webhook signature timestamp is outside the tolerance")
	// ErrNoMatch: no signature matches the body with any of the secrets.
	ErrNoMatch = errors.New("no webhook signature matches the body")
)

// NewSecret returns a new signing secret: SecretPrefix and 32 random
// bytes in unpadded base64url.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// Sign returns the value of SignatureHeader for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256>". The MAC covers "<t>.<body>"
// under the whole secret string, prefix included, so receivers need no
// decoding step to verify.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a SignatureHeader value against body. Several v1 values
// and several secrets are accepted, so an endpoint's secret can be rotated
// without dropping deliveries signed with the old one. The timestamp must
// be within tolerance of now (DefaultTolerance when tolerance <= 0).
// Elements other than t and v1 are ignored, leaving room for other schemes.
func Verify(header string, body []byte, secrets []string, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts, sigs, err := parseHeader(header)
	if err != nil {
		return err
	}
	t, _ := strconv.ParseInt(ts, 10, 64) // checked by parseHeader
	age := now.Sub(time.Unix(t, 0))
	switch {
	case age > tolerance:
		return fmt.Errorf("%w: signed %s ago, more than %s", ErrTimestamp, age.Round(time.Second), tolerance)
	case -age > tolerance:
		return fmt.Errorf("%w: signed %s in the future, more than %s", ErrTimestamp, (-age).Round(time.Second), tolerance)
	}
	for _, s := range secrets {
		want := mac(s, ts, body)
		for _, sig := range sigs {
			if hmac.Equal(want, sig) {
				return nil
			}
		}
	}
	return ErrNoMatch
}

// maxTimestampDigits keeps the timestamp within int64 seconds and within
// what time.Unix represents sensibly.
const maxTimestampDigits = 12

// parseHeader splits "t=...,v1=...,v1=..." into the timestamp digits and
// the decoded signatures.
func parseHeader(header string) (ts string, sigs [][]byte, err error) {
	if strings.TrimSpace(header) == "" {
		return "", nil, fmt.Errorf("%w: it is empty", ErrMalformed)
	}
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: %.40q is not key=value", ErrMalformed, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, fmt.Errorf("%w: t is given twice", ErrMalformed)
			}
			if v == "" || len(v) > maxTimestampDigits || strings.Trim(v, "0123456789") != "" {
				return "", nil, fmt.Errorf("%w: t=%.40q is not unix seconds", ErrMalformed, v)
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return "", nil, fmt.Errorf("%w: v1 is not %d hex digits", ErrMalformed, 2*sha256.Size)
			}
			sigs = append(sigs, sig)
		}
	}
	switch {
	case ts == "":
		return "", nil, fmt.Errorf("%w: no t= timestamp", ErrMalformed)
	case len(sigs) == 0:
		return "", nil, fmt.Errorf("%w: no v1= signature", ErrMalformed)
	}
	return ts, sigs, nil
}
