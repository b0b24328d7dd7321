// Package blob opens the bucket a community uses for its images: the one
// configured through the bucket endpoints (aws, gcp, azure) or, without
// one, the embedded local bucket. Backends live in subpackages, one per
// dependency; every one passes the suite in blobtest.
package blob

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob/azure"
	"github.com/idproof/idproof/blob/gcs"
	"github.com/idproof/idproof/blob/s3"
	"github.com/idproof/idproof/netguard"
)

// Bucket types.
const (
	TypeAWS   = "aws"
	TypeGCP   = "gcp"
	TypeAzure = "azure"
	TypeLocal = "local"
)

// Credentials are the credential objects of a bucket configuration, shaped
// as the API document shows them, plus an optional endpoint for
// S3-compatible servers, emulators and sovereign clouds.
type Credentials struct {
	AWS   *AWSCredential   `json:"aws_credential,omitempty"`
	GCP   *GCPCredential   `json:"gcp_credential,omitempty"`
	Azure *AzureCredential `json:"azure_credential,omitempty"`
}

// AWSCredential is an S3 access key.
type AWSCredential struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
	Region    string `json:"region"`
	Endpoint  string `json:"endpoint,omitempty"`
}

// GCPCredential is a service account.
type GCPCredential struct {
	ProjectID   string `json:"projectid"`
	ClientEmail string `json:"clientEmail"`
	PrivateKey  string `json:"privateKey"`
	Endpoint    string `json:"endpoint,omitempty"`
}

// AzureCredential is a storage account shared key.
type AzureCredential struct {
	AccountName string `json:"accountName"`
	AccountKey  string `json:"accountKey"`
	Endpoint    string `json:"endpoint,omitempty"`
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`)

func invalid(format string, args ...any) error {
	return idproof.Errorf(idproof.EINVALID, format, args...)
}

// Validate checks a bucket configuration without contacting the bucket.
// Errors name the field.
func Validate(typ, name string, c Credentials, allowPrivate bool) error {
	if typ == TypeLocal {
		return nil
	}
	if !bucketNameRE.MatchString(name) {
		return invalid("bucketName must be 3–222 lower-case letters, digits, '.', '_' or '-'")
	}
	need := func(field, v string) error {
		if strings.TrimSpace(v) == "" {
			return invalid("%s is required", field)
		}
		return nil
	}
	endpoint := func(field, v string) error {
		if v == "" {
			return nil
		}
		if err := netguard.CheckURL(v, allowPrivate); err != nil {
			return invalid("%s %s", field, err)
		}
		return nil
	}
	switch typ {
	case TypeAWS:
		if c.AWS == nil {
			return invalid("aws_credential is required for type aws")
		}
		for _, f := range [][2]string{{"aws_credential.accessKey", c.AWS.AccessKey}, {"aws_credential.secretKey", c.AWS.SecretKey}, {"aws_credential.region", c.AWS.Region}} {
			if err := need(f[0], f[1]); err != nil {
				return err
			}
		}
		return endpoint("aws_credential.endpoint", c.AWS.Endpoint)
	case TypeGCP:
		if c.GCP == nil {
			return invalid("gcp_credential is required for type gcp")
		}
		for _, f := range [][2]string{{"gcp_credential.clientEmail", c.GCP.ClientEmail}, {"gcp_credential.privateKey", c.GCP.PrivateKey}} {
			if err := need(f[0], f[1]); err != nil {
				return err
			}
		}
		return endpoint("gcp_credential.endpoint", c.GCP.Endpoint)
	case TypeAzure:
		if c.Azure == nil {
			return invalid("azure_credential is required for type azure")
		}
		for _, f := range [][2]string{{"azure_credential.accountName", c.Azure.AccountName}, {"azure_credential.accountKey", c.Azure.AccountKey}} {
			if err := need(f[0], f[1]); err != nil {
				return err
			}
		}
		return endpoint("azure_credential.endpoint", c.Azure.Endpoint)
	}
	return invalid("type must be one of aws, gcp, azure, local")
}

// Opener opens bucket configurations.
type Opener struct {
	// Local is the embedded bucket, used for type local and for
	// communities without a bucket.
	Local idproof.BlobStore
	// AllowPrivate lets bucket endpoints point at loopback and private
	// addresses (an on-premises S3, tests); off by default.
	AllowPrivate bool

	client *http.Client
}

func (o *Opener) httpClient() *http.Client {
	if o.client == nil {
		o.client = netguard.Client(netguard.Options{AllowPrivate: o.AllowPrivate})
	}
	return o.client
}

// Open returns the store of a bucket configuration.
func (o *Opener) Open(ctx context.Context, typ, name string, c Credentials) (idproof.BlobStore, error) {
	if err := Validate(typ, name, c, o.AllowPrivate); err != nil {
		return nil, err
	}
	var st idproof.BlobStore
	var err error
	switch typ {
	case TypeLocal:
		return o.Local, nil
	case TypeAWS:
		st, err = s3.New(ctx, s3.Config{Bucket: name, Region: c.AWS.Region, AccessKey: c.AWS.AccessKey,
			SecretKey: c.AWS.SecretKey, Endpoint: c.AWS.Endpoint, HTTPClient: o.httpClient()})
	case TypeGCP:
		st, err = gcs.New(ctx, gcs.Config{Bucket: name, ProjectID: c.GCP.ProjectID, ClientEmail: c.GCP.ClientEmail,
			PrivateKey: c.GCP.PrivateKey, Endpoint: c.GCP.Endpoint, HTTPClient: o.httpClient()})
	case TypeAzure:
		st, err = azure.New(ctx, azure.Config{AccountName: c.Azure.AccountName, AccountKey: c.Azure.AccountKey,
			Container: name, Endpoint: c.Azure.Endpoint, HTTPClient: o.httpClient()})
	}
	if err != nil {
		return nil, invalid("%s bucket: %v", typ, err)
	}
	return st, nil
}

// String describes a configuration for logs, without secrets.
func (c Credentials) String() string {
	return fmt.Sprintf("aws:%v gcp:%v azure:%v", c.AWS != nil, c.GCP != nil, c.Azure != nil)
}
