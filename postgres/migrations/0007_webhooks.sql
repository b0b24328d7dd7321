-- Webhook endpoints, and the deliveries the fan-out makes of each outbox
-- event, one per subscribed endpoint, with their log of attempts. events
-- is a JSON array of event types, empty for all.
CREATE TABLE webhook_endpoints (
	id            text COLLATE "C" NOT NULL,
	tenant_id     text NOT NULL,
	community_id  text NOT NULL,
	url           text NOT NULL,
	events        text NOT NULL,
	secret_sealed bytea,
	description   text NOT NULL,
	disabled      boolean NOT NULL,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (id)
);

CREATE INDEX webhook_endpoints_community ON webhook_endpoints (tenant_id, community_id, created_at, id);

-- A delivery goes when its event goes (purge); its endpoint may go first,
-- leaving the log of what was delivered. (event_id, endpoint_id) is unique
-- so that an event is never fanned out twice to one endpoint.
CREATE TABLE webhook_deliveries (
	id               text COLLATE "C" NOT NULL,
	event_id         text COLLATE "C" NOT NULL,
	endpoint_id      text NOT NULL,
	tenant_id        text NOT NULL,
	community_id     text NOT NULL,
	session_id       text NOT NULL,
	event_type       text NOT NULL,
	status           text NOT NULL,
	attempts         integer NOT NULL,
	next_at          timestamptz NOT NULL,
	retry_from       timestamptz NOT NULL,
	last_attempt_at  timestamptz NOT NULL,
	last_status_code integer NOT NULL,
	last_error       text NOT NULL,
	delivered_at     timestamptz NOT NULL,
	created_at       timestamptz NOT NULL,
	CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
	CONSTRAINT webhook_deliveries_event_endpoint_key UNIQUE (event_id, endpoint_id),
	CONSTRAINT webhook_deliveries_event_fkey FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE CASCADE
);

-- The deliverer's queue, and the logs by endpoint, session and community,
-- newest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at, id);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_session ON webhook_deliveries (session_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_community ON webhook_deliveries (tenant_id, community_id, created_at DESC, id);

CREATE TABLE webhook_attempts (
	delivery_id text COLLATE "C" NOT NULL,
	n           integer NOT NULL,
	at          timestamptz NOT NULL,
	status_code integer NOT NULL,
	error       text NOT NULL,
	duration_ms bigint NOT NULL,
	CONSTRAINT webhook_attempts_pkey PRIMARY KEY (delivery_id, n),
	CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
);
