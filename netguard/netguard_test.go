package netguard

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestAllowed(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2001:4860:4860::8888": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "fe80::1": false, "0.0.0.0": false, "100.64.1.1": false, "::ffff:127.0.0.1": false,
		"fd00::1": false, "224.0.0.1": false,
	} {
		if got := Allowed(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: %v, want %v", addr, got, want)
		}
	}
}

func TestClientRefusesLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := Client(Options{}).Get(srv.URL)
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("loopback reached: %v", err)
	}
	resp, err := Client(Options{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed client: %v", err)
	}
	resp.Body.Close()
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		url     string
		private bool
		ok      bool
	}{
		{"https://s3.example.com", false, true},
		{"http://s3.example.com", false, false},
		{"http://127.0.0.1:9000", true, true},
		{"https://127.0.0.1", false, false},
		{"https://169.254.169.254/latest", false, false},
		{"https://localhost", false, false},
		{"ftp://x", true, false},
		{"not a url", true, false},
	}
	for _, c := range cases {
		if err := CheckURL(c.url, c.private); (err == nil) != c.ok {
			t.Errorf("%s (private %v): %v", c.url, c.private, err)
		}
	}
}
