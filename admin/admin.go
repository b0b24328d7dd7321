// Package admin holds the administrative operations that create and change
// credentials: service keys, licenses, and the first-run bootstrap. It is the
// one place that seals secrets before they reach the store.
package admin

import (
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
)

// Service performs administrative operations.
type Service struct {
	Store   idproof.Store
	Keyring *secret.Keyring
	Clock   idproof.Clock
}

// now is the clock at the millisecond precision the stores keep.
func (s *Service) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Millisecond) }
