-- Seals, digests and verification, and the tampering verification catches.
-- A superuser with session_replication_role = replica skips the guard
-- trigger; each tamper runs in a transaction that verifies and rolls back.
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_audit_seal;
\c regress_audit_seal
SET client_min_messages = warning;
CREATE EXTENSION bib;
RESET client_min_messages;
-- The settings under which a field's text is its canonical bytes (docs/audit-format.md).
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';
SET extra_float_digits = 1;

-- docs/audit-format.md in SQL: the canonical row hash, chain step and seal hash
-- (a boolean is written as COPY writes it, t or f, not as bool::text does).
CREATE FUNCTION pg_temp.field(t text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t IS NULL THEN '\xffffffff'::bytea
              ELSE int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8') END $$;
CREATE FUNCTION pg_temp.row_hash(l bib.audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT sha256('bib-audit-v1'::bytea
    || pg_temp.field(l.id::text) || pg_temp.field(l.logged_at::text) || pg_temp.field(l.txid::text)
    || pg_temp.field(l."session_user") || pg_temp.field(l.role_used) || pg_temp.field(l.action)
    || pg_temp.field(l.schema_name) || pg_temp.field(l.table_name) || pg_temp.field(l.row_key::text)
    || pg_temp.field(l.old_data::text) || pg_temp.field(l.new_data::text)
    || pg_temp.field(l.operation_id::text) || pg_temp.field(l.job_id::text)
    || pg_temp.field(l.source) || pg_temp.field(l.actor) || pg_temp.field(l.node_id)
    || pg_temp.field(l.query_id::text) || pg_temp.field(l.query_text)
    || pg_temp.field(l.rows_affected::text) || pg_temp.field(l.duration_ms::text)
    || pg_temp.field(CASE WHEN l.flag_break_glass THEN 't' ELSE 'f' END) || pg_temp.field(l.metadata::text)) $$;
-- What a forger with superuser rights would run after rewriting entries:
-- recompute every row hash, then every seal in order.
CREATE FUNCTION pg_temp.reseal() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s record;
  e record;
  h bytea;
  n bigint;
  prev bytea := decode(repeat('00', 32), 'hex');
  lo bigint := 0;
BEGIN
  UPDATE bib.audit_log l SET row_hash = pg_temp.row_hash(l);
  FOR s IN SELECT * FROM bib.audit_seals ORDER BY seal_id LOOP
    h := prev;
    n := 0;
    FOR e IN SELECT row_hash FROM bib.audit_log WHERE id > lo AND id <= s.last_id ORDER BY id LOOP
      h := sha256('bib-chain-v1'::bytea || h || e.row_hash);
      n := n + 1;
    END LOOP;
    UPDATE bib.audit_seals SET chain_hash = h, prev_hash = prev, entries = n,
           seal_hash = sha256('bib-seal-v1'::bytea || int8send(seal_id) || int8send(first_id)
                              || int8send(last_id) || int8send(n) || h || prev)
     WHERE seal_id = s.seal_id RETURNING seal_hash INTO prev;
    lo := s.last_id;
  END LOOP;
END $$;

-- Nothing to seal: 0, no seal row, no digest; an empty log verifies.
SELECT bib.audit_seal() AS sealed;
SELECT count(*) AS digests FROM bib.audit_digest();
SELECT * FROM bib.audit_verify();

-- Entries 1..5 (id 3 belongs to a rolled-back transaction: a gap), sealed;
-- then 6..8, sealed; then 9, left unsealed.
CREATE TABLE t (id int PRIMARY KEY, v text, f float8);
SELECT bib.audit_enable('t');
INSERT INTO t VALUES (1, 'one', 0.1);
BEGIN;
INSERT INTO t VALUES (2, 'aborted', NULL);
ROLLBACK;
INSERT INTO t VALUES (2, 'two', 1e300), (3, 'three', -0.0);
SELECT bib.audit_append('checkpoint', '{"n": 1}') AS id;
SELECT bib.audit_seal() AS sealed;
SELECT bib.audit_seal() AS sealed_again;
BEGIN;
SELECT bib.set_context('6f9619ff-8b86-d011-b42d-00c04fc964ff', NULL, 'loader', 'carol');
UPDATE t SET v = 'ONE' WHERE id = 1;
DELETE FROM t WHERE id = 3;
TRUNCATE t;
COMMIT;
SELECT bib.audit_seal() AS sealed;
SELECT bib.audit_append('after') AS id;

SELECT id, action FROM bib.audit_log ORDER BY id;
SELECT seal_id, first_id, last_id, entries, length(chain_hash) AS chain_len,
       prev_hash = decode(repeat('00', 32), 'hex') AS first_link,
       prev_hash = lag(seal_hash) OVER (ORDER BY seal_id) AS linked,
       signature IS NULL AS unsigned
  FROM bib.audit_seals ORDER BY seal_id;
SELECT * FROM bib.audit_verify();
SELECT seal_id, last_entry_id, digest = (SELECT seal_hash FROM bib.audit_seals WHERE seal_id = 2) AS is_seal_hash
  FROM bib.audit_digest();
SELECT digest AS saved_digest FROM bib.audit_digest() \gset
SELECT ok FROM bib.audit_verify(:'saved_digest');

-- The format document is exact: SQL recomputes every stored row hash,
-- and recomputing every seal changes nothing.
SELECT count(*) FILTER (WHERE row_hash = pg_temp.row_hash(l)) AS recomputed, count(*) AS entries
  FROM bib.audit_log l;
BEGIN;
SET LOCAL session_replication_role = replica;
CREATE TEMP TABLE before_seals AS SELECT * FROM bib.audit_seals;
SELECT pg_temp.reseal();
SELECT count(*) AS seals_unchanged FROM bib.audit_seals JOIN before_seals USING (seal_id, first_id, last_id, entries, chain_hash, prev_hash, seal_hash);
ROLLBACK;

-- 1. Change one field of a sealed entry.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_log SET actor = 'mallory' WHERE id = 7;
SELECT * FROM bib.audit_verify();
ROLLBACK;
-- ... and recompute that entry's row hash: the chain gives it away.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_log l SET new_data = '{"id": 2, "v": "TWO", "f": 1e300}' WHERE id = 4;
UPDATE bib.audit_log l SET row_hash = pg_temp.row_hash(l) WHERE id = 4;
SELECT * FROM bib.audit_verify();
ROLLBACK;
-- ... or of an unsealed entry: only its row hash protects it.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_log SET metadata = '{"action": "before"}' WHERE id = 10;
SELECT * FROM bib.audit_verify();
ROLLBACK;

-- 2. Delete an entry inside a sealed range.
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM bib.audit_log WHERE id = 4;
SELECT * FROM bib.audit_verify();
ROLLBACK;

-- 3. Insert a forged entry, with a valid row hash, into the gap at id 3.
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO bib.audit_log OVERRIDING SYSTEM VALUE
SELECT 3, logged_at, txid, "session_user", role_used, 'APP', NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, '{"action": "forged"}', ''
  FROM bib.audit_log WHERE id = 2;
UPDATE bib.audit_log l SET row_hash = pg_temp.row_hash(l) WHERE id = 3;
SELECT * FROM bib.audit_verify();
ROLLBACK;

-- 4. Swap the contents of two entries (everything but the id).
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_log l
   SET (logged_at, txid, "session_user", role_used, action, schema_name, table_name, row_key,
        old_data, new_data, operation_id, job_id, source, actor, node_id, query_id, query_text,
        rows_affected, duration_ms, flag_break_glass, metadata, row_hash)
     = (o.logged_at, o.txid, o."session_user", o.role_used, o.action, o.schema_name, o.table_name,
        o.row_key, o.old_data, o.new_data, o.operation_id, o.job_id, o.source, o.actor, o.node_id,
        o.query_id, o.query_text, o.rows_affected, o.duration_ms, o.flag_break_glass, o.metadata,
        o.row_hash)
  FROM bib.audit_log o WHERE (l.id, o.id) IN ((4, 5), (5, 4));
SELECT * FROM bib.audit_verify();
-- ... and recompute both row hashes.
UPDATE bib.audit_log l SET row_hash = pg_temp.row_hash(l) WHERE id IN (4, 5);
SELECT * FROM bib.audit_verify();
ROLLBACK;

-- 5. Rewrite a seal row.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_seals SET entries = 3 WHERE seal_id = 1;
SELECT * FROM bib.audit_verify();
ROLLBACK;
-- ... or point seal 2 elsewhere and recompute its hash: its link to seal 1 breaks.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_seals SET prev_hash = sha256('forged'::bytea),
       seal_hash = sha256('bib-seal-v1'::bytea || int8send(seal_id) || int8send(first_id)
                          || int8send(last_id) || int8send(entries) || chain_hash
                          || sha256('forged'::bytea))
 WHERE seal_id = 2;
SELECT * FROM bib.audit_verify();
ROLLBACK;
-- ... or delete it.
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM bib.audit_seals WHERE seal_id = 1;
SELECT * FROM bib.audit_verify();
ROLLBACK;
-- ... or make a hash column the wrong length.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_seals SET chain_hash = '\x00' WHERE seal_id = 2;
SELECT * FROM bib.audit_verify();
ROLLBACK;

-- 6. Rewrite every entry, recompute every hash and every seal: the log is
-- consistent again, and only the digest saved before tells.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE bib.audit_log SET actor = 'mallory';
SELECT pg_temp.reseal();
SELECT * FROM bib.audit_verify();
SELECT * FROM bib.audit_verify(:'saved_digest');
ROLLBACK;

-- Untouched, everything still verifies against the digest.
SELECT * FROM bib.audit_verify(:'saved_digest');

\c :origdb
DROP DATABASE regress_audit_seal;
