-- Webhook endpoints, and the deliveries the fan-out makes of each outbox
-- event, one per subscribed endpoint, with their log of attempts. events
-- is a JSON array of event types, empty for all.
CREATE TABLE webhook_endpoints (
	id            TEXT PRIMARY KEY,
	tenant_id     TEXT NOT NULL,
	community_id  TEXT NOT NULL,
	url           TEXT NOT NULL,
	events        TEXT NOT NULL,
	secret_sealed BLOB,
	description   TEXT NOT NULL,
	disabled      INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_endpoints_community ON webhook_endpoints (tenant_id, community_id, created_at, id);

-- A delivery goes when its event goes (purge); its endpoint may go first,
-- leaving the log of what was delivered. (event_id, endpoint_id) is unique
-- so that an event is never fanned out twice to one endpoint.
CREATE TABLE webhook_deliveries (
	id               TEXT PRIMARY KEY,
	event_id         TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
	endpoint_id      TEXT NOT NULL,
	tenant_id        TEXT NOT NULL,
	community_id     TEXT NOT NULL,
	session_id       TEXT NOT NULL,
	event_type       TEXT NOT NULL,
	status           TEXT NOT NULL,
	attempts         INTEGER NOT NULL,
	next_at          INTEGER NOT NULL,
	retry_from       INTEGER NOT NULL,
	last_attempt_at  INTEGER NOT NULL,
	last_status_code INTEGER NOT NULL,
	last_error       TEXT NOT NULL,
	delivered_at     INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	UNIQUE (event_id, endpoint_id)
) STRICT;

-- The deliverer's queue, and the logs by endpoint, session and community,
-- newest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at, id);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_session ON webhook_deliveries (session_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_community ON webhook_deliveries (tenant_id, community_id, created_at DESC, id);

CREATE TABLE webhook_attempts (
	delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
	n           INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	status_code INTEGER NOT NULL,
	error       TEXT NOT NULL,
	duration_ms INTEGER NOT NULL,
	PRIMARY KEY (delivery_id, n)
) STRICT, WITHOUT ROWID;
