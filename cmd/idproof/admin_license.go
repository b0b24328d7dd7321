package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/idproof/idproof/client"
)

const licenseAbout = `create issues a license and prints its key, which is shown this once.
--tenant defaults to the credentials file's; --tenant none makes a license of
no tenant (system licenses only). Without --community the license covers
every community of the tenant. list shows the tenant's licenses, or with
--all every license. disable switches a license off for good; expire ends it
now, or at --at.
Times (--expires, --at) are RFC 3339 (2030-01-02T15:04:05Z) or a duration
from now (720h).`

func runLicense(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := newAdminCommand("license", licenseAbout, stderr)
	sc := a.scope(false)
	a.set.StringVar(&sc.community, "community", "", "create: the community the license is bound to (default: none, every community)")
	level := a.set.String("level", "", "create: authLevel, one of system, service, service_ext, basic")
	tag := a.set.String("tag", "", "create: a name for the license, unique in the tenant")
	expires := a.set.String("expires", "", "create: when the license expires (default: never)")
	at := a.set.String("at", "", "expire: when the license expires (default: now)")
	all := a.set.Bool("all", false, "list: every license of every tenant")
	a.verbs = []adminVerb{
		{name: "create", args: "--level LEVEL [--tenant ID|none] [--community ID] [--tag TAG] [--expires TIME]", run: func(ctx context.Context, c *client.Client, _ []string) (any, error) {
			if *level == "" {
				return nil, usageError{"license create needs --level: system, service, service_ext or basic"}
			}
			when, err := parseWhen("--expires", *expires, time.Now())
			if err != nil {
				return nil, err
			}
			if sc.tenant == "none" {
				sc.tenant = ""
			} else if err := sc.fill(false); err != nil {
				return nil, err
			}
			req := client.LicenseRequest{TenantID: sc.tenant, CommunityID: sc.community, AuthLevel: *level, Tag: *tag}
			if !when.IsZero() {
				req.ExpiresTS = when.UnixMilli()
			}
			return c.CreateLicense(ctx, req)
		}},
		{name: "list", args: "[--tenant ID | --all]", run: func(ctx context.Context, c *client.Client, _ []string) (any, error) {
			if !*all {
				if err := sc.fill(false); err != nil {
					return nil, err
				}
			}
			return nonNil(c.Licenses(ctx, sc.tenant))
		}},
		{name: "disable", args: "ID", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			return c.DisableLicense(ctx, args[0])
		}},
		{name: "expire", args: "[--at TIME] ID", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			when, err := parseWhen("--at", *at, time.Now())
			if err != nil {
				return nil, err
			}
			return c.ExpireLicense(ctx, args[0], when)
		}},
	}
	return a.run(ctx, args, stdout)
}

// parseWhen reads a time given as RFC 3339 or as a duration from now; ""
// is the zero time.
func parseWhen(flagName, v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(d), nil
	}
	return time.Time{}, usageError{fmt.Sprintf("%s %q is neither an RFC 3339 time (2030-01-02T15:04:05Z) nor a duration (720h)", flagName, v)}
}
