package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/idproof/idproof/client"
)

// The administration commands (tenant, community, license, dvc) call the
// /admin/ endpoints of a running server with the system license of the
// credentials file, so that no administration needs the database itself.

// adminCommand is a command made of verbs ("tenant create", "tenant list").
type adminCommand struct {
	name   string
	about  string // explanation printed after the usage lines
	verbs  []adminVerb
	set    *flag.FlagSet
	cf     clientFlags
	stderr io.Writer
}

// adminVerb is one verb of an adminCommand. run returns what is printed as
// JSON.
type adminVerb struct {
	name  string
	args  string // the usage of what follows the verb, e.g. "[--name NAME] DNS"
	nargs int    // the number of positional arguments
	run   func(ctx context.Context, c *client.Client, args []string) (any, error)
}

func newAdminCommand(name, about string, stderr io.Writer) *adminCommand {
	a := &adminCommand{name: name, about: about, stderr: stderr}
	a.set = flag.NewFlagSet(name, flag.ContinueOnError)
	a.set.SetOutput(stderr)
	a.set.Usage = func() {
		fmt.Fprint(stderr, a.usage())
		a.set.PrintDefaults()
	}
	a.cf.register(a.set)
	return a
}

func (a *adminCommand) usage() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, v := range a.verbs {
		fmt.Fprintf(&b, "  idproof %s %-7s [flags] %s\n", a.name, v.name, v.args)
	}
	fmt.Fprintf(&b, "\n%s\n\nFlags:\n", a.about)
	return b.String()
}

// scope registers --tenant and --community. Left empty, they are filled from
// the credentials file by fill.
func (a *adminCommand) scope(community bool) *scopeFlags {
	sc := &scopeFlags{a: a}
	a.set.StringVar(&sc.tenant, "tenant", "", "tenant id (default: the credentials file's)")
	if community {
		a.set.StringVar(&sc.community, "community", "", "community id (default: the credentials file's)")
	}
	return sc
}

// scopeFlags are the --tenant and --community flags of a command.
type scopeFlags struct {
	a                 *adminCommand
	tenant, community string
}

// fill sets the tenant, and the community when withCommunity, from the
// credentials file where the flags left them empty.
func (sc *scopeFlags) fill(withCommunity bool) error {
	if sc.tenant != "" && (!withCommunity || sc.community != "") {
		return nil
	}
	creds, err := sc.a.cf.readCredentials()
	if err != nil {
		return usageError{fmt.Sprintf("--tenant and --community are needed: %v", err)}
	}
	if sc.tenant == "" {
		sc.tenant = creds.TenantID
	}
	if withCommunity && sc.community == "" {
		sc.community = creds.CommunityID
	}
	return nil
}

// run parses args, finds the verb (the first positional argument), calls
// it and prints its result.
func (a *adminCommand) run(ctx context.Context, args []string, stdout io.Writer) error {
	names := make([]string, len(a.verbs))
	for i, v := range a.verbs {
		names[i] = v.name
	}
	pos, err := parseInterspersed(&a.cf, a.set, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 && pos[0] == "help" {
		a.set.Usage()
		return flag.ErrHelp
	}
	var verb *adminVerb
	for i := range a.verbs {
		if len(pos) > 0 && a.verbs[i].name == pos[0] {
			verb = &a.verbs[i]
		}
	}
	if verb == nil {
		a.set.Usage()
		return usageError{fmt.Sprintf("%s needs one of: %s", a.name, strings.Join(names, ", "))}
	}
	if pos = pos[1:]; len(pos) != verb.nargs {
		a.set.Usage()
		want := verb.args
		if verb.nargs == 0 {
			want = "no arguments"
		}
		return usageError{fmt.Sprintf("%s %s takes %s", a.name, verb.name, want)}
	}
	c, err := a.cf.client()
	if err != nil {
		return err
	}
	out, err := verb.run(ctx, c, pos)
	if err != nil {
		return a.cf.explain(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return printJSON(stdout, b)
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments ("dvc put NAME --file x.json"), which flag.Parse
// alone stops at, and returns the positional ones. After "--" everything
// is positional.
func parseInterspersed(cf *clientFlags, set *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := cf.parse(set, args); err != nil {
			return nil, err
		}
		rest := set.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func runTenant(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := newAdminCommand("tenant", "create adds a tenant by its DNS name; list shows every tenant.", stderr)
	name := a.set.String("name", "", "create: the tenant's name for people (default: the DNS name)")
	a.verbs = []adminVerb{
		{name: "create", args: "[--name NAME] DNS", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			return c.CreateTenant(ctx, args[0], *name)
		}},
		{name: "list", run: func(ctx context.Context, c *client.Client, _ []string) (any, error) {
			return nonNil(c.Tenants(ctx))
		}},
	}
	return a.run(ctx, args, stdout)
}

func runCommunity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := newAdminCommand("community", "create adds a community to a tenant; list shows a tenant's communities.", stderr)
	sc := a.scope(false)
	a.verbs = []adminVerb{
		{name: "create", args: "[--tenant ID] NAME", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			if err := sc.fill(false); err != nil {
				return nil, err
			}
			return c.CreateCommunity(ctx, sc.tenant, args[0])
		}},
		{name: "list", args: "[--tenant ID]", run: func(ctx context.Context, c *client.Client, _ []string) (any, error) {
			if err := sc.fill(false); err != nil {
				return nil, err
			}
			return nonNil(c.Communities(ctx, sc.tenant))
		}},
	}
	return a.run(ctx, args, stdout)
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](list []T, err error) ([]T, error) {
	if list == nil && err == nil {
		list = []T{}
	}
	return list, err
}
