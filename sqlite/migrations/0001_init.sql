-- Times are INTEGER unix milliseconds, 0 for the zero time. Sealed values and
-- JSON documents are BLOBs so that they come back byte for byte; empty ones
-- are NULL. Unset optional strings are '' rather than NULL so that unique
-- constraints and equality filters treat them as values.

CREATE TABLE tenants (
	id         TEXT PRIMARY KEY,
	dns        TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE communities (
	id         TEXT PRIMARY KEY,
	tenant_id  TEXT NOT NULL REFERENCES tenants (id),
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, name)
) STRICT;

CREATE TABLE licenses (
	id           TEXT PRIMARY KEY,
	key_hash     TEXT NOT NULL UNIQUE,
	key_sealed   BLOB,
	tag          TEXT NOT NULL,
	auth_level   TEXT NOT NULL,
	tenant_id    TEXT NOT NULL, -- '' for system licenses
	community_id TEXT NOT NULL,
	expires_at   INTEGER NOT NULL,
	disabled     INTEGER NOT NULL,
	created_at   INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX licenses_tenant_tag ON licenses (tenant_id, tag) WHERE tag <> '';
CREATE INDEX licenses_tenant ON licenses (tenant_id, created_at, id);

CREATE TABLE service_keys (
	key_id        TEXT PRIMARY KEY,
	secret_sealed BLOB,
	tag           TEXT NOT NULL,
	type          TEXT NOT NULL,
	created_at    INTEGER NOT NULL
) STRICT;

-- A tag names one key (rotation keeps the tag on the new key), so that
-- concurrent bootstraps cannot create two keys under one name.
CREATE UNIQUE INDEX service_keys_tag ON service_keys (tag) WHERE tag <> '';

CREATE TABLE verification_configs (
	id               TEXT PRIMARY KEY,
	tenant_id        TEXT NOT NULL,
	community_id     TEXT NOT NULL,
	name             TEXT NOT NULL,
	connector_sealed BLOB,
	verification     BLOB,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	UNIQUE (tenant_id, community_id, name)
) STRICT;

CREATE TABLE templates (
	id            TEXT PRIMARY KEY,
	tenant_id     TEXT NOT NULL,
	community_id  TEXT NOT NULL,
	dvc_id        TEXT NOT NULL,
	document_type TEXT NOT NULL,
	workflow      BLOB,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX templates_community ON templates (tenant_id, community_id, created_at, id);

CREATE TABLE buckets (
	id                 TEXT PRIMARY KEY,
	tenant_id          TEXT NOT NULL,
	community_id       TEXT NOT NULL,
	type               TEXT NOT NULL,
	bucket_name        TEXT NOT NULL,
	is_enabled         INTEGER NOT NULL,
	created_by         TEXT NOT NULL,
	credentials_sealed BLOB,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	UNIQUE (tenant_id, community_id)
) STRICT;

-- The *_lc columns hold the Go lower-case form of the user fields, so that
-- case-insensitive substring search agrees with the postgres store for any
-- script, which SQLite's ASCII-only lower() would not.
CREATE TABLE sessions (
	id               TEXT PRIMARY KEY,
	tenant_id        TEXT NOT NULL,
	community_id     TEXT NOT NULL,
	tenant_dns       TEXT NOT NULL,
	community_name   TEXT NOT NULL,
	dvc_id           TEXT NOT NULL,
	document_type    TEXT NOT NULL,
	status           TEXT NOT NULL,
	outcome          TEXT NOT NULL,
	user_uid         TEXT NOT NULL,
	user_username    TEXT NOT NULL,
	user_firstname   TEXT NOT NULL,
	user_lastname    TEXT NOT NULL,
	uid_lc           TEXT NOT NULL,
	firstname_lc     TEXT NOT NULL,
	lastname_lc      TEXT NOT NULL,
	did              TEXT NOT NULL,
	bound_key        TEXT NOT NULL,
	retries          INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	expires_at       INTEGER NOT NULL,
	started_at       INTEGER NOT NULL,
	completed_at     INTEGER NOT NULL,
	last_activity_at INTEGER NOT NULL,
	purge_at         INTEGER NOT NULL,
	due_at           INTEGER NOT NULL,
	connector_sealed BLOB,
	data             BLOB,
	version          INTEGER NOT NULL
) STRICT;

-- Listings are newest first within a tenant and usually a community; each
-- index has (created_at DESC, id) after its equality columns so a page is
-- read in order, without a sort, whichever filter selects it. The tenant and
-- community indexes also carry the lower-case name columns: a substring
-- search cannot seek, but it can then scan the index alone instead of every
-- row with its data document, which is several times faster.
CREATE INDEX sessions_created ON sessions (created_at DESC, id);
-- The sweeper's queue: only sessions with something due are in it.
CREATE INDEX sessions_due ON sessions (due_at) WHERE due_at > 0;
CREATE INDEX sessions_tenant ON sessions (tenant_id, created_at DESC, id, firstname_lc, lastname_lc, uid_lc);
CREATE INDEX sessions_community ON sessions (tenant_id, community_id, created_at DESC, id, firstname_lc, lastname_lc, uid_lc);
CREATE INDEX sessions_status ON sessions (tenant_id, community_id, status, created_at DESC, id);
CREATE INDEX sessions_outcome ON sessions (tenant_id, community_id, outcome, created_at DESC, id);
CREATE INDEX sessions_dvc ON sessions (tenant_id, community_id, dvc_id, created_at DESC, id);
CREATE INDEX sessions_document_type ON sessions (tenant_id, community_id, document_type, created_at DESC, id);

CREATE TABLE request_ids (
	public_key TEXT NOT NULL,
	uuid       TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (public_key, uuid)
) STRICT, WITHOUT ROWID;

CREATE INDEX request_ids_expires ON request_ids (expires_at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB
) STRICT, WITHOUT ROWID;
