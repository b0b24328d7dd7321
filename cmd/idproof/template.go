package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/workflow"
)

const templateUsage = `usage:
  idproof template put    [flags] --document-type TYPE [--dvc DVCID] --file WORKFLOW.json
  idproof template put    [flags] --id ID --file WORKFLOW.json [--document-type TYPE] [--dvc DVCID]
  idproof template list   [flags] --session SESSIONID
  idproof template delete [flags] ID

put creates a template, or with --id replaces the workflow of an existing
one. The file (- for standard input) holds the workflow: an array of steps.
--tenant, --community and --dvc default to those of the credentials file.
Flags:`

func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Templates belong to a tenant: its service license is enough, and
	// the system one is still a --license away.
	verb, set, cf, err := verbCommand("template", templateUsage, []string{"put", "list", "delete"}, "service", args, stderr)
	if err != nil {
		return err
	}
	tenant := set.String("tenant", "", "tenant id (default: the credentials file's)")
	community := set.String("community", "", "community id (default: the credentials file's)")
	docType := set.String("document-type", "", "document type: dl_object, ppt_object or idcard_object")
	dvc := set.String("dvc", "", "dvcID the template applies to (default: the credentials file's)")
	file := set.String("file", "", "workflow JSON file, - for standard input")
	id := set.String("id", "", "put: update the template with this id instead of creating one")
	session := set.String("session", "", "list: the session whose templates to show")
	if err := cf.parse(set, args[1:]); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	scope := func(needDVC bool) error { return cf.scope(tenant, community, dvc, needDVC) }
	var out any
	switch verb {
	case "list":
		if *session == "" || set.NArg() != 0 {
			set.Usage()
			return usageError{"template list needs --session SESSIONID and no arguments"}
		}
		if out, err = c.Templates(ctx, *session); err != nil {
			return err
		}
	case "delete":
		if set.NArg() != 1 {
			set.Usage()
			return usageError{"template delete needs the template ID"}
		}
		if err := scope(false); err != nil {
			return err
		}
		if err := c.DeleteTemplate(ctx, *tenant, *community, set.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted template %s\n", set.Arg(0))
		return nil
	case "put":
		if *file == "" || set.NArg() != 0 {
			set.Usage()
			return usageError{"template put needs --file WORKFLOW.json and no arguments"}
		}
		steps, err := readWorkflow(*file)
		if err != nil {
			return err
		}
		if *id != "" {
			if err := scope(false); err != nil {
				return err
			}
			spec := client.TemplateSpec{DocumentType: *docType, DVCID: *dvc, Workflow: steps}
			if out, err = c.UpdateTemplate(ctx, *tenant, *community, *id, spec); err != nil {
				return err
			}
			break
		}
		if *docType == "" {
			set.Usage()
			return usageError{"template put needs --document-type (or --id to update)"}
		}
		if err := scope(true); err != nil {
			return err
		}
		spec := client.TemplateSpec{DocumentType: *docType, DVCID: *dvc, Workflow: steps}
		if out, err = c.CreateTemplate(ctx, *tenant, *community, spec); err != nil {
			return err
		}
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
