// Package s3 implements idproof.BlobStore on Amazon S3 and S3-compatible
// servers. Uploads and downloads by the capture page and the relying party
// go through SigV4 presigned URLs, so the object bytes never pass through
// this server.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/idproof/idproof"
)

// maxPresign is the longest validity SigV4 allows for a presigned URL.
const maxPresign = 7 * 24 * time.Hour

// Store is a BlobStore on one bucket. It is safe for concurrent use.
type Store struct {
	bucket  string
	client  *s3.Client
	presign *s3.PresignClient
}

var _ idproof.BlobStore = (*Store)(nil)

// New returns a Store for the bucket cfg describes. It validates cfg but
// does no network I/O: a wrong key or a missing bucket shows up on the
// first call.
func New(_ context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newHTTPClient()
	}
	opts := s3.Options{
		Region:      cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		HTTPClient:  hc,
		// Checksums only where the API demands them: by default the SDK
		// sends uploads aws-chunked with CRC32 trailers and expects checksum
		// headers on downloads, which many S3-compatible servers do not
		// support. SigV4 already covers the payload hash of signed uploads.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(strings.TrimSuffix(cfg.Endpoint, "/"))
		opts.UsePathStyle = true
	}
	client := s3.New(opts)
	return &Store{
		bucket:  cfg.Bucket,
		client:  client,
		presign: s3.NewPresignClient(client),
	}, nil
}

// PresignPut returns a URL for an HTTP PUT of key. The Content-Type is part
// of the signature, so the uploader must send exactly contentType; anything
// else is refused by the server.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if err := checkExpires(expires); err != nil {
		return "", err
	}
	if contentType == "" {
		return "", idproof.Errorf(idproof.EINVALID, "s3: a content type is required to presign an upload")
	}
	req, err := s.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(key),
		ContentType: aws.String(contentType),
	}, s3.WithPresignExpires(expires), func(po *s3.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, s3.WithAPIOptions(signContentType(contentType)))
	})
	if err != nil {
		return "", fmt.Errorf("s3: presign put %q: %w", key, err)
	}
	return req.URL, nil
}

// signContentType sets the Content-Type header once more just before
// signing. SDK releases have dropped it from presigned PUTs that carry no
// length (aws-sdk-go-v2 issues 1475 and 2063), which leaves the content
// type unsigned and lets an uploader store any type under the key; this
// keeps it signed whatever the SDK's own middleware does.
func signContentType(contentType string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("idproofSignContentType",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set("Content-Type", contentType)
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	}
}

// PresignGet returns a URL that serves key by HTTP GET until expires.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if err := checkExpires(expires); err != nil {
		return "", err
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, s3.WithPresignExpires(expires))
	if err != nil {
		return "", fmt.Errorf("s3: presign get %q: %w", key, err)
	}
	return req.URL, nil
}

// Put stores size bytes from r under key. A size of -1 means unknown: the
// object is then read into memory first, because PutObject needs the length
// up front (objects here are images of bounded size).
func (s *Store) Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	in := &s3.PutObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	var optFns []func(*s3.Options)
	if size < 0 {
		b, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("s3: put %q: read: %w", key, err)
		}
		in.Body, in.ContentLength = bytes.NewReader(b), aws.Int64(int64(len(b)))
	} else if rs, ok := r.(io.ReadSeeker); ok {
		// A seekable body is hashed into the signature, which protects it
		// even on a plain-http endpoint.
		in.Body, in.ContentLength = rs, aws.Int64(size)
	} else {
		// A stream cannot be hashed before sending without buffering it, so
		// it is sent as UNSIGNED-PAYLOAD; TLS protects it on https.
		in.Body, in.ContentLength = io.LimitReader(r, size), aws.Int64(size)
		optFns = append(optFns, s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware))
	}
	if _, err := s.client.PutObject(ctx, in, optFns...); err != nil {
		return s.wrap("put", key, err)
	}
	return nil
}

// Open reads key. A missing object is ENOTFOUND.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return nil, 0, s.wrap("get", key, err)
	}
	size := int64(-1)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return out.Body, size, nil
}

// Delete removes key. S3 answers success for a missing key; servers that
// answer NoSuchKey instead are treated the same way.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err = s.wrap("delete", key, err); idproof.IsNotFound(err) {
		return nil
	}
	return err
}

// List returns the keys under prefix, sorted, following ListObjectsV2
// continuation tokens across pages.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("list", prefix, err)
		}
		for _, o := range page.Contents {
			if o.Key != nil {
				keys = append(keys, *o.Key)
			}
		}
	}
	// S3 lists in UTF-8 byte order already, but not every compatible
	// server does, and the contract promises sorted keys.
	slices.Sort(keys)
	return keys, nil
}

// wrap turns an SDK error into a domain error: a missing object becomes
// ENOTFOUND, anything else keeps its detail for the logs and stays
// internal. A missing bucket is a configuration problem, not a missing
// object, so it is not reported as ENOTFOUND.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchBucket" {
		return fmt.Errorf("s3: %s %q: bucket %q does not exist: %w", op, key, s.bucket, err)
	}
	if errors.As(err, &noKey) || errors.As(err, &notFound) || httpStatus(err) == http.StatusNotFound {
		return idproof.Errorf(idproof.ENOTFOUND, "object %q not found", key)
	}
	return fmt.Errorf("s3: %s %q: %w", op, key, err)
}

// httpStatus returns the HTTP status of a failed call, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// checkKey enforces the BlobStore key form. Keys are generated by this
// server, so rejecting odd ones costs nothing and keeps every backend
// accepting the same keys (the local one maps them to file paths).
func checkKey(key string) error {
	if key == "" || len(key) > 1024 {
		return idproof.Errorf(idproof.EINVALID, "blob key must be 1 to 1024 bytes long")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return idproof.Errorf(idproof.EINVALID, "blob key %q is not a clean relative path", key)
		}
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return idproof.Errorf(idproof.EINVALID, "blob key %q contains a forbidden character", key)
		}
	}
	return nil
}

// checkExpires keeps presigned URLs within what SigV4 accepts.
func checkExpires(d time.Duration) error {
	if d < time.Second || d > maxPresign {
		return idproof.Errorf(idproof.EINVALID, "presigned URL lifetime must be between 1s and %s, not %s", maxPresign, d)
	}
	return nil
}
