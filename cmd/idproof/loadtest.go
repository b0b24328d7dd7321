package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
)

const loadtestUsage = `usage: idproof loadtest [flags]

Measures a running server. Each of --concurrency workers acts as a separate
integrator, with its own key pair and connections, and runs --op again and
again:

  create   POST /document_share_session/create (service license)
  result   POST /document_share_session/result of one PENDING session
  fetch    POST /proofingsession/fetch: the community's newest 100, with
           the total
  healthz  GET /healthz, unauthenticated
  mix      a whole session, as an integrator and its user's browser run it:
           create, start (a new browser key pair per session), presign,
           upload of two small document images to the presigned URLs, v3
           submit, complete, then result and fetch (service license)

Sessions use --dvc, by default the sandbox configuration made at bootstrap:
its connector answers at once, so a mix measures the server (image checks
included) rather than a verifier. The run stops after --requests requests
(sessions with mix) or --duration, whichever comes first. The summary gives
per endpoint the p50, p95 and p99 latencies and the errors by HTTP status,
and sessions per second for mix; --json prints it as JSON.

--baseline runs the same op (create or result) a second time, against a
minimal server started in this process that does only the unavoidable work
of an authenticated request: header decryption, an in-memory replay check,
one durable insert or one indexed read in its own SQLite file (PostgreSQL
with --baseline-database-url). Both runs and the ratio real/baseline are
printed.

Only a server on this machine is accepted unless --allow-remote is given.
Flags:`

// loadPlan is what a run sends, the same against the server and against
// the baseline.
type loadPlan struct {
	op       string
	workers  int
	maxIter  int
	duration time.Duration
	dvc      string
	creds    *admin.Credentials // nil for healthz
}

func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	set := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() {
		fmt.Fprintln(stderr, loadtestUsage)
		set.PrintDefaults()
	}
	var cf clientFlags
	cf.register(set)
	// Creating sessions and reading results is what a tenant's service
	// license is for.
	cf.license = "service"
	set.Lookup("license").DefValue = "service"
	var p loadPlan
	set.StringVar(&p.op, "op", "create", "what to send: create, result, fetch, healthz or mix")
	set.IntVar(&p.workers, "concurrency", 4, "number of workers sending requests at once")
	set.DurationVar(&p.duration, "duration", 10*time.Second, "stop after this long")
	set.IntVar(&p.maxIter, "requests", 10000, "stop after this many requests in all (sessions with --op mix)")
	set.StringVar(&p.dvc, "dvc", "", "dvcID of the sessions created (default: the credentials file's, the sandbox configuration)")
	allowRemote := set.Bool("allow-remote", false, "allow a target that is not this machine")
	jsonOut := set.Bool("json", false, "print the report as JSON")
	baseline := set.Bool("baseline", false, "also run the op against a minimal server in this process and print the ratio real/baseline (create or result)")
	baselineDB := set.String("baseline-database-url", "", "PostgreSQL database for the baseline, in a schema of its own dropped afterwards (default: SQLite in a temporary directory)")
	if err := cf.parse(set, args); err != nil {
		return err
	}
	switch {
	case set.NArg() != 0:
		set.Usage()
		return usageError{"loadtest takes no arguments"}
	case p.workers < 1 || p.duration <= 0 || p.maxIter < 1:
		return usageError{"--concurrency, --duration and --requests must be positive"}
	case !slices.Contains([]string{"create", "result", "fetch", "healthz", "mix"}, p.op):
		return usageError{"--op must be create, result, fetch, healthz or mix"}
	case cf.key != "":
		return usageError{"loadtest gives each worker a key pair of its own: --key does not apply"}
	case (*baseline || *baselineDB != "") && p.op != "create" && p.op != "result":
		return usageError{"--baseline measures create or result: the minimal server answers nothing else"}
	}
	if err := loopbackTarget(cf.url); err != nil && !*allowRemote {
		return usageError{err.Error()}
	}
	lic, err := cf.licenseKey()
	if err != nil {
		return err
	}
	if p.op != "healthz" {
		if p.creds, err = cf.readCredentials(); err != nil {
			return err
		}
		if p.dvc == "" {
			p.dvc = p.creds.DVCID
		}
	}

	actual, err := p.run(ctx, cf.url, lic, "", stderr)
	if err != nil {
		return err
	}
	// An interrupted run still reports what it measured.
	if (!*baseline && *baselineDB == "") || ctx.Err() != nil {
		if *jsonOut {
			return writeJSON(stdout, actual)
		}
		actual.print(stdout)
		return nil
	}
	base, err := p.runBaseline(ctx, *baselineDB, stderr)
	if err != nil {
		return err
	}
	cmp := loadComparison{Real: actual, Baseline: base, Ratio: ratio(actual, base)}
	if *jsonOut {
		return writeJSON(stdout, cmp)
	}
	cmp.print(stdout)
	return nil
}

