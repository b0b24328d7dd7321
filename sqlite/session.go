package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

var sessionConflicts = conflicts{
	"sessions.id": "session with this id already exists",
	"audit_events.session_id, audit_events.seq": "the session's audit trail already has an entry with this sequence number",
	"webhook_events.id":                         "webhook event with this id already exists",
	"":                                          "session already exists",
}

const sessionColumns = `id, tenant_id, community_id, tenant_dns, community_name, dvc_id, document_type,
	status, outcome, user_uid, user_username, user_firstname, user_lastname, did, bound_key, retries,
	created_at, expires_at, started_at, completed_at, last_activity_at, purge_at, due_at,
	connector_sealed, personal_sealed, uid_key, firstname_key, lastname_key, data, version`

func scanSession(r scanner) (*idproof.Session, error) {
	var v idproof.Session
	var data []byte
	var created, expires, started, completed, activity, purge, due int64
	err := r.Scan(&v.ID, &v.TenantID, &v.CommunityID, &v.TenantDNS, &v.CommunityName, &v.DVCID, &v.DocumentType,
		&v.Status, &v.Outcome, &v.User.UID, &v.User.Username, &v.User.Firstname, &v.User.Lastname,
		&v.DID, &v.BoundKey, &v.Retries,
		&created, &expires, &started, &completed, &activity, &purge, &due,
		&v.ConnectorSealed, &v.PersonalSealed, &v.Lookup.UID, &v.Lookup.Firstname, &v.Lookup.Lastname, &data, &v.Version)
	if err != nil {
		return nil, err
	}
	v.CreatedAt, v.ExpiresAt, v.StartedAt = fromMillis(created), fromMillis(expires), fromMillis(started)
	v.CompletedAt, v.LastActivityAt, v.PurgeAt = fromMillis(completed), fromMillis(activity), fromMillis(purge)
	v.DueAt = fromMillis(due)
	v.ConnectorSealed, v.PersonalSealed, v.Data = fromBlob(v.ConnectorSealed), fromBlob(v.PersonalSealed), fromBlob(data)
	return &v, nil
}

// CreateSession stores a new session, its ID unused, with its outbox
// events and audit entries, all in the caller's savepoint: a conflict on
// any of them undoes the others.
func (s *Store) CreateSession(ctx context.Context, v *idproof.Session) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, s.q.createSession).ExecContext(ctx,
			v.ID, v.TenantID, v.CommunityID, v.TenantDNS, v.CommunityName, v.DVCID, v.DocumentType,
			string(v.Status), string(v.Outcome), v.User.UID, v.User.Username, v.User.Firstname, v.User.Lastname,
			v.DID, v.BoundKey, v.Retries,
			millis(v.CreatedAt), millis(v.ExpiresAt), millis(v.StartedAt), millis(v.CompletedAt),
			millis(v.LastActivityAt), millis(v.PurgeAt), millis(v.DueAt),
			blob(v.ConnectorSealed), blob(v.PersonalSealed), v.Lookup.UID, v.Lookup.Firstname, v.Lookup.Lastname,
			blob(v.Data), v.Version)
		if err != nil {
			return writeErr("create session", err, sessionConflicts)
		}
		return s.writeAttached(ctx, tx, v, "create session")
	})
}

// writeAttached writes the outbox events and audit entries that come with
// a session change, in the change's transaction.
func (s *Store) writeAttached(ctx context.Context, tx *sql.Tx, v *idproof.Session, op string) error {
	if err := s.insertOutbox(ctx, tx, v.Outbox); err != nil {
		return writeErr(op, err, sessionConflicts)
	}
	if err := s.insertAudit(ctx, tx, v.Audit); err != nil {
		return writeErr(op, err, sessionConflicts)
	}
	return nil
}

// Session returns the session with the given ID.
func (s *Store) Session(ctx context.Context, id string) (*idproof.Session, error) {
	v, err := scanSession(s.q.session.QueryRowContext(ctx, id))
	if err != nil {
		return nil, readErr("get session", err, "session", id)
	}
	return v, nil
}

