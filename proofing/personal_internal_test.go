package proofing

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
)

// codecFixture is a completed session with a verdict, as the engine holds
// it in memory, and an engine with a keyring.
func codecFixture(b *testing.B) (*Engine, *idproof.Session, *Data) {
	kr, _ := secret.New(bytes.Repeat([]byte{7}, secret.KeySize))
	e := &Engine{Keyring: kr}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &idproof.Session{ID: idproof.NewUUID(), TenantID: "t", CommunityID: "c", Status: idproof.StatusCompleted,
		User: idproof.SessionUser{UID: "emp-0042", Username: "anguyen", Firstname: "Anna", Lastname: "Nguyen"}, DID: "did:example:1",
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastActivityAt: now}
	settings, _ := ParseSettings(json.RawMessage(`{"config":{}}`))
	d := &Data{URL: "https://idproof.test/x", Settings: settings, History: []HistoryEntry{{Activity: ActivityCreated, TS: 1}},
		Extracted: map[string]json.RawMessage{SideFront: json.RawMessage(`{"documentNumber":"D1234567","firstName":"ANNA","lastName":"NGUYEN","dateOfBirth":"1980-02-03"}`)},
		Verdict: &StoredVerdict{Attempt: 1, Outcome: idproof.OutcomePass, Connector: "native",
			Checks: []idproof.Check{{Name: "document_liveness_front", Result: idproof.CheckPass},
				{Name: "native.last_name", Part: "fraud_detection", Result: idproof.CheckFail, Reason: "IDV0044",
					Message: `last name: the barcode says "NGUYEN", the MRZ says "NGUYEM"`}},
			Document: idproof.DocumentData{DocumentType: idproof.DocDriversLicense, DocumentID: "D1234567", FirstName: "ANNA",
				LastName: "NGUYEN", DOB: "1980-02-03", Address: "1 Main St, Springfield", Country: "USA"}}}
	return e, s, d
}

// BenchmarkPersonalCodec measures what sealing adds to each write (seal,
// three lookup hashes) and each read (open), against the plain JSON
// encoding the engine did before.
func BenchmarkPersonalCodec(b *testing.B) {
	b.Run("plain-encode", func(b *testing.B) {
		_, s, d := codecFixture(b)
		for b.Loop() {
			_ = encodeData(s, d)
		}
	})
	b.Run("sealed-encode", func(b *testing.B) {
		e, s, d := codecFixture(b)
		for b.Loop() {
			_ = e.encode(s, d)
		}
	})
	b.Run("plain-decode", func(b *testing.B) {
		_, s, d := codecFixture(b)
		_ = encodeData(s, d)
		for b.Loop() {
			_, _ = decodeData(s)
		}
	})
	b.Run("sealed-decode", func(b *testing.B) {
		e, s, d := codecFixture(b)
		_ = e.encode(s, d)
		for b.Loop() {
			_, _ = e.decode(s)
		}
	})
}

// TestCodecRoundTrip: what encode seals, decode gives back, and the data
// document it writes holds no personal data.
func TestCodecRoundTrip(t *testing.T) {
	e, s, d := codecFixture(&testing.B{})
	want, _ := json.Marshal(d)
	user, did := s.User, s.DID
	if err := e.encode(s, d); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"D1234567", "ANNA", "NGUYEN", "1980-02-03", "Main St"} {
		if bytes.Contains(s.Data, []byte(secret)) || bytes.Contains(s.PersonalSealed, []byte(secret)) {
			t.Errorf("%q stored in plain text", secret)
		}
	}
	if s.Lookup.UID == "" || s.Lookup.Firstname == "" || s.Lookup.Lastname == "" {
		t.Errorf("lookup hashes missing: %+v", s.Lookup)
	}
	s.User, s.DID = idproof.SessionUser{}, ""
	got, err := e.decode(s)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); !bytes.Equal(g, want) || s.User != user || s.DID != did {
		t.Errorf("decode(encode) =\n%s %+v\nwant\n%s %+v", g, s.User, want, user)
	}
	blankPersonal(s, got)
	if b, _ := json.Marshal(got); bytes.Contains(b, []byte("NGUYEN")) || !bytes.Contains(b, []byte(`"reason":"IDV0044","message":"`+Reasons["IDV0044"]+`"`)) {
		t.Errorf("blanked session: %s", b)
	}
}
