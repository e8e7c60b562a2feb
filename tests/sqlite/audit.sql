-- audit.sql — the SQLite audit trail: entries written by the triggers that
-- bib_audit_enable creates, redaction, context, application entries, the
-- inline chain, verification with and without a digest, trusted_schema=OFF,
-- awkward identifiers, two connections writing in turn, and a writer that
-- has not loaded bib.  Timestamps and hashes vary from run to run, so only
-- their shape is printed.
.bail off
.headers on
.mode list
.open @WORK@/audit.db
.load @SO@
PRAGMA trusted_schema = OFF;

.print == registration: management functions are DIRECTONLY, what triggers call is INNOCUOUS
SELECT name, narg,
       (flags & 0x000800) <> 0 AS deterministic,
       (flags & 0x080000) <> 0 AS directonly,
       (flags & 0x200000) <> 0 AS innocuous
FROM pragma_function_list
WHERE name GLOB 'bib_audit_*' OR name IN ('bib_set_context', 'bib_context') ORDER BY name, narg;

.print == no log yet: verify says ok with 0 entries, digest is NULL
SELECT bib_audit_verify() AS verify, bib_audit_digest() IS NULL AS no_digest;

.print == enable on a table with a redacted column (name in any case), with trusted_schema OFF
CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, password TEXT, score REAL, avatar BLOB);
SELECT bib_audit_enable('USERS', '["PASSWORD"]') AS enabled;
SELECT table_name, redact, enabled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z' AS iso_time
FROM bib_audited_tables;
SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;

.print == INSERT, UPDATE (changed columns only), UPDATE with no change, DELETE
SELECT bib_set_context('actor', 'alice') AS actor,
       bib_set_context('operation_id', '0F8FAD5B-D9CB-469F-A165-70867728950E') AS operation_id,
       bib_set_context('source', 'importer') AS source;
INSERT INTO users(name, password, score, avatar) VALUES ('ann', 'pw1', 1.5, x'00ff'), ('bob "b"', NULL, NULL, NULL);
UPDATE users SET score = 2.25, password = 'pw2' WHERE id = 1;
UPDATE users SET name = name WHERE id = 2;
DELETE FROM users WHERE id = 2;
SELECT id, action, table_name, row_key, old_data, new_data FROM bib_audit_log ORDER BY id;
SELECT id, operation_id, job_id, source, actor, metadata FROM bib_audit_log ORDER BY id;

.print -- every entry: ISO time, 32-byte hashes, prev_hash = entry_hash before it, 32 zero bytes first
SELECT id, logged_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' AS iso_time,
       length(row_hash) AS row_hash_len, length(entry_hash) AS entry_hash_len,
       prev_hash = coalesce(lag(entry_hash) OVER (ORDER BY id), zeroblob(32)) AS linked,
       entry_hash = bib_audit_chain(prev_hash, row_hash) AS chained,
       row_hash = bib_audit_row_hash(id, logged_at, action, table_name, row_key, old_data, new_data,
                                     operation_id, job_id, source, actor, metadata) AS row_hash_ok
FROM bib_audit_log ORDER BY id;

.print -- logged_at is strftime's text of the statement time; bib_audit_time writes it for any day of 0000-9999
SELECT bib_audit_time(julianday('2024-05-01 12:00:00.25')) AS example,
       bib_audit_time(julianday('0000-01-01')) AS first, bib_audit_time(julianday('9999-12-31 23:59:59.999')) AS last,
       bib_audit_time(julianday('0300-02-29 06:28:05.309')) AS sqlite_calendar;
