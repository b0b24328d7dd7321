package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

// TestVerbHelp: -h lists every verb with its own flags, and a verb's -h
// only that verb; a flag of another verb is refused.
func TestVerbHelp(t *testing.T) {
	for _, c := range []struct {
		args      []string
		want, not []string
	}{
		{args: []string{"session", "-h"}, want: []string{
			"idproof session create [flags]\n", "--uid string", "--firstname string",
			"idproof session result [flags] SESSIONID\n", "--v3", "--granular",
			"idproof session list [flags]\n", "--status string", "--size int", "(default 100)",
			"Flags of every verb:", "--url string", "--license string", "(default service)"}},
		{args: []string{"session", "result", "-h"}, want: []string{"idproof session result [flags] SESSIONID\n", "--v3", "--url string"},
			not: []string{"session create", "--status"}},
		{args: []string{"template", "--help"}, want: []string{
			"idproof template put [flags]\n", "--file string", "--document-type string",
			"idproof template list [flags]\n", "--session string",
			"idproof template delete [flags] ID\n", "--tenant string", "Flags of every verb:"}},
		{args: []string{"template", "help"}, want: []string{"idproof template delete [flags] ID\n"}},
	} {
		var help strings.Builder
		err := run(context.Background(), c.args, io.Discard, &help)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: err %v, want flag.ErrHelp", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(help.String(), w) {
				t.Errorf("%v: no %q in:\n%s", c.args, w, help.String())
			}
		}
		for _, n := range c.not {
			if strings.Contains(help.String(), n) {
				t.Errorf("%v: %q in:\n%s", c.args, n, help.String())
			}
		}
	}

	err := run(context.Background(), []string{"session", "result", "--status", "COMPLETED", "x"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "status") {
		t.Errorf("a list flag given to result: %v", err)
	}
}
