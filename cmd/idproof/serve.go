package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
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
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/signing"
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
	maxBody := fs.Int64("max-body-bytes", httpapi.DefaultMaxBodyBytes, "largest accepted request body")
	legacy := fs.Bool("legacy-auth", envBool("IDPROOF_LEGACY_AUTH", true), "accept the plain keyId/keySecret/license headers (env IDPROOF_LEGACY_AUTH)")
	helper := fs.Bool("ecdsa-helper", envBool("IDPROOF_ECDSA_HELPER", true), "serve POST /ecdsa_helper/{method} (env IDPROOF_ECDSA_HELPER)")
	allowPrivate := fs.Bool("allow-private-endpoints", envBool("IDPROOF_ALLOW_PRIVATE_ENDPOINTS", false), "let bucket and connector endpoints be loopback, private or plain-http addresses (an on-premises S3, tests) (env IDPROOF_ALLOW_PRIVATE_ENDPOINTS)")
	sweepEvery := fs.Duration("sweep-interval", 30*time.Second, "how often expired, abandoned and retention-ended sessions are processed")
	logFormat := fs.String("log-format", envOr("IDPROOF_LOG_FORMAT", "text"), "text or json (env IDPROOF_LOG_FORMAT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"serve takes no arguments, got " + strings.Join(fs.Args(), " ")}
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

	if err := sf.check(); err != nil {
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
	base := *publicURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	b, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
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
		Blobs: buckets.Resolve, PublicURL: base, ServerPublicKey: keys.PublicKey(), Log: log,
	}
	b.admin.ValidateConfig = engine.ValidateConfig
	page := capture.New(capture.Deps{
		Session: b.store.Session,
		Settings: func(ctx context.Context, _, communityID string) (capture.Settings, error) {
			return capture.LoadSettings(ctx, b.store, communityID)
		},
		UploadOrigins: capture.BucketOrigins(buckets.Resolve), PublicURL: base, Logger: log,
	})
	api := httpapi.New(httpapi.Config{
		PublicURL: base, AllowedTimeSpan: *span, MaxBodyBytes: *maxBody,
		LegacyAuth: *legacy, ECDSAHelper: *helper, Version: version(),
	}, httpapi.Deps{Store: b.store, Keys: keys, Admin: b.admin, Clock: idproof.SystemClock{}, Logger: log,
		Connectors: engine.Connectors, Engine: engine, Signer: signer, Buckets: buckets, LocalBlob: localBlob.Handler(), Capture: page})

	// Bootstrap before announcing the address: whoever waits for that line
	// may use the credentials at once.
	welcome, err := greet(ctx, b, sf.data, base)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "idproof %s listening on http://%s (public URL %s, %s)\n%s", version(), ln.Addr(), base, b.where, welcome)

	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go purgeRequestIDs(ctx, b.store, log)
	go engine.RunSweeper(ctx, *sweepEvery)

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

// purgeRequestIDs forgets request ids whose window has passed, once a
// minute, until ctx ends. Every replica runs it; the deletes are idempotent.
func purgeRequestIDs(ctx context.Context, st idproof.ReplayStore, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
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
		}
	}
}

// connectors is the registry of connector types this binary offers.
func connectors() *connector.Registry {
	return connector.NewRegistry(sandbox.Type(), native.Type(), microblink.Type(), authenticid.Type())
}
