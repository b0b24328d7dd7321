package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

var sessionConflicts = conflicts{
	"sessions_pkey":       "session with this id already exists",
	"audit_events_pkey":   "the session's audit trail already has an entry with this sequence number",
	"webhook_events_pkey": "webhook event with this id already exists",
	"":                    "session already exists",
}

const sessionColumns = `id, tenant_id, community_id, tenant_dns, community_name, dvc_id, document_type,
	status, outcome, user_uid, user_username, user_firstname, user_lastname, did, bound_key, retries,
	created_at, expires_at, started_at, completed_at, last_activity_at, purge_at, due_at,
	connector_sealed, personal_sealed, uid_key, firstname_key, lastname_key, data, version`

func scanSession(r pgx.Row) (*idproof.Session, error) {
	var v idproof.Session
	var status, outcome string
	var data []byte
	err := r.Scan(&v.ID, &v.TenantID, &v.CommunityID, &v.TenantDNS, &v.CommunityName, &v.DVCID, &v.DocumentType,
		&status, &outcome, &v.User.UID, &v.User.Username, &v.User.Firstname, &v.User.Lastname,
		&v.DID, &v.BoundKey, &v.Retries,
		&v.CreatedAt, &v.ExpiresAt, &v.StartedAt, &v.CompletedAt, &v.LastActivityAt, &v.PurgeAt, &v.DueAt,
		&v.ConnectorSealed, &v.PersonalSealed, &v.Lookup.UID, &v.Lookup.Firstname, &v.Lookup.Lastname, &data, &v.Version)
	if err != nil {
		return nil, err
	}
	v.Status, v.Outcome = idproof.SessionStatus(status), idproof.Outcome(outcome)
	v.ConnectorSealed, v.PersonalSealed, v.Data = fromBlob(v.ConnectorSealed), fromBlob(v.PersonalSealed), fromBlob(data)
	return &v, nil
}

// CreateSession stores a new session; its ID must be unused. Its outbox
// events and audit entries are inserted by the same statement, so they are
// stored with the session or not at all, in one round trip.
func (s *Store) CreateSession(ctx context.Context, v *idproof.Session) error {
	args := []any{v.ID, v.TenantID, v.CommunityID, v.TenantDNS, v.CommunityName, v.DVCID, v.DocumentType,
		string(v.Status), string(v.Outcome), v.User.UID, v.User.Username, v.User.Firstname, v.User.Lastname,
		v.DID, v.BoundKey, v.Retries,
		ts(v.CreatedAt), ts(v.ExpiresAt), ts(v.StartedAt), ts(v.CompletedAt), ts(v.LastActivityAt), ts(v.PurgeAt), ts(v.DueAt),
		blob(v.ConnectorSealed), blob(v.PersonalSealed), v.Lookup.UID, v.Lookup.Firstname, v.Lookup.Lastname,
		blob(v.Data), v.Version}
	if len(v.Outbox) == 0 && len(v.Audit) == 0 {
		_, err := s.pool.Exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (`+sessionValues+`)`, args...)
		if err != nil {
			return writeErr("create session", err, sessionConflicts)
		}
		return nil
	}
	_, err := s.pool.Exec(ctx, `WITH w AS (INSERT INTO sessions (`+sessionColumns+`) VALUES (`+sessionValues+`) RETURNING 1)`+
		attachedInserts(31), append(args, attachedArgs(v)...)...)
	if err != nil {
		return writeErr("create session", err, sessionConflicts)
	}
	return nil
}

// sessionValues are the placeholders of an insert of sessionColumns.
const sessionValues = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
	$21, $22, $23, $24, $25, $26, $27, $28, $29, $30`

// attachedInserts completes a statement that begins with a CTE w, the
// session's insert or versioned update RETURNING a row when it happened:
// it inserts the outbox events and audit entries given as arrays from
// placeholder $n on (attachedArgs), in their order, only if w wrote, and
// answers how many rows w wrote. One statement is one transaction: a
// taken audit sequence number (audit_events_pkey) undoes the session's
// write too.
func attachedInserts(n int) string {
	p := func(i int) string { return fmt.Sprintf("$%d", n+i) }
	return `,
	e AS (INSERT INTO webhook_events (` + webhookEventColumns + `)
		SELECT id, tenant_id, community_id, session_id, type, payload, created_at
		FROM unnest(` + p(0) + `::text[], ` + p(1) + `::text[], ` + p(2) + `::text[], ` + p(3) + `::text[], ` + p(4) + `::text[],
			` + p(5) + `::bytea[], ` + p(6) + `::timestamptz[]) WITH ORDINALITY
			AS x(id, tenant_id, community_id, session_id, type, payload, created_at, n)
		WHERE EXISTS (SELECT 1 FROM w) ORDER BY n),
	a AS (INSERT INTO audit_events (` + auditColumns + `)
		SELECT session_id, seq, ts, actor, action, origin, detail, prev_hash, hash
		FROM unnest(` + p(7) + `::text[], ` + p(8) + `::bigint[], ` + p(9) + `::timestamptz[], ` + p(10) + `::text[], ` + p(11) + `::text[],
			` + p(12) + `::text[], ` + p(13) + `::bytea[], ` + p(14) + `::text[], ` + p(15) + `::text[]) WITH ORDINALITY
			AS x(session_id, seq, ts, actor, action, origin, detail, prev_hash, hash, n)
		WHERE EXISTS (SELECT 1 FROM w) ORDER BY n)
	SELECT count(*) FROM w`
}

// attachedArgs are the arrays attachedInserts reads: the outbox events'
// columns, then the audit entries'.
func attachedArgs(v *idproof.Session) []any {
	n := len(v.Outbox)
	eid, eten, ecom, eses, etyp := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	epay, eat := make([][]byte, n), make([]time.Time, n)
	for i, e := range v.Outbox {
		eid[i], eten[i], ecom[i], eses[i], etyp[i] = e.ID, e.TenantID, e.CommunityID, e.SessionID, e.Type
		epay[i], eat[i] = fromBlob(e.Payload), ts(e.CreatedAt)
	}
	m := len(v.Audit)
	ases, aact, aacn, aori, aprev, ahash := make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m)
	aseq, ats, adet := make([]int64, m), make([]time.Time, m), make([][]byte, m)
	for i, e := range v.Audit {
		ases[i], aseq[i], ats[i], aact[i], aacn[i], aori[i] = e.SessionID, e.Seq, ts(e.TS), e.Actor, e.Action, e.Origin
		adet[i], aprev[i], ahash[i] = fromBlob(e.Detail), e.PrevHash, e.Hash
	}
	return []any{eid, eten, ecom, eses, etyp, epay, eat, ases, aseq, ats, aact, aacn, aori, adet, aprev, ahash}
}

// Session returns the session with the given ID.
func (s *Store) Session(ctx context.Context, id string) (*idproof.Session, error) {
	v, err := scanSession(s.pool.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id))
	if err != nil {
		return nil, readErr("get session", err, "session", id)
	}
	return v, nil
}

