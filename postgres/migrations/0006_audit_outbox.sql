-- The webhook outbox: events written in the same transaction as the session
-- change they report. The fan-out turns each into one delivery per
-- subscribed endpoint and sets fanned_out. payload is the body delivered,
-- kept byte for byte (bytea, not jsonb, which would reformat it).
CREATE TABLE webhook_events (
	id           text COLLATE "C" NOT NULL,
	tenant_id    text NOT NULL,
	community_id text NOT NULL,
	session_id   text NOT NULL,
	type         text NOT NULL,
	payload      bytea,
	created_at   timestamptz NOT NULL,
	fanned_out   boolean NOT NULL DEFAULT false,
	-- seq keeps the order events were written in: one change may write
	-- several in the same millisecond (a review's two).
	seq          bigint GENERATED ALWAYS AS IDENTITY,
	CONSTRAINT webhook_events_pkey PRIMARY KEY (id)
);

-- The fan-out's queue holds only the events not fanned out yet.
CREATE INDEX webhook_events_pending ON webhook_events (created_at, seq) WHERE NOT fanned_out;
CREATE INDEX webhook_events_session ON webhook_events (session_id, created_at, seq);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- Each session's audit trail, chained by hashes. detail is bytea, kept
-- byte for byte, as the hash covers its bytes: jsonb would reorder its
-- keys. Entries are appended with the change they record and never
-- changed or removed: the trigger refuses it, so that no statement, the
-- store's or an operator's, can rewrite the trail without dropping it
-- first.
CREATE TABLE audit_events (
	session_id text COLLATE "C" NOT NULL,
	seq        bigint NOT NULL,
	ts         timestamptz NOT NULL,
	actor      text NOT NULL,
	action     text NOT NULL,
	origin     text NOT NULL,
	detail     bytea,
	prev_hash  text NOT NULL,
	hash       text NOT NULL,
	CONSTRAINT audit_events_pkey PRIMARY KEY (session_id, seq)
);

CREATE FUNCTION idproof_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit entries are append-only';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION idproof_audit_append_only();
