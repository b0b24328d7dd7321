package secret

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, err := New(bytes.Repeat([]byte{1}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New(bytes.Repeat([]byte{2}, KeySize))
	s := k.SealString("secret")
	if bytes.Contains(s, []byte("secret")) {
		t.Fatal("plaintext visible in sealed value")
	}
	if got, err := k.OpenString(s); err != nil || got != "secret" {
		t.Fatalf("open = %q %v", got, err)
	}
	if _, err := other.Open(s); err != ErrOpen {
		t.Fatalf("other key: %v", err)
	}
	s[len(s)-1] ^= 1
	if _, err := k.Open(s); err != ErrOpen {
		t.Fatalf("tampered: %v", err)
	}
	if k.Seal(nil) != nil {
		t.Fatal("empty must seal to nil")
	}
	if p, err := k.Open(nil); p != nil || err != nil {
		t.Fatal("nil must open to nil")
	}
	if _, err := k.Open([]byte{9, 9}); err != ErrOpen {
		t.Fatal("garbage opened")
	}
	if a, b := k.Derive("a"), k.Derive("b"); len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, k.Derive("a")) || bytes.Equal(a, other.Derive("a")) {
		t.Fatal("Derive must be per label, per master key and stable")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	k1, created, err := Load(Source{DataDir: dir})
	if err != nil || !created {
		t.Fatalf("first load: %v created=%v", err, created)
	}
	st, _ := os.Stat(filepath.Join(dir, "master.key"))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	k2, created, err := Load(Source{DataDir: dir})
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatal("second load must reuse the key")
	}
	env := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	k3, _, err := Load(Source{Base64: env, DataDir: dir})
	if err != nil || k3[0] != 7 {
		t.Fatal("env key must win")
	}
	if _, _, err := Load(Source{Base64: "short"}); err == nil {
		t.Fatal("bad env key accepted")
	}
	if _, _, err := Load(Source{File: filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestIndex(t *testing.T) {
	k, _ := New(bytes.Repeat([]byte{1}, KeySize))
	other, _ := New(bytes.Repeat([]byte{2}, KeySize))
	a := k.Index("lookup", "tenant", "name", "ann")
	if len(a) != 32 || a != k.Index("lookup", "tenant", "name", "ann") {
		t.Fatalf("index %q is not a stable 16-byte hex value", a)
	}
	for name, b := range map[string]string{
		"other key":       other.Index("lookup", "tenant", "name", "ann"),
		"other purpose":   k.Index("other", "tenant", "name", "ann"),
		"other value":     k.Index("lookup", "tenant", "name", "anne"),
		"parts regrouped": k.Index("lookup", "tenantname", "", "ann"),
		"parts shifted":   k.Index("lookup", "tenant", "nam", "eann"),
	} {
		if b == a {
			t.Errorf("%s: same index", name)
		}
	}
	if bytes.Contains([]byte(a), []byte("ann")) {
		t.Error("index shows the value")
	}
}