// UpdateSession writes every field but the session's identity (ID, tenant
// and community, with their names) and CreatedAt, provided the stored Version still equals
// v.Version, and then increments v.Version. A stale version is ECONFLICT.
// Under READ COMMITTED a concurrent writer's UPDATE waits for the row lock
// and then re-checks the version, so exactly one writer wins each version.
// Outbox events and audit entries are inserted by the same statement,
// only if the update matched, and a taken audit sequence number undoes
// it: one round trip either way. Only when it matches nothing does a second statement tell a missing
// session from a stale version, and as sessions are never deleted that
// answer cannot change between the two.
func (s *Store) UpdateSession(ctx context.Context, v *idproof.Session) error {
	args := []any{v.DVCID, v.DocumentType, string(v.Status), string(v.Outcome),
		v.User.UID, v.User.Username, v.User.Firstname, v.User.Lastname,
		v.DID, v.BoundKey, v.Retries,
		ts(v.ExpiresAt), ts(v.StartedAt), ts(v.CompletedAt), ts(v.LastActivityAt), ts(v.PurgeAt),
		ts(v.DueAt), blob(v.ConnectorSealed), blob(v.PersonalSealed), v.Lookup.UID, v.Lookup.Firstname,
		v.Lookup.Lastname, blob(v.Data),
		v.ID, v.Version}
	var matched bool
	if len(v.Outbox) == 0 && len(v.Audit) == 0 {
		tag, err := s.pool.Exec(ctx, updateSessionSQL, args...)
		if err != nil {
			return writeErr("update session", err, sessionConflicts)
		}
		matched = tag.RowsAffected() == 1
	} else {
		var n int
		err := s.pool.QueryRow(ctx, `WITH w AS (`+updateSessionSQL+` RETURNING 1)`+attachedInserts(26),
			append(args, attachedArgs(v)...)...).Scan(&n)
		if err != nil {
			return writeErr("update session", err, sessionConflicts)
		}
		matched = n == 1
	}
	if !matched {
		var one int
		err := s.pool.QueryRow(ctx, `SELECT 1 FROM sessions WHERE id = $1`, v.ID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("session", v.ID)
		}
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		return idproof.Errorf(idproof.ECONFLICT, "session %q was changed concurrently", v.ID)
	}
	v.Version++
	return nil
}

