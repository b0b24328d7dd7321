package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// verbCommand is a command made of verbs that each take flags of their
// own besides the client flags they share: "idproof session create --uid U",
// "idproof session result --v3 ID". Each verb parses only its own flags, so
// a flag given to the wrong verb is refused rather than ignored, and the
// help lists every verb with its flags.
type verbCommand struct {
	name   string
	about  string // printed after the verbs and their flags
	cf     clientFlags
	shared *flag.FlagSet // the client flags, which every verb takes
	verbs  []*verbSpec
	stderr io.Writer
}

// verbSpec is one verb of a verbCommand.
type verbSpec struct {
	name  string
	args  string // what follows the flags, e.g. "SESSIONID"
	nargs int    // the number of positional arguments; -1: none or one
	about string
	flags *flag.FlagSet // its own flags only
}

// newVerbCommand starts a verb command whose --license defaults to
// license. Verbs are added with verb.
func newVerbCommand(name, about, license string, stderr io.Writer) *verbCommand {
	c := &verbCommand{name: name, about: about, stderr: stderr}
	c.shared = flag.NewFlagSet(name, flag.ContinueOnError)
	c.cf.register(c.shared)
	c.cf.license = license
	c.shared.Lookup("license").DefValue = license
	return c
}

// verb adds a verb taking nargs positional arguments and returns the flag
// set to define its own flags on. A flag several verbs take is defined on
// each, with the same variable.
func (c *verbCommand) verb(name, args string, nargs int, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name+" "+name, flag.ContinueOnError)
	c.verbs = append(c.verbs, &verbSpec{name: name, args: args, nargs: nargs, about: about, flags: fs})
	return fs
}

// parse finds the verb (the first argument) and parses the flags that
// follow it, wherever they are among its arguments. It returns the verb's
// name and its positional arguments. -h prints the help: of the verb when
// one is given, else of every verb.
func (c *verbCommand) parse(args []string) (string, []string, error) {
	var names []string
	var v *verbSpec
	for _, s := range c.verbs {
		names = append(names, s.name)
		if len(args) > 0 && args[0] == s.name {
			v = s
		}
	}
	if v == nil {
		c.usage(c.stderr, nil)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help") {
			return "", nil, flag.ErrHelp
		}
		return "", nil, usageError{c.name + " needs one of: " + strings.Join(names, ", ")}
	}
	set := flag.NewFlagSet(c.name+" "+v.name, flag.ContinueOnError)
	set.SetOutput(c.stderr)
	set.Usage = func() { c.usage(c.stderr, v) }
	for _, fs := range []*flag.FlagSet{c.shared, v.flags} {
		fs.VisitAll(func(f *flag.Flag) { set.Var(f.Value, f.Name, f.Usage) })
	}
	pos, err := parseInterspersed(&c.cf, set, args[1:])
	if err != nil {
		return "", nil, err
	}
	if len(pos) != v.nargs && !(v.nargs < 0 && len(pos) <= 1) {
		c.usage(c.stderr, v)
		want := v.args
		if v.nargs == 0 {
			want = "no arguments"
		}
		return "", nil, usageError{fmt.Sprintf("%s %s takes %s", c.name, v.name, want)}
	}
	return v.name, pos, nil
}

// fail prints the help of the verb and returns msg as a usage error, for
// mistakes the flags alone cannot catch.
func (c *verbCommand) fail(verb, msg string) error {
	for _, v := range c.verbs {
		if v.name == verb {
			c.usage(c.stderr, v)
		}
	}
	return usageError{msg}
}

// usage prints the help of one verb, or of every verb when only is nil.
func (c *verbCommand) usage(w io.Writer, only *verbSpec) {
	fmt.Fprintf(w, "usage: idproof %s VERB [flags] [ARGUMENTS]\n", c.name)
	for _, v := range c.verbs {
		if only != nil && v != only {
			continue
		}
		fmt.Fprintf(w, "\nidproof %s %s [flags]", c.name, v.name)
		if v.args != "" {
			fmt.Fprintf(w, " %s", v.args)
		}
		fmt.Fprintf(w, "\n    %s\n", strings.ReplaceAll(v.about, "\n", "\n    "))
		printFlags(w, v.flags)
	}
	fmt.Fprintf(w, "\nFlags of every verb:\n")
	printFlags(w, c.shared)
	fmt.Fprintf(w, "\n%s\n", c.about)
}

// printFlags lists the flags of fs, one a line, as --name TYPE and what it
// does.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		switch f.DefValue {
		case "", "0", "false":
		default:
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}
