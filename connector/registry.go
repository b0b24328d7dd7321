// Package connector holds the registry of connector types. A type registers
// an id and a constructor; the constructor decodes and validates its own
// config, so a bad configuration is refused when it is stored, not when a
// user is halfway through a session.
package connector

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/netguard"
)

// Info is one capability a connector type advertises in GET /info.
type Info struct {
	VerifierType string `json:"verifierType"`
	DocType      string `json:"docType"`
}

// Config is what a connector is built from.
type Config struct {
	// Connector is connector.config of the session or verification
	// configuration: vendor endpoints and credentials.
	Connector json.RawMessage
	// Verification is verification.config: per-verification options.
	Verification json.RawMessage
	// HTTP is the client for outbound calls. It refuses private, loopback
	// and link-local targets unless the server allows them.
	HTTP *http.Client
	// AllowPrivate tells whether such targets (and plain http) are allowed,
	// for checking configured URLs up front with netguard.CheckURL.
	AllowPrivate bool
}

// Type describes a connector type.
type Type struct {
	ID string
	// New builds a connector. It must reject a configuration it cannot use
	// with an EINVALID error naming the field, without network calls: it
	// runs when a configuration is stored and when a session is created.
	New func(cfg Config) (idproof.Connector, error)
	// Infos are the (verifierType, docType) pairs the type handles.
	Infos []Info
}

// Registry maps connector type ids to their constructors.
type Registry struct {
	types        map[string]Type
	client       *http.Client
	allowPrivate bool
}

// NewRegistry returns a registry holding types, whose connectors call out
// through a guarded client (no private targets).
func NewRegistry(types ...Type) *Registry {
	r := &Registry{types: map[string]Type{}}
	for _, t := range types {
		r.Register(t)
	}
	return r.WithNetwork(false)
}

// WithNetwork sets whether connectors may reach private, loopback and
// link-local addresses and plain http (tests, on-premises vendors).
func (r *Registry) WithNetwork(allowPrivate bool) *Registry {
	r.allowPrivate = allowPrivate
	r.client = netguard.Client(netguard.Options{AllowPrivate: allowPrivate, Timeout: 90 * time.Second})
	return r
}

// Register adds a type; registering an id twice is a programming error.
func (r *Registry) Register(t Type) {
	if _, dup := r.types[t.ID]; dup || t.ID == "" || t.New == nil {
		panic("connector: bad or duplicate registration of " + t.ID)
	}
	r.types[t.ID] = t
}

// New builds the connector described by spec, with the verification
// object's config (may be empty).
func (r *Registry) New(spec idproof.ConnectorSpec, verification json.RawMessage) (idproof.Connector, error) {
	t, ok := r.types[spec.Type]
	if !ok {
		return nil, idproof.Errorf(idproof.EINVALID, "connector.type %q is not known; known types: %s", spec.Type, strings.Join(r.IDs(), ", "))
	}
	return t.New(Config{Connector: spec.Config, Verification: verificationConfig(verification), HTTP: r.client, AllowPrivate: r.allowPrivate})
}

// verificationConfig extracts config from a verification object.
func verificationConfig(verification json.RawMessage) json.RawMessage {
	var v struct {
		Config json.RawMessage `json:"config"`
	}
	if json.Unmarshal(verification, &v) != nil {
		return nil
	}
	return v.Config
}

// ParseSpec decodes a connector object and checks that it can be built
// with the given verification object.
func (r *Registry) ParseSpec(raw, verification json.RawMessage) (idproof.ConnectorSpec, error) {
	var spec idproof.ConnectorSpec
	if len(raw) == 0 {
		return spec, idproof.Errorf(idproof.EINVALID, "connector is required")
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return spec, idproof.Errorf(idproof.EINVALID, "connector must be an object with a string type: %v", err)
	}
	if spec.Type == "" {
		return spec, idproof.Errorf(idproof.EINVALID, "connector.type is required")
	}
	_, err := r.New(spec, verification)
	return spec, err
}

// HTTPClient is the guarded client connectors call out with; the server
// uses it too for the images a request names by URL.
func (r *Registry) HTTPClient() *http.Client { return r.client }

// IDs lists the registered type ids, sorted.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.types))
	for id := range r.types {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Infos lists the capabilities of every registered type, for GET /info.
func (r *Registry) Infos() []Info {
	var out []Info
	for _, id := range r.IDs() {
		out = append(out, r.types[id].Infos...)
	}
	return out
}
