package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
)

// greeting is what serve prints under its address, on every start: where
// the credentials are, the verification configurations to try and commands
// that use them. It holds no secret, since logs keep it.
type greeting struct {
	created     bool   // this start bootstrapped the installation
	tenant      string // DNS name of the bootstrap tenant, "" when not found
	community   string
	configs     []namedConfig
	credentials string // absolute path of the credentials file
	haveCreds   bool   // the file exists
	base, data  string // the server's URL and data directory
}

type namedConfig struct{ name, id, about string }

// greet bootstraps an empty installation, so that starting the server is
// all a newcomer needs, and returns the greeting to print.
func greet(ctx context.Context, b *backend, dataDir, base string) (string, error) {
	g := greeting{base: base, data: dataDir}
	path := filepath.Join(dataDir, credentialsFile)
	g.credentials, _ = filepath.Abs(path)
	tenants, err := b.store.Tenants(ctx)
	if err != nil {
		return "", err
	}
	var tenantID, communityID string
	if len(tenants) == 0 {
		creds, err := b.admin.Bootstrap(ctx, "")
		if err != nil {
			return "", fmt.Errorf("bootstrap: %w", err)
		}
		if _, err := writeCredentials(dataDir, creds); err != nil {
			return "", err
		}
		g.created = true
		tenantID, communityID = creds.TenantID, creds.CommunityID
	} else if tenantID, communityID, err = bootstrapScope(ctx, b.store, path); err != nil {
		return "", err
	}
	_, err = os.Stat(path)
	g.haveCreds = err == nil
	if tenantID == "" {
		return g.String(), nil
	}
	t, err := b.store.Tenant(ctx, tenantID)
	var c *idproof.Community
	if err == nil {
		c, err = b.store.Community(ctx, communityID)
	}
	if idproof.IsNotFound(err) {
		// A credentials file left from another database: say only where
		// it is.
		return g.String(), nil
	}
	if err != nil {
		return "", err
	}
	g.tenant, g.community = t.DNS, c.Name
	for _, nc := range []namedConfig{
		{name: admin.BootstrapDVCName, about: "the built-in verifier"},
		{name: admin.BootstrapSandboxName, about: "the sandbox: the user's uid chooses the outcome (docs/sessions.md)"},
	} {
		d, err := b.store.VerificationConfigByName(ctx, tenantID, communityID, nc.name)
		if idproof.IsNotFound(err) {
			continue // deleted since: nothing to show
		}
		if err != nil {
			return "", err
		}
		nc.id = d.ID
		g.configs = append(g.configs, nc)
	}
	return g.String(), nil
}

// bootstrapScope finds the tenant and community of an installation that
// was bootstrapped before: the credentials file's when it can be read, else
// those Bootstrap names. It returns "" for both when there are none.
func bootstrapScope(ctx context.Context, st idproof.Store, credentials string) (tenantID, communityID string, err error) {
	if creds, err := readCredentials(credentials); err == nil {
		return creds.TenantID, creds.CommunityID, nil
	}
	t, err := st.TenantByDNS(ctx, admin.BootstrapDNS)
	if idproof.IsNotFound(err) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	c, err := st.CommunityByName(ctx, t.ID, admin.BootstrapCommunity)
	if idproof.IsNotFound(err) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	return t.ID, c.ID, nil
}

func (g greeting) String() string {
	var b strings.Builder
	b.WriteString("\n")
	switch {
	case g.created:
		fmt.Fprintf(&b, "First start: created the tenant %q with its community %q, a system and a service\n"+
			"license, a service key and the verification configurations below.\n", g.tenant, g.community)
	case g.tenant != "":
		fmt.Fprintf(&b, "Tenant %q, community %q (made on first start).\n", g.tenant, g.community)
	}
	if len(g.configs) > 0 {
		b.WriteString("Verification configurations:\n")
		for _, c := range g.configs {
			fmt.Fprintf(&b, "  %-8s dvcID %s  %s\n", c.name, c.id, c.about)
		}
	}
	self := selfCommand()
	if !g.haveCreds {
		fmt.Fprintf(&b, "Credentials: none at %s; 'idproof bootstrap' with the same\n"+
			"--data (and --database-url) as serve writes them:\n  %s bootstrap --data %s\n", g.credentials, self, g.data)
		return b.String()
	}
	fmt.Fprintf(&b, "Credentials: %s (licenses and service key, mode 0600)\n\n", g.credentials)
	b.WriteString("Try it from another terminal, in this directory:\n")
	// The client commands default to the server's defaults; name only what
	// differs.
	if g.base != "http://127.0.0.1:8080" {
		fmt.Fprintf(&b, "  export IDPROOF_URL=%s\n", g.base)
	}
	if filepath.Clean(g.data) != "data" {
		abs, _ := filepath.Abs(g.data)
		fmt.Fprintf(&b, "  export IDPROOF_DATA=%s\n", abs)
	}
	fmt.Fprintf(&b, "  %s call GET /servicekeys\n", self)
	for _, c := range g.configs {
		if c.name == admin.BootstrapSandboxName {
			fmt.Fprintf(&b, "  %s session create --dvc %s --uid alice --firstname Alice --lastname Smith\n", self, c.id)
		}
	}
	b.WriteString("More in README.md, \"A walk-through with the CLI\".\n\n")
	return b.String()
}

// selfCommand is how the user started this binary, to repeat in commands
// they can paste.
func selfCommand() string {
	if strings.Contains(os.Args[0], "go-build") {
		return "go run ./cmd/idproof"
	}
	return os.Args[0]
}
