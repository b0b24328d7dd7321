-- Replicas cache tenants, communities, licenses and verification configs
-- (package storecache). Every statement that writes one of those tables
-- sends a notice on the channel idproof_cache, in its own transaction, so
-- that it reaches the listening replicas when, and only if, the write
-- commits. A trigger rather than the store's methods sends it, so that
-- writes from any client (an operator's psql included) reach the caches.
-- The payload is schema.table: several deployments, or test schemas, may
-- share a database and its channels.
CREATE FUNCTION idproof_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('idproof_cache', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
	RETURN NULL;
END
$$;

CREATE TRIGGER tenants_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
	FOR EACH STATEMENT EXECUTE FUNCTION idproof_cache_notify();
CREATE TRIGGER communities_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON communities
	FOR EACH STATEMENT EXECUTE FUNCTION idproof_cache_notify();
CREATE TRIGGER licenses_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON licenses
	FOR EACH STATEMENT EXECUTE FUNCTION idproof_cache_notify();
CREATE TRIGGER verification_configs_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON verification_configs
	FOR EACH STATEMENT EXECUTE FUNCTION idproof_cache_notify();
