-- Every bad input to the audit functions, by SQLSTATE and message.
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_audit_errors;
\c regress_audit_errors
SET client_min_messages = warning;
CREATE EXTENSION bib;
RESET client_min_messages;

-- Run one statement; 'ok' or "SQLSTATE: message".
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE t (id int PRIMARY KEY, v text);
CREATE VIEW v AS SELECT * FROM t;
CREATE SEQUENCE s;
CREATE TABLE parted (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE parted2 (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE parted2_1 PARTITION OF parted2 FOR VALUES FROM (0) TO (10);

SELECT stmt, pg_temp.err(stmt) FROM (VALUES
  ($$SELECT bib.audit_enable(NULL)$$),
  ($$SELECT bib.audit_enable('t', NULL)$$),
  ($$SELECT bib.audit_enable('t', '{v,NULL}')$$),
  ($$SELECT bib.audit_enable('t', '{nope}')$$),
  ($$SELECT bib.audit_enable('t', '{V}')$$),
  ($$SELECT bib.audit_enable('t', '{ctid}')$$),
  ($$SELECT bib.audit_enable('v')$$),
  ($$SELECT bib.audit_enable('s')$$),
  ($$SELECT bib.audit_enable(999999::oid::regclass)$$),
  ($$SELECT bib.audit_enable('bib.audit_log')$$),
  ($$SELECT bib.audit_enable('t')$$),
  ($$SELECT bib.audit_enable('t')$$),
  ($$SELECT bib.audit_enable('parted')$$),
  ($$SELECT bib.audit_enable('parted_1')$$),
  ($$SELECT bib.audit_enable('parted2_1')$$),
  ($$SELECT bib.audit_enable('parted2')$$),
  ($$SELECT bib.audit_disable(NULL)$$),
  ($$SELECT bib.audit_disable('v')$$),
  ($$SELECT bib.audit_disable('parted_1')$$),
  ($$SELECT bib.audit_disable('t')$$),
  ($$SELECT bib.audit_disable('t')$$),
  ($$SELECT bib.set_context(NULL)$$),
  ($$SELECT bib.set_context(NULL, gen_random_uuid())$$),
  ($$SELECT bib.set_context('not a uuid')$$),
  ($$SELECT bib.audit_append(NULL)$$),
  ($$SELECT bib.audit_append('')$$),
  ($$SELECT bib.audit_append('x', '[1]')$$),
  ($$SELECT bib.audit_append('x', '5')$$),
  ($$SELECT bib.audit_append('x', NULL) > 0$$),
  ($$SELECT bib.audit_verify('\x00')$$),
  ($$SELECT bib.audit_trigger()$$),
  ($$CREATE TRIGGER bad BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION bib.audit_trigger()$$),
  ($$INSERT INTO t VALUES (1, 'x')$$),
  ($$SET bib.audit_signing_key = 'a-name-that-is-far-too-long-for-the-key-store-which-stops-at-63b'$$)
) AS x(stmt);

-- Sealing needs READ COMMITTED; writing entries needs a read-write transaction.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.err('SELECT bib.audit_seal()');
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT pg_temp.err('SELECT bib.audit_seal()');
ROLLBACK;
BEGIN READ ONLY;
SELECT pg_temp.err('SELECT bib.audit_append(''x'')');
SELECT pg_temp.err('SELECT bib.audit_seal()');
ROLLBACK;

-- What PUBLIC may not do.
CREATE ROLE regress_audit_nobody;
GRANT ALL ON t TO regress_audit_nobody;
SET ROLE regress_audit_nobody;
SELECT stmt, pg_temp.err(stmt) FROM (VALUES
  ($$SELECT bib.audit_enable('t')$$),
  ($$SELECT bib.audit_disable('t')$$),
  ($$SELECT bib.audit_append('x')$$),
  ($$SELECT bib.audit_seal()$$),
  ($$SELECT bib.audit_verify()$$),
  ($$SELECT bib.audit_digest()$$),
  ($$SELECT * FROM bib.audited_tables$$),
  ($$SELECT count(*) FROM bib.audit_log$$),
  ($$SELECT count(*) FROM bib.audit_seals$$),
  ($$SET bib.audit_signing_key = 'k'$$),
  ($$SELECT bib.set_context(gen_random_uuid())$$)
) AS x(stmt);
RESET ROLE;
SET bib.audit_signing_key = 'audit-signer';
SHOW bib.audit_signing_key;
RESET bib.audit_signing_key;

\c :origdb
DROP DATABASE regress_audit_errors;
DROP ROLE regress_audit_nobody;
