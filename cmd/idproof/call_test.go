package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingCredentials: without a credentials file, public endpoints
// still answer, and every command that needs a license from the file says
// which file is missing and how to get one, instead of a bare 401.
func TestMissingCredentials(t *testing.T) {
	srv := startServe(t, t.TempDir())
	empty := t.TempDir()
	path := filepath.Join(empty, credentialsFile)
	t.Setenv("IDPROOF_URL", srv.base)
	t.Setenv("IDPROOF_DATA", empty)
	cli := func(args ...string) (string, error) {
		var out strings.Builder
		err := run(context.Background(), args, &out, io.Discard)
		return out.String(), err
	}

	for _, args := range [][]string{
		{"call", "GET", "/healthz"},
		{"call", "--license", "none", "GET", "/healthz"},
		{"call", "--license", "none", "POST", "/ecdsa_helper/encrypt", `{}`},
	} {
		// The helper refuses an empty body, but not for want of a license.
		out, err := cli(args...)
		if err != nil && !strings.Contains(err.Error(), "400") || err == nil && !strings.Contains(out, "{") {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}

	for _, c := range []struct {
		args []string
		sent bool // the request goes out, without a license, and gets a 401
	}{
		{[]string{"call", "GET", "/servicekeys"}, true},
		{[]string{"call", "--license", "service", "GET", "/servicekeys"}, false},
		{[]string{"servicekeys"}, true},
		{[]string{"session", "result", "00000000-0000-4000-8000-000000000000"}, true},
		{[]string{"session", "create", "--uid", "alice"}, false},
		{[]string{"template", "delete", "000000000000000000000000"}, false},
		{[]string{"dvc", "list"}, false},
		{[]string{"dvc", "get", "000000000000000000000000"}, true},
	} {
		_, err := cli(c.args...)
		if err == nil || !strings.Contains(err.Error(), "no credentials file at "+path) ||
			!strings.Contains(err.Error(), "idproof bootstrap") || !strings.Contains(err.Error(), "--credentials") {
			t.Errorf("%v: %v, want the missing file named with how to make one", c.args, err)
			continue
		}
		if sent := strings.Contains(err.Error(), "401"); sent != c.sent {
			t.Errorf("%v: request sent %v, want %v: %v", c.args, sent, c.sent, err)
		}
	}
}
