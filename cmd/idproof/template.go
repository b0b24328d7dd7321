package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/workflow"
)

const templateAbout = `The workflow file (- for standard input) holds an array of steps. --tenant,
--community and --dvc default to those of the credentials file.`

func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Templates belong to a tenant: its service license is enough, and
	// the system one is still a --license away.
	cmd := newVerbCommand("template", templateAbout, "service", stderr)
	var tenant, community string
	scoped := func(fs *flag.FlagSet) {
		fs.StringVar(&tenant, "tenant", "", "tenant id (default: the credentials file's)")
		fs.StringVar(&community, "community", "", "community id (default: the credentials file's)")
	}

	put := cmd.verb("put", "", 0, `Create a template for a document type and a dvcID, or with --id replace
the workflow of an existing one.`)
	scoped(put)
	docType := put.String("document-type", "", "document type: dl_object, ppt_object or idcard_object (needed to create)")
	dvc := put.String("dvc", "", "dvcID the template applies to (default: the credentials file's)")
	file := put.String("file", "", "workflow JSON file, - for standard input (needed)")
	id := put.String("id", "", "update the template with this id instead of creating one")

	list := cmd.verb("list", "", 0, "Print the templates that apply to a session.")
	session := list.String("session", "", "the session whose templates to show (needed)")

	del := cmd.verb("delete", "ID", 1, "Delete a template.")
	scoped(del)

	verb, pos, err := cmd.parse(args)
	if err != nil {
		return err
	}
	cf := &cmd.cf
	c, err := cf.client()
	if err != nil {
		return err
	}
	var out any
	switch verb {
	case "list":
		if *session == "" {
			return cmd.fail(verb, "template list needs --session SESSIONID")
		}
		out, err = c.Templates(ctx, *session)
	case "delete":
		var noDVC string
		if err := cf.scope(&tenant, &community, &noDVC, false); err != nil {
			return err
		}
		if err := c.DeleteTemplate(ctx, tenant, community, pos[0]); err != nil {
			return cf.explain(err)
		}
		fmt.Fprintf(stdout, "deleted template %s\n", pos[0])
		return nil
	case "put":
		if *file == "" || (*id == "" && *docType == "") {
			return cmd.fail(verb, "template put needs --file WORKFLOW.json, and --document-type unless --id is given")
		}
		steps, werr := readWorkflow(*file)
		if werr != nil {
			return werr
		}
		// Creating needs a dvcID; an update without one keeps the
		// template's.
		if err := cf.scope(&tenant, &community, dvc, *id == ""); err != nil {
			return err
		}
		spec := client.TemplateSpec{DocumentType: *docType, DVCID: *dvc, Workflow: steps}
		if *id != "" {
			out, err = c.UpdateTemplate(ctx, tenant, community, *id, spec)
		} else {
			out, err = c.CreateTemplate(ctx, tenant, community, spec)
		}
	}
	if err != nil {
		return cf.explain(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return printJSON(stdout, b)
}

// readWorkflow reads and parses a workflow file. It is not validated here:
// the server is the one judge of what it accepts, and says why.
func readWorkflow(path string) ([]workflow.Step, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--file: %w", err)
	}
	if !json.Valid(b) {
		return nil, usageError{fmt.Sprintf("--file %s is not valid JSON", path)}
	}
	steps, err := workflow.Parse(b)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--file %s: %v", path, err)}
	}
	return steps, nil
}
