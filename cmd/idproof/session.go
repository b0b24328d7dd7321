package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"

	"github.com/idproof/idproof/client"
)

const sessionAbout = `Dates are UTC, as 2024-12-19 or 2024-12-19 23:59:59.000. --tenant,
--community and --dvc default to those of the credentials file.`

func runSession(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Sessions are what a tenant's service license is for.
	cmd := newVerbCommand("session", sessionAbout, "service", stderr)
	var tenant, community, dvc, uid string
	var envelope bool
	scoped := func(fs *flag.FlagSet) {
		fs.StringVar(&tenant, "tenant", "", "tenant id (default: the credentials file's)")
		fs.StringVar(&community, "community", "", "community id (default: the credentials file's)")
	}
	sealed := func(fs *flag.FlagSet) {
		fs.BoolVar(&envelope, "envelope", false, "send the body encrypted as {\"data\": \"...\"}, as the vendor's clients do")
	}

	create := cmd.verb("create", "", 0, "Create a session and print {sessionId, url}: send the user to url.")
	scoped(create)
	create.StringVar(&dvc, "dvc", "", "dvcID of the configuration to use (default: the credentials file's)")
	docType := create.String("document-type", "dl_object", "document type: dl_object, ppt_object or idcard_object")
	create.StringVar(&uid, "uid", "", "the user's uid")
	username := create.String("username", "", "the user's username")
	firstname := create.String("firstname", "", "the user's first name")
	lastname := create.String("lastname", "", "the user's last name")
	sealed(create)

	result := cmd.verb("result", "SESSIONID", 1, "Print what the relying party sees of a session.")
	v3 := result.Bool("v3", false, "the v3 shape")
	granular := result.Bool("granular", false, "report PENDING as such rather than as INPROGRESS")
	metadata := result.Bool("metadata", false, "include the history and events")
	sealed(result)

	list := cmd.verb("list", "", 0, "Print one page of the community's sessions, newest first.")
	scoped(list)
	id := list.String("id", "", "only the session with this id")
	status := list.String("status", "", "PENDING, INPROGRESS, COMPLETED, EXPIRED, ABANDONED or DECLINED")
	outcome := list.String("outcome", "", "COMPLETED_PASS, COMPLETED_FAILED, COMPLETED_NOT_PERFORMED or REVIEW")
	listDocType := list.String("document-type", "", "only sessions of this document type")
	name := list.String("name", "", "the whole first or last name (case does not matter)")
	list.StringVar(&uid, "uid", "", "the user's whole uid (case does not matter)")
	list.StringVar(&dvc, "dvc", "", "only sessions of this dvcID")
	from := list.String("from", "", "created at or after this date")
	to := list.String("to", "", "created at or before this date (a bare date covers its day)")
	page := list.Int("page", 0, "page index, from 0")
	size := list.Int("size", 100, "page size, up to 500")
	sealed(list)

	review := cmd.verb("review", "SESSIONID", 1, "Approve or reject a session that completed with the outcome REVIEW.")
	decision := review.String("decision", "", "APPROVE or REJECT")
	reviewReason := review.String("reason", "", "why (required; kept in the session, and in its audit trail as a digest)")

	redact := cmd.verb("redact", "SESSIONID", 1, "Delete a session's personal data now: images, extracted data, the user; a session under way is ended first.")
	redactReason := redact.String("reason", "", "why (optional; kept in the audit trail as a digest only)")

	verb, pos, err := cmd.parse(args)
	if err != nil {
		return err
	}
	cf := &cmd.cf
	c, err := cf.client()
	if err != nil {
		return err
	}
	var opts []client.CallOption
	if envelope {
		opts = append(opts, client.Envelope())
	}
	var out any
	switch verb {
	case "create":
		if err := cf.scope(&tenant, &community, &dvc, true); err != nil {
			return err
		}
		req := client.CreateSessionRequest{DVCID: dvc, SessionRequest: client.SessionRequest{
			TenantID: tenant, CommunityID: community, DocumentType: *docType}}
		if uid != "" || *username != "" || *firstname != "" || *lastname != "" {
			req.SessionRequest.User = &client.SessionUser{UID: uid, Username: *username, Firstname: *firstname, Lastname: *lastname}
		}
		out, err = c.CreateSession(ctx, req, opts...)
	case "result":
		req := client.ResultRequest{SessionID: pos[0], IncludeMetadata: *metadata, GranularStatus: *granular}
		out, err = c.SessionResult(ctx, req, *v3, opts...)
	case "list":
		if err := cf.scope(&tenant, &community, &dvc, false); err != nil {
			return err
		}
		q := client.SessionQuery{ID: *id, Status: *status, OverallRecommendation: *outcome, DocumentType: *listDocType,
			Name: *name, UID: uid, DVCID: dvc, StartDate: *from, EndDate: *to}
		out, err = c.FetchSessions(ctx, tenant, community, q, *page, *size, opts...)
	case "review":
		if *decision == "" || *reviewReason == "" {
			return cmd.fail(verb, "--decision and --reason are required")
		}
		out, err = c.ReviewSession(ctx, pos[0], *decision, *reviewReason)
	case "redact":
		out, err = c.RedactSession(ctx, pos[0], *redactReason)
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
