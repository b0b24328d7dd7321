-- Personal data is sealed from here on. The engine seals the user, the did
-- and what was read from the document into personal_sealed before a row is
-- written, and files keyed hashes (HMAC-SHA256 under a key derived from the
-- master key) of the normalised first name, last name and uid in the *_key
-- columns, which listings match exactly. The store never sees the master
-- key, so rows written before stay as they are here (personal_sealed NULL,
-- plain user_* and did columns) until the server seals them at start-up;
-- sessions_unsealed finds them.
--
-- The lower-case copies of the names were only there for substring search,
-- which sealed names cannot have: they go, with the indexes carrying them.
ALTER TABLE sessions ADD COLUMN personal_sealed bytea;
ALTER TABLE sessions ADD COLUMN uid_key text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN firstname_key text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN lastname_key text NOT NULL DEFAULT '';

DROP INDEX sessions_tenant;
DROP INDEX sessions_community;
ALTER TABLE sessions DROP COLUMN uid_lc;
ALTER TABLE sessions DROP COLUMN firstname_lc;
ALTER TABLE sessions DROP COLUMN lastname_lc;

CREATE INDEX sessions_tenant ON sessions (tenant_id, created_at DESC, id);
CREATE INDEX sessions_community ON sessions (tenant_id, community_id, created_at DESC, id);
-- A name or uid filter is an exact match now, so it can seek: each hash
-- column has an index after the listing's equality columns and before its
-- order, which the planner prefers to scanning the community (the index
-- that only covers the community would have to read every row to test
-- the hash). A name filter is an OR of the two name columns, answered
-- from both indexes.
CREATE INDEX sessions_uid_key ON sessions (tenant_id, community_id, uid_key, created_at DESC, id);
CREATE INDEX sessions_firstname_key ON sessions (tenant_id, community_id, firstname_key, created_at DESC, id);
CREATE INDEX sessions_lastname_key ON sessions (tenant_id, community_id, lastname_key, created_at DESC, id);
CREATE INDEX sessions_unsealed ON sessions (created_at DESC, id) WHERE personal_sealed IS NULL;
