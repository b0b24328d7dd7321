package proofing

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/idproof/idproof"
)

// Personal data at rest. The engine seals everything that identifies the
// user (the relying party's description of them, and what was read from
// their document) before a store sees a session, so both stores keep it
// the same way and a copy of the database alone does not reveal it. Names
// and uid are also filed as keyed hashes, for listings that look a user up.

// personal is the sealed part of a session (Session.PersonalSealed).
type personal struct {
	User idproof.SessionUser `json:"user,omitzero"`
	DID  string              `json:"did,omitempty"`
	// Extracted is Data.Extracted: what the capture client read from the
	// document (names, numbers, MRZ or barcode text).
	Extracted map[string]json.RawMessage `json:"extracted,omitempty"`
	// Document and Raw are the verdict's document data and raw vendor
	// answer (Data.Verdict), when there is a verdict.
	Document *idproof.DocumentData `json:"document,omitempty"`
	Raw      json.RawMessage       `json:"raw,omitempty"`
	// CheckMessages are the messages of the verdict's checks, in order:
	// a connector may quote what it read ("last name: the barcode says
	// ..., the MRZ says ...", "the birth date ... means an age of ...").
	CheckMessages []string `json:"checkMessages,omitempty"`
	// VerifiedProofJWT is Data.VerifiedProofJWT, whose verified_claims
	// hold the holder's names and document number.
	VerifiedProofJWT string `json:"verifiedProofJwt,omitempty"`
}

// lookupPurpose names the key that lookup hashes are made with.
const lookupPurpose = "session lookup v1"

// Lookup fields: first and last names share one, so that a name filter is
// one hash compared with both columns.
const (
	lookupName = "name"
	lookupUID  = "uid"
)

// foldCase is full Unicode case folding (ß and ss, ς and σ match).
var foldCase = cases.Fold()

// NormaliseLookup is the form a name or uid is hashed in: NFC, case-folded,
// with surrounding space trimmed and inner runs of space made one, so
// "  Élodie " and "ÉLODIE" (composed or not) find the same user.
func NormaliseLookup(v string) string {
	return foldCase.String(norm.NFC.String(strings.Join(strings.Fields(v), " ")))
}

// lookupKey is the keyed hash of field's value v within a tenant; "" when v
// is blank. The tenant is part of the hash, so the same person in two
// tenants cannot be linked by comparing hashes.
func (e *Engine) lookupKey(tenantID, field, v string) string {
	v = NormaliseLookup(v)
	if v == "" {
		return ""
	}
	return e.Keyring.Index(lookupPurpose, tenantID, field, v)
}

// lookup computes the keyed hashes a session is listed by.
func (e *Engine) lookup(s *idproof.Session) idproof.SessionLookup {
	return idproof.SessionLookup{
		UID:       e.lookupKey(s.TenantID, lookupUID, s.User.UID),
		Firstname: e.lookupKey(s.TenantID, lookupName, s.User.Firstname),
		Lastname:  e.lookupKey(s.TenantID, lookupName, s.User.Lastname),
	}
}

// decode reads a stored session: its data document, and its personal data
// opened back into User, DID, Data.Extracted and the verdict. A row written
// before personal data was sealed has it in plain text, in User, DID and
// the data document, where it is taken as it is (the next write seals it).
func (e *Engine) decode(s *idproof.Session) (*Data, error) {
	d, err := decodeData(s)
	if err != nil {
		return nil, err
	}
	d.loaded = s.Status
	if len(s.PersonalSealed) == 0 {
		return d, nil
	}
	b, err := e.Keyring.Open(s.PersonalSealed)
	if err != nil {
		return nil, fmt.Errorf("session %s personal data: %w", s.ID, err)
	}
	var p personal
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("session %s personal data: %w", s.ID, err)
	}
	s.User, s.DID, d.Extracted = p.User, p.DID, p.Extracted
	d.VerifiedProofJWT = p.VerifiedProofJWT
	if v := d.Verdict; v != nil {
		if p.Document != nil {
			v.Document = *p.Document
		}
		v.Raw = p.Raw
		if len(p.CheckMessages) == len(v.Checks) {
			for i := range v.Checks {
				v.Checks[i].Message = p.CheckMessages[i]
			}
		}
	}
	return d, nil
}

// encode is the inverse of decode: it seals the personal data into
// s.PersonalSealed, computes s.Lookup, and writes the data document without
// the personal parts (the verdict keeps its document type).
func (e *Engine) encode(s *idproof.Session, d *Data) error {
	p := personal{User: s.User, DID: s.DID, Extracted: d.Extracted, VerifiedProofJWT: d.VerifiedProofJWT}
	plain := *d
	plain.Extracted, plain.VerifiedProofJWT = nil, ""
	if v := d.Verdict; v != nil {
		doc := v.Document
		p.Document, p.Raw = &doc, v.Raw
		pv := *v
		pv.Document, pv.Raw = idproof.DocumentData{DocumentType: v.Document.DocumentType}, nil
		pv.Checks = slices.Clone(v.Checks)
		p.CheckMessages = make([]string, len(v.Checks))
		for i := range pv.Checks {
			p.CheckMessages[i], pv.Checks[i].Message = pv.Checks[i].Message, ""
		}
		plain.Verdict = &pv
	}
	pb, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := encodeData(s, &plain); err != nil {
		return err
	}
	// Never empty ("{}" at least), so a sealed row is told from one written
	// before sealing by PersonalSealed alone.
	s.PersonalSealed = e.Keyring.Seal(pb)
	s.Lookup = e.lookup(s)
	return nil
}

