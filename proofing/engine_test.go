package proofing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/native"
	"github.com/idproof/idproof/connector/sandbox"
	"github.com/idproof/idproof/proofing"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/signing"
	"github.com/idproof/idproof/sqlite"
)

// fakeClock only moves when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	engine  *proofing.Engine
	store   idproof.Store
	clock   *fakeClock
	creds   *admin.Credentials
	license *idproof.License
	sandbox string // dvcID of the sandbox configuration
	admin   *admin.Service
}

func newFixture(t testing.TB, st idproof.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	kr, _ := secret.New(bytes.Repeat([]byte{5}, 32))
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	ad := &admin.Service{Store: st, Keyring: kr, Clock: clock}
	creds, err := ad.Bootstrap(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	lic, err := st.LicenseByKeyHash(ctx, idproof.LicenseKeyHash(creds.Licenses.Service))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := st.VerificationConfigByName(ctx, creds.TenantID, creds.CommunityID, admin.BootstrapSandboxName)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signing.Load(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	e := &proofing.Engine{Store: st, Keyring: kr, Connectors: connector.NewRegistry(sandbox.Type(), native.Type()),
		Signer: signer, Clock: clock, PublicURL: "https://idproof.test"}
	return &fixture{engine: e, store: st, clock: clock, creds: creds, license: lic, sandbox: sb.ID, admin: ad}
}

func sqliteStore(t testing.TB) idproof.Store {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// create makes a sandbox session for a user with the given uid.
func (f *fixture) create(t testing.TB, uid string) *idproof.Session {
	t.Helper()
	s, err := f.engine.Create(context.Background(), f.license, proofing.CreateRequest{
		DVCID: f.sandbox,
		SessionRequest: &proofing.SessionRequest{TenantDNS: f.creds.TenantDNS, CommunityName: f.creds.CommunityName,
			DocumentType: idproof.DocDriversLicense, User: idproof.SessionUser{UID: uid, Firstname: "Ann", Lastname: "Lee"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var alice = proofing.Actor{PublicKey: "alice-key", IPAddress: "192.0.2.1", UserAgent: "test"}

func wantCode(t *testing.T, err error, code, msgPart string) {
	t.Helper()
	if idproof.ErrorCode(err) != code || !strings.Contains(idproof.ErrorMessage(err), msgPart) {
		t.Fatalf("err = %v (%s), want %s containing %q", err, idproof.ErrorCode(err), code, msgPart)
	}
}

// action is one thing a user can do to a session.
type action struct {
	name string
	do   func(f *fixture, id string) error
}

var actions = []action{
	{"get", func(f *fixture, id string) error {
		_, _, err := f.engine.Get(context.Background(), id, alice)
		return err
	}},
	{"start", func(f *fixture, id string) error {
		_, _, err := f.engine.Start(context.Background(), id, alice)
		return err
	}},
	{"event", func(f *fixture, id string) error {
		_, err := f.engine.Event(context.Background(), id, alice, proofing.Event{Name: "E_IDV_DOCUMENTCAPTURE"})
		return err
	}},
	{"validate", func(f *fixture, id string) error {
		_, _, err := f.engine.Validate(context.Background(), id, alice)
		return err
	}},
	{"complete", func(f *fixture, id string) error {
		_, _, err := f.engine.Complete(context.Background(), id, alice)
		return err
	}},
	{"decline", func(f *fixture, id string) error {
		_, _, err := f.engine.Decline(context.Background(), id, alice)
		return err
	}},
	{"retry", func(f *fixture, id string) error {
		_, _, err := f.engine.Retry(context.Background(), id, alice)
		return err
	}},
	{"retryCancel", func(f *fixture, id string) error {
		_, _, err := f.engine.RetryCancel(context.Background(), id, alice)
		return err
	}},
}

// states builds a session in each state the table covers.
var states = []struct {
	name   string
	status idproof.SessionStatus
	build  func(t *testing.T, f *fixture) string
}{
	{"PENDING", idproof.StatusPending, func(t *testing.T, f *fixture) string { return f.create(t, "u").ID }},
	{"INPROGRESS", idproof.StatusInProgress, func(t *testing.T, f *fixture) string {
		id := f.create(t, "u").ID
		mustDo(t, f, "start", id)
		return id
	}},
	{"INPROGRESS-failed", idproof.StatusInProgress, func(t *testing.T, f *fixture) string {
		id := f.create(t, "sandbox-retry").ID
		mustDo(t, f, "start", id)
		mustDo(t, f, "validate", id)
		return id
	}},
	{"COMPLETED", idproof.StatusCompleted, func(t *testing.T, f *fixture) string {
		id := f.create(t, "u").ID
		mustDo(t, f, "start", id)
		mustDo(t, f, "complete", id)
		return id
	}},
	{"EXPIRED", idproof.StatusExpired, func(t *testing.T, f *fixture) string {
		id := f.create(t, "u").ID
		f.clock.Advance(61 * time.Minute)
		mustDo(t, f, "get", id)
		return id
	}},
	{"ABANDONED", idproof.StatusAbandoned, func(t *testing.T, f *fixture) string {
		id := f.create(t, "u").ID
		mustDo(t, f, "start", id)
		f.clock.Advance(16 * time.Minute)
		mustDo(t, f, "get", id)
		return id
	}},
	{"DECLINED", idproof.StatusDeclined, func(t *testing.T, f *fixture) string {
		id := f.create(t, "u").ID
		mustDo(t, f, "decline", id)
		return id
	}},
}

func mustDo(t *testing.T, f *fixture, name, id string) {
	t.Helper()
	for _, a := range actions {
		if a.name == name {
			if err := a.do(f, id); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
	}
	t.Fatalf("no action %s", name)
}

// allowed lists, per state, the actions that succeed and the status after.
var allowed = map[string]map[string]idproof.SessionStatus{
	"PENDING":           {"get": "PENDING", "start": "INPROGRESS", "event": "PENDING", "decline": "DECLINED"},
	"INPROGRESS":        {"get": "INPROGRESS", "start": "INPROGRESS", "event": "INPROGRESS", "validate": "INPROGRESS", "complete": "COMPLETED", "decline": "DECLINED", "retryCancel": "COMPLETED"},
	"INPROGRESS-failed": {"get": "INPROGRESS", "start": "INPROGRESS", "event": "INPROGRESS", "validate": "INPROGRESS", "complete": "COMPLETED", "decline": "DECLINED", "retry": "INPROGRESS", "retryCancel": "COMPLETED"},
	"COMPLETED":         {"get": "COMPLETED"},
	"EXPIRED":           {"get": "EXPIRED"},
	"ABANDONED":         {"get": "ABANDONED"},
	"DECLINED":          {"get": "DECLINED"},
}

// TestStateMachine runs every action on a session in every state: allowed
// transitions happen, everything else is a 400 naming the status.
func TestStateMachine(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	for _, st := range states {
		for _, a := range actions {
			t.Run(st.name+"/"+a.name, func(t *testing.T) {
				id := st.build(t, f)
				s, _, err := f.engine.Session(context.Background(), id)
				if err != nil || s.Status != st.status {
					t.Fatalf("setup: status %v, %v", s.Status, err)
				}
				err = a.do(f, id)
				after, ok := allowed[st.name][a.name]
				if ok {
					if err != nil {
						t.Fatalf("%s on %s: %v", a.name, st.name, err)
					}
					s, _, _ = f.engine.Session(context.Background(), id)
					if s.Status != after {
						t.Fatalf("%s on %s: status %s, want %s", a.name, st.name, s.Status, after)
					}
					return
				}
				if idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(idproof.ErrorMessage(err), string(st.status)) {
					t.Fatalf("%s on %s: err %v, want a 400 naming %s", a.name, st.name, err, st.status)
				}
			})
		}
	}
}

func TestBindingToStartingKey(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	id := f.create(t, "u").ID
	bob := proofing.Actor{PublicKey: "bob-key"}
	if _, _, err := f.engine.Get(ctx, id, bob); err != nil {
		t.Fatalf("before start any key may read: %v", err)
	}
	mustDo(t, f, "start", id)
	_, _, err := f.engine.Get(ctx, id, bob)
	wantCode(t, err, idproof.EFORBIDDEN, "bound")
	_, _, err = f.engine.Complete(ctx, id, bob)
	wantCode(t, err, idproof.EFORBIDDEN, "bound")
	_, _, err = f.engine.Start(ctx, id, bob)
	wantCode(t, err, idproof.EFORBIDDEN, "bound")
}

func TestRetriesAreBounded(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	id := f.create(t, "sandbox-retry").ID
	mustDo(t, f, "start", id)
	for i := range 3 {
		mustDo(t, f, "validate", id)
		s, _, err := f.engine.Retry(ctx, id, alice)
		if err != nil || s.Retries != i+1 {
			t.Fatalf("retry %d: %v", i+1, err)
		}
	}
	mustDo(t, f, "validate", id)
	_, _, err := f.engine.Retry(ctx, id, alice)
	wantCode(t, err, idproof.EINVALID, "all 3 retries are used")
	s, d, err := f.engine.RetryCancel(ctx, id, alice)
	if err != nil || s.Status != idproof.StatusCompleted || s.Outcome != idproof.OutcomeFailed || d.Reason != proofing.ReasonRetryCancelled {
		t.Fatalf("cancel: %v %v %v %v", s.Status, s.Outcome, d.Reason, err)
	}
	// A retry is not available before anything failed.
	id2 := f.create(t, "u").ID
	mustDo(t, f, "start", id2)
	_, _, err = f.engine.Retry(ctx, id2, alice)
	wantCode(t, err, idproof.EINVALID, "nothing has been verified")
}

func TestRetryThenPass(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	id := f.create(t, "sandbox-retry-pass").ID
	mustDo(t, f, "start", id)
	_, d, err := f.engine.Validate(ctx, id, alice)
	if err != nil || d.Verdict.Outcome != idproof.OutcomeFailed || !d.Verdict.Retryable {
		t.Fatalf("first attempt: %+v %v", d.Verdict, err)
	}
	mustDo(t, f, "retry", id)
	s, _, err := f.engine.Complete(ctx, id, alice)
	if err != nil || s.Outcome != idproof.OutcomePass {
		t.Fatalf("after retry: %v %v", s.Outcome, err)
	}
}

func TestOutcomes(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	cases := []struct {
		uid     string
		outcome idproof.Outcome
		reason  string
	}{
		{"plain-user", idproof.OutcomePass, ""},
		{"x-sandbox-fail", idproof.OutcomeFailed, proofing.ReasonModuleFailed},
		{"sandbox-review", idproof.OutcomeReview, proofing.ReasonReview},
		{"sandbox-notperformed", idproof.OutcomeNotPerformed, proofing.ReasonNotPerformed},
		{"sandbox-error", idproof.OutcomeNotPerformed, proofing.ReasonConnectorError},
	}
	for _, c := range cases {
		t.Run(c.uid, func(t *testing.T) {
			id := f.create(t, c.uid).ID
			mustDo(t, f, "start", id)
			s, d, err := f.engine.Complete(ctx, id, alice)
			if err != nil || s.Outcome != c.outcome || d.Reason != c.reason {
				t.Fatalf("outcome %s reason %s err %v; want %s %s", s.Outcome, d.Reason, err, c.outcome, c.reason)
			}
			if d.ProofJWT == "" {
				t.Fatal("no proof for a completed session")
			}
			if c.outcome == idproof.OutcomeFailed && d.Message != "Module 'document_liveness_front check' failed" {
				t.Fatalf("message %q", d.Message)
			}
		})
	}
}

// TestNativeWithoutImages: the built-in verifier never passes a session
// that has no evidence.
func TestNativeWithoutImages(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	s, err := f.engine.Create(ctx, f.license, proofing.CreateRequest{DVCID: f.creds.DVCID, SessionRequest: &proofing.SessionRequest{
		TenantID: f.creds.TenantID, CommunityID: f.creds.CommunityID, DocumentType: idproof.DocPassport}})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, f, "start", s.ID)
	s, d, err := f.engine.Complete(ctx, s.ID, alice)
	if err != nil || s.Outcome != idproof.OutcomeNotPerformed || d.Reason != proofing.ReasonNoImages {
		t.Fatalf("%s %s %v", s.Outcome, d.Reason, err)
	}
}

func TestExpiryAndAbandonment(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	pending := f.create(t, "u").ID
	active := f.create(t, "u").ID
	mustDo(t, f, "start", active)
	f.clock.Advance(10 * time.Minute)
	mustDo(t, f, "event", active) // activity postpones abandonment
	f.clock.Advance(10 * time.Minute)
	s, _, _ := f.engine.Session(ctx, active)
	if s.Status != idproof.StatusInProgress {
		t.Fatalf("active session %s after 10 idle minutes", s.Status)
	}
	f.clock.Advance(6 * time.Minute)
	s, d, _ := f.engine.Session(ctx, active)
	if s.Status != idproof.StatusAbandoned || d.History[len(d.History)-1].Activity != proofing.ActivityAbandoned {
		t.Fatalf("abandon: %s %+v", s.Status, d.History)
	}
	f.clock.Advance(40 * time.Minute)
	// Expiry is enforced on a write as well as a read.
	_, _, err := f.engine.Start(ctx, pending, alice)
	wantCode(t, err, idproof.EINVALID, "EXPIRED")
	s, d, _ = f.engine.Session(ctx, pending)
	if s.Status != idproof.StatusExpired || d.Reason != proofing.ReasonExpired {
		t.Fatalf("expiry: %s %s", s.Status, d.Reason)
	}
	n := 0
	for _, h := range d.History {
		if h.Activity == proofing.ActivityExpired {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("expired recorded %d times", n)
	}
}

func TestRetentionPurge(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	id := f.create(t, "u").ID
	mustDo(t, f, "start", id)
	s, d, err := f.engine.Complete(ctx, id, alice)
	if err != nil || d.Verdict.Document.FirstName != "Ann" || d.Purged {
		t.Fatalf("before retention: %+v %v", d.Verdict, err)
	}
	if s.DueAt != s.CompletedAt.Add(proofing.DefaultRetentionMin*time.Minute) {
		t.Fatalf("purge not scheduled: due %v", s.DueAt)
	}
	f.clock.Advance(proofing.DefaultRetentionMin * time.Minute)
	r, err := f.engine.Sweep(ctx, 10)
	if err != nil || r.Purged != 1 {
		t.Fatalf("sweep: %+v %v", r, err)
	}
	s, d, _ = f.engine.Session(ctx, id)
	if !d.Purged || d.Verdict.Document.FirstName != "" || s.Outcome != idproof.OutcomePass || !s.DueAt.IsZero() {
		t.Fatalf("after purge: %+v %v due %v", d.Verdict.Document, s.Outcome, s.DueAt)
	}
	// The outcome and the proof stay.
	if d.ProofJWT == "" || len(d.Verdict.Checks) == 0 {
		t.Fatal("purge removed the outcome")
	}
}

func TestSweepExpiresAndAbandons(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	for range 5 {
		f.create(t, "u")
	}
	for range 3 {
		mustDo(t, f, "start", f.create(t, "u").ID)
	}
	f.clock.Advance(20 * time.Minute)
	r, err := f.engine.Sweep(ctx, 100)
	if err != nil || r.Abandoned != 3 || r.Expired != 0 {
		t.Fatalf("first sweep %+v %v", r, err)
	}
	f.clock.Advance(45 * time.Minute)
	r, err = f.engine.Sweep(ctx, 100)
	if err != nil || r.Expired != 5 {
		t.Fatalf("second sweep %+v %v", r, err)
	}
	r, _ = f.engine.Sweep(ctx, 100)
	if r != (proofing.SweepResult{}) {
		t.Fatalf("third sweep did something: %+v", r)
	}
}

func TestCreateValidation(t *testing.T) {
	f := newFixture(t, sqliteStore(t))
	ctx := context.Background()
	sr := func() *proofing.SessionRequest {
		return &proofing.SessionRequest{TenantDNS: "localhost", CommunityName: "default", DocumentType: "dl_object"}
	}
	inlineVerification := json.RawMessage(`{"config":{"maxRetries":2}}`)
	cases := []struct {
		name string
		req  proofing.CreateRequest
		code string
		msg  string
	}{
		{"no config", proofing.CreateRequest{SessionRequest: sr()}, idproof.EINVALID, "dvcID is required"},
		{"no session request", proofing.CreateRequest{DVCID: f.sandbox}, idproof.EINVALID, "sessionRequest is required"},
		{"bad doc type", proofing.CreateRequest{DVCID: f.sandbox, SessionRequest: &proofing.SessionRequest{TenantDNS: "localhost", CommunityName: "default", DocumentType: "visa"}}, idproof.EINVALID, "documentType"},
		{"unknown tenant", proofing.CreateRequest{DVCID: f.sandbox, SessionRequest: &proofing.SessionRequest{TenantDNS: "nope.example", CommunityName: "default", DocumentType: "dl_object"}}, idproof.ENOTFOUND, "tenant"},
		{"unknown community", proofing.CreateRequest{DVCID: f.sandbox, SessionRequest: &proofing.SessionRequest{TenantDNS: "localhost", CommunityName: "x", DocumentType: "dl_object"}}, idproof.ENOTFOUND, "community"},
		{"unknown dvc", proofing.CreateRequest{DVCID: "ffffffffffffffffffffffff", SessionRequest: sr()}, idproof.ENOTFOUND, "dvcID"},
		{"unknown connector", proofing.CreateRequest{Connector: json.RawMessage(`{"type":"acme"}`), Verification: inlineVerification, SessionRequest: sr()}, idproof.EINVALID, "connector.type"},
		{"bad maxRetries", proofing.CreateRequest{Connector: json.RawMessage(`{"type":"sandbox"}`), Verification: json.RawMessage(`{"config":{"maxRetries":99}}`), SessionRequest: sr()}, idproof.EINVALID, "maxRetries"},
		{"bad check", proofing.CreateRequest{Connector: json.RawMessage(`{"type":"sandbox"}`), Verification: json.RawMessage(`{"config":{"checks":["palm"]}}`), SessionRequest: sr()}, idproof.EINVALID, "checks[0]"},
		{"bad metadata", proofing.CreateRequest{DVCID: f.sandbox, SessionRequest: &proofing.SessionRequest{TenantDNS: "localhost", CommunityName: "default", DocumentType: "dl_object", WorkflowMetadata: json.RawMessage(`[1]`)}}, idproof.EINVALID, "workflowMetadata"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.engine.Create(ctx, f.license, c.req)
			wantCode(t, err, c.code, c.msg)
		})
	}
	s, err := f.engine.Create(ctx, f.license, proofing.CreateRequest{Connector: json.RawMessage(`{"type":"sandbox"}`), Verification: inlineVerification, SessionRequest: sr()})
	if err != nil {
		t.Fatal(err)
	}
	_, d, _ := f.engine.Session(ctx, s.ID)
	if d.Settings.MaxRetries != 2 || d.Settings.ExpireMin != proofing.DefaultExpireMin {
		t.Fatalf("inline settings %+v", d.Settings)
	}
	// Another tenant's license cannot create in this tenant.
	other := &idproof.Tenant{ID: idproof.NewObjectID(), DNS: "other.example", Name: "o", CreatedAt: f.clock.Now()}
	if err := f.store.CreateTenant(ctx, other); err != nil {
		t.Fatal(err)
	}
	_, otherLic, err := f.admin.CreateLicense(ctx, admin.LicenseSpec{AuthLevel: idproof.AuthService, TenantID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.engine.Create(ctx, otherLic, proofing.CreateRequest{DVCID: f.sandbox, SessionRequest: sr()})
	wantCode(t, err, idproof.ENOTFOUND, "tenant")
}

func TestDeriveOutcome(t *testing.T) {
	c := func(name string, r idproof.CheckResult) idproof.Check { return idproof.Check{Name: name, Result: r} }
	cases := []struct {
		name   string
		checks []idproof.Check
		review bool
		bypass bool
		want   idproof.Outcome
	}{
		{"none", nil, false, false, idproof.OutcomeNotPerformed},
		{"all pass", []idproof.Check{c("a", "PASS"), c("b", "PASS")}, false, false, idproof.OutcomePass},
		{"one fail", []idproof.Check{c("a", "PASS"), c("b", "FAIL")}, false, false, idproof.OutcomeFailed},
		{"fail beats review", []idproof.Check{c("a", "FAIL")}, true, false, idproof.OutcomeFailed},
		{"review", []idproof.Check{c("a", "PASS")}, true, false, idproof.OutcomeReview},
		{"not performed", []idproof.Check{c("a", "PASS"), c("b", "NOT_PERFORMED")}, false, false, idproof.OutcomeNotPerformed},
		{"unknown result is not a pass", []idproof.Check{c("a", "MAYBE")}, false, false, idproof.OutcomeNotPerformed},
		{"fraud bypass", []idproof.Check{c("a", "PASS"), c("fraud_detection", "FAIL")}, false, true, idproof.OutcomePass},
		{"fraud counted without bypass", []idproof.Check{c("fraud_detection", "FAIL")}, false, false, idproof.OutcomeFailed},
	}
	for _, tc := range cases {
		if got, _, _ := proofing.DeriveOutcome(tc.checks, tc.review, tc.bypass); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