// updateSessionSQL is the versioned update of every mutable column.
const updateSessionSQL = `UPDATE sessions SET
		dvc_id = $1, document_type = $2, status = $3, outcome = $4,
		user_uid = $5, user_username = $6, user_firstname = $7, user_lastname = $8,
		did = $9, bound_key = $10, retries = $11,
		expires_at = $12, started_at = $13, completed_at = $14, last_activity_at = $15, purge_at = $16,
		due_at = $17, connector_sealed = $18, personal_sealed = $19, uid_key = $20, firstname_key = $21,
		lastname_key = $22, data = $23, version = version + 1
		WHERE id = $24 AND version = $25`

// Sessions returns one page of the sessions matching f, newest first (ties
// broken by ID), and how many match in all. The count and the page are read
// from one snapshot so that they agree. Both queries run as unnamed
// statements so that each is planned for its actual filter values and page
// bounds rather than from a cached generic plan.
func (s *Store) Sessions(ctx context.Context, f idproof.SessionFilter) ([]*idproof.Session, int, error) {
	if err := idproof.CheckSessionFilter(f); err != nil {
		return nil, 0, err
	}
	where, args := sessionWhere(f)
	var list []*idproof.Session
	var total int
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT count(*) FROM sessions`+where,
			append([]any{pgx.QueryExecModeExec}, args...)...).Scan(&total)
		if err != nil {
			return fmt.Errorf("count sessions: %w", err)
		}
		offset := max(f.Offset, 0)
		if offset >= total {
			return nil
		}
		// The page's ids are picked first, from an index alone where one
		// covers the filter, and only then are the page's rows read.
		// Reading whole rows while skipping made a deep page cost seconds
		// at a million sessions.
		page := `SELECT id FROM sessions` + where + ` ORDER BY created_at DESC, id`
		if f.Limit > 0 {
			args = append(args, f.Limit)
			page += ` LIMIT $` + strconv.Itoa(len(args))
		}
		args = append(args, offset)
		page += ` OFFSET $` + strconv.Itoa(len(args))
		query := `SELECT ` + sessionColumns + ` FROM sessions WHERE id IN (` + page + `) ORDER BY created_at DESC, id`
		rows, err := tx.Query(ctx, query, append([]any{pgx.QueryExecModeExec}, args...)...)
		if err != nil {
			return fmt.Errorf("list sessions: %w", err)
		}
		list, err = collect(rows, scanSession, "list sessions")
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// sessionWhere renders the conditions of f as a WHERE clause.
func sessionWhere(f idproof.SessionFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	for _, eq := range []struct{ col, val string }{
		{"tenant_id", f.TenantID},
		{"community_id", f.CommunityID},
		{"id", f.ID},
		{"dvc_id", f.DVCID},
	} {
		if eq.val != "" {
			conds = append(conds, eq.col+" = "+arg(eq.val))
		}
	}
	// in renders "col = ANY($n)": one parameter whatever the list's length.
	in := func(col string, vals []string) string { return col + " = ANY(" + arg(vals) + ")" }
	switch st, so := idproof.Strings(f.Statuses), idproof.Strings(f.StatusOutcomes); {
	case len(st) > 0 && len(so) > 0:
		conds = append(conds, "("+in("status", st)+" OR "+in("outcome", so)+")")
	case len(st) > 0:
		conds = append(conds, in("status", st))
	case len(so) > 0:
		conds = append(conds, in("outcome", so))
	}
	if len(f.Outcomes) > 0 {
		conds = append(conds, in("outcome", idproof.Strings(f.Outcomes)))
	}
	if len(f.DocumentTypes) > 0 {
		conds = append(conds, in("document_type", f.DocumentTypes))
	}
	if f.NameKey != "" {
		p := arg(f.NameKey)
		conds = append(conds, "(firstname_key = "+p+" OR lastname_key = "+p+")")
	}
	if f.UIDKey != "" {
		conds = append(conds, "uid_key = "+arg(f.UIDKey))
	}
	if f.Unsealed {
		conds = append(conds, "personal_sealed IS NULL")
	}
	if !f.CreatedFrom.IsZero() {
		conds = append(conds, "created_at >= "+arg(ts(f.CreatedFrom)))
	}
	if !f.CreatedTo.IsZero() {
		conds = append(conds, "created_at <= "+arg(ts(f.CreatedTo)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ClaimSessionsDue claims up to limit due sessions; see idproof.SessionStore.
// SKIP LOCKED lets concurrent claimers pass over each other's rows instead
// of waiting for them, so replicas split the queue between them.
func (s *Store) ClaimSessionsDue(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*idproof.Session, error) {
	rows, err := s.pool.Query(ctx, `UPDATE sessions SET due_at = $1, version = version + 1
		WHERE id IN (SELECT id FROM sessions
			WHERE due_at > '0001-01-01 00:00:00+00' AND due_at <= $2
			ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING `+sessionColumns, ts(leaseUntil), ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim sessions: %w", err)
	}
	defer rows.Close()
	var out []*idproof.Session
	for rows.Next() {
		v, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("claim sessions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
