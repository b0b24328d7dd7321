package proofing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// The audit trail. Every change the engine stores appends its entries to
// the session's trail in the same transaction (Session.Audit), chained to
// the head the session row keeps (Data.AuditSeq, Data.AuditHead): a change
// that loses a version race is retried from a fresh load, so its entries
// are rebuilt on the new head and the chain never forks. Entries are
// hashed as they are appended, so the head is known when the proof is
// signed in the same change, and proof_jwt binds the trail up to the
// session's completion.

// Audit actions besides the history activities, which are recorded under
// their own names.
const (
	AuditEvidence = "EVIDENCE_SUBMITTED"
	AuditFrames   = "LIVENESS_FRAMES_SUBMITTED"
	AuditReview   = "REVIEWED"
	AuditRedacted = "REDACTED"
)

// auditOriginPurpose names the key origins are hashed with.
const auditOriginPurpose = "audit origin v1"

// Caller is who makes a request, as the audit trail names them: Who is
// "relying-party:<license id>", "user:<key thumbprint>" and so on, IP the
// address the request came from.
type Caller struct {
	Who string
	IP  string
}

type callerKey struct{}

// WithCaller returns a context that tells the engine who acts, for the
// audit trail. Without one, changes are the system's (the sweeper's).
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// callerFrom is the caller of ctx, or the system.
func callerFrom(ctx context.Context) Caller {
	if c, ok := ctx.Value(callerKey{}).(Caller); ok && c.Who != "" {
		return c
	}
	return Caller{Who: "system"}
}

// KeyThumbprint names a public key in the audit trail without spelling it
// out: the first 16 hex digits of its SHA-256.
func KeyThumbprint(publicKey string) string {
	sum := sha256.Sum256([]byte(publicKey))
	return hex.EncodeToString(sum[:8])
}

// audit appends an entry to the session's pending trail and moves the
// head. detail is marshalled to compact JSON (nil for none).
func (e *Engine) audit(s *idproof.Session, d *Data, action string, detail any, now time.Time) {
	var raw json.RawMessage
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			e.log().Error("audit detail", "session", s.ID, "action", action, "err", err)
		} else if string(b) != "{}" {
			raw = b
		}
	}
	who := d.caller.Who
	if who == "" {
		who = "system"
	}
	ev := &idproof.AuditEvent{
		SessionID: s.ID, Seq: d.AuditSeq + 1, TS: now, Actor: who, Action: action,
		Detail: raw, PrevHash: d.AuditHead,
	}
	if d.caller.IP != "" {
		ev.Origin = e.Keyring.Index(auditOriginPurpose, s.TenantID, d.caller.IP)
	}
	ev.Hash = ev.ComputeHash()
	s.Audit = append(s.Audit, ev)
	d.AuditSeq, d.AuditHead = ev.Seq, ev.Hash
}

// AuditOrigin is the keyed hash an address is kept as in a tenant's audit
// trails, so that an operator can check whether an entry came from a
// given address.
func (e *Engine) AuditOrigin(tenantID, ip string) string {
	return e.Keyring.Index(auditOriginPurpose, tenantID, ip)
}

// AuditExport is a session's trail as the export shows it.
type AuditExport struct {
	SessionID string                `json:"sessionId"`
	Events    []*idproof.AuditEvent `json:"events"`
	Head      AuditHead             `json:"head"`
	// ProofJWT is the session's signed result, whose auditHead claim is
	// the hash of the entry that completed the session.
	ProofJWT string `json:"proof_jwt,omitempty"`
}

// AuditHead is the last entry of a trail.
type AuditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Audit returns the audit trail of a session the license sees.
func (e *Engine) Audit(ctx context.Context, lic *idproof.License, id string) (*AuditExport, error) {
	_, d, err := e.sessionFor(ctx, lic, id)
	if err != nil {
		return nil, err
	}
	events, err := e.Store.AuditEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	if events == nil {
		events = []*idproof.AuditEvent{}
	}
	out := &AuditExport{SessionID: id, Events: events, ProofJWT: d.ProofJWT}
	if n := len(events); n > 0 {
		out.Head = AuditHead{Seq: events[n-1].Seq, Hash: events[n-1].Hash}
	}
	return out, nil
}

// digest is the hex SHA-256 of a text the trail must not hold itself.
func digest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// evidenceItem is an image as the trail records it: by digest, never the
// bytes.
type evidenceItem struct {
	Name        string `json:"name"`
	SHA256      string `json:"sha256"`
	Bytes       int    `json:"bytes"`
	ContentType string `json:"contentType"`
}

// evidenceDetail lists submitted images in name order.
func evidenceDetail(refs map[string]ImageRef) map[string]any {
	items := make([]evidenceItem, 0, len(refs))
	for n, r := range refs {
		items = append(items, evidenceItem{Name: n, SHA256: r.SHA256, Bytes: r.Bytes, ContentType: r.ContentType})
	}
	slices.SortFunc(items, func(a, b evidenceItem) int { return strings.Compare(a.Name, b.Name) })
	return map[string]any{"images": items}
}

// verdictDetail is what the trail keeps of a verification: which
// connector, of which server version, decided what on which checks.
func (e *Engine) verdictDetail(v *StoredVerdict) map[string]any {
	checks := make([]map[string]string, 0, len(v.Checks))
	for _, c := range v.Checks {
		m := map[string]string{"name": c.Name, "result": string(c.Result)}
		if c.Part != "" {
			m["part"] = c.Part
		}
		if c.Reason != "" {
			m["reason"] = c.Reason
		}
		checks = append(checks, m)
	}
	out := map[string]any{"connector": v.Connector, "version": e.Version, "attempt": v.Attempt,
		"outcome": v.Outcome, "checks": checks}
	if v.Reason != "" {
		out["reason"] = v.Reason
	}
	if v.Sandbox {
		out["sandbox"] = true
	}
	return out
}
