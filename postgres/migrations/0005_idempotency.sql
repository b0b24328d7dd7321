-- A creating request sent with an Idempotency-Key is remembered here, so
-- that the same request sent again gets the first answer. status is 0
-- while the first request runs; response is its answer, sealed.
CREATE TABLE idempotency_keys (
	key          text COLLATE "C" NOT NULL,
	request_hash text NOT NULL,
	status       integer NOT NULL,
	response     bytea,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	CONSTRAINT idempotency_keys_pkey PRIMARY KEY (key)
);

CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
