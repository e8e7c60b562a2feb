-- The audit tables are append-only: no role writes them directly, not even
-- their owner or a superuser acting normally.  (session_replication_role =
-- replica, which skips triggers, is how the tamper tests in audit_seal get
-- past this guard; bib.audit_verify catches what they do.)
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_audit_guard;
\c regress_audit_guard
SET client_min_messages = warning;
CREATE EXTENSION bib;
RESET client_min_messages;

CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.err(text) TO PUBLIC;

SELECT bib.audit_append('first') AS id;
SELECT bib.audit_seal() AS sealed;

-- The statements every role is refused, zero-row ones included (except a
-- zero-row INSERT, which writes nothing and lets pg_restore of empty audit
-- tables through).
CREATE TEMP TABLE attacks (stmt text);
GRANT SELECT ON attacks TO PUBLIC;
INSERT INTO attacks VALUES
  ($$INSERT INTO bib.audit_log (logged_at, txid, "session_user", role_used, action, flag_break_glass, row_hash)
     VALUES (now(), '1', 'x', 'x', 'APP', false, '\x00')$$),
  ($$INSERT INTO bib.audit_log OVERRIDING SYSTEM VALUE SELECT * FROM bib.audit_log$$),
  ($$COPY bib.audit_log (action) FROM PROGRAM 'echo APP'$$),
  ($$UPDATE bib.audit_log SET actor = 'mallory'$$),
  ($$UPDATE bib.audit_log SET actor = 'mallory' WHERE false$$),
  ($$DELETE FROM bib.audit_log$$),
  ($$DELETE FROM bib.audit_log WHERE false$$),
  ($$TRUNCATE bib.audit_log$$),
  ($$INSERT INTO bib.audit_seals SELECT * FROM bib.audit_seals$$),
  ($$UPDATE bib.audit_seals SET entries = 0$$),
  ($$DELETE FROM bib.audit_seals$$),
  ($$TRUNCATE bib.audit_seals$$),
  ($$TRUNCATE bib.audit_log, bib.audit_seals CASCADE$$);

-- As the owner, a superuser.
SELECT current_user = (SELECT relowner::regrole::name FROM pg_class WHERE oid = 'bib.audit_log'::regclass) AS owner,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;
SELECT stmt, pg_temp.err(stmt) FROM attacks;

-- As a plain role: no privilege at all by default ...
CREATE ROLE regress_audit_plain;
SET ROLE regress_audit_plain;
SELECT stmt, pg_temp.err(stmt) FROM attacks;
RESET ROLE;
-- ... and granting every privilege does not help either.
GRANT ALL ON bib.audit_log, bib.audit_seals TO regress_audit_plain;
SET ROLE regress_audit_plain;
SELECT stmt, pg_temp.err(stmt) FROM attacks;
RESET ROLE;

-- Nothing changed.
SELECT count(*) AS entries, (SELECT count(*) FROM bib.audit_seals) AS seals FROM bib.audit_log;
SELECT ok, entries_checked, seals_checked, unsealed_entries FROM bib.audit_verify();

\c :origdb
DROP DATABASE regress_audit_guard;
DROP ROLE regress_audit_plain;
