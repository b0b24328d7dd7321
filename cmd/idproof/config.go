package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
)

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

// storeFlags are the flags every command that opens the database shares.
type storeFlags struct {
	data          string
	databaseURL   string
	masterKeyFile string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", envOr("IDPROOF_DATA", "./data"), "data directory: SQLite file, master key, credentials, local bucket (env IDPROOF_DATA)")
	fs.StringVar(&f.databaseURL, "database-url", envOr("IDPROOF_DATABASE_URL", ""), "a postgres:// URL to use PostgreSQL instead of SQLite (env IDPROOF_DATABASE_URL)")
	fs.StringVar(&f.masterKeyFile, "master-key-file", envOr("IDPROOF_MASTER_KEY_FILE", ""), "file holding the base64 master key; default <data>/master.key, generated on first start (env IDPROOF_MASTER_KEY_FILE, or the key itself in IDPROOF_MASTER_KEY)")
}

// backend opens what every command needs: the store and the keyring,
// checked against each other.
type backend struct {
	store   idproof.Store
	keyring *secret.Keyring
	admin   *admin.Service
	where   string // human description of the database
}

// check finds mistakes in the flags before anything is opened or written.
func (f *storeFlags) check() error {
	switch {
	case f.databaseURL == "", strings.HasPrefix(f.databaseURL, "postgres://"), strings.HasPrefix(f.databaseURL, "postgresql://"):
		return nil
	}
	return usageError{"--database-url must be a postgres:// URL (or empty for SQLite in the data directory)"}
}

func (f *storeFlags) open(ctx context.Context, log io.Writer) (*backend, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", f.data, err)
	}
	master, created, err := secret.Load(secret.Source{Base64: os.Getenv("IDPROOF_MASTER_KEY"), File: f.masterKeyFile, DataDir: f.data})
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(log, "generated a master key in %s (keep it: it opens every secret in the database)\n", filepath.Join(f.data, "master.key"))
	}
	kr, err := secret.New(master)
	if err != nil {
		return nil, err
	}
	b := &backend{keyring: kr}
	if f.databaseURL != "" { // a postgres:// URL, as check made sure
		b.store, err = postgres.Open(ctx, f.databaseURL)
		b.where = "PostgreSQL " + redactURL(f.databaseURL)
	} else {
		path := filepath.Join(f.data, "idproof.db")
		b.store, err = sqlite.Open(ctx, path)
		b.where = "SQLite " + path
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", b.where, err)
	}
	if err := admin.CheckMasterKey(ctx, b.store, kr); err != nil {
		b.store.Close()
		return nil, err
	}
	b.admin = &admin.Service{Store: b.store, Keyring: kr, Clock: idproof.SystemClock{}}
	return b, nil
}

// redactURL hides a password in a database URL before it is printed.
func redactURL(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 {
		return s
	}
	userinfo := s[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return s[:scheme+3] + userinfo[:i] + ":xxxxx" + s[at:]
	}
	return s
}