// run measures the plan against the server at base with license lic.
// server names it in the report ("" for the real server).
func (p *loadPlan) run(ctx context.Context, base, lic, server string, progress io.Writer) (*loadtestReport, error) {
	clients := make([]*client.Client, p.workers)
	hcs := make([]*http.Client, p.workers)
	for w := range clients {
		c, hc, err := loadClient(base, lic)
		if err != nil {
			return nil, err
		}
		// Fetch the server key now, so that it is not part of a measurement.
		if _, err := c.Headers(ctx); err != nil {
			return nil, err
		}
		clients[w], hcs[w] = c, hc
	}
	ws := newWorkers(ctx, clients, hcs)
	op, err := p.iteration(ctx, base, clients[0])
	if err != nil {
		return nil, err
	}
	name := "server"
	if server != "" {
		name = server
	}
	fmt.Fprintf(progress, "loadtest: %s on %s (%s), %d workers, up to %d %s or %v\n", p.op, base, name, p.workers, p.maxIter, p.unit(), p.duration)
	r := runLoad(ctx, ws, op, p.maxIter, p.duration, p.op == "mix", progress)
	r.Target, r.Server, r.Op = base, server, p.op
	return r, nil
}

func (p *loadPlan) unit() string {
	if p.op == "mix" {
		return "sessions"
	}
	return "requests"
}

// iteration builds the iteration of the plan's op against base; setup is the
// client that makes what the op needs beforehand (result's session).
func (p *loadPlan) iteration(ctx context.Context, base string, setup *client.Client) (loadOp, error) {
	if p.op == "healthz" {
		return func(wk *loadWorker, _ int) error {
			return wk.call("healthz", func() error { _, err := wk.c.Healthz(wk.ctx); return err })
		}, nil
	}
	create := func(ctx context.Context, c *client.Client, w, i int) (*client.CreatedSession, error) {
		return c.CreateSession(ctx, client.CreateSessionRequest{DVCID: p.dvc, SessionRequest: client.SessionRequest{
			TenantID: p.creds.TenantID, CommunityID: p.creds.CommunityID, DocumentType: "dl_object",
			User: &client.SessionUser{UID: fmt.Sprintf("loadtest-%d-%d", w, i), Firstname: "Load", Lastname: "Test"}}})
	}
	switch p.op {
	case "create":
		return func(wk *loadWorker, i int) error {
			return wk.call("create", func() error { _, err := create(wk.ctx, wk.c, wk.id, i); return err })
		}, nil
	case "result":
		s, err := create(ctx, setup, p.workers, 0)
		if err != nil {
			return nil, fmt.Errorf("create the session to read: %w", err)
		}
		return func(wk *loadWorker, _ int) error {
			return wk.call("result", func() error {
				_, err := wk.c.SessionResult(wk.ctx, client.ResultRequest{SessionID: s.SessionID}, false)
				return err
			})
		}, nil
	case "fetch":
		// The listing a relying party's back office shows: the newest
		// page of 100 of the community, with the total.
		return func(wk *loadWorker, _ int) error {
			return wk.call("fetch", func() error {
				_, err := wk.c.FetchSessions(wk.ctx, p.creds.TenantID, p.creds.CommunityID, client.SessionQuery{}, 0, 100)
				return err
			})
		}, nil
	}
	serverKey, err := setup.ServerPublicKey(ctx)
	if err != nil {
		return nil, err
	}
	m, err := newMixSession(func(wk *loadWorker, i int) (*client.CreatedSession, error) { return create(wk.ctx, wk.c, wk.id, i) },
		base, serverKey, p.creds.TenantID, p.creds.CommunityID)
	if err != nil {
		return nil, err
	}
	return m.run, nil
}

// loopbackTarget returns an error unless base names this machine. A load
// test makes thousands of sessions: pointed at someone else's server by
// mistake it is an attack, hence the explicit --allow-remote.
func loopbackTarget(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--url %q is not an absolute URL", base)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to load %s: it is not this machine (127.0.0.0/8, ::1, localhost); pass --allow-remote for a server of yours elsewhere", host)
}

// loadClient is a client of base with connections of its own: the shared
// default transport keeps two idle connections per host, so more workers
// would keep reconnecting, which separate integrators do not. Health checks
// need no license: lic may be "".
func loadClient(base, lic string) (*client.Client, *http.Client, error) {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	opts := []client.Option{client.WithHTTPClient(hc)}
	if lic != "" {
		opts = append(opts, client.WithLicense(lic))
	}
	c, err := client.New(base, opts...)
	return c, hc, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