// UpdateSession writes every field but the session's identity (ID, tenant
// and community, with their names) and CreatedAt, provided the stored Version still equals
// v.Version, and then increments v.Version. A stale version is ECONFLICT.
// The outbox events and audit entries are written only if the update
// matched, in its savepoint; a taken audit sequence number undoes the
// update too.
func (s *Store) UpdateSession(ctx context.Context, v *idproof.Session) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.q.updateSession).ExecContext(ctx,
			v.DVCID, v.DocumentType, string(v.Status), string(v.Outcome),
			v.User.UID, v.User.Username, v.User.Firstname, v.User.Lastname,
			v.DID, v.BoundKey, v.Retries,
			millis(v.ExpiresAt), millis(v.StartedAt), millis(v.CompletedAt), millis(v.LastActivityAt), millis(v.PurgeAt), millis(v.DueAt),
			blob(v.ConnectorSealed), blob(v.PersonalSealed), v.Lookup.UID, v.Lookup.Firstname, v.Lookup.Lastname, blob(v.Data),
			v.ID, v.Version)
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		if n == 1 {
			return s.writeAttached(ctx, tx, v, "update session")
		}
		// Nothing matched: tell a missing session from a stale version.
		var one int
		err = tx.StmtContext(ctx, s.q.sessionExists).QueryRowContext(ctx, v.ID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("session", v.ID)
		}
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		return idproof.Errorf(idproof.ECONFLICT, "session %q was changed concurrently", v.ID)
	})
	if err != nil {
		return err
	}
	v.Version++
	return nil
}

// Sessions returns one page of the sessions matching f, newest first (ties
// broken by ID), and how many match in all. The count and the page are read
// in one transaction so that they agree.
func (s *Store) Sessions(ctx context.Context, f idproof.SessionFilter) ([]*idproof.Session, int, error) {
	if err := idproof.CheckSessionFilter(f); err != nil {
		return nil, 0, err
	}
	where, args := sessionWhere(f)
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("list sessions: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sessions`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count sessions: %w", err)
	}
	offset := max(f.Offset, 0)
	if offset >= total {
		return nil, total, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // no limit
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions`+where+
		` ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list sessions: %w", err)
	}
	list, err := collect(rows, scanSession, "list sessions")
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// sessionWhere renders the conditions of f as a WHERE clause.
func sessionWhere(f idproof.SessionFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vals ...any) {
		conds = append(conds, cond)
		args = append(args, vals...)
	}
	for _, eq := range []struct{ col, val string }{
		{"tenant_id", f.TenantID},
		{"community_id", f.CommunityID},
		{"id", f.ID},
		{"dvc_id", f.DVCID},
	} {
		if eq.val != "" {
			add(eq.col+" = ?", eq.val)
		}
	}
	// in renders "col IN (?, ...)" and appends its arguments.
	in := func(col string, vals []string) string {
		marks := make([]string, len(vals))
		for i, v := range vals {
			marks[i] = "?"
			args = append(args, v)
		}
		return col + " IN (" + strings.Join(marks, ", ") + ")"
	}
	// scope renders the tenant and community conditions for a subquery.
	scope := func() string {
		var c string
		for _, eq := range []struct{ col, val string }{{"tenant_id", f.TenantID}, {"community_id", f.CommunityID}} {
			if eq.val != "" {
				c += eq.col + " = ? AND "
				args = append(args, eq.val)
			}
		}
		return c
	}
	switch st, so := idproof.Strings(f.Statuses), idproof.Strings(f.StatusOutcomes); {
	case len(st) > 0 && len(so) > 0:
		// SQLite's planner answers an OR of two columns by checking every
		// row of the community (≈ 15x slower to count); the union lets each
		// side seek its own index.
		status := "SELECT rowid FROM sessions WHERE " + scope() + in("status", st)
		outcome := "SELECT rowid FROM sessions WHERE " + scope() + in("outcome", so)
		conds = append(conds, "rowid IN ("+status+" UNION ALL "+outcome+")")
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
		// As for status or outcome: a union, so that each name column
		// seeks its own index rather than the community being scanned.
		first := "SELECT rowid FROM sessions WHERE " + scope() + "firstname_key = ?"
		args = append(args, f.NameKey)
		last := "SELECT rowid FROM sessions WHERE " + scope() + "lastname_key = ?"
		args = append(args, f.NameKey)
		conds = append(conds, "rowid IN ("+first+" UNION ALL "+last+")")
	}
	if f.UIDKey != "" {
		add("uid_key = ?", f.UIDKey)
	}
	if f.Unsealed {
		add("personal_sealed IS NULL")
	}
	if !f.CreatedFrom.IsZero() {
		add("created_at >= ?", millis(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		add("created_at <= ?", millis(f.CreatedTo))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ClaimSessionsDue claims up to limit due sessions; see idproof.SessionStore.
// SQLite has one writer at a time, so one UPDATE ... RETURNING is atomic.
func (s *Store) ClaimSessionsDue(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*idproof.Session, error) {
	var out []*idproof.Session
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE sessions SET due_at = ?, version = version + 1
		WHERE id IN (SELECT id FROM sessions WHERE due_at > 0 AND due_at <= ? ORDER BY due_at, id LIMIT ?)
		RETURNING `+sessionColumns, millis(leaseUntil), millis(now), limit)
		if err != nil {
			return fmt.Errorf("claim sessions: %w", err)
		}
		out, err = collect(rows, scanSession, "claim sessions")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
