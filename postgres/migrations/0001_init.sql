-- Times are timestamptz truncated to milliseconds; the zero time.Time is
-- stored as itself (0001-01-01 00:00:00+00) rather than NULL, so that it
-- sorts and compares as the earliest instant, as 0 does in the sqlite store.
-- Sealed values and JSON documents are bytea so that they come back byte for
-- byte; empty ones are NULL. Unset optional strings are '' rather than NULL
-- so that unique constraints and equality filters treat them as values.
-- Identifiers that break ties in listings use the "C" collation, so that the
-- order is bytewise whatever the database's locale.

CREATE TABLE tenants (
	id         text COLLATE "C" NOT NULL,
	dns        text NOT NULL,
	name       text NOT NULL,
	created_at timestamptz NOT NULL,
	CONSTRAINT tenants_pkey PRIMARY KEY (id),
	CONSTRAINT tenants_dns_key UNIQUE (dns)
);

CREATE TABLE communities (
	id         text COLLATE "C" NOT NULL,
	tenant_id  text NOT NULL,
	name       text NOT NULL,
	created_at timestamptz NOT NULL,
	CONSTRAINT communities_pkey PRIMARY KEY (id),
	CONSTRAINT communities_name_key UNIQUE (tenant_id, name),
	CONSTRAINT communities_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);

CREATE TABLE licenses (
	id           text COLLATE "C" NOT NULL,
	key_hash     text NOT NULL,
	key_sealed   bytea,
	tag          text NOT NULL,
	auth_level   text NOT NULL,
	tenant_id    text NOT NULL, -- '' for system licenses
	community_id text NOT NULL,
	expires_at   timestamptz NOT NULL,
	disabled     boolean NOT NULL,
	created_at   timestamptz NOT NULL,
	CONSTRAINT licenses_pkey PRIMARY KEY (id),
	CONSTRAINT licenses_key_hash_key UNIQUE (key_hash)
);

CREATE UNIQUE INDEX licenses_tag_key ON licenses (tenant_id, tag) WHERE tag <> '';
CREATE INDEX licenses_tenant ON licenses (tenant_id, created_at, id);

CREATE TABLE service_keys (
	key_id        text COLLATE "C" NOT NULL,
	secret_sealed bytea,
	tag           text NOT NULL,
	type          text NOT NULL,
	created_at    timestamptz NOT NULL,
	CONSTRAINT service_keys_pkey PRIMARY KEY (key_id)
);

-- A tag names one key (rotation keeps the tag on the new key), so that
-- concurrent bootstraps cannot create two keys under one name.
CREATE UNIQUE INDEX service_keys_tag ON service_keys (tag) WHERE tag <> '';

CREATE TABLE verification_configs (
	id               text COLLATE "C" NOT NULL,
	tenant_id        text NOT NULL,
	community_id     text NOT NULL,
	name             text NOT NULL,
	connector_sealed bytea,
	verification     bytea,
	created_at       timestamptz NOT NULL,
	updated_at       timestamptz NOT NULL,
	CONSTRAINT verification_configs_pkey PRIMARY KEY (id),
	CONSTRAINT verification_configs_name_key UNIQUE (tenant_id, community_id, name)
);

CREATE TABLE templates (
	id            text COLLATE "C" NOT NULL,
	tenant_id     text NOT NULL,
	community_id  text NOT NULL,
	dvc_id        text NOT NULL,
	document_type text NOT NULL,
	workflow      bytea,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	CONSTRAINT templates_pkey PRIMARY KEY (id)
);

CREATE INDEX templates_community ON templates (tenant_id, community_id, created_at, id);

CREATE TABLE buckets (
	id                 text NOT NULL,
	tenant_id          text NOT NULL,
	community_id       text NOT NULL,
	type               text NOT NULL,
	bucket_name        text NOT NULL,
	is_enabled         boolean NOT NULL,
	created_by         text NOT NULL,
	credentials_sealed bytea,
	created_at         timestamptz NOT NULL,
	updated_at         timestamptz NOT NULL,
	CONSTRAINT buckets_pkey PRIMARY KEY (id),
	CONSTRAINT buckets_community_key UNIQUE (tenant_id, community_id)
);

-- The *_lc columns hold the Go lower-case form of the user fields, so that
-- case-insensitive substring search agrees with the sqlite store.
CREATE TABLE sessions (
	id               text COLLATE "C" NOT NULL,
	tenant_id        text NOT NULL,
	community_id     text NOT NULL,
	tenant_dns       text NOT NULL,
	community_name   text NOT NULL,
	dvc_id           text NOT NULL,
	document_type    text NOT NULL,
	status           text NOT NULL,
	outcome          text NOT NULL,
	user_uid         text NOT NULL,
	user_username    text NOT NULL,
	user_firstname   text NOT NULL,
	user_lastname    text NOT NULL,
	uid_lc           text NOT NULL,
	firstname_lc     text NOT NULL,
	lastname_lc      text NOT NULL,
	did              text NOT NULL,
	bound_key        text NOT NULL,
	retries          integer NOT NULL,
	created_at       timestamptz NOT NULL,
	expires_at       timestamptz NOT NULL,
	started_at       timestamptz NOT NULL,
	completed_at     timestamptz NOT NULL,
	last_activity_at timestamptz NOT NULL,
	purge_at         timestamptz NOT NULL,
	due_at           timestamptz NOT NULL,
	connector_sealed bytea,
	data             bytea,
	version          bigint NOT NULL,
	CONSTRAINT sessions_pkey PRIMARY KEY (id)
);

-- Listings are newest first within a tenant and usually a community; each
-- index has (created_at DESC, id) after its equality columns so a page is
-- read in order, without a sort, whichever filter selects it. The tenant and
-- community indexes also include the lower-case name columns: a substring
-- search cannot seek, but an index-only scan can then test it without
-- reading every row with its data document.
CREATE INDEX sessions_created ON sessions (created_at DESC, id);
-- The sweeper's queue: only sessions with something due are in it.
CREATE INDEX sessions_due ON sessions (due_at) WHERE due_at > '0001-01-01 00:00:00+00';
CREATE INDEX sessions_tenant ON sessions (tenant_id, created_at DESC, id)
	INCLUDE (firstname_lc, lastname_lc, uid_lc);
CREATE INDEX sessions_community ON sessions (tenant_id, community_id, created_at DESC, id)
	INCLUDE (firstname_lc, lastname_lc, uid_lc);
CREATE INDEX sessions_status ON sessions (tenant_id, community_id, status, created_at DESC, id);
CREATE INDEX sessions_outcome ON sessions (tenant_id, community_id, outcome, created_at DESC, id);
CREATE INDEX sessions_dvc ON sessions (tenant_id, community_id, dvc_id, created_at DESC, id);
CREATE INDEX sessions_document_type ON sessions (tenant_id, community_id, document_type, created_at DESC, id);

CREATE TABLE request_ids (
	public_key text NOT NULL,
	uuid       text NOT NULL,
	expires_at timestamptz NOT NULL,
	CONSTRAINT request_ids_pkey PRIMARY KEY (public_key, uuid)
);

CREATE INDEX request_ids_expires ON request_ids (expires_at);

CREATE TABLE settings (
	key   text NOT NULL,
	value bytea,
	CONSTRAINT settings_pkey PRIMARY KEY (key)
);
