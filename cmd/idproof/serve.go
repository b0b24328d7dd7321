package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/blob"
	"github.com/idproof/idproof/blob/local"
	"github.com/idproof/idproof/capture"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/authenticid"
	"github.com/idproof/idproof/connector/microblink"
	"github.com/idproof/idproof/connector/native"
	"github.com/idproof/idproof/connector/sandbox"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/imagecheck"
	"github.com/idproof/idproof/metrics"
	"github.com/idproof/idproof/netguard"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/replay"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/storecache"
	"github.com/idproof/idproof/webhook"
	"github.com/idproof/idproof/wire"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("IDPROOF_ADDR", "127.0.0.1:8080"), "address to listen on (env IDPROOF_ADDR)")
	publicURL := fs.String("public-url", envOr("IDPROOF_PUBLIC_URL", ""), "base URL of this server as clients see it; default http://<addr> (env IDPROOF_PUBLIC_URL)")
	span := fs.Duration("allowed-time-span", httpapi.DefaultAllowedTimeSpan, "largest accepted difference between a requestid's ts and server time")
	maxBody := fs.Int64("max-body-bytes", httpapi.DefaultMaxBodyBytes, "largest accepted body of the routes that take plain JSON (those that take images inline have their own, larger limits)")
	lim := httpapi.DefaultLimits
	fs.Int64Var(&lim.BodyMemory, "body-memory", lim.BodyMemory, "bytes of request bodies held in memory at once; a request that finds no room within --body-wait gets 503; 0 for no bound")
	fs.DurationVar(&lim.BodyWait, "body-wait", lim.BodyWait, "how long a request waits for room under --body-memory")
	fs.Float64Var(&lim.KeyRate, "key-rate", lim.KeyRate, "requests per second of one public key, after a burst of --key-burst; 0 for no limit")
	fs.IntVar(&lim.KeyBurst, "key-burst", lim.KeyBurst, "requests one public key may send at once")
	fs.Float64Var(&lim.IPRate, "ip-rate", lim.IPRate, "requests per second of one client address, after a burst of --ip-burst; 0 for no limit")
	fs.IntVar(&lim.IPBurst, "ip-burst", lim.IPBurst, "requests one client address may send at once")
	fs.IntVar(&lim.FailureLimit, "failure-limit", lim.FailureLimit, "failed credentials or unknown session ids of one key or address within --failure-window that lock it out for --lockout; 0 for no lock-out")
	fs.DurationVar(&lim.FailureWindow, "failure-window", lim.FailureWindow, "the window --failure-limit counts in")
	fs.DurationVar(&lim.LockoutFor, "lockout", lim.LockoutFor, "how long a key or address stays locked out")
	fs.BoolVar(&lim.LimitLoopback, "limit-loopback", lim.LimitLoopback, "apply --ip-rate, --key-rate and the address lock-out to loopback clients too (default: spared; behind a local proxy, declare it with --trusted-proxy instead)")
	fs.Func("trusted-proxy", "address or CIDR of a proxy whose X-Forwarded-For names the client; repeat or separate with commas (default: none, the header is ignored)", func(v string) error {
		for _, p := range strings.Split(v, ",") {
			pf, err := netip.ParsePrefix(strings.TrimSpace(p))
			if a, aerr := netip.ParseAddr(strings.TrimSpace(p)); err != nil && aerr == nil {
				pf, err = netip.PrefixFrom(a, a.BitLen()), nil // one address
			}
			if err != nil {
				return err
			}
			lim.TrustedProxies = append(lim.TrustedProxies, pf.Masked())
		}
		return nil
	})
	// Off by default: the legacy headers carry a private key in clear and
	// may be replayed.
	legacy := fs.Bool("legacy-auth", envBool("IDPROOF_LEGACY_AUTH", false), "accept the plain keyId/keySecret/license headers, which carry a private key in clear and can be replayed (env IDPROOF_LEGACY_AUTH)")
	helper := fs.Bool("ecdsa-helper", envBool("IDPROOF_ECDSA_HELPER", true), "serve POST /ecdsa_helper/{method} (env IDPROOF_ECDSA_HELPER)")
	allowPrivate := fs.Bool("allow-private-endpoints", envBool("IDPROOF_ALLOW_PRIVATE_ENDPOINTS", false), "let bucket, connector and webhook endpoints be loopback, private or plain-http addresses (an on-premises S3, tests) (env IDPROOF_ALLOW_PRIVATE_ENDPOINTS)")
	sweepEvery := fs.Duration("sweep-interval", 30*time.Second, "how often expired, abandoned and retention-ended sessions are processed")
	hookEvery := fs.Duration("webhook-interval", time.Second, "how often webhook deliveries that are due are looked for (new events are sent at once)")
	var hookPolicy webhook.Policy
	fs.DurationVar(&hookPolicy.Base, "webhook-retry-base", webhook.DefaultRetryBase, "wait after a webhook delivery's first failure; it doubles with every further failure")
	fs.DurationVar(&hookPolicy.Max, "webhook-retry-max", webhook.DefaultRetryMax, "longest wait between two tries of a webhook delivery")
	fs.DurationVar(&hookPolicy.Window, "webhook-retry-window", webhook.DefaultRetryWindow, "how long a failing webhook delivery is retried before it is marked FAILED")
	hookLease := fs.Duration("webhook-lease", webhook.DefaultLease, "how long a replica holds the webhook deliveries it is sending; after a crash they are sent again when it ends (at least 15s, longer than one try)")
	logFormat := fs.String("log-format", envOr("IDPROOF_LOG_FORMAT", "text"), "text or json (env IDPROOF_LOG_FORMAT)")
	// Off by default: metrics are unauthenticated, so where they are served
	// is the operator's choice (a loopback or private address).
	metricsAddr := fs.String("metrics-addr", envOr("IDPROOF_METRICS_ADDR", ""), "serve Prometheus metrics at /metrics on this address, apart from the API, e.g. 127.0.0.1:9464; empty for none (env IDPROOF_METRICS_ADDR)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for go tool pprof")
	var tr transportFlags
	tr.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"serve takes no arguments, got " + strings.Join(fs.Args(), " ")}
	}
	if *hookEvery <= 0 || hookPolicy.Base <= 0 || hookPolicy.Max < hookPolicy.Base || hookPolicy.Window <= 0 {
		return usageError{"--webhook-interval, --webhook-retry-base and --webhook-retry-window must be positive, and --webhook-retry-max at least --webhook-retry-base"}
	}
	if *hookLease < webhook.DefaultTimeout+5*time.Second {
		// A lease that ends while a try is still running would let another
		// replica send the same delivery at the same time.
		return usageError{fmt.Sprintf("--webhook-lease must be at least %s", webhook.DefaultTimeout+5*time.Second)}
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return usageError{"--log-format must be text or json"}
	}
	log := slog.New(handler)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// Packages without a logger of their own (netguard's clients, which
	// log why a configured endpoint was unreachable) use the default.
	slog.SetDefault(log)

	if err := sf.check(); err != nil {
		return err
	}
	tlsConfig, err := tr.tlsConfig()
	if err != nil {
		return err
	}
	// Listen before anything is written to the data directory: a port
	// already taken must not leave a master key and a database behind.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		hint := "pick another address with --addr HOST:PORT, or IDPROOF_ADDR"
		if errors.Is(err, syscall.EADDRINUSE) {
			hint = "is another server running there? " + hint
		}
		var op *net.OpError
		if errors.As(err, &op) {
			err = op.Err // the address is said once below
		}
		return fmt.Errorf("cannot listen on %s: %w (%s)", *addr, err, hint)
	}
	defer ln.Close()
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fmt.Errorf("cannot listen on --metrics-addr %s: %w", *metricsAddr, err)
		}
		defer metricsLn.Close()
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	base := *publicURL
	if base == "" {
		base = scheme + "://" + ln.Addr().String()
	}
	b, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	// The rows read on every request (license, tenant, community, dvc)
	// come from memory; PostgreSQL's notices keep every replica's copy
	// current (see storecache).
	feed, _ := b.store.(storecache.Feed)
	// SQLite is written by this process alone: its sessions are kept too.
	b.store = storecache.New(b.store, storecache.Options{Feed: feed, Sessions: feed == nil})
	b.admin.Store = b.store
	defer b.store.Close()
	priv, err := admin.ServerKey(ctx, b.store, b.keyring)
	if err != nil {
		return fmt.Errorf("server key: %w", err)
	}
	signer, err := signing.Load(ctx, b.store, b.keyring)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	keys := wire.NewServer(priv, 0)
	// The embedded bucket: files in the data dir, URLs signed with a key
	// derived from the master key (the same on every replica; the files are
	// not, so several replicas need a shared bucket such as S3).
	localBlob, err := local.New(local.Config{Dir: filepath.Join(sf.data, "blobs"), BaseURL: base,
		Secret: b.keyring.Derive("local-blob-urls"), MaxObjectBytes: imagecheck.DefaultLimits.MaxBytes, Log: log})
	if err != nil {
		return fmt.Errorf("local bucket: %w", err)
	}
	buckets := &blob.Resolver{Buckets: b.store, Keyring: b.keyring, Opener: &blob.Opener{Local: localBlob, AllowPrivate: *allowPrivate}}
	engine := &proofing.Engine{
		Store: b.store, Keyring: b.keyring, Connectors: connectors().WithNetwork(*allowPrivate), Signer: signer, Clock: idproof.SystemClock{},
		Blobs: blob.Observed(buckets.Resolve, metrics.Blob{}), PublicURL: base, ServerPublicKey: keys.PublicKey(), Log: log,
		Observer: metrics.Proofing{}, Version: version(),
	}
	b.admin.ValidateConfig = engine.ValidateConfig
	page := capture.New(capture.Deps{
		Session: b.store.Session,
		Settings: func(ctx context.Context, _, communityID string) (capture.Settings, error) {
			return capture.LoadSettings(ctx, b.store, communityID)
		},
		UploadOrigins: capture.BucketOrigins(buckets.Resolve), PublicURL: base, Logger: log,
	})
	// On its own SQLite file this server is the only one accepting
	// requestids, so it remembers them in memory instead of writing one row
	// per request; replicas on PostgreSQL share them through the database.
	var guard replay.Guard
	guardStart := time.Now()
	if sf.databaseURL == "" {
		guard = replay.NewMemory(replay.MemoryConfig{Start: guardStart, Durable: replay.Store{Store: b.store}, Window: *span})
	}
	if g, ok := guard.(interface{ Len() int }); ok {
		metrics.SetReplaySize(g.Len)
	}
	// Webhook endpoints are tenants' input, guarded as connector URLs are.
	hooks := &webhook.Dispatcher{Store: b.store, Open: b.keyring.Open, Clock: idproof.SystemClock{}, Log: log, Policy: hookPolicy, Lease: *hookLease,
		HTTP: netguard.Client(netguard.Options{AllowPrivate: *allowPrivate, Timeout: webhook.DefaultTimeout, Log: log})}
	engine.OnOutbox = hooks.Kick
	api := httpapi.New(httpapi.Config{
		PublicURL: base, AllowedTimeSpan: *span, MaxBodyBytes: *maxBody, Limits: lim,
		LegacyAuth: *legacy, ECDSAHelper: *helper, Version: version(), AllowPrivateEndpoints: *allowPrivate,
	}, httpapi.Deps{Store: b.store, Keys: keys, Admin: b.admin, Clock: idproof.SystemClock{}, Logger: log,
		Connectors: engine.Connectors, Engine: engine, Signer: signer, Buckets: buckets, LocalBlob: localBlob.Handler(), Capture: page, Replay: guard,
		KickWebhooks: hooks.Kick})

	// Bootstrap before announcing the address: whoever waits for that line
	// may use the credentials at once.
	welcome, err := greet(ctx, b, sf.data, base)
	if err != nil {
		return err
	}
	if guard != nil {
		// The memory guard refuses requestids dated before its start, and
		// a requestid's ts is in whole seconds: answering from the next
		// second on lets clients' current requestids pass.
		time.Sleep(time.Until(guardStart.Truncate(time.Second).Add(time.Second)))
	}
	if metricsLn != nil {
		go func() {
			if err := metrics.Serve(ctx, metricsLn); err != nil {
				log.Error("metrics listener stopped", "err", err)
			}
		}()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", metricsLn.Addr())
	}
	fmt.Fprintf(stdout, "idproof %s listening on %s://%s (public URL %s, %s)\n%s", version(), scheme, ln.Addr(), base, b.where, welcome)

	srv := tr.Transport.HTTPServer(api)
	srv.TLSConfig = tlsConfig
	errc := make(chan error, 1)
	go func() {
		l := tr.Transport.Listener(ln)
		if tlsConfig != nil {
			errc <- srv.ServeTLS(l, "", "") // the certificate is in TLSConfig
		} else {
			errc <- srv.Serve(l)
		}
	}()
	go purgeExpired(ctx, b.store, log)
	go engine.RunSweeper(ctx, *sweepEvery)
	go hooks.Run(ctx, *hookEvery)

	select {
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// purgeExpired forgets request ids whose window has passed, once a minute,
// and expired idempotency keys, once an hour (they are checked on read, so
// the purge only bounds the table), until ctx ends. Every replica runs it;
// the deletes are idempotent.
func purgeExpired(ctx context.Context, st idproof.Store, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := st.PurgeRequestIDs(ctx, time.Now())
			if err != nil && ctx.Err() == nil {
				log.Warn("purge request ids", "err", err)
			} else if n > 0 {
				log.Debug("purged request ids", "count", n)
			}
			if i%60 != 0 {
				continue
			}
			n, err = st.PurgeIdempotencyKeys(ctx, time.Now())
			if err != nil && ctx.Err() == nil {
				log.Warn("purge idempotency keys", "err", err)
			} else if n > 0 {
				log.Debug("purged idempotency keys", "count", n)
			}
		}
	}
}

