package netguard

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestAllowed(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2001:4860:4860::8888": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "fe80::1": false, "0.0.0.0": false, "100.64.1.1": false, "::ffff:127.0.0.1": false,
		"fd00::1": false, "224.0.0.1": false,
		// IPv6 forms carrying an IPv4 address: the IPv4 inside may be private.
		"::ffff:8.8.8.8": false, "::ffff:10.0.0.1": false, // IPv4-mapped
		"::7f00:1": false, "::a00:1": false, "::808:808": false, // IPv4-compatible
		"64:ff9b::7f00:1": false, "64:ff9b::a9fe:a9fe": false, "64:ff9b::808:808": false, // NAT64
		"64:ff9b:1::a00:1": false, "2002:7f00:1::": false, // NAT64 local-use, 6to4
		"0.1.2.3": false, "198.18.0.1": false, "255.255.255.255": false, "240.0.0.1": false,
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

// The caller (a tenant whose connector or bucket failed) learns that the
// endpoint is not reachable, not what the server's resolver answered or
// which address refused: that would map the server's network for them. The
// operator finds the cause in the log.
func TestClientErrorsDoNotEchoTheCause(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String()
	closed.Close()
	cases := []struct {
		name, url    string
		allowPrivate bool
		blocked      bool
		cause        string // in the log, not in the error
	}{
		{"a name resolving to loopback", "http://localhost:" + port + "/x", false, true, "127.0.0.1"},
		{"a refused port", closedURL, true, false, "refused"},
		{"a name that does not resolve", "https://no-such-host.invalid/", true, false, "no-such-host.invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var log bytes.Buffer
			cl := Client(Options{AllowPrivate: c.allowPrivate, Log: slog.New(slog.NewTextHandler(&log, nil)), Timeout: 5 * time.Second})
			_, err := cl.Get(c.url)
			if err == nil {
				t.Fatal("reached")
			}
			if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBlocked) != c.blocked {
				t.Fatalf("err %v: unreachable %v, blocked %v", err, errors.Is(err, ErrUnreachable), errors.Is(err, ErrBlocked))
			}
			msg := strings.TrimPrefix(err.Error(), `Get "`+c.url+`": `)
			if msg != "endpoint is not reachable" {
				t.Fatalf("error tells %q", err)
			}
			if !strings.Contains(log.String(), c.cause) {
				t.Fatalf("log %q lacks the cause %q", log.String(), c.cause)
			}
		})
	}
}

// A dial that runs out of time still says so, for callers that tell a
// vendor's slowness from other failures.
func TestDialErrorKeepsTimeouts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	cause := &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}
	err := error(newDialError(ctx, cause))
	var ne net.Error
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() || err.Error() != "endpoint is not reachable" {
		t.Fatalf("err %v", err)
	}
	err = newDialError(context.Background(), &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("refusal is a timeout: %v", err)
	}
}
