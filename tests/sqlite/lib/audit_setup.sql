-- lib/audit_setup.sql — a fresh audited table with five entries, for the
-- tamper scenarios of audit_tamper.sql (read after .open of a new file,
-- which drops the extension: this loads it again).
.load @SO@
.output /dev/null
CREATE TABLE acct(id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER);
SELECT bib_audit_enable('acct') AS enabled;
SELECT bib_set_context('actor', 'teller');
INSERT INTO acct(owner, balance) VALUES ('ann', 100), ('bob', 50);
UPDATE acct SET balance = 75 WHERE owner = 'bob';
DELETE FROM acct WHERE owner = 'ann';
SELECT bib_audit_append('APP', '{"closing": true}') AS appended;
CREATE TEMP TABLE saved AS SELECT bib_audit_digest() AS digest;
.output stdout
SELECT bib_audit_verify() AS before_tampering;
.print -- the tamperer's connection drops the append-only triggers
DROP TRIGGER bib_audit_log_no_update;
DROP TRIGGER bib_audit_log_no_delete;
