package idproof

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEvent is one entry of a session's audit trail: an append-only log
// of who did what, when and from where, chained by hashes so that an entry
// changed, removed or inserted after the fact is detected.
//
// The trail outlives redaction, so it holds no personal data: the caller's
// address is kept only as a keyed hash (Origin), and evidence only by its
// digest.
type AuditEvent struct {
	SessionID string    `json:"sessionId"`
	Seq       int64     `json:"seq"` // 1, 2, ... without gaps
	TS        time.Time `json:"ts"`  // millisecond precision, UTC
	// Actor is who acted: "license:<license id>" for a relying party or
	// reviewer, "user:<key thumbprint>" for the capture page's key, or
	// "system" for what time alone does (expiry, retention).
	Actor  string `json:"actor"`
	Action string `json:"action"`
	// Origin is a keyed hash of the caller's IP address; "" for the system.
	Origin string `json:"origin,omitempty"`
	// Detail is what the action carries: evidence digests, connector and
	// version, outcome, reason (compact JSON object, or empty).
	Detail   json.RawMessage `json:"detail,omitempty"`
	PrevHash string          `json:"prevHash"` // "" for the first entry
	Hash     string          `json:"hash"`
}

// auditHashed is what an entry's hash covers: every field but the hash,
// the time as epoch milliseconds.
type auditHashed struct {
	SessionID string          `json:"sessionId"`
	Seq       int64           `json:"seq"`
	TS        int64           `json:"ts"`
	Actor     string          `json:"actor"`
	Action    string          `json:"action"`
	Origin    string          `json:"origin"`
	Detail    json.RawMessage `json:"detail"`
	PrevHash  string          `json:"prevHash"`
}

// ComputeHash returns the hex SHA-256 of the entry's canonical JSON (its
// fields in a fixed order, Detail as stored), which includes PrevHash: each
// hash covers the whole chain before it.
func (e *AuditEvent) ComputeHash() string {
	detail := e.Detail
	if len(detail) == 0 {
		detail = json.RawMessage("null")
	}
	b, err := json.Marshal(auditHashed{e.SessionID, e.Seq, e.TS.UnixMilli(), e.Actor, e.Action, e.Origin, detail, e.PrevHash})
	if err != nil {
		// Detail is not valid JSON: hash its bytes as a string so that the
		// entry still has a hash, which the stored one will not match.
		b, _ = json.Marshal(auditHashed{e.SessionID, e.Seq, e.TS.UnixMilli(), e.Actor, e.Action, e.Origin, nil, e.PrevHash + "\x00" + string(detail)})
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// VerifyAuditChain checks a session's trail, first entry first: sequence
// numbers from 1 without gaps, one session, each entry's PrevHash the hash
// of the one before, and each Hash what ComputeHash gives. It returns the
// first problem found, naming the entry.
func VerifyAuditChain(events []*AuditEvent) error {
	prev := ""
	for i, e := range events {
		switch {
		case e.Seq != int64(i+1):
			return fmt.Errorf("entry %d: sequence number %d, want %d (an entry is missing or was inserted)", i+1, e.Seq, i+1)
		case i > 0 && e.SessionID != events[0].SessionID:
			return fmt.Errorf("entry %d: belongs to session %s, not %s", e.Seq, e.SessionID, events[0].SessionID)
		case e.PrevHash != prev:
			return fmt.Errorf("entry %d: prevHash %.16s… does not match the hash of entry %d", e.Seq, e.PrevHash, e.Seq-1)
		case e.ComputeHash() != e.Hash:
			return fmt.Errorf("entry %d (%s): its content does not match its hash: it was changed after it was written", e.Seq, e.Action)
		}
		prev = e.Hash
	}
	return nil
}

// AuditStore reads audit trails. Entries are appended only with the
// session change they record (Session.Audit), in its transaction.
type AuditStore interface {
	// AuditEvents returns a session's trail, Seq order; none is not an error.
	AuditEvents(ctx context.Context, sessionID string) ([]*AuditEvent, error)
}
