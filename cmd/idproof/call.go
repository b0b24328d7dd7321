package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/wire"
)

// clientFlags are shared by the commands that talk to a running server.
type clientFlags struct {
	url         string
	data        string
	credentials string
	license     string
	key         string
	licenseSet  bool  // --license was given explicitly
	noLicense   error // why no license is sent, when the default one is missing
}

func (f *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "url", envOr("IDPROOF_URL", "http://127.0.0.1:8080"), "server base URL (env IDPROOF_URL)")
	fs.StringVar(&f.data, "data", envOr("IDPROOF_DATA", "./data"), "data directory holding credentials.json (env IDPROOF_DATA)")
	fs.StringVar(&f.credentials, "credentials", "", "credentials file; default <data>/credentials.json")
	fs.StringVar(&f.license, "license", "system", "license to send: system or service (from the credentials file), none, or a license key")
	fs.StringVar(&f.key, "key", "", "caller private key (base64); default a new one per run")
}

// parse parses args and notes which flags were given.
func (f *clientFlags) parse(set *flag.FlagSet, args []string) error {
	if err := set.Parse(args); err != nil {
		return err
	}
	set.Visit(func(fl *flag.Flag) {
		if fl.Name == "license" {
			f.licenseSet = true
		}
	})
	return nil
}

func (f *clientFlags) client() (*client.Client, error) {
	var opts []client.Option
	if f.key != "" {
		k, err := wire.ParsePrivateKey(f.key)
		if err != nil {
			return nil, usageError{"--key: " + err.Error()}
		}
		opts = append(opts, client.WithKey(k))
	}
	lic, err := f.licenseKey()
	if err != nil {
		return nil, err
	}
	if lic != "" {
		opts = append(opts, client.WithLicense(lic))
	}
	return client.New(f.url, opts...)
}

// licenseKey returns the license key to send, "" for none. The default
// license comes from the credentials file; when there is no such file the
// request goes out without one, so that public endpoints still answer, and
// noLicense keeps the reason for explain. A license asked for by name with
// --license must be found.
func (f *clientFlags) licenseKey() (string, error) {
	switch f.license {
	case "none", "":
		return "", nil
	case "system", "service":
	default:
		return f.license, nil
	}
	creds, err := f.readCredentials()
	if err != nil {
		var missing missingCredentials
		if !f.licenseSet && errors.As(err, &missing) {
			f.noLicense = err
			return "", nil
		}
		return "", err
	}
	if f.license == "service" {
		return creds.Licenses.Service, nil
	}
	return creds.Licenses.System, nil
}

// explain adds to a 401 the reason no license was sent, which the server
// cannot know.
func (f *clientFlags) explain(err error) error {
	var ce *client.Error
	if f.noLicense != nil && errors.As(err, &ce) && ce.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("%w\nno license was sent: %v", err, f.noLicense)
	}
	return err
}

func runCall(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: idproof call [flags] METHOD PATH [BODY]\n\nBODY is JSON, @file, or - for standard input. Flags:")
		fs.PrintDefaults()
	}
	var cf clientFlags
	cf.register(fs)
	envelope := fs.Bool("envelope", false, "send the body encrypted as {\"data\": \"...\"}, as the vendor's clients do")
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 || fs.NArg() > 3 {
		fs.Usage()
		return usageError{"call needs METHOD PATH [BODY]"}
	}
	method, path := strings.ToUpper(fs.Arg(0)), fs.Arg(1)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	var body any
	if fs.NArg() == 3 {
		raw, err := readBodyArg(fs.Arg(2))
		if err != nil {
			return err
		}
		if !json.Valid(raw) {
			return usageError{"BODY is not valid JSON"}
		}
		body = json.RawMessage(raw)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	var opts []client.CallOption
	if *envelope {
		opts = append(opts, client.Envelope())
	}
	var out json.RawMessage
	if err := c.Do(ctx, method, path, body, &out, opts...); err != nil {
		return cf.explain(err)
	}
	return printJSON(stdout, out)
}

func readBodyArg(arg string) ([]byte, error) {
	switch {
	case arg == "-":
		return io.ReadAll(os.Stdin)
	case strings.HasPrefix(arg, "@"):
		return os.ReadFile(arg[1:])
	}
	return []byte(arg), nil
}

func printJSON(w io.Writer, raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		_, err = w.Write(raw)
		return err
	}
	buf.WriteByte('\n')
	_, err := buf.WriteTo(w)
	return err
}

func runServiceKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("servicekeys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: idproof servicekeys [flags] [rotate KEYID]\n\nWithout arguments, lists the service keys. Flags:")
		fs.PrintDefaults()
	}
	var cf clientFlags
	cf.register(fs)
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		keys, err := c.ServiceKeys(ctx)
		if err != nil {
			return cf.explain(err)
		}
		b, _ := json.Marshal(keys)
		return printJSON(stdout, b)
	case fs.NArg() == 2 && fs.Arg(0) == "rotate":
		k, err := c.RotateServiceKey(ctx, fs.Arg(1))
		if err != nil {
			return cf.explain(err)
		}
		b, _ := json.Marshal(k)
		return printJSON(stdout, b)
	}
	fs.Usage()
	return usageError{"servicekeys takes no arguments or: rotate KEYID"}
}

func runKeys(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	k, err := wire.GenerateKey()
	if err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]string{"publicKey": k.Public().String(), "privateKey": k.String()})
	return printJSON(stdout, b)
}

// credentialsPath is the credentials file the flags point at.
func (f *clientFlags) credentialsPath() string {
	if f.credentials != "" {
		return f.credentials
	}
	return filepath.Join(f.data, credentialsFile)
}

// scope fills a tenant, community and, when needDVC, dvcID left unset
// from the credentials file, which is read only when something is missing.
func (f *clientFlags) scope(tenant, community, dvc *string, needDVC bool) error {
	if *tenant != "" && *community != "" && (!needDVC || *dvc != "") {
		return nil
	}
	creds, err := f.readCredentials()
	if err != nil {
		return usageError{fmt.Sprintf("--tenant and --community are needed: %v", err)}
	}
	if *tenant == "" {
		*tenant = creds.TenantID
	}
	if *community == "" {
		*community = creds.CommunityID
	}
	if needDVC && *dvc == "" {
		*dvc = creds.DVCID
	}
	return nil
}

// readCredentials reads the credentials file the flags point at.
func (f *clientFlags) readCredentials() (*admin.Credentials, error) {
	return readCredentials(f.credentialsPath())
}
