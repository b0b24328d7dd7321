package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/idproof/idproof"
)

const auditColumns = `session_id, seq, ts, actor, action, origin, detail, prev_hash, hash`

func scanAudit(r scanner) (*idproof.AuditEvent, error) {
	var e idproof.AuditEvent
	var at int64
	var detail []byte
	if err := r.Scan(&e.SessionID, &e.Seq, &at, &e.Actor, &e.Action, &e.Origin, &detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.TS, e.Detail = fromMillis(at), fromBlob(detail)
	return &e, nil
}

// insertAudit appends entries to their sessions' trails in tx. A taken
// (session, seq) is a primary key violation, which the caller turns into
// ECONFLICT.
func (s *Store) insertAudit(ctx context.Context, tx *sql.Tx, entries []*idproof.AuditEvent) error {
	if len(entries) == 0 {
		return nil
	}
	st := tx.StmtContext(ctx, s.q.insertAuditEvent)
	for _, e := range entries {
		if _, err := st.ExecContext(ctx, e.SessionID, e.Seq, millis(e.TS), e.Actor, e.Action, e.Origin,
			blob(e.Detail), e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	return nil
}

// AuditEvents returns a session's audit trail in Seq order; a session
// without one (or unknown) has an empty trail.
func (s *Store) AuditEvents(ctx context.Context, sessionID string) ([]*idproof.AuditEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE session_id = ? ORDER BY seq`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return collect(rows, scanAudit, "list audit events")
}
