package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idproof test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

var listenAnyRE = regexp.MustCompile(`listening on (https?://\S+)`)

// startServe runs serve with args on a fresh data directory until the test
// ends, and returns its address as printed and the data directory.
func serveFresh(t *testing.T, args ...string) (base, data string) {
	t.Helper()
	data = filepath.Join(t.TempDir(), "data")
	t.Setenv("IDPROOF_DATABASE_URL", "")
	t.Setenv("IDPROOF_MASTER_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	out, lines := watch(t)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...), out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited: %v", <-done)
			}
			if m := listenAnyRE.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1], data
			}
		case <-timeout:
			t.Fatal("serve did not print its address")
		}
	}
}

// TestServeTLS: with --tls-cert and --tls-key the server speaks https only,
// says so in its URLs, and sends HSTS.
func TestServeTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	base, _ := serveFresh(t, "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("listening on %s", base)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") != "max-age=31536000" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	// The service directory names https URLs.
	resp, err = c.Get(base + "/sd")
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(sd), "https://127.0.0.1") || strings.Contains(string(sd), "http://127.0.0.1") {
		t.Fatalf("service directory %s", sd)
	}
	// Plain http to the same port gets no API answer.
	resp, err = http.Get("http://" + strings.TrimPrefix(base, "https://") + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("plain http served")
		}
	}
}

func TestServeTLSFlagsGoTogether(t *testing.T) {
	cert, _, _ := selfSigned(t)
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tls-cert", cert}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--tls-cert and --tls-key go together") {
		t.Fatalf("err %v", err)
	}
}

// TestServeDefaults: the legacy headers are off unless asked for, and what
// the server writes in its data directory is the server user's alone.
func TestServeDefaults(t *testing.T) {
	base, data := serveFresh(t)
	env := func(base string) map[string]any {
		resp, err := http.Get(base + "/environment")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if on := env(base)["legacy_auth_enabled"]; on != false {
		t.Fatalf("legacy_auth_enabled %v by default", on)
	}
	for name, want := range map[string]os.FileMode{
		".": 0o700, "master.key": 0o600, "idproof.db": 0o600, "idproof.db-wal": 0o600, "idproof.db-shm": 0o600,
		"credentials.json": 0o600, "blobs": 0o700,
	} {
		fi, err := os.Stat(filepath.Join(data, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}

	t.Setenv("IDPROOF_LEGACY_AUTH", "true")
	legacy, _ := serveFresh(t)
	if on := env(legacy)["legacy_auth_enabled"]; on != true {
		t.Fatalf("IDPROOF_LEGACY_AUTH=true: legacy_auth_enabled %v", on)
	}
}
