package s3

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// Config describes one bucket: the API's
// {type:"aws", bucketName, aws_credential{accessKey, secretKey, region, endpoint}}.
type Config struct {
	// Bucket is the bucket name.
	Bucket string
	// Region is the region the bucket lives in; SigV4 signatures cover it,
	// so it must match the bucket's. S3-compatible servers usually accept
	// us-east-1.
	Region string
	// AccessKey and SecretKey are a static credential. Both are required:
	// the server serves many tenants, so it must never fall back to ambient
	// credentials (environment, instance role) that belong to the operator.
	AccessKey string
	SecretKey string
	// Endpoint is the base URL of an S3-compatible server, such as
	// "https://minio.example.com:9000". Empty means AWS. When set, requests
	// use path-style addressing (endpoint/bucket/key), which such servers
	// support without wildcard DNS.
	Endpoint string
	// HTTPClient carries the requests; nil means a client with connect,
	// header and overall timeouts.
	HTTPClient *http.Client
}

// String describes the configuration without the secret key, so that a
// Config that ends up in a log or an error does not leak it.
func (c Config) String() string {
	return fmt.Sprintf("s3.Config{Bucket:%q Region:%q AccessKey:%q Endpoint:%q}",
		c.Bucket, c.Region, c.AccessKey, c.Endpoint)
}

// Validate reports the first problem with c as an EINVALID error whose
// message can be shown to whoever entered the bucket configuration.
func (c Config) Validate() error {
	if c.Bucket == "" {
		return idproof.Errorf(idproof.EINVALID, "s3: bucket name is required")
	}
	if err := checkBucketName(c.Bucket); err != nil {
		return err
	}
	if c.Region == "" {
		return idproof.Errorf(idproof.EINVALID, "s3: region is required")
	}
	if !isRegion(c.Region) {
		return idproof.Errorf(idproof.EINVALID, "s3: region %q is not valid: use lowercase letters, digits and hyphens, such as us-east-1", c.Region)
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return idproof.Errorf(idproof.EINVALID, "s3: access key and secret key are both required")
	}
	if c.Endpoint != "" {
		if err := checkEndpoint(c.Endpoint); err != nil {
			return err
		}
	}
	return nil
}

// checkBucketName applies the S3 naming rules. Names outside them cannot be
// created on AWS today and do not work with virtual-hosted addressing.
func checkBucketName(name string) error {
	bad := func(why string) error {
		return idproof.Errorf(idproof.EINVALID, "s3: bucket name %q is not valid: %s", name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("it must be 3 to 63 characters long")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return bad("use only lowercase letters, digits, dots and hyphens")
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("it must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return bad("it must not contain two dots in a row")
	}
	if net.ParseIP(name) != nil {
		return bad("it must not look like an IP address")
	}
	return nil
}

func isAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// isRegion accepts region names such as us-east-1 or eu-central-2, and the
// shorter names some S3-compatible servers use.
func isRegion(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkEndpoint requires an absolute http or https URL with a host and
// nothing the SDK would silently drop or misuse (credentials, query,
// fragment).
func checkEndpoint(raw string) error {
	bad := func(why string) error {
		return idproof.Errorf(idproof.EINVALID, "s3: endpoint %q is not valid: %s", raw, why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("it is not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("it must be an http:// or https:// URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("it has no host")
	}
	if u.User != nil {
		return bad("it must not contain credentials; use the access and secret key")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return bad("it must not have a query or fragment")
	}
	return nil
}

// newHTTPClient returns the client used when Config.HTTPClient is nil.
// Connect and response-header timeouts catch a dead endpoint quickly; the
// overall timeout is generous because it also covers streaming an object
// body, which Open hands to the caller.
func newHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 5 * time.Minute,
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   10 * time.Second,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   16,
		},
	}
}
