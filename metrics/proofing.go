package metrics

import (
	"strings"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// Proofing is the proofing.Observer that counts session transitions,
// connector calls and sweeps.
type Proofing struct{}

var _ proofing.Observer = Proofing{}

// Transitions, the values of the transition label.
const (
	TransitionCreated   = "created"
	TransitionStarted   = "started"
	TransitionCompleted = "completed"
	TransitionExpired   = "expired"
	TransitionAbandoned = "abandoned"
	TransitionDeclined  = "declined"
	TransitionPurged    = "purged"
)

func init() {
	// Every transition and outcome is written from the start, at zero, so
	// that rate() and alerts see a series before the first event.
	for _, t := range []string{TransitionCreated, TransitionStarted, TransitionCompleted, TransitionExpired,
		TransitionAbandoned, TransitionDeclined, TransitionPurged} {
		transitions(t)
	}
	for _, o := range []idproof.Outcome{idproof.OutcomePass, idproof.OutcomeFailed, idproof.OutcomeNotPerformed, idproof.OutcomeReview} {
		completed(o)
	}
	for _, k := range []string{"expired", "abandoned", "purged", "skipped"} {
		swept(k)
	}
	set.GetOrCreateCounter("idproof_sweeper_runs_total")
	set.GetOrCreateCounter("idproof_sweeper_errors_total")
}

func transitions(t string) *vm.Counter {
	return set.GetOrCreateCounter(`idproof_session_transitions_total{transition=` + label(t) + `}`)
}

func transition(t string) { transitions(t).Inc() }

// SessionCreated counts a new session.
func (Proofing) SessionCreated() { transition(TransitionCreated) }

// SessionChanged counts a change of status: PENDING to INPROGRESS is
// "started", any other is the new status in lower case; a completion is
// counted by outcome too.
func (Proofing) SessionChanged(from, to idproof.SessionStatus, outcome idproof.Outcome) {
	switch to {
	case idproof.StatusInProgress:
		transition(TransitionStarted)
	case idproof.StatusCompleted:
		transition(TransitionCompleted)
		completed(outcome).Inc()
	default:
		transition(strings.ToLower(string(to)))
	}
}

func completed(o idproof.Outcome) *vm.Counter {
	return set.GetOrCreateCounter(`idproof_sessions_completed_total{outcome=` + label(string(o)) + `}`)
}

// SessionPurged counts a session whose personal data was deleted.
func (Proofing) SessionPurged() { transition(TransitionPurged) }

// ConnectorCalled counts and times a verification by connector type.
func (Proofing) ConnectorCalled(connectorType string, d time.Duration, err error) {
	l := `{connector=` + label(connectorType) + `}`
	set.GetOrCreateCounter(`idproof_connector_calls_total` + l).Inc()
	set.GetOrCreatePrometheusHistogramExt(`idproof_connector_duration_seconds`+l, remoteBuckets).Update(d.Seconds())
	errs := set.GetOrCreateCounter(`idproof_connector_errors_total` + l) // a series at zero
	if err != nil {
		errs.Inc()
	}
}

// Swept counts a sweep pass and the sessions it moved.
func (Proofing) Swept(r proofing.SweepResult, d time.Duration, err error) {
	set.GetOrCreateCounter("idproof_sweeper_runs_total").Inc()
	set.GetOrCreatePrometheusHistogramExt("idproof_sweeper_duration_seconds", sweepBuckets).Update(d.Seconds())
	if err != nil {
		set.GetOrCreateCounter("idproof_sweeper_errors_total").Inc()
	}
	swept("expired").Add(r.Expired)
	swept("abandoned").Add(r.Abandoned)
	swept("purged").Add(r.Purged)
	swept("skipped").Add(r.Skipped)
}

func swept(kind string) *vm.Counter {
	return set.GetOrCreateCounter(`idproof_sweeper_sessions_total{kind=` + label(kind) + `}`)
}
