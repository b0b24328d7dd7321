package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// prepared holds the statements of the request path, parsed once at Open
// rather than at every call (parsing was a seventh of a session create's
// CPU). database/sql prepares each again, once, on every connection that
// runs it. The rarer statements (admin writes, listings) stay unprepared.
type prepared struct {
	createSession, session, updateSession, sessionExists *sql.Stmt
	insertWebhookEvent, insertAuditEvent                 *sql.Stmt
	useRequestID                                         *sql.Stmt
	licenseByKeyHash                                     *sql.Stmt
	tenant, tenantByDNS, community, communityByName      *sql.Stmt
	dvc, dvcByName                                       *sql.Stmt
	serviceKey, setting                                  *sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB) (*prepared, error) {
	q := &prepared{}
	for _, p := range []struct {
		st    **sql.Stmt
		query string
	}{
		{&q.createSession, `INSERT INTO sessions (` + sessionColumns + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&q.session, `SELECT ` + sessionColumns + ` FROM sessions WHERE id = ?`},
		{&q.updateSession, `UPDATE sessions SET
			dvc_id = ?, document_type = ?, status = ?, outcome = ?,
			user_uid = ?, user_username = ?, user_firstname = ?, user_lastname = ?,
			did = ?, bound_key = ?, retries = ?,
			expires_at = ?, started_at = ?, completed_at = ?, last_activity_at = ?, purge_at = ?, due_at = ?,
			connector_sealed = ?, personal_sealed = ?, uid_key = ?, firstname_key = ?, lastname_key = ?,
			data = ?, version = version + 1
			WHERE id = ? AND version = ?`},
		{&q.sessionExists, `SELECT 1 FROM sessions WHERE id = ?`},
		{&q.insertWebhookEvent, `INSERT INTO webhook_events (` + webhookEventColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&q.insertAuditEvent, `INSERT INTO audit_events (` + auditColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&q.useRequestID, `INSERT INTO request_ids (public_key, uuid, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (public_key, uuid) DO UPDATE SET expires_at = excluded.expires_at
			WHERE request_ids.expires_at <= ?`},
		{&q.licenseByKeyHash, `SELECT ` + licenseColumns + ` FROM licenses WHERE key_hash = ?`},
		{&q.tenant, `SELECT ` + tenantColumns + ` FROM tenants WHERE id = ?`},
		{&q.tenantByDNS, `SELECT ` + tenantColumns + ` FROM tenants WHERE dns = ?`},
		{&q.community, `SELECT ` + communityColumns + ` FROM communities WHERE id = ?`},
		{&q.communityByName, `SELECT ` + communityColumns + ` FROM communities WHERE tenant_id = ? AND name = ?`},
		{&q.dvc, `SELECT ` + dvcColumns + ` FROM verification_configs WHERE id = ?`},
		{&q.dvcByName, `SELECT ` + dvcColumns + ` FROM verification_configs
			WHERE tenant_id = ? AND community_id = ? AND name = ?`},
		{&q.serviceKey, `SELECT ` + serviceKeyColumns + ` FROM service_keys WHERE key_id = ?`},
		{&q.setting, `SELECT value FROM settings WHERE key = ?`},
	} {
		st, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			q.close()
			return nil, fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.st = st
	}
	return q, nil
}

func (q *prepared) close() {
	for _, st := range []*sql.Stmt{q.createSession, q.session, q.updateSession, q.sessionExists,
		q.insertWebhookEvent, q.insertAuditEvent,
		q.useRequestID, q.licenseByKeyHash, q.tenant, q.tenantByDNS, q.community, q.communityByName,
		q.dvc, q.dvcByName, q.serviceKey, q.setting} {
		if st != nil {
			st.Close()
		}
	}
}
