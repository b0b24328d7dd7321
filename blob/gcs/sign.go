package gcs

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is Cloud Storage's XML API.
const DefaultEndpoint = "https://storage.googleapis.com"

// MaxExpires is the longest validity Cloud Storage accepts for a V4 signed
// URL.
const MaxExpires = 7 * 24 * time.Hour

const (
	algorithm       = "GOOG4-RSA-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	dateFormat      = "20060102T150405Z"
)

// URLStyle is where a signed URL names the bucket.
type URLStyle int

const (
	// PathStyle puts the bucket in the path: https://storage.googleapis.com/bucket/object.
	PathStyle URLStyle = iota
	// VirtualHostedStyle puts the bucket in the host: https://bucket.storage.googleapis.com/object.
	VirtualHostedStyle
	// BucketBoundHostname uses a host that is itself the bucket (a CNAME
	// or load balancer): https://images.example.com/object.
	BucketBoundHostname
)

// SignOptions describe one request to sign.
type SignOptions struct {
	// Method is the HTTP method the URL is good for.
	Method string
	// Bucket and Object name the resource; an empty Object signs a
	// bucket-level request such as a listing.
	Bucket string
	Object string
	// Endpoint is scheme://host[:port] of the service, DefaultEndpoint if
	// empty. With BucketBoundHostname it is the bucket's own host.
	Endpoint string
	Style    URLStyle
	// Time is when the signature starts to be valid (X-Goog-Date).
	Time time.Time
	// Expires is how long after Time the URL stays valid; it is truncated
	// to whole seconds and must be between one second and MaxExpires.
	Expires time.Duration
	// Headers must be sent with the request as given: they are signed.
	// An x-goog-content-sha256 header makes the payload hash part of the
	// signature; otherwise the payload is unsigned.
	Headers map[string]string
	// Query holds extra query parameters, also signed.
	Query url.Values
	// ClientEmail and Key are the service account's.
	ClientEmail string
	Key         *rsa.PrivateKey
}

// SignURL returns a V4 signed URL (GOOG4-RSA-SHA256) for opts: the
// canonical request is hashed into a string to sign under the credential
// scope <date>/auto/storage/goog4_request, and the RSA-SHA256 signature of
// that goes into X-Goog-Signature.
func SignURL(opts SignOptions) (string, error) {
	if opts.Key == nil || opts.ClientEmail == "" {
		return "", errors.New("gcs: signing needs a client email and a private key")
	}
	if opts.Method == "" || opts.Bucket == "" {
		return "", errors.New("gcs: signing needs a method and a bucket")
	}
	secs := int64(opts.Expires / time.Second)
	if secs < 1 || opts.Expires > MaxExpires {
		return "", fmt.Errorf("gcs: expiry %v is outside 1s to %v", opts.Expires, MaxExpires)
	}
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	ep, err := url.Parse(endpoint)
	if err != nil || ep.Host == "" || (ep.Scheme != "http" && ep.Scheme != "https") {
		return "", fmt.Errorf("gcs: endpoint %q is not scheme://host", endpoint)
	}

	host, path := ep.Host, ""
	switch opts.Style {
	case PathStyle:
		path = "/" + opts.Bucket
		if opts.Object != "" {
			path += "/" + escapePath(opts.Object)
		}
	case VirtualHostedStyle:
		host = opts.Bucket + "." + host
		path = "/" + escapePath(opts.Object)
	case BucketBoundHostname:
		path = "/" + escapePath(opts.Object)
	default:
		return "", fmt.Errorf("gcs: unknown URL style %d", opts.Style)
	}

	t := opts.Time.UTC()
	scope := t.Format("20060102") + "/auto/storage/goog4_request"

	headers := map[string]string{"host": signedHost(host)}
	for k, v := range opts.Headers {
		headers[strings.ToLower(k)] = canonicalHeaderValue(v)
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	signedHeaders := strings.Join(names, ";")

	query := url.Values{}
	for k, vs := range opts.Query {
		query[k] = append([]string(nil), vs...)
	}
	query.Set("X-Goog-Algorithm", algorithm)
	query.Set("X-Goog-Credential", opts.ClientEmail+"/"+scope)
	query.Set("X-Goog-Date", t.Format(dateFormat))
	query.Set("X-Goog-Expires", strconv.FormatInt(secs, 10))
	query.Set("X-Goog-SignedHeaders", signedHeaders)
	canonicalQuery := CanonicalQuery(query)

	payload := unsignedPayload
	if h, ok := headers["x-goog-content-sha256"]; ok {
		payload = h
	}
	var canon strings.Builder
	canon.WriteString(opts.Method + "\n" + path + "\n" + canonicalQuery + "\n")
	for _, k := range names {
		canon.WriteString(k + ":" + headers[k] + "\n")
	}
	canon.WriteString("\n" + signedHeaders + "\n" + payload)

	sig, err := signString(opts.Key, StringToSign(t, scope, canon.String()))
	if err != nil {
		return "", err
	}
	return ep.Scheme + "://" + host + path + "?" + canonicalQuery + "&X-Goog-Signature=" + sig, nil
}

// StringToSign returns the V4 string to sign for a canonical request made
// at t under scope.
func StringToSign(t time.Time, scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return algorithm + "\n" + t.UTC().Format(dateFormat) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

func signString(key *rsa.PrivateKey, s string) (string, error) {
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("gcs: sign: %w", err)
	}
	return hex.EncodeToString(sig), nil
}

// signedHost is the host as signed: without its port, whether default or
// not. Google's conformance vectors sign http://localhost:8080 as
// "localhost" and https://storage.googleapis.com:443 as
// "storage.googleapis.com", so a verifier must drop the port from the Host
// header too.
func signedHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// canonicalHeaderValue trims a header value and folds each run of spaces
// and tabs inside it into one space.
func canonicalHeaderValue(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
}

// CanonicalQuery encodes q as V4 signing wants it: names and values
// percent-encoded except for unreserved characters, sorted by name then
// value, joined with "&".
func CanonicalQuery(q url.Values) string {
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{escape(k), escape(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// escapePath percent-encodes an object name for the path, keeping its
// slashes.
func escapePath(s string) string {
	segs := strings.Split(s, "/")
	for i, seg := range segs {
		segs[i] = escape(seg)
	}
	return strings.Join(segs, "/")
}

// escape percent-encodes every byte except RFC 3986 unreserved characters.
// url.QueryEscape differs (space as "+", "~" encoded), and url.PathEscape
// keeps sub-delimiters, so neither matches what the service hashes.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ParsePrivateKey reads a service account's RSA key: PEM, PKCS#8 as in the
// service account JSON file, or PKCS#1. A key pasted with its newlines
// still escaped as the two characters \n is accepted too, since that is
// how it appears inside the JSON.
func ParsePrivateKey(pemKey string) (*rsa.PrivateKey, error) {
	if !strings.Contains(pemKey, "\n") {
		pemKey = strings.ReplaceAll(pemKey, `\n`, "\n")
	}
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		return nil, errors.New("gcs: private key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("gcs: private key is not RSA")
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("gcs: private key is neither PKCS#8 nor PKCS#1 RSA")
	}
	return k, nil
}