// write encodes s and d and stores them, creating the session or updating
// it with the version check. The store gets a copy whose User and DID are
// empty; s keeps them, and gets the new version. The webhook event of a
// change of status joins the outbox first, and the outbox and audit
// entries the change made are stored with it.
func (e *Engine) write(ctx context.Context, s *idproof.Session, d *Data, create bool) error {
	if t := transitionEvent(s, d, create); t != "" {
		// The transition comes before the events the change itself made
		// (a redaction that ended the session).
		if ev := e.webhookEvent(s, d, t, e.now()); ev != nil {
			s.Outbox = append([]*idproof.WebhookEvent{ev}, s.Outbox...)
		}
	}
	if err := e.encode(s, d); err != nil {
		return err
	}
	w := *s
	w.User, w.DID = idproof.SessionUser{}, ""
	var err error
	if create {
		err = e.Store.CreateSession(ctx, &w)
	} else {
		err = e.Store.UpdateSession(ctx, &w)
	}
	s.Version = w.Version
	if err != nil {
		return err
	}
	events := len(s.Outbox)
	s.Outbox, s.Audit = nil, nil
	d.loaded = s.Status
	if events > 0 && e.OnOutbox != nil {
		e.OnOutbox()
	}
	if !s.DueAt.IsZero() && !s.DueAt.After(e.now()) {
		// Due already (a zero retention, images to delete): wake the
		// sweeper now that the change is stored, not before, or it could
		// look too early and then sleep a whole interval.
		e.Kick()
	}
	return nil
}

// blankPersonal removes the personal data from a session in memory: the
// user, the did, what the client extracted, the verdict's document data
// (its type stays), raw vendor answer and the connector's words on each
// check (the reason's catalogue text replaces them; results and reasons
// stay), the signed result with verified claims (the one without them
// stays), and the addresses and browsers the history recorded.
func blankPersonal(s *idproof.Session, d *Data) {
	s.User, s.DID = idproof.SessionUser{}, ""
	d.Extracted, d.VerifiedProofJWT = nil, ""
	for i := range d.History {
		d.History[i].IPAddress, d.History[i].UserAgent = "", ""
	}
	if d.Review != nil {
		// A reviewer's words may name what they compared.
		d.Review.Reason = ""
	}
	if v := d.Verdict; v != nil {
		v.Document = idproof.DocumentData{DocumentType: v.Document.DocumentType}
		v.Raw = nil
		for i := range v.Checks {
			v.Checks[i].Message = Reasons[v.Checks[i].Reason]
		}
	}
}

// listFilter turns the plain name and uid of a listing filter into the
// keyed hashes the store compares. ok is false when the filter cannot
// match anything (a name or uid of blanks only).
func (e *Engine) listFilter(f idproof.SessionFilter) (_ idproof.SessionFilter, ok bool, _ error) {
	if f.Name == "" && f.UID == "" {
		return f, true, nil
	}
	if f.TenantID == "" {
		return f, false, invalid("a name or uid filter needs a tenant")
	}
	if f.Name != "" {
		if f.NameKey = e.lookupKey(f.TenantID, lookupName, f.Name); f.NameKey == "" {
			return f, false, nil
		}
	}
	if f.UID != "" {
		if f.UIDKey = e.lookupKey(f.TenantID, lookupUID, f.UID); f.UIDKey == "" {
			return f, false, nil
		}
	}
	f.Name, f.UID = "", ""
	return f, true, nil
}

// SealLegacy seals the personal data of the sessions stored before it was
// sealed, and files their lookup hashes, so that they stop holding names
// in plain text and can be found by name again. It returns how many it
// sealed. Every write seals, so a session another writer changes meanwhile
// ends up sealed too; the sweeper runs this once at start-up.
func (e *Engine) SealLegacy(ctx context.Context) (int, error) {
	sealed, failed := 0, 0
	for {
		// Sessions that fail to seal stay unsealed: skip past them.
		list, _, err := e.Store.Sessions(ctx, idproof.SessionFilter{Unsealed: true, Offset: failed, Limit: SweepBatch})
		if err != nil || len(list) == 0 {
			return sealed, err
		}
		for _, s := range list {
			if ctx.Err() != nil {
				return sealed, ctx.Err()
			}
			did := false
			_, _, err := e.change(ctx, s.ID, func(s *idproof.Session, _ *Data, _ time.Time) error {
				if len(s.PersonalSealed) > 0 {
					return errNoChange
				}
				did = true
				return nil
			})
			switch {
			case err == nil:
				if did {
					sealed++
				}
			case idproof.IsNotFound(err):
			default:
				e.log().Warn("seal personal data", "session", s.ID, "err", err)
				failed++
			}
		}
	}
}
