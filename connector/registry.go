// Package connector holds the registry of connector types. A type registers
// an id and a constructor; the constructor decodes and validates its own
// config, so a bad configuration is refused when it is stored, not when a
// user is halfway through a session.
package connector

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/idproof/idproof"
)

// Info is one capability a connector type advertises in GET /info.
type Info struct {
	VerifierType string `json:"verifierType"`
	DocType      string `json:"docType"`
}

// Type describes a connector type.
type Type struct {
	ID string
	// New builds a connector from the connector object's config. It must
	// reject a config it cannot use with an EINVALID error naming the field.
	New func(config json.RawMessage) (idproof.Connector, error)
	// Infos are the (verifierType, docType) pairs the type handles.
	Infos []Info
}

// Registry maps connector type ids to their constructors.
type Registry struct{ types map[string]Type }

// NewRegistry returns a registry holding types.
func NewRegistry(types ...Type) *Registry {
	r := &Registry{types: map[string]Type{}}
	for _, t := range types {
		r.Register(t)
	}
	return r
}

// Register adds a type; registering an id twice is a programming error.
func (r *Registry) Register(t Type) {
	if _, dup := r.types[t.ID]; dup || t.ID == "" || t.New == nil {
		panic("connector: bad or duplicate registration of " + t.ID)
	}
	r.types[t.ID] = t
}

// New builds the connector described by spec.
func (r *Registry) New(spec idproof.ConnectorSpec) (idproof.Connector, error) {
	t, ok := r.types[spec.Type]
	if !ok {
		return nil, idproof.Errorf(idproof.EINVALID, "connector.type %q is not known; known types: %s", spec.Type, strings.Join(r.IDs(), ", "))
	}
	return t.New(spec.Config)
}

// ParseSpec decodes a connector object and checks that it can be built.
func (r *Registry) ParseSpec(raw json.RawMessage) (idproof.ConnectorSpec, error) {
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
	_, err := r.New(spec)
	return spec, err
}

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
