-- audit_tamper.sql — tampering with the SQLite audit log, each scenario on
-- a fresh database file: a connection that drops the append-only triggers
-- (any connection can) edits, deletes, inserts, swaps or rewrites entries.
-- bib_audit_verify() finds each change with the first bad entry and a
-- problem text; a rewrite that recomputes the whole chain, or a cut-off
-- end, is found only against a digest kept from before (saved.digest).
.bail off
.headers on
.mode list
.load @SO@

.print == edit one field of entry 2
.open @WORK@/tamper_edit.db
.read @WORK@/lib/audit_setup.sql
UPDATE bib_audit_log SET actor = 'mallory' WHERE id = 2;
SELECT bib_audit_verify() AS verify;

.print == edit one field of the last entry: only the digest kept outside shows it
.open @WORK@/tamper_last.db
.read @WORK@/lib/audit_setup.sql
UPDATE bib_audit_log SET metadata = '{"closing": false}' WHERE id = 5;
SELECT bib_audit_verify() AS verify;
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_digest;

.print == delete an entry
.open @WORK@/tamper_delete.db
.read @WORK@/lib/audit_setup.sql
DELETE FROM bib_audit_log WHERE id = 3;
SELECT bib_audit_verify() AS verify;

.print == delete the first entry
.open @WORK@/tamper_delete_first.db
.read @WORK@/lib/audit_setup.sql
DELETE FROM bib_audit_log WHERE id = 1;
SELECT bib_audit_verify() AS verify;

.print == delete the last entry: only the digest shows it
.open @WORK@/tamper_cut.db
.read @WORK@/lib/audit_setup.sql
DELETE FROM bib_audit_log WHERE id = 5;
SELECT bib_audit_verify() AS verify;
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_digest;

.print == insert a forged entry in the middle (later entries renumbered to make room)
.open @WORK@/tamper_forge.db
.read @WORK@/lib/audit_setup.sql
UPDATE bib_audit_log SET id = id + 100 WHERE id >= 3;
UPDATE bib_audit_log SET id = id - 99 WHERE id >= 100;
INSERT INTO bib_audit_log(id, logged_at, action, table_name, row_key, new_data, actor, prev_hash)
SELECT 3, logged_at, 'INSERT', 'acct', '{"id":3}', '{"id":3,"owner":"mallory","balance":1000000}', 'teller', entry_hash
FROM bib_audit_log WHERE id = 2;
SELECT count(*) AS entries FROM bib_audit_log;
SELECT bib_audit_verify() AS verify;

.print == insert a forged entry with a made-up prev_hash
.open @WORK@/tamper_forge_prev.db
.read @WORK@/lib/audit_setup.sql
INSERT INTO bib_audit_log(logged_at, action, prev_hash) VALUES ('2024-01-01T00:00:00.000Z', 'APP', zeroblob(32));
SELECT bib_audit_verify() AS verify;

.print == swap the contents of two entries
.open @WORK@/tamper_swap.db
.read @WORK@/lib/audit_setup.sql
CREATE TEMP TABLE e AS SELECT * FROM bib_audit_log WHERE id IN (2, 4);
UPDATE bib_audit_log SET (logged_at, action, table_name, row_key, old_data, new_data, actor) =
    (SELECT logged_at, action, table_name, row_key, old_data, new_data, actor FROM temp.e
     WHERE temp.e.id = 6 - bib_audit_log.id)
WHERE id IN (2, 4);
SELECT id, action FROM bib_audit_log WHERE id IN (2, 4);
SELECT bib_audit_verify() AS verify;

.print == INSERT OR REPLACE overwrites an entry even with the triggers in place
.open @WORK@/tamper_replace.db
.read @WORK@/lib/audit_setup.sql
CREATE TRIGGER bib_audit_log_no_update BEFORE UPDATE ON bib_audit_log BEGIN SELECT RAISE(ABORT, 'bib: the audit log is append-only'); END;
CREATE TRIGGER bib_audit_log_no_delete BEFORE DELETE ON bib_audit_log BEGIN SELECT RAISE(ABORT, 'bib: the audit log is append-only'); END;
INSERT OR REPLACE INTO bib_audit_log(id, logged_at, action, table_name, row_key, old_data, new_data, actor, prev_hash)
SELECT id, logged_at, action, table_name, row_key, old_data, '{"id":2,"owner":"bob","balance":5000}', actor, prev_hash
FROM bib_audit_log WHERE id = 2;
SELECT bib_audit_verify() AS verify;

.print == rewrite an entry and recompute the whole chain after it: only the digest shows it
.open @WORK@/tamper_rewrite.db
.read @WORK@/lib/audit_setup.sql
UPDATE bib_audit_log SET new_data = '{"id":1,"owner":"ann","balance":1}' WHERE id = 1;
UPDATE bib_audit_log SET prev_hash = (SELECT entry_hash FROM bib_audit_log AS p WHERE p.id = 1) WHERE id = 2;
UPDATE bib_audit_log SET prev_hash = (SELECT entry_hash FROM bib_audit_log AS p WHERE p.id = 2) WHERE id = 3;
UPDATE bib_audit_log SET prev_hash = (SELECT entry_hash FROM bib_audit_log AS p WHERE p.id = 3) WHERE id = 4;
UPDATE bib_audit_log SET prev_hash = (SELECT entry_hash FROM bib_audit_log AS p WHERE p.id = 4) WHERE id = 5;
SELECT bib_audit_verify() AS verify;
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_digest;

.print == drop the whole log: only the digest shows it
.open @WORK@/tamper_drop.db
.read @WORK@/lib/audit_setup.sql
DROP TABLE bib_audit_log;
SELECT bib_audit_verify() AS verify;
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_digest;

.print == without bib, a connection that dropped the triggers cannot edit an entry (its hashes need bib)
.print -- but it can delete the last one, which only the digest shows
.open @WORK@/tamper_nobib.db
.read @WORK@/lib/audit_setup.sql
.shell @SQLITE3@ @WORK@/tamper_nobib.db "UPDATE bib_audit_log SET actor = 'mallory' WHERE id = 2" 2>&1 | head -n 1
.shell @SQLITE3@ @WORK@/tamper_nobib.db "DELETE FROM bib_audit_log WHERE id = 5" 2>&1 | head -n 1
SELECT bib_audit_verify() ->> '$.ok' AS ok_after_delete_of_the_last;
SELECT bib_audit_verify((SELECT digest FROM saved)) AS verify_with_digest;
