-- The webhook outbox: events written in the same transaction as the session
-- change they report. The fan-out turns each into one delivery per
-- subscribed endpoint and sets fanned_out. payload is the body delivered,
-- kept byte for byte.
CREATE TABLE webhook_events (
	id           TEXT PRIMARY KEY,
	tenant_id    TEXT NOT NULL,
	community_id TEXT NOT NULL,
	session_id   TEXT NOT NULL,
	type         TEXT NOT NULL,
	payload      BLOB,
	created_at   INTEGER NOT NULL,
	fanned_out   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The fan-out's queue holds only the events not fanned out yet.
-- rowid keeps the order events were written in: one change may write
-- several in the same millisecond (a review's two). Every index ends with
-- the rowid already, so these read (created_at, rowid) in order.
CREATE INDEX webhook_events_pending ON webhook_events (created_at) WHERE fanned_out = 0;
CREATE INDEX webhook_events_session ON webhook_events (session_id, created_at);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- Each session's audit trail, chained by hashes. detail is kept byte for
-- byte, as the hash covers its bytes. Entries are appended with the change
-- they record and never changed or removed: the triggers refuse it, so
-- that no statement, the store's or an operator's, can rewrite the trail
-- without dropping them first.
CREATE TABLE audit_events (
	session_id TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	ts         INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	origin     TEXT NOT NULL,
	detail     BLOB,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL,
	PRIMARY KEY (session_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit entries are append-only');
END;
