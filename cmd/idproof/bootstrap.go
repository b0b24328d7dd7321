package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/idproof/idproof/admin"
)

// credentialsFile is where serve and bootstrap leave the first credentials.
const credentialsFile = "credentials.json"

func runBootstrap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the credentials as JSON")
	dns := fs.String("tenant-dns", admin.BootstrapDNS, "DNS name of the tenant to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer b.store.Close()
	creds, err := b.admin.Bootstrap(ctx, *dns)
	if err != nil {
		return err
	}
	path, err := writeCredentials(sf.data, creds)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(creds)
	}
	fmt.Fprintf(stdout, "tenant      %s (%s)\ncommunity   %s (%s)\nlicenses    system %s\n            service %s\nservice key %s\ndvcID       %s\ncredentials %s\n",
		creds.TenantDNS, creds.TenantID, creds.CommunityName, creds.CommunityID,
		creds.Licenses.System, creds.Licenses.Service, creds.ServiceKey.KeyID, creds.DVCID, path)
	return nil
}

// writeCredentials stores creds in the data dir, readable by the owner only.
func writeCredentials(dataDir string, creds *admin.Credentials) (string, error) {
	path := filepath.Join(dataDir, credentialsFile)
	b, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// readCredentials reads a credentials file. When there is none the error
// is a missingCredentials, which says how to make one.
func readCredentials(path string) (*admin.Credentials, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingCredentials{path}
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	var c admin.Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return &c, nil
}

// missingCredentials is the error of a credentials file that does not
// exist. Every command that needs one reports it with this text.
type missingCredentials struct{ path string }

func (e missingCredentials) Error() string {
	return fmt.Sprintf("no credentials file at %s: 'idproof serve' writes one in its data directory on first start, "+
		"'idproof bootstrap' at any time; point at it with --data DIR or --credentials FILE, or give a license key with --license", e.path)
}

func (e missingCredentials) Unwrap() error { return fs.ErrNotExist }
