package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/go-jose/go-jose/v4"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/signing"
)

const auditAbout = `export prints a session's audit trail as JSON: every entry (who, what, when,
from where as a keyed hash, evidence digests, connector and version,
outcome), each chained to the one before by its hash, and the session's
signed proof. verify checks such an export (a file, standard input, or
--session to fetch it): the chain, and the proof's signature (with the
server's key set, fetched from --url unless --jwks names a file) and its
auditHead, which names the entry the proof was signed at. Any entry changed,
removed or inserted after the fact fails the check.`

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newVerbCommand("audit", auditAbout, "service", stderr)
	cmd.verb("export", "SESSIONID", 1, "Print a session's audit trail as JSON.")
	verify := cmd.verb("verify", "[FILE]", -1, "Check an exported trail (FILE, or standard input) or, with --session, the server's.")
	session := verify.String("session", "", "fetch this session's trail from the server instead of reading one")
	jwksFile := verify.String("jwks", "", "the server's key set (/.well-known/jwks.json) as a file; default: fetched from --url")
	offline := verify.Bool("offline", false, "check the chain only, not the proof's signature")
	verb, pos, err := cmd.parse(args)
	if err != nil {
		return err
	}
	cf := &cmd.cf
	c, err := cf.client()
	if err != nil {
		return err
	}
	fetch := func(id string) ([]byte, error) {
		var raw json.RawMessage
		if err := c.Do(ctx, http.MethodGet, "/proofingsession/"+url.PathEscape(id)+"/audit", nil, &raw); err != nil {
			return nil, cf.explain(err)
		}
		return raw, nil
	}
	var raw []byte
	switch {
	case verb == "export":
		if raw, err = fetch(pos[0]); err != nil {
			return err
		}
		return printJSON(stdout, raw)
	case *session != "":
		raw, err = fetch(*session)
	case len(pos) == 1 && pos[0] != "-":
		raw, err = os.ReadFile(pos[0])
	default:
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	}
	if err != nil {
		return err
	}
	var set *jose.JSONWebKeySet
	if !*offline {
		if set, err = loadJWKS(ctx, c, *jwksFile); err != nil {
			return err
		}
	}
	report, err := verifyTrail(raw, set)
	if b, merr := json.Marshal(report); merr == nil {
		if perr := printJSON(stdout, b); perr != nil {
			return perr
		}
	}
	return err
}

// loadJWKS reads the key set from a file, or fetches it from the server.
func loadJWKS(ctx context.Context, c *client.Client, file string) (*jose.JSONWebKeySet, error) {
	var set jose.JSONWebKeySet
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &set); err != nil {
			return nil, fmt.Errorf("%s is not a JWK Set: %w", file, err)
		}
		return &set, nil
	}
	if err := c.Do(ctx, http.MethodGet, "/.well-known/jwks.json", nil, &set, client.Anonymous()); err != nil {
		return nil, fmt.Errorf("fetch the server's key set (or give --jwks FILE, or --offline): %w", err)
	}
	return &set, nil
}

// trailReport is what verify prints.
type trailReport struct {
	SessionID string `json:"sessionId"`
	Entries   int    `json:"entries"`
	Chain     string `json:"chain"` // "ok" or the problem
	// Proof is "ok", "absent" (the session has no signed result yet),
	// "not checked" (--offline) or the problem.
	Proof string `json:"proof"`
	// BoundThrough is the entry the proof's auditHead names: the proof
	// vouches for every entry up to it.
	BoundThrough int64 `json:"boundThrough,omitempty"`
	OK           bool  `json:"ok"`
}

// verifyTrail checks an exported trail; set nil skips the proof's
// signature. It returns the report and, when anything failed, an error.
func verifyTrail(raw []byte, set *jose.JSONWebKeySet) (trailReport, error) {
	var t client.AuditTrail
	if err := json.Unmarshal(raw, &t); err != nil {
		return trailReport{Chain: "unreadable"}, fmt.Errorf("not an audit trail export: %w", err)
	}
	r := trailReport{SessionID: t.SessionID, Entries: len(t.Events), Chain: "ok", Proof: "absent"}
	var problems []error
	fail := func(field *string, err error) {
		*field = err.Error()
		problems = append(problems, err)
	}
	if err := idproof.VerifyAuditChain(t.Events); err != nil {
		fail(&r.Chain, err)
	} else if n := len(t.Events); n == 0 {
		fail(&r.Chain, errors.New("the trail has no entries"))
	} else if last := t.Events[n-1]; t.Head.Seq != last.Seq || t.Head.Hash != last.Hash {
		fail(&r.Chain, fmt.Errorf("the head (entry %d) is not the last entry (%d)", t.Head.Seq, last.Seq))
	} else if last.SessionID != t.SessionID {
		fail(&r.Chain, fmt.Errorf("the entries belong to session %s, not %s", last.SessionID, t.SessionID))
	}
	if t.ProofJWT != "" {
		switch {
		case set == nil:
			r.Proof = "not checked"
		default:
			r.Proof = "ok"
			if err := checkProofBinding(t, *set, &r); err != nil {
				fail(&r.Proof, err)
			}
		}
	}
	r.OK = len(problems) == 0
	return r, errors.Join(problems...)
}

// checkProofBinding verifies the proof's signature and finds the entry its
// auditHead names: the proof then vouches for the chain up to that entry,
// as no entry before it can change without changing that hash.
func checkProofBinding(t client.AuditTrail, set jose.JSONWebKeySet, r *trailReport) error {
	payload, err := signing.Verify(t.ProofJWT, set)
	if err != nil {
		return err
	}
	var claims struct {
		Subject   string `json:"sub"`
		AuditHead string `json:"auditHead"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return fmt.Errorf("the proof's claims are not JSON: %w", err)
	}
	if claims.Subject != t.SessionID {
		return fmt.Errorf("the proof is about session %s, not %s", claims.Subject, t.SessionID)
	}
	if claims.AuditHead == "" {
		return errors.New("the proof names no audit head (signed before audit trails existed)")
	}
	for _, e := range t.Events {
		if e.Hash == claims.AuditHead {
			r.BoundThrough = e.Seq
			return nil
		}
	}
	return errors.New("no entry of the trail has the hash the proof was signed with: the trail was changed")
}
