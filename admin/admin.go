// Package admin holds the administrative operations that create and change
// credentials: service keys, licenses, and the first-run bootstrap. It is the
// one place that seals secrets before they reach the store.
package admin

import (
	"encoding/json"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
)

// Service performs administrative operations.
type Service struct {
	Store   idproof.Store
	Keyring *secret.Keyring
	Clock   idproof.Clock
	// ValidateConfig checks a verification configuration beyond its shape
	// (a known connector type, a config that connector accepts) before it
	// is stored. The connector comes with its secrets in clear. An error
	// that is not an *idproof.Error is reported as invalid input. nil
	// checks only the shape.
	ValidateConfig func(connector, verification json.RawMessage) error
}

// now is the clock at the millisecond precision the stores keep.
func (s *Service) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Millisecond) }
