-- audit_errors.sql — every refusal of the audit functions, with its exact
-- message: bad arguments, and direct changes to the log.
.bail off
.headers on
.mode list
.load @SO@
CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, "ÄÖ" TEXT);
CREATE VIEW v AS SELECT * FROM t;
CREATE VIRTUAL TABLE j USING fts5(x);
CREATE TEMP TABLE tmp(x);

.print == bib_audit_enable
SELECT bib_audit_enable(NULL);
SELECT bib_audit_enable('nope');
SELECT bib_audit_enable('"t"');
SELECT bib_audit_enable('main.t');
SELECT bib_audit_enable('tmp');
SELECT bib_audit_enable('v');
SELECT bib_audit_enable('j');
SELECT bib_audit_enable('j_data');
SELECT bib_audit_enable('sqlite_schema');
SELECT bib_audit_enable('t', NULL);
SELECT bib_audit_enable('t', 'a');
SELECT bib_audit_enable('t', '{"a": 1}');
SELECT bib_audit_enable('t', '["a", 1]');
SELECT bib_audit_enable('t', '[["a"]]');
SELECT bib_audit_enable('t', '[null]');
SELECT bib_audit_enable('t', x'00');
SELECT bib_audit_enable('t', '["b"]');
SELECT bib_audit_enable('t', '["a "]');
SELECT bib_audit_enable('t', '["äö"]');
SELECT count(*) AS nothing_created FROM sqlite_schema WHERE name GLOB 'bib_*';
SELECT bib_audit_enable('t', '[]') AS enabled;
SELECT bib_audit_enable('t');
SELECT bib_audit_enable('T', '["a"]');
SELECT bib_audit_enable('bib_audit_log');
SELECT bib_audit_enable('bib_audited_tables');

.print == bib_audit_disable
SELECT bib_audit_disable(NULL);
SELECT bib_audit_disable('nope');
SELECT bib_audit_disable('v');
SELECT bib_audit_disable('t') AS disabled;
SELECT bib_audit_disable('t');

.print == bib_set_context and bib_context
SELECT bib_set_context(NULL, 'x');
SELECT bib_set_context('Actor', 'x');
SELECT bib_set_context('node_id', 'x');
SELECT bib_set_context('actor' || char(0), 'x');
SELECT bib_set_context('operation_id', 'not a uuid');
SELECT bib_set_context('operation_id', '0f8fad5bd9cb469fa16570867728950e');
SELECT bib_set_context('job_id', '{0f8fad5b-d9cb-469f-a165-70867728950e}');
SELECT bib_set_context('job_id', '0f8fad5b-d9cb-469f-a165-70867728950g');
SELECT bib_set_context('job_id', 42);
SELECT bib_context(NULL);
SELECT bib_context('nope');
SELECT bib_set_context('actor', 'kept') AS actor;
SELECT bib_set_context('operation_id', 'bad');
SELECT bib_context('actor') AS actor_unchanged, bib_context('operation_id') IS NULL AS operation_unset;

.print == bib_audit_append
SELECT bib_audit_append(NULL);
SELECT bib_audit_append('');
SELECT bib_audit_append(7);
SELECT bib_audit_append(x'41');
SELECT bib_audit_append('INSERT');
SELECT bib_audit_append('update');
SELECT bib_audit_append('Delete');
SELECT bib_audit_append('TRUNCATE');
SELECT bib_audit_append('DDL');
SELECT bib_audit_append('STATEMENT');
SELECT bib_audit_append('break_glass');
SELECT bib_audit_append('CREDENTIAL');
SELECT bib_audit_append('APP', '[1]');
SELECT bib_audit_append('APP', '"text"');
SELECT bib_audit_append('APP', '{"a":');
SELECT bib_audit_append('APP', '');
SELECT bib_audit_append('APP', 12);
SELECT bib_audit_append('APP', x'7b7d');
SELECT count(*) AS entries_after_refusals FROM bib_audit_log;

.print == bib_audit_verify: malformed digests
SELECT bib_audit_verify('');
SELECT bib_audit_verify('{}');
SELECT bib_audit_verify('{"id": 1}');
SELECT bib_audit_verify('{"id": "1", "entry_hash": "' || hex(zeroblob(32)) || '"}');
SELECT bib_audit_verify('{"id": 0, "entry_hash": "' || hex(zeroblob(32)) || '"}');
SELECT bib_audit_verify('{"id": 1, "entry_hash": "' || hex(zeroblob(31)) || '"}');
SELECT bib_audit_verify('{"id": 1, "entry_hash": "' || hex(zeroblob(32)) || 'zz"}');
SELECT bib_audit_verify('{"id": 1, "entry_hash": "' || substr(hex(zeroblob(32)), 3) || 'zz"}');
SELECT bib_audit_verify(x'00');
SELECT bib_audit_verify(1);

.print == the functions the triggers call
SELECT bib_audit_chain(zeroblob(31), zeroblob(32));
SELECT bib_audit_chain(zeroblob(32), zeroblob(33));
SELECT bib_audit_chain(NULL, zeroblob(32)) IS NULL AS null_gives_null;
SELECT bib_audit_row_json(NULL, NULL, 1);
SELECT bib_audit_row_json('{"a":0}', NULL);
SELECT bib_audit_row_json('{"a":0}', NULL, 1, 2);
SELECT bib_audit_row_json('{"a":2}', NULL, 1);
SELECT bib_audit_row_json('{"a" :0}', NULL, 1);
SELECT bib_audit_row_json('{"a":0,}', NULL, 1);
SELECT bib_audit_row_json('["a"]', NULL, 1);
SELECT bib_audit_row_json('{"a":0}', 'not an object', 1);
SELECT bib_audit_row_json('{"a":0}', '{"z":9}', 1) AS continued;
SELECT bib_audit_diff_json('{"a":0}', 2, NULL, 1, 2);
SELECT bib_audit_diff_json('{"a":0}', '1', NULL, 1, 2);
SELECT bib_audit_diff_json('{"a":0}', 1, NULL, 1);
SELECT bib_audit_diff_json('{"a":0,"b":1}', 1, NULL, 1, 'x', 2, 'y') AS diff;
SELECT bib_audit_time(NULL) IS NULL AS null_time, bib_audit_time('2024-05-01') IS NULL AS text_time,
       bib_audit_time(x'00') IS NULL AS blob_time, bib_audit_time(-1) IS NULL AS negative_time,
       bib_audit_time(julianday('0000-01-01') - 0.0000001) IS NULL AS before_year_0,
       bib_audit_time(julianday('9999-12-31 23:59:59.999') + 0.00000001) IS NULL AS after_year_9999;

.print == the log is append-only: UPDATE and DELETE fail, whatever they touch
SELECT bib_audit_append('APP') AS id;
UPDATE bib_audit_log SET actor = 'mallory';
UPDATE bib_audit_log SET actor = 'mallory' WHERE id = 1;
UPDATE bib_audit_log SET prev_hash = zeroblob(32);
DELETE FROM bib_audit_log WHERE id = 1;
DELETE FROM bib_audit_log;
.print -- the hash columns are computed by SQLite (generated columns): they cannot be written
UPDATE bib_audit_log SET row_hash = zeroblob(32);
INSERT INTO bib_audit_log(logged_at, action, prev_hash, row_hash) VALUES ('x', 'APP', zeroblob(32), zeroblob(32));
INSERT INTO bib_audit_log(logged_at, action, prev_hash, entry_hash) VALUES ('x', 'APP', zeroblob(32), zeroblob(32));
SELECT count(*) AS entries, bib_audit_verify() ->> '$.ok' AS ok FROM bib_audit_log;
