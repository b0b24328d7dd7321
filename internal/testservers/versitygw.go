package testservers

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// VersityGWInstall is how CI installs the S3 gateway.
const VersityGWInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// S3Server is a running versitygw.
type S3Server struct {
	Endpoint, Region, AccessKey, SecretKey string

	proc    *process
	buckets atomic.Int64
}

// StartVersityGW starts versitygw with a posix backend in a temp dir.
// Object metadata (Content-Type among it) goes to a sidecar directory, not
// to extended attributes, which tmpfs and some container filesystems lack.
func StartVersityGW() (*S3Server, error) {
	bin, err := find("IDPROOF_VERSITYGW", "versitygw", goBinDirs())
	if err != nil {
		return nil, err
	}
	s := &S3Server{Region: "us-east-1", AccessKey: "idproof-test-access", SecretKey: "idproof-test-secret-0123456789abcdef"}
	// Another process may take the port between picking and binding it.
	for range 3 {
		var dir, addr string
		if dir, err = os.MkdirTemp("", "idproof-versitygw-"); err != nil {
			return nil, err
		}
		for _, d := range []string{"data", "meta"} {
			if err = os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
				return nil, err
			}
		}
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "--port", addr, "--region", s.Region, "--quiet",
			"posix", "--sidecar", filepath.Join(dir, "meta"), filepath.Join(dir, "data"))
		cmd.Env = append(environ("VGW_", "ROOT_"), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
		if s.proc, err = start(cmd, dir, addr); err == nil {
			s.Endpoint = "http://" + addr
			return s, nil
		}
		os.RemoveAll(dir)
	}
	return nil, err
}

// VersityGW starts a gateway for tb, stopped when tb ends; see the package
// comment for what happens without the binary.
func VersityGW(tb testing.TB) *S3Server {
	tb.Helper()
	s, err := StartVersityGW()
	Require(tb, "versitygw", VersityGWInstall, err)
	tb.Cleanup(s.Stop)
	return s
}

// Stop kills the gateway and removes its files.
func (s *S3Server) Stop() { s.proc.stop() }

// NewBucket creates a bucket of its own for tb.
func (s *S3Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("idproof-test-%d", s.buckets.Add(1))
	client := s3.New(s3.Options{
		Region:       s.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
	})
	if _, err := client.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("CreateBucket(%s): %v", name, err)
	}
	return name
}