SELECT count(*) AS days_checked,
       sum(bib_audit_time(j) IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', j)) AS differ_from_strftime
FROM (SELECT julianday('0000-01-01') + value + (value * 7919 % 86400000) / 86400000.0 AS j
      FROM generate_series(0, 3652058, 37));

.print == the context: set, read, cleared; it belongs to the connection
SELECT bib_context('actor') AS actor, bib_context('job_id') IS NULL AS no_job;
SELECT bib_set_context('actor', NULL) IS NULL AS cleared, bib_context('actor') IS NULL AS actor_unset;
SELECT bib_set_context('operation_id', NULL), bib_set_context('source', NULL);
SELECT bib_set_context('job_id', 'ffffffff-0000-4000-8000-00000000000a') AS job_id;
INSERT INTO users(name) VALUES ('cy');
SELECT id, actor IS NULL AS no_actor, operation_id IS NULL AS no_operation, job_id FROM bib_audit_log WHERE id = (SELECT max(id) FROM bib_audit_log);
SELECT bib_set_context('job_id', NULL);

.print == application entries
SELECT bib_audit_append('APP') AS id_1, bib_audit_append('export', '{ "rows" : 120, "to": "s3" }') AS id_2,
       bib_audit_append('APP', NULL) AS id_3;
SELECT id, action, table_name, row_key, old_data, new_data, metadata FROM bib_audit_log WHERE id >= 6 ORDER BY id;

.print == verify and digest
SELECT bib_audit_verify() AS verify;
SELECT json_extract(bib_audit_digest(), '$.id') AS digest_id,
       length(json_extract(bib_audit_digest(), '$.entry_hash')) AS hex_len,
       json_extract(bib_audit_digest(), '$.entry_hash') = lower(hex((SELECT entry_hash FROM bib_audit_log WHERE id = 9))) AS is_last_entry_hash;
CREATE TEMP TABLE saved AS SELECT bib_audit_digest() AS digest;
INSERT INTO users(name) VALUES ('dee');
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_older_digest;
SELECT bib_audit_verify(bib_audit_digest()) AS verify_with_current_digest;
SELECT bib_audit_verify(NULL) AS null_means_no_digest;

.print == disable keeps the entries; writes are no longer recorded; enable again
SELECT bib_audit_disable('users') AS disabled;
INSERT INTO users(name) VALUES ('eve');
SELECT count(*) AS entries, (SELECT count(*) FROM bib_audited_tables) AS audited_tables FROM bib_audit_log;
SELECT bib_audit_enable('users') AS enabled_again;
INSERT INTO users(name, password) VALUES ('fay', 'pw');
SELECT new_data FROM bib_audit_log WHERE id = (SELECT max(id) FROM bib_audit_log);

.print == no primary key: row_key is the whole row; WITHOUT ROWID and composite keys in key order
CREATE TABLE notes(body TEXT, n INTEGER);
CREATE TABLE pairs(b TEXT, a INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
SELECT bib_audit_enable('notes'), bib_audit_enable('pairs');
INSERT INTO notes VALUES ('hi', 1);
UPDATE notes SET n = 2;
INSERT INTO pairs VALUES ('x', 1, 'v1');
UPDATE pairs SET v = 'v2';
DELETE FROM pairs;
SELECT action, table_name, row_key, old_data, new_data FROM bib_audit_log WHERE table_name IN ('notes', 'pairs') ORDER BY id;

.print == values: every SQLite type, JSON escapes, large and special numbers
CREATE TABLE vals(id INTEGER PRIMARY KEY, v);
SELECT bib_audit_enable('vals');
INSERT INTO vals(v) VALUES (NULL), (-9223372036854775808), (0.1), (1e300), (9e999), (-9e999),
    ('tab' || char(9) || 'nl' || char(10) || 'quote" back\ ctl' || char(1) || ' é'), (x''), (''), ('1');
UPDATE vals SET v = 1 WHERE id = 10;
SELECT id, new_data, old_data FROM bib_audit_log WHERE table_name = 'vals' ORDER BY id;
SELECT count(*) AS valid_json FROM bib_audit_log WHERE json_valid(new_data) OR new_data IS NULL;

.print == awkward identifiers: quotes, spaces, mixed case, reserved words
CREATE TABLE "Order ""Items"" ]x["("select" INTEGER, "From Col" TEXT, "a""b" TEXT, "ÄÖ" TEXT, PRIMARY KEY ("select"));
SELECT bib_audit_enable('order "items" ]x[', '["a\"b", "ÄÖ"]') AS enabled;
INSERT INTO "Order ""Items"" ]x[" VALUES (1, 'f', 'secret', 'ä');
UPDATE "Order ""Items"" ]x[" SET "From Col" = 'g', "a""b" = 's2';
DELETE FROM "Order ""Items"" ]x[";
SELECT action, table_name, row_key, old_data, new_data FROM bib_audit_log WHERE table_name GLOB 'Order*' ORDER BY id;
-- Control characters and backslashes in column names: escaped as in values.
CREATE TABLE ctl("tab	col" INTEGER PRIMARY KEY, "back\slash" TEXT);
SELECT bib_audit_enable('ctl') AS control_chars;
INSERT INTO ctl VALUES (1, 'x');
SELECT row_key, new_data FROM bib_audit_log WHERE table_name = 'ctl';
CREATE TABLE "order"("group" INTEGER PRIMARY KEY, "where" TEXT);
SELECT bib_audit_enable('order', '["where"]') AS reserved_word;
INSERT INTO "order" VALUES (1, 'here');
SELECT row_key, new_data FROM bib_audit_log WHERE table_name = 'order';
SELECT bib_audit_disable('ORDER "ITEMS" ]X[') AS disabled;
SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'bib_audit_*Items*';

.print == a table wider than one function call takes (130 columns), a redacted one among them
.headers off
.output @WORK@/wide.sql
SELECT 'CREATE TABLE wide(' || group_concat('c' || value || ' INTEGER', ', ') || ');' FROM generate_series(1, 130);
.output @WORK@/wide_insert.sql
SELECT 'INSERT INTO wide VALUES (' || group_concat(value, ', ') || ');' FROM generate_series(1, 130);
.output stdout
.headers on
.read @WORK@/wide.sql
SELECT bib_audit_enable('wide', '["c125"]') AS wide;
.read @WORK@/wide_insert.sql
UPDATE wide SET c1 = -1, c65 = -65, c130 = -130;
SELECT action, (SELECT count(*) FROM json_each(new_data)) AS new_members,
       (SELECT count(*) FROM json_each(row_key)) AS key_members,
       new_data ->> '$.c1' AS c1, new_data ->> '$.c125' AS c125, new_data ->> '$.c130' AS c130,
       old_data, CASE WHEN action = 'UPDATE' THEN new_data END AS changed
FROM bib_audit_log WHERE table_name = 'wide' ORDER BY id;

.print == two connections writing in turn extend one chain
.connection 1
.open @WORK@/audit.db
.load @SO@
PRAGMA trusted_schema = OFF;
SELECT bib_set_context('actor', 'second connection') AS actor;
INSERT INTO users(name) VALUES ('from 1');
.connection 0
SELECT bib_set_context('actor', 'first connection') AS actor;
INSERT INTO users(name) VALUES ('from 0');
.connection 1
BEGIN;
INSERT INTO users(name) VALUES ('from 1 again');
SELECT bib_audit_append('APP', '{"in": "transaction"}') > 0 AS appended;
COMMIT;
.connection 0
INSERT INTO users(name) VALUES ('from 0 again');
SELECT action, new_data ->> '$.name' AS name, metadata, actor FROM bib_audit_log WHERE id > (SELECT max(id) - 5 FROM bib_audit_log) ORDER BY id;
SELECT bib_audit_verify() ->> '$.ok' AS chain_ok;
.connection 1
SELECT bib_audit_verify() ->> '$.ok' AS chain_ok_seen_from_1;
.connection 0
.connection close 1

.print == a rolled-back transaction leaves no entry and no gap
SELECT max(id) AS last_id FROM bib_audit_log;
BEGIN;
INSERT INTO users(name) VALUES ('rolled back');
ROLLBACK;
INSERT INTO users(name) VALUES ('kept');
SELECT id - (SELECT max(id) FROM bib_audit_log WHERE id < (SELECT max(id) FROM bib_audit_log)) AS step, new_data ->> '$.name' AS name
FROM bib_audit_log WHERE id = (SELECT max(id) FROM bib_audit_log);

.print == a connection without bib can read the log but cannot write to an audited table at all
.connection 2
.open @WORK@/audit.db
SELECT count(*) > 0 AS can_read FROM bib_audit_log;
INSERT INTO users(name) VALUES ('no bib');
UPDATE users SET name = 'no bib' WHERE id = 1;
DELETE FROM users WHERE id = 1;
INSERT INTO notes VALUES ('plain', 0);
SELECT count(*) AS rows_named_no_bib FROM users WHERE name = 'no bib';
.print -- unaudited tables are not affected
CREATE TABLE free(x);
INSERT INTO free VALUES (1);
SELECT count(*) AS free_rows FROM free;
.connection 0
.connection close 2
SELECT bib_audit_verify() AS final_verify;