// connectors is the registry of connector types this binary offers.
func connectors() *connector.Registry {
	return connector.NewRegistry(sandbox.Type(), native.Type(), microblink.Type(), authenticid.Type())
}

// transportFlags are the connection limits and TLS settings of serve.
type transportFlags struct {
	httpapi.Transport
	tlsCert, tlsKey string
}

func (f *transportFlags) register(fs *flag.FlagSet) {
	d := httpapi.DefaultTransport
	fs.DurationVar(&f.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "longest time for a request's headers to arrive")
	fs.DurationVar(&f.ReadTimeout, "read-timeout", d.ReadTimeout, "longest time for a whole request to arrive; on upload routes, the allowance before --min-upload-rate counts")
	fs.DurationVar(&f.WriteTimeout, "write-timeout", d.WriteTimeout, "longest time from a request's headers to the end of its reply (covers connector calls)")
	fs.DurationVar(&f.IdleTimeout, "idle-timeout", d.IdleTimeout, "how long a kept-alive connection may wait for its next request")
	fs.Int64Var(&f.MinUploadRate, "min-upload-rate", d.MinUploadRate, "slowest accepted body, in bytes per second, on routes that take images")
	fs.IntVar(&f.MaxConns, "max-connections", d.MaxConns, "connections open at once; more wait to be accepted; 0 for no cap")
	fs.StringVar(&f.tlsCert, "tls-cert", envOr("IDPROOF_TLS_CERT", ""), "PEM certificate chain: serve https, with HSTS (env IDPROOF_TLS_CERT)")
	fs.StringVar(&f.tlsKey, "tls-key", envOr("IDPROOF_TLS_KEY", ""), "PEM private key of --tls-cert (env IDPROOF_TLS_KEY)")
}

// tlsConfig loads the certificate, or returns nil when serve runs plain
// http (behind a TLS-terminating proxy, or for a local try-out). It runs
// before anything is written, so a wrong path costs nothing.
func (f *transportFlags) tlsConfig() (*tls.Config, error) {
	if f.MinUploadRate < 0 || f.MaxConns < 0 {
		return nil, usageError{"--min-upload-rate and --max-connections must not be negative"}
	}
	switch {
	case f.tlsCert == "" && f.tlsKey == "":
		return nil, nil
	case f.tlsCert == "" || f.tlsKey == "":
		return nil, usageError{"--tls-cert and --tls-key go together"}
	}
	cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
