// Command idproof is the identity-proofing server and its command-line tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the server", runServe},
		{"bootstrap", "create (or show) the first tenant, licenses, service key and configuration", runBootstrap},
		{"call", "call an endpoint with signed and encrypted headers", runCall},
		{"servicekeys", "list or rotate service keys through the API", runServiceKeys},
		{"template", "create, list or delete proofing templates through the API", runTemplate},
		{"session", "create sessions, read their results, list them through the API", runSession},
		{"loadtest", "measure a running server: single endpoints or the whole session flow, against a minimal baseline", runLoadtest},
		{"tenant", "create or list tenants through the API", runTenant},
		{"community", "create or list a tenant's communities through the API", runCommunity},
		{"license", "create, list, disable or expire licenses through the API", runLicense},
		{"dvc", "put, list, get or delete verification configurations through the API", runDVC},
		{"keys", "generate a secp256k1 key pair in the wire format", runKeys},
		{"parse", "parse raw MRZ lines or an AAMVA barcode payload from standard input and print it as JSON", runParse},
		{"audit", "export a session's audit trail, or verify one (hash chain and signed proof)", runAudit},
		{"face", "compare the faces of two photos with the built-in face models", runFace},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "idproof:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// run dispatches to a subcommand. It is main without the process around it,
// so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return usageError{"a command is required"}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: idproof <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'idproof <command> -h' for the flags of a command.")
}
