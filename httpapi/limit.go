package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/ratelimit"
)

// Limits bound what one caller can ask of the server. A zero field sets
// no limit of its kind.
type Limits struct {
	// BodyMemory bounds the memory request bodies take at once, across all
	// requests, counting each body twice: itself and the images decoded
	// from it. A request that finds no room within BodyWait is answered
	// 503 with Retry-After.
	BodyMemory int64
	BodyWait   time.Duration
	// KeyRate and KeyBurst bound the requests of one public key (a token
	// bucket: KeyBurst at once, then KeyRate per second). The key counts
	// once its requestid has shown the caller holds it, so that nobody can
	// spend another's allowance.
	KeyRate  float64
	KeyBurst int
	// IPRate and IPBurst bound the requests of one client address.
	IPRate  float64
	IPBurst int
	// FailureLimit failed credentials (or unknown session ids) by one key
	// or one address within FailureWindow lock it out for LockoutFor: its
	// requests to every route that takes credentials are answered 429.
	FailureLimit  int
	FailureWindow time.Duration
	LockoutFor    time.Duration
	// LimitLoopback applies the rates and the address's lock-out to clients
	// on the loopback address too. Off, a loopback client is the operator's
	// own tools (the load tool's workers outrun any sane per-address rate)
	// or a local proxy not declared in TrustedProxies, whose one address
	// would make every client share one allowance and one lock-out.
	LimitLoopback bool
	// TrustedProxies are the peers whose X-Forwarded-For header names the
	// client address. Empty: the header is ignored, since any client can
	// write it.
	TrustedProxies []netip.Prefix
}

// DefaultLimits is what `idproof serve` uses unless told otherwise. A
// well-behaved client never meets them: the load tool's 32 workers on one
// address stay far below the address's rate, and a client's own mistakes
// are seldom twenty credential errors in ten minutes.
var DefaultLimits = Limits{
	BodyMemory:    128 << 20, // one body of the largest kind, or a dozen submissions of phone photos
	BodyWait:      5 * time.Second,
	KeyRate:       100,
	KeyBurst:      200,
	IPRate:        1000,
	IPBurst:       2000,
	FailureLimit:  20,
	FailureWindow: 10 * time.Minute,
	LockoutFor:    15 * time.Minute,
}

// Body limits of the routes that need more or less than MaxBodyBytes.
const (
	// templateBodyLimit fits a workflow of the most HTML a template may
	// hold (workflow.MaxTotalHTML), escaped as JSON.
	templateBodyLimit = 6 << 20
	// helperBodyLimit fits what the ecdsa_helper is for: a request body or
	// a license key to encrypt, a result to decrypt.
	helperBodyLimit = 64 << 10
)

// limits are the server's counters of callers. A nil field is a limit
// switched off.
type limits struct {
	keyRate, ipRate *ratelimit.Limiter
	keyFail, ipFail *ratelimit.Lockout
	bodies          *budget
	proxies         []netip.Prefix
	loopback        bool // LimitLoopback
}

func newLimits(cfg Limits, clock idproof.Clock) *limits {
	l := &limits{proxies: cfg.TrustedProxies, loopback: cfg.LimitLoopback}
	if cfg.KeyRate > 0 {
		l.keyRate = ratelimit.NewLimiter(cfg.KeyRate, cfg.KeyBurst, 0, clock)
	}
	if cfg.IPRate > 0 {
		l.ipRate = ratelimit.NewLimiter(cfg.IPRate, cfg.IPBurst, 0, clock)
	}
	if cfg.FailureLimit > 0 && cfg.FailureWindow > 0 && cfg.LockoutFor > 0 {
		l.keyFail = ratelimit.NewLockout(cfg.FailureLimit, cfg.FailureWindow, cfg.LockoutFor, 0, clock)
		l.ipFail = ratelimit.NewLockout(cfg.FailureLimit, cfg.FailureWindow, cfg.LockoutFor, 0, clock)
	}
	if cfg.BodyMemory > 0 {
		l.bodies = newBudget(cfg.BodyMemory, cfg.BodyWait)
	}
	return l
}

// retryLater is a refusal the caller may try again after a while: the
// reply carries Retry-After.
type retryLater struct {
	err   *idproof.Error
	after time.Duration
}

func (e *retryLater) Error() string { return e.err.Error() }
func (e *retryLater) Unwrap() error { return e.err }

// retryAfterSeconds is the Retry-After value of d: whole seconds, at
// least one.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

func tooMany(after time.Duration, format string, args ...any) error {
	return &retryLater{err: idproof.Errorf(idproof.ETOOMANY, format, args...), after: after}
}

// admitAddress applies the address's rate and lock-out to a request.
func (l *limits) admitAddress(ip string, cl class) error {
	if l.exempt(ip) {
		return nil
	}
	if l.ipRate != nil {
		if ok, wait := l.ipRate.Allow(ip); !ok {
			return tooMany(wait, "too many requests from this address; retry after %d s", retryAfterSeconds(wait))
		}
	}
	if l.ipFail != nil && cl != public {
		if d := l.ipFail.Locked(ip); d > 0 {
			return tooMany(d, "too many failed attempts from this address; retry after %d s", retryAfterSeconds(d))
		}
	}
	return nil
}

// admitKey applies the key's rate and lock-out once the caller has shown
// it holds the key: counting a key before that would let anyone who knows
// a public key spend its allowance.
func (l *limits) admitKey(pub, ip string) error {
	if l.keyFail != nil {
		if d := l.keyFail.Locked(pub); d > 0 {
			return tooMany(d, "too many failed attempts with this key; retry after %d s", retryAfterSeconds(d))
		}
	}
	if l.keyRate != nil && !l.exempt(ip) {
		if ok, wait := l.keyRate.Allow(pub); !ok {
			return tooMany(wait, "too many requests with this key; retry after %d s", retryAfterSeconds(wait))
		}
	}
	return nil
}

// failed counts a failed attempt of the address, and of the key when the
// caller proved it holds one.
func (l *limits) failed(ip, pub string) {
	if l.ipFail != nil && !l.exempt(ip) {
		l.ipFail.Fail(ip)
	}
	if l.keyFail != nil && pub != "" {
		l.keyFail.Fail(pub)
	}
}

// exempt reports whether ip is a loopback client the rates spare.
func (l *limits) exempt(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return !l.loopback && err == nil && a.Unmap().IsLoopback()
}

// clientIP is the address a request comes from: the peer's, or, when the
// peer is a trusted proxy, the last address of X-Forwarded-For that is not
// one (a client can write any addresses at the start of the header).
func (l *limits) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !l.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if addr = a.Unmap(); !l.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (l *limits) trusted(a netip.Addr) bool {
	for _, p := range l.proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
