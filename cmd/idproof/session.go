package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/idproof/idproof/client"
)

const sessionUsage = `usage:
  idproof session create [flags] [--dvc ID] [--document-type TYPE] [--uid U --firstname F --lastname L]
  idproof session result [flags] [--v3] [--granular] [--metadata] SESSIONID
  idproof session list   [flags] [--status S] [--outcome O] [--document-type T] [--name N] [--uid U]
                         [--dvc D] [--from DATE] [--to DATE] [--page N] [--size N]

create prints {sessionId, url}: send the user to url. result prints what the
relying party sees of a session. list prints one page of the community's
sessions, newest first; dates are UTC, as 2024-12-19 or 2024-12-19 23:59:59.000.
--tenant, --community and --dvc default to those of the credentials file.
Flags:`

func runSession(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Sessions are what a tenant's service license is for.
	verb, set, cf, err := verbCommand("session", sessionUsage, []string{"create", "result", "list"}, "service", args, stderr)
	if err != nil {
		return err
	}
	tenant := set.String("tenant", "", "tenant id (default: the credentials file's)")
	community := set.String("community", "", "community id (default: the credentials file's)")
	docType := set.String("document-type", "", "document type: dl_object, ppt_object or idcard_object (create: default dl_object)")
	dvc := set.String("dvc", "", "create: dvcID of the configuration to use (default: the credentials file's); list: filter")
	uid := set.String("uid", "", "create: the user's uid; list: filter on a part of it")
	username := set.String("username", "", "create: the user's username")
	firstname := set.String("firstname", "", "create: the user's first name")
	lastname := set.String("lastname", "", "create: the user's last name")
	envelope := set.Bool("envelope", false, "send the body encrypted as {\"data\": \"...\"}, as the vendor's clients do")
	v3 := set.Bool("v3", false, "result: the v3 shape")
	granular := set.Bool("granular", false, "result: report PENDING as such rather than as INPROGRESS")
	metadata := set.Bool("metadata", false, "result: include the history and events")
	id := set.String("id", "", "list: only the session with this id")
	status := set.String("status", "", "list: PENDING, INPROGRESS, COMPLETED, EXPIRED, ABANDONED or DECLINED")
	outcome := set.String("outcome", "", "list: COMPLETED_PASS, COMPLETED_FAILED, COMPLETED_NOT_PERFORMED or REVIEW")
	name := set.String("name", "", "list: a part of the first or last name")
	from := set.String("from", "", "list: created at or after this date")
	to := set.String("to", "", "list: created at or before this date (a bare date covers its day)")
	page := set.Int("page", 0, "list: page index, from 0")
	size := set.Int("size", 100, "list: page size, up to 500")
	if err := cf.parse(set, args[1:]); err != nil {
		return err
	}
	wantArgs := 0
	if verb == "result" {
		wantArgs = 1
	}
	if set.NArg() != wantArgs {
		set.Usage()
		if wantArgs == 1 {
			return usageError{"session result needs the session ID"}
		}
		return usageError{"session " + verb + " takes flags only"}
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	var opts []client.CallOption
	if *envelope {
		opts = append(opts, client.Envelope())
	}
	scope := func(needDVC bool) error { return cf.scope(tenant, community, dvc, needDVC) }
	var out any
	switch verb {
	case "create":
		if err := scope(true); err != nil {
			return err
		}
		if *docType == "" {
			*docType = "dl_object"
		}
		req := client.CreateSessionRequest{DVCID: *dvc, SessionRequest: client.SessionRequest{
			TenantID: *tenant, CommunityID: *community, DocumentType: *docType}}
		if *uid != "" || *username != "" || *firstname != "" || *lastname != "" {
			req.SessionRequest.User = &client.SessionUser{UID: *uid, Username: *username, Firstname: *firstname, Lastname: *lastname}
		}
		if out, err = c.CreateSession(ctx, req, opts...); err != nil {
			return err
		}
	case "result":
		req := client.ResultRequest{SessionID: set.Arg(0), IncludeMetadata: *metadata, GranularStatus: *granular}
		if out, err = c.SessionResult(ctx, req, *v3, opts...); err != nil {
			return err
		}
	case "list":
		if err := scope(false); err != nil {
			return err
		}
		q := client.SessionQuery{ID: *id, Status: *status, OverallRecommendation: *outcome, DocumentType: *docType,
			Name: *name, UID: *uid, DVCID: *dvc, StartDate: *from, EndDate: *to}
		if out, err = c.FetchSessions(ctx, *tenant, *community, q, *page, *size, opts...); err != nil {
			return err
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return printJSON(stdout, b)
}
