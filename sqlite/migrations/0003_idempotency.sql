-- A creating request sent with an Idempotency-Key is remembered here, so
-- that the same request sent again gets the first answer. status is 0
-- while the first request runs; response is its answer, sealed.
CREATE TABLE idempotency_keys (
	key          TEXT PRIMARY KEY,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	response     BLOB,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
