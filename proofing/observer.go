package proofing

import (
	"time"

	"github.com/idproof/idproof"
)

// Observer is told what the engine did, so that it can be measured. It is
// called after a change is stored (a change that lost a version race and
// was retried is told once), on the goroutine that made it: its methods
// must be quick and safe for concurrent use. The engine works the same
// without one.
//
// Durations are measured on the process's monotonic clock, not the
// engine's Clock: they are about this process's work, and a test's fixed
// clock would show every call as instant.
type Observer interface {
	// SessionCreated is told of a new PENDING session.
	SessionCreated()
	// SessionChanged is told of a session saved with a status other than
	// the one it was loaded with; outcome is set once it is COMPLETED.
	SessionChanged(from, to idproof.SessionStatus, outcome idproof.Outcome)
	// SessionPurged is told of a session whose personal data was deleted
	// at the end of its retention.
	SessionPurged()
	// ConnectorCalled is told of each verification a connector ran, with
	// how long it took and its error, if it failed to answer.
	ConnectorCalled(connectorType string, d time.Duration, err error)
	// Swept is told of each sweep pass: what it did, how long it took and
	// the error that ended it early, if any.
	Swept(r SweepResult, d time.Duration, err error)
}

// nopObserver is the Observer of an engine without one.
type nopObserver struct{}

func (nopObserver) SessionCreated()                                              {}
func (nopObserver) SessionChanged(_, _ idproof.SessionStatus, _ idproof.Outcome) {}
func (nopObserver) SessionPurged()                                               {}
func (nopObserver) ConnectorCalled(string, time.Duration, error)                 {}
func (nopObserver) Swept(SweepResult, time.Duration, error)                      {}

func (e *Engine) observer() Observer {
	if e.Observer == nil {
		return nopObserver{}
	}
	return e.Observer
}

// observeChange tells the observer of s if it was saved with another
// status than from.
func (e *Engine) observeChange(from idproof.SessionStatus, s *idproof.Session) {
	if s.Status != from {
		e.observer().SessionChanged(from, s.Status, s.Outcome)
	}
}
