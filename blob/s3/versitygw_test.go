package s3_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	idps3 "github.com/idproof/idproof/blob/s3"
)

// The tests run against versitygw, an S3 gateway that checks SigV4
// signatures, so that refused URLs are refused by a real server and not by
// a mock that shares this package's assumptions.

const (
	gwAccessKey = "idproof-test-access"
	gwSecretKey = "idproof-test-secret-0123456789abcdef"
	gwRegion    = "us-east-1"
	installCmd  = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
)

// gw is the gateway shared by every test in the package. It is started by
// the first test that needs it and stopped by TestMain.
var gw struct {
	once sync.Once
	*gateway
	err  error
	skip string // why the tests that need it are skipped
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gw.gateway != nil {
		gw.gateway.stop()
	}
	os.Exit(code)
}

// needGateway returns the running gateway, starting it on first use. If the
// binary is missing the test is skipped, except under CI=true, where a
// silently skipped S3 backend would pass untested.
func needGateway(t *testing.T) *gateway {
	t.Helper()
	gw.once.Do(func() {
		bin, err := findVersitygw()
		var missing notInstalled
		switch {
		case errors.As(err, &missing):
			gw.skip = err.Error()
		case err != nil:
			gw.err = err
		default:
			gw.gateway, gw.err = startGateway(bin)
		}
	})
	switch {
	case gw.skip != "" && os.Getenv("CI") == "true":
		t.Fatalf("%s; CI must install it: %s", gw.skip, installCmd)
	case gw.skip != "":
		t.Skipf("%s; install it with: %s", gw.skip, installCmd)
	case gw.err != nil:
		t.Fatalf("versitygw: %v", gw.err)
	}
	return gw.gateway
}

// notInstalled is the error of findVersitygw when there is no binary to
// run, the one case that may skip the tests.
type notInstalled string

func (e notInstalled) Error() string { return string(e) }

// findVersitygw looks for the binary named by IDPROOF_VERSITYGW, then in
// PATH, then where go install puts it.
func findVersitygw() (string, error) {
	if p := os.Getenv("IDPROOF_VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			// Named explicitly, so a wrong name is an error, not a skip.
			return "", fmt.Errorf("IDPROOF_VERSITYGW=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		// One line each, GOBIN first; it is usually empty.
		lines := strings.Split(string(out), "\n")
		if gobin := strings.TrimSpace(lines[0]); gobin != "" {
			dirs = append(dirs, gobin)
		}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", notInstalled(fmt.Sprintf("versitygw not found (looked at $IDPROOF_VERSITYGW, PATH and %s)", strings.Join(dirs, ", ")))
}

// gateway is a running versitygw with its posix backend in a temp dir.
type gateway struct {
	endpoint string
	dir      string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
	buckets  atomic.Int64
}

// startGateway runs versitygw on a free loopback port. Object metadata
// (the Content-Type among it) goes to a sidecar directory rather than to
// extended attributes, so the tests do not depend on the temp filesystem
// supporting user xattrs (tmpfs and some container filesystems do not).
func startGateway(bin string) (*gateway, error) {
	dir, err := os.MkdirTemp("", "idproof-versitygw-")
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"data", "meta"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	// Another process may take the port between picking and binding it;
	// try a few.
	for range 3 {
		var g *gateway
		g, err = runGateway(bin, dir)
		if err == nil {
			return g, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func runGateway(bin, dir string) (*gateway, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "versitygw.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--port", addr, "--region", gwRegion, "--quiet",
		"posix", "--sidecar", filepath.Join(dir, "meta"), filepath.Join(dir, "data"))
	cmd.Env = append(gatewayEnv(), "ROOT_ACCESS_KEY="+gwAccessKey, "ROOT_SECRET_KEY="+gwSecretKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &gateway{endpoint: "http://" + addr, dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(g.done) }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-g.done:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("versitygw exited: %s\n%s", cmd.ProcessState, out)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return g, nil
		}
		if time.Now().After(deadline) {
			g.kill()
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("versitygw did not listen on %s within 30s\n%s", addr, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// gatewayEnv is the environment without settings that would change how
// versitygw runs (VGW_*) or which root account it has (ROOT_*).
func gatewayEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VGW_") && !strings.HasPrefix(kv, "ROOT_") {
			env = append(env, kv)
		}
	}
	return env
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (g *gateway) kill() {
	g.cmd.Process.Kill()
	<-g.done
}

func (g *gateway) stop() {
	g.kill()
	os.RemoveAll(g.dir)
}

// newBucket creates a bucket of its own for t with the SDK's CreateBucket.
func (g *gateway) newBucket(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("idproof-test-%d", g.buckets.Add(1))
	client := s3.New(s3.Options{
		Region:       gwRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(gwAccessKey, gwSecretKey, ""),
		BaseEndpoint: aws.String(g.endpoint),
		UsePathStyle: true,
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
	})
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket(%s): %v", name, err)
	}
	return name
}

// config returns a Config for bucket on the gateway.
func (g *gateway) config(bucket string) idps3.Config {
	return idps3.Config{
		Bucket:    bucket,
		Region:    gwRegion,
		AccessKey: gwAccessKey,
		SecretKey: gwSecretKey,
		Endpoint:  g.endpoint,
	}
}
