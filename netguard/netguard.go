// Package netguard makes the HTTP clients the server uses to reach
// endpoints that tenants configure (buckets, verification vendors). Such a
// URL is attacker-controlled input: without a guard, a tenant could point
// it at the server's own loopback services or a cloud metadata address. The
// check runs on the IP actually dialled, so DNS tricks do not get past it.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrBlocked is returned when a connection to a refused address is attempted.
var ErrBlocked = errors.New("netguard: destination address is not allowed")

// Allowed reports whether ip may be dialled when private targets are not
// allowed: public unicast addresses only.
func Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() && !ip.IsInterfaceLocalMulticast() &&
		!sharedAddressSpace.Contains(ip)
}

// 100.64.0.0/10 (carrier-grade NAT) is not "private" to netip but is not
// reachable from the internet either.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// Options configure a client.
type Options struct {
	// AllowPrivate permits loopback, private and link-local targets and
	// plain http. Tests and single-network installs need it; it is off by
	// default.
	AllowPrivate bool
	// Timeout bounds a whole request (default 30 s).
	Timeout time.Duration
}

// Client returns an HTTP client that refuses non-public destinations unless
// AllowPrivate is set.
func Client(o Options) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !Allowed(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrBlocked, address)
			}
			return nil
		}
	}
	t := &http.Transport{
		Proxy:                 nil, // a proxy would dial on our behalf, past the check
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout, // vendors may think for a while before answering
	}
	return &http.Client{Transport: t, Timeout: o.Timeout}
}

// CheckURL refuses URLs a guarded client must not be configured with:
// anything but https (http too when private targets are allowed), and
// hosts that are literal non-public IPs.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := parseURL(raw)
	if err != nil {
		return err
	}
	if u.scheme != "https" && !(allowPrivate && u.scheme == "http") {
		return fmt.Errorf("must be an https URL")
	}
	if ip, err := netip.ParseAddr(u.host); err == nil && !allowPrivate && !Allowed(ip) {
		return fmt.Errorf("must not point at a private, loopback or link-local address")
	}
	if !allowPrivate && (u.host == "localhost" || len(u.host) == 0) {
		return fmt.Errorf("must name a public host")
	}
	return nil
}

type parsedURL struct{ scheme, host string }

func parseURL(raw string) (parsedURL, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, raw, nil)
	if err != nil || req.URL.Host == "" {
		return parsedURL{}, fmt.Errorf("is not an absolute URL")
	}
	return parsedURL{scheme: req.URL.Scheme, host: req.URL.Hostname()}, nil
}
