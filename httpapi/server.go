// Package httpapi serves the API over HTTP: one route table, one error
// format, access classes as middleware, bodies in plain or enveloped form.
package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/blob"
	"github.com/idproof/idproof/capture"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/replay"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/wire"
)

// Config holds the settings of the HTTP layer.
type Config struct {
	// PublicURL is the base URL clients reach this server at (session URLs
	// and the service directory are built from it).
	PublicURL string
	// AllowedTimeSpan bounds |now - requestid.ts|.
	AllowedTimeSpan time.Duration
	// MaxBodyBytes limits request bodies of the routes that take plain
	// JSON; the routes that take images inline have larger limits of their
	// own.
	MaxBodyBytes int64
	// Limits bound what one caller can ask of the server; the zero value
	// sets none (DefaultLimits is what `idproof serve` uses).
	Limits Limits
	// LegacyAuth accepts the plain keyId/keySecret/license headers.
	LegacyAuth bool
	// ECDSAHelper enables POST /ecdsa_helper/{method}.
	ECDSAHelper bool
	// Version is reported by /healthz and /environment.
	Version string
	// AllowPrivateEndpoints lets webhook endpoints be plain http or
	// loopback, private and link-local addresses (tests, one network).
	AllowPrivateEndpoints bool
}

// Defaults for Config fields left zero.
const (
	DefaultAllowedTimeSpan = 60 * time.Second
	DefaultMaxBodyBytes    = 1 << 20
)

// Server is the HTTP API.
type Server struct {
	cfg        Config
	store      idproof.Store
	keys       *wire.Server
	admin      *admin.Service
	clock      idproof.Clock
	log        *slog.Logger
	connectors *connector.Registry
	engine     *proofing.Engine
	buckets    *blob.Resolver
	localBlob  http.Handler
	signer     *signing.Signer
	capture    *capture.Handler
	limits     *limits
	replay     replay.Guard
	kickHooks  func()
	handler    http.Handler
}

// Deps are the collaborators of the Server.
type Deps struct {
	Store  idproof.Store
	Keys   *wire.Server
	Admin  *admin.Service
	Clock  idproof.Clock
	Logger *slog.Logger
	// Connectors are the registered connector types (GET /info).
	Connectors *connector.Registry
	// Engine runs proofing sessions.
	Engine *proofing.Engine
	// Signer signs results; its keys are published at /.well-known/jwks.json.
	Signer *signing.Signer
	// Buckets resolves and validates community buckets.
	Buckets *blob.Resolver
	// LocalBlob serves the local bucket's presigned URLs under /blob/.
	LocalBlob http.Handler
	// Capture serves the hosted capture page at the session URLs.
	Capture *capture.Handler
	// Replay accepts each requestid once; nil records them in Store, which
	// holds across replicas sharing the database.
	Replay replay.Guard
	// KickWebhooks, when set, asks the webhook dispatcher to run now (a
	// delivery was resent).
	KickWebhooks func()
}

// New builds the Server and its routes.
func New(cfg Config, d Deps) *Server {
	if cfg.AllowedTimeSpan <= 0 {
		cfg.AllowedTimeSpan = DefaultAllowedTimeSpan
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if d.Clock == nil {
		d.Clock = idproof.SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, store: d.Store, keys: d.Keys, admin: d.Admin, clock: d.Clock, log: d.Logger, connectors: d.Connectors, engine: d.Engine, signer: d.Signer, buckets: d.Buckets, localBlob: d.LocalBlob, capture: d.Capture}
	s.limits = newLimits(cfg.Limits, d.Clock)
	s.replay = d.Replay
	s.kickHooks = d.KickWebhooks
	if s.replay == nil {
		s.replay = replay.Store{Store: d.Store}
	}
	s.handler = s.middleware(s.mux())
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
