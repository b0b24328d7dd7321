package idproof

import (
	"encoding/json"
	"time"
)

// SessionStatus is where a proofing session is in its lifecycle.
type SessionStatus string

// Session statuses. COMPLETED, EXPIRED, ABANDONED and DECLINED are terminal.
const (
	StatusPending    SessionStatus = "PENDING"
	StatusInProgress SessionStatus = "INPROGRESS"
	StatusCompleted  SessionStatus = "COMPLETED"
	StatusExpired    SessionStatus = "EXPIRED"
	StatusAbandoned  SessionStatus = "ABANDONED"
	StatusDeclined   SessionStatus = "DECLINED"
)

// Terminal reports whether no further transition is possible from s.
func (s SessionStatus) Terminal() bool {
	switch s {
	case StatusCompleted, StatusExpired, StatusAbandoned, StatusDeclined:
		return true
	}
	return false
}

// Outcome is the overall result of a finished session (resultStatus, or
// overallRecommendation in listings).
type Outcome string

// Session outcomes.
const (
	OutcomePass         Outcome = "COMPLETED_PASS"
	OutcomeFailed       Outcome = "COMPLETED_FAILED"
	OutcomeNotPerformed Outcome = "COMPLETED_NOT_PERFORMED"
	OutcomeReview       Outcome = "REVIEW"
)

// Document types a session can ask for.
const (
	DocDriversLicense = "dl_object"
	DocPassport       = "ppt_object"
	DocIDCard         = "idcard_object"
)

// ValidDocumentType reports whether t is a document type the API knows.
func ValidDocumentType(t string) bool {
	return t == DocDriversLicense || t == DocPassport || t == DocIDCard
}

// SessionUser is the relying party's description of the person to proof.
type SessionUser struct {
	UID       string `json:"uid,omitempty"`
	Username  string `json:"username,omitempty"`
	Firstname string `json:"firstname,omitempty"`
	Lastname  string `json:"lastname,omitempty"`
}

// SessionLookup holds keyed hashes (HMAC-SHA256 under a key derived from
// the master key) of a session user's normalised first name, last name and
// uid, so that listings can find a user by exact name or uid while the
// names themselves are stored only sealed. "" means no value. The proofing
// package computes them; stores compare them and nothing else.
type SessionLookup struct {
	UID       string
	Firstname string
	Lastname  string
}

// Session is one proofing session. The columns that listings filter on are
// fields; everything else the engine keeps (history, events, submissions,
// results) lives in Data, whose shape the proofing package owns.
//
// Personal data is never handed to a store in plain text: the engine seals
// User, DID and the personal parts of Data (what was read from the
// document, the vendor's answer) into PersonalSealed, files the keyed
// hashes listings match in Lookup, and writes User and DID empty. Stores
// persist every field as given; User and DID hold plain values only in
// rows written before personal data was sealed, which the engine reads
// and re-seals.
type Session struct {
	ID             string // UUIDv4
	TenantID       string
	CommunityID    string
	TenantDNS      string
	CommunityName  string
	DVCID          string
	DocumentType   string
	Status         SessionStatus
	Outcome        Outcome // "" until finished
	User           SessionUser
	DID            string
	BoundKey       string // the publickey that started the session
	Retries        int
	CreatedAt      time.Time
	ExpiresAt      time.Time
	StartedAt      time.Time // zero until started
	CompletedAt    time.Time // zero until terminal
	LastActivityAt time.Time
	PurgeAt        time.Time // zero: nothing left to purge
	// DueAt is the next time the sweeper must look at the session (expiry,
	// abandonment or purge, whichever comes first); zero when none is due.
	// The engine keeps it current on every update.
	DueAt           time.Time
	ConnectorSealed []byte          // connector snapshot (it may hold secrets), sealed
	PersonalSealed  []byte          // the session's personal data, sealed; nil in rows written before sealing
	Lookup          SessionLookup   // keyed hashes of the user's names and uid, for listings
	Data            json.RawMessage // engine-owned JSON document, without personal data
	Version         int64           // optimistic concurrency: bumped by every update

	// Outbox and Audit are written with the session by CreateSession and
	// UpdateSession, in its transaction, and never read back into it:
	// the webhook events the change causes and the entries it appends to
	// the session's audit trail.
	Outbox []*WebhookEvent
	Audit  []*AuditEvent
}

// SessionFilter selects sessions for a listing. Zero fields do not filter.
// CreatedFrom/CreatedTo bound CreatedAt, inclusive.
//
// Names and uids are stored sealed, so they cannot be searched as text:
// Name keeps the sessions whose user's first or last name is Name and UID
// those whose uid is UID, each compared whole and case-insensitively
// (after trimming), never as a substring. The engine turns them into the
// keyed hashes NameKey and UIDKey, which is all a store compares; a store
// refuses a filter with Name or UID still set rather than ignore it.
type SessionFilter struct {
	TenantID    string
	CommunityID string
	ID          string
	// Statuses and StatusOutcomes together keep the sessions whose status
	// is one of Statuses or whose outcome is one of StatusOutcomes: the
	// API's status filter names either.
	Statuses       []SessionStatus
	StatusOutcomes []Outcome
	// Outcomes keeps the sessions whose outcome is one of these.
	Outcomes []Outcome
	// DocumentTypes keeps the sessions of one of these document types.
	DocumentTypes []string
	Name          string
	UID           string
	// NameKey keeps the sessions whose Lookup.Firstname or Lookup.Lastname
	// is NameKey; UIDKey those whose Lookup.UID is UIDKey.
	NameKey string
	UIDKey  string
	// Unsealed keeps the sessions whose personal data has not been sealed
	// yet (PersonalSealed is nil): rows written before sealing existed.
	Unsealed    bool
	DVCID       string
	CreatedFrom time.Time
	CreatedTo   time.Time
	Offset      int
	Limit       int
}

// Strings converts a list of string-based values (statuses, outcomes) to
// plain strings, as stores bind them.
func Strings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// CheckSessionFilter refuses a filter a store cannot honour: one with Name
// or UID set, which only the engine can turn into the keyed hashes stores
// compare. Stores call it first, so such a filter fails loudly instead of
// listing every session.
func CheckSessionFilter(f SessionFilter) error {
	if f.Name != "" || f.UID != "" {
		return Errorf(EINTERNAL, "a session filter by name or uid must be given as keyed hashes (NameKey, UIDKey)")
	}
	return nil
}
