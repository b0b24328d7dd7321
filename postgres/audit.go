package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/idproof/idproof"
)

const auditColumns = `session_id, seq, ts, actor, action, origin, detail, prev_hash, hash`

func scanAudit(r pgx.Row) (*idproof.AuditEvent, error) {
	var e idproof.AuditEvent
	var detail []byte
	if err := r.Scan(&e.SessionID, &e.Seq, &e.TS, &e.Actor, &e.Action, &e.Origin, &detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.Detail = fromBlob(detail)
	return &e, nil
}

// AuditEvents returns a session's audit trail in Seq order; a session
// without one (or unknown) has an empty trail.
func (s *Store) AuditEvents(ctx context.Context, sessionID string) ([]*idproof.AuditEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE session_id = $1 ORDER BY seq`, sessionID)
	if err != nil {
		return nil, readErr("list audit events", err, "", "")
	}
	return collect(rows, scanAudit, "list audit events")
}
