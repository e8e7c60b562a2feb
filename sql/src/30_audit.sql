-- Audit (DESIGN §5, §7): the append-only log and its seals, row-change
-- triggers, operation context, sealing, verification.  The C side is
-- pg_ext/pg_audit*.c; docs/audit.md explains the model and
-- docs/audit-format.md the bytes behind every hash.

-- One row per audited event.  ids come from a sequence with CACHE 1 (the
-- default, spelled out): bib.audit_seal() reads the highest id handed out,
-- which must be an upper bound of every id in use.  "session_user" is a
-- reserved word and must be quoted in queries.
CREATE TABLE @extschema@.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    logged_at timestamptz NOT NULL,
    txid xid8 NOT NULL,
    "session_user" text NOT NULL,
    role_used text NOT NULL,
    action text NOT NULL,
    schema_name text,
    table_name text,
    row_key jsonb,
    old_data jsonb,
    new_data jsonb,
    operation_id uuid,
    job_id uuid,
    source text,
    actor text,
    node_id text,
    query_id bigint,
    query_text text,
    rows_affected bigint,
    duration_ms double precision,
    flag_break_glass boolean NOT NULL,
    metadata jsonb,
    row_hash bytea NOT NULL
);

-- One row per seal: entries previous last_id < id <= last_id, chained.
CREATE TABLE @extschema@.audit_seals (
    seal_id bigint PRIMARY KEY,
    first_id bigint NOT NULL,
    last_id bigint NOT NULL,
    entries bigint NOT NULL,
    chain_hash bytea NOT NULL,
    prev_hash bytea NOT NULL,
    seal_hash bytea NOT NULL,
    signature bytea,
    sealed_at timestamptz NOT NULL
);

-- pg_dump keeps their rows (see the guard below for restoring them).
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_seals', '');

REVOKE ALL ON @extschema@.audit_log, @extschema@.audit_seals FROM PUBLIC;
REVOKE ALL ON SEQUENCE @extschema@.audit_log_id_seq FROM PUBLIC;

-- The guard: INSERT, UPDATE, DELETE and TRUNCATE are refused to every role,
-- owner and superusers included.  UPDATE, DELETE and TRUNCATE are refused
-- per statement, so that even a statement matching no row fails; INSERT per
-- row, so that pg_restore of a database whose audit tables are empty goes
-- through (restoring entries needs pg_restore --disable-triggers, as a
-- superuser).  bib writes with table-AM calls, which do not fire the guard.
CREATE FUNCTION @extschema@.audit_refuse() RETURNS trigger
AS 'MODULE_PATHNAME', 'bib_audit_refuse' LANGUAGE C;
REVOKE ALL ON FUNCTION @extschema@.audit_refuse() FROM PUBLIC;

CREATE TRIGGER bib_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
ON @extschema@.audit_log FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_refuse();
CREATE TRIGGER bib_written_by_bib BEFORE INSERT
ON @extschema@.audit_log FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_refuse();
CREATE TRIGGER bib_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
ON @extschema@.audit_seals FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_refuse();
CREATE TRIGGER bib_written_by_bib BEFORE INSERT
ON @extschema@.audit_seals FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_refuse();

-- The row-change trigger.  PUBLIC keeps EXECUTE: a trigger function cannot
-- be called directly, and attaching it needs the TRIGGER privilege on the
-- table, so it lets a role do no more than audit a table it controls.
CREATE FUNCTION @extschema@.audit_trigger() RETURNS trigger
AS 'MODULE_PATHNAME', 'bib_audit_trigger' LANGUAGE C;

CREATE FUNCTION @extschema@.audit_enable(target regclass, redact text[] DEFAULT '{}')
RETURNS void AS 'MODULE_PATHNAME', 'bib_audit_enable'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION @extschema@.audit_disable(target regclass)
RETURNS void AS 'MODULE_PATHNAME', 'bib_audit_disable'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

REVOKE ALL ON FUNCTION @extschema@.audit_enable(regclass, text[]),
                       @extschema@.audit_disable(regclass) FROM PUBLIC;

-- Tables audited by bib.audit_enable (partitions audited through their
-- parent are not listed), with their redacted columns' current names.
CREATE VIEW @extschema@.audited_tables AS
SELECT t.tgrelid::pg_catalog.regclass AS table_oid,
       n.nspname AS schema_name,
       c.relname AS table_name,
       c.relkind = 'p' AS partitioned,
       ARRAY(SELECT a.attname::text
               FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = t.tgrelid AND NOT a.attisdropped
                AND a.attnum::text = ANY (pg_catalog.string_to_array(
                        pg_catalog.encode(t.tgargs, 'escape'), '\000'))
              ORDER BY a.attnum) AS redact
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE t.tgname IN ('bib_audit_insert', 'bib_audit_row') AND t.tgparentid = 0;
REVOKE ALL ON @extschema@.audited_tables FROM PUBLIC;

-- Operation context: anyone who changes data may say on whose behalf.
CREATE FUNCTION @extschema@.set_context(operation_id uuid, job_id uuid DEFAULT NULL,
                                        source text DEFAULT NULL, actor text DEFAULT NULL)
RETURNS void AS 'MODULE_PATHNAME', 'bib_set_context'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- Application entries (action APP).  Not SECURITY DEFINER: role_used must
-- be the caller's current_user.
CREATE FUNCTION @extschema@.audit_append(action text, metadata jsonb DEFAULT '{}',
                                         table_name text DEFAULT NULL)
RETURNS bigint AS 'MODULE_PATHNAME', 'bib_audit_append'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION @extschema@.audit_append(text, jsonb, text) FROM PUBLIC;

-- Sealing reads the id sequence, which its callers need not be allowed to.
CREATE FUNCTION @extschema@.audit_seal() RETURNS bigint
AS 'MODULE_PATHNAME', 'bib_audit_seal'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION @extschema@.audit_seal() FROM PUBLIC;

CREATE FUNCTION @extschema@.audit_verify(expected_digest bytea DEFAULT NULL)
RETURNS TABLE(ok boolean, entries_checked bigint, seals_checked bigint,
              unsealed_entries bigint, first_bad_id bigint, problem text)
AS 'MODULE_PATHNAME', 'bib_audit_verify'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;
REVOKE ALL ON FUNCTION @extschema@.audit_verify(bytea) FROM PUBLIC;

-- The newest seal's hash, to be stored outside the database; no row before
-- the first seal.
CREATE FUNCTION @extschema@.audit_digest()
RETURNS TABLE(seal_id bigint, last_entry_id bigint, digest bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.seal_id, s.last_id, s.seal_hash
      FROM @extschema@.audit_seals s
     ORDER BY s.seal_id DESC
     LIMIT 1
$$;
REVOKE ALL ON FUNCTION @extschema@.audit_digest() FROM PUBLIC;
