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
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrUnreachable is what a guarded client's connection attempt fails with,
// whatever the cause: a refused address, a resolver answer, a dial error.
// The cause is logged, not returned: the endpoint's owner sees the error
// (a connector's failure is reported to the relying party), and "resolves
// to 10.1.2.3" or "connection refused" would map the server's network for
// them.
var ErrUnreachable = errors.New("endpoint is not reachable")

// ErrBlocked matches (errors.Is) the failures that were refusals of a
// non-public address. Its text is never shown: the error is ErrUnreachable's.
var ErrBlocked = errors.New("netguard: destination address is not allowed")

// Allowed reports whether ip may be dialled when private targets are not
// allowed: public unicast addresses only. IPv6 forms that carry an IPv4
// address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are refused outright:
// the IPv4 address inside may be a private one, reached through a
// translator on the server's own network.
func Allowed(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Is4In6() {
		return false
	}
	for _, p := range refusedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() && !ip.IsInterfaceLocalMulticast()
}

// refusedPrefixes are the ranges netip does not call private but that are
// not public destinations either.
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network": 0.x.y.z reaches the host itself on some systems
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and the broadcast address
	netip.MustParsePrefix("::/96"),          // IPv4-compatible (deprecated): ::a.b.c.d
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64, well-known prefix
	netip.MustParsePrefix("64:ff9b:1::/48"), // NAT64, local-use prefix
	netip.MustParsePrefix("2002::/16"),      // 6to4: an IPv4 address in bits 16-48
	netip.MustParsePrefix("100::/64"),       // discard-only
}

// Options configure a client.
type Options struct {
	// AllowPrivate permits loopback, private and link-local targets and
	// plain http. Tests and single-network installs need it; it is off by
	// default.
	AllowPrivate bool
	// Timeout bounds a whole request (default 30 s).
	Timeout time.Duration
	// Log receives the causes of failed connection attempts (default
	// slog.Default()).
	Log *slog.Logger
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
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, address)
		if err != nil {
			log.Warn("netguard: cannot connect to a configured endpoint", "address", address, "err", err)
			return nil, newDialError(ctx, err)
		}
		return c, nil
	}
	t := &http.Transport{
		Proxy:                 nil, // a proxy would dial on our behalf, past the check
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout, // vendors may think for a while before answering
	}
	return &http.Client{Transport: t, Timeout: o.Timeout}
}

// dialError is the error a guarded dial returns: ErrUnreachable's text,
// with what callers may branch on kept (a refusal, a time-out, the
// caller's own context ending) but not the address or the cause.
type dialError struct {
	blocked, timeout bool
	ctxErr           error // the caller's context.Canceled or DeadlineExceeded
}

func newDialError(ctx context.Context, err error) *dialError {
	var ne net.Error
	return &dialError{blocked: errors.Is(err, ErrBlocked), timeout: errors.As(err, &ne) && ne.Timeout(), ctxErr: ctx.Err()}
}

func (e *dialError) Error() string { return ErrUnreachable.Error() }
func (e *dialError) Timeout() bool { return e.timeout || errors.Is(e.ctxErr, context.DeadlineExceeded) }

// Temporary is part of net.Error.
func (e *dialError) Temporary() bool { return false }

func (e *dialError) Is(target error) bool {
	return target == ErrUnreachable || (target == ErrBlocked && e.blocked)
}

func (e *dialError) Unwrap() error { return e.ctxErr }

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
