package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/idproof/idproof/client"
)

const dvcAbout = `Verification configurations (dvcIDs) of a community. put creates or
replaces the configuration NAME from a file holding {"connector": {...},
"verification": {...}}; other fields, such as those get prints, are ignored.
Connector secrets are masked when read; a masked value put back keeps the
stored secret, so a configuration can be fetched with get, edited and put
back without retyping them. --tenant and --community default to the
credentials file's.`

func runDVC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := newAdminCommand("dvc", dvcAbout, stderr)
	sc := a.scope(true)
	file := a.set.String("file", "", "put: the configuration file, - for standard input")
	a.verbs = []adminVerb{
		{name: "put", args: "[--tenant ID] [--community ID] --file CONFIG.json NAME", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			conn, ver, err := readDVCFile(*file)
			if err != nil {
				return nil, err
			}
			if err := sc.fill(true); err != nil {
				return nil, err
			}
			return c.PutVerificationConfig(ctx, sc.tenant, sc.community, args[0], conn, ver)
		}},
		{name: "list", args: "[--tenant ID] [--community ID]", run: func(ctx context.Context, c *client.Client, _ []string) (any, error) {
			if err := sc.fill(true); err != nil {
				return nil, err
			}
			return nonNil(c.VerificationConfigs(ctx, sc.tenant, sc.community))
		}},
		{name: "get", args: "DVCID", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			return c.VerificationConfig(ctx, args[0])
		}},
		{name: "delete", args: "DVCID", nargs: 1, run: func(ctx context.Context, c *client.Client, args []string) (any, error) {
			if err := c.DeleteVerificationConfig(ctx, args[0]); err != nil {
				return nil, err
			}
			return map[string]string{"deleted": args[0]}, nil
		}},
	}
	return a.run(ctx, args, stdout)
}

// readDVCFile reads the connector and verification objects of a
// configuration file. Their content is for the server to judge.
func readDVCFile(path string) (connector, verification json.RawMessage, err error) {
	if path == "" {
		return nil, nil, usageError{"dvc put needs --file CONFIG.json"}
	}
	var b []byte
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--file: %w", err)
	}
	var doc struct {
		Connector    json.RawMessage `json:"connector"`
		Verification json.RawMessage `json:"verification"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, nil, usageError{fmt.Sprintf("--file %s is not a JSON object: %v", path, err)}
	}
	if len(bytes.TrimSpace(doc.Connector)) == 0 || len(bytes.TrimSpace(doc.Verification)) == 0 {
		return nil, nil, usageError{fmt.Sprintf("--file %s needs both \"connector\" and \"verification\"", path)}
	}
	return doc.Connector, doc.Verification, nil
}
