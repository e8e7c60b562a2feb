-- flags.sql — which functions a database schema may call.  Functions that
-- touch secrets or connection state are SQLITE_DIRECTONLY: views, triggers,
-- CHECK constraints, generated columns and indexes of a database file
-- cannot call them, whatever trusted_schema says.  bib_envelope_info and
-- bib_verify are SQLITE_INNOCUOUS and work there even with
-- PRAGMA trusted_schema=OFF.
.load @SO@
.bail off
.headers on
.mode list

.print == the registration table, as SQLite sees it
SELECT name, narg,
       (flags & 0x000800) <> 0 AS deterministic,
       (flags & 0x080000) <> 0 AS directonly,
       (flags & 0x200000) <> 0 AS innocuous
FROM pragma_function_list WHERE name GLOB 'bib_*' ORDER BY name, narg;

.print == called directly, DIRECTONLY functions work
SELECT length(bib_encrypt_raw(x'00', zeroblob(32))) AS envelope_length, bib_aead() AS aead;

CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB, env BLOB);
INSERT INTO t(data) VALUES (x'01'), (x'02');
UPDATE t SET env = bib_encrypt_raw(data, zeroblob(32));

.print == a view cannot call them, with trusted_schema ON or OFF
PRAGMA trusted_schema = ON;
CREATE VIEW v_encrypt AS SELECT bib_encrypt_raw(data, zeroblob(32)) AS e FROM t;
CREATE VIEW v_decrypt AS SELECT bib_decrypt_raw(env, zeroblob(32)) AS d FROM t;
CREATE VIEW v_random AS SELECT bib_random(32) AS r;
CREATE VIEW v_aead AS SELECT bib_aead() AS a;
CREATE VIEW v_password AS SELECT bib_gen_password() AS p;
SELECT * FROM v_encrypt;
SELECT * FROM v_decrypt;
SELECT * FROM v_random;
SELECT * FROM v_aead;
SELECT * FROM v_password;
PRAGMA trusted_schema = OFF;
SELECT * FROM v_encrypt;

.print == nor can a trigger
PRAGMA trusted_schema = ON;
CREATE TABLE log(id INTEGER PRIMARY KEY, note TEXT);
CREATE TRIGGER t_encrypt AFTER INSERT ON t BEGIN
    UPDATE t SET env = bib_encrypt_raw(new.data, zeroblob(32)) WHERE id = new.id;
END;
INSERT INTO t(data) VALUES (x'03');
DROP TRIGGER t_encrypt;
CREATE TRIGGER t_split AFTER INSERT ON t BEGIN
    INSERT INTO log(note) VALUES (bib_shamir_split(new.data, 3, 2));
END;
INSERT INTO t(data) VALUES (x'04');
DROP TRIGGER t_split;
SELECT count(*) AS rows_after_refused_inserts FROM t;

.print == nor a CHECK constraint, a generated column or an index
CREATE TABLE c(k BLOB CHECK (bib_x25519_public(k) IS NOT NULL));
CREATE TABLE g(seed BLOB, pk BLOB GENERATED ALWAYS AS (bib_ed25519_public(seed)));
CREATE INDEX t_hkdf ON t(bib_hkdf(data, x'', x'', 32));
SELECT count(*) AS created FROM sqlite_schema WHERE name IN ('c', 'g', 't_hkdf');

.print == bib_envelope_info and bib_verify work in a view, a trigger, a generated column and an index, with trusted_schema OFF
-- (The schema calls them alone: sqlite 3.40's own ->> is not innocuous, so it is used outside.)
PRAGMA trusted_schema = OFF;
CREATE VIEW v_info AS SELECT id, bib_envelope_info(env) AS info FROM t;
SELECT id, info ->> '$.mode' AS mode FROM v_info ORDER BY id;
CREATE TABLE signed(msg BLOB, sig BLOB, pk BLOB, ok INTEGER GENERATED ALWAYS AS (bib_verify(msg, sig, pk)));
INSERT INTO signed(msg, sig, pk)
SELECT CAST('hello' AS BLOB), bib_sign('hello', zeroblob(32)), bib_ed25519_public(zeroblob(32));
INSERT INTO signed(msg, sig, pk)
SELECT CAST('hullo' AS BLOB), bib_sign('hello', zeroblob(32)), bib_ed25519_public(zeroblob(32));
SELECT CAST(msg AS TEXT) AS msg, ok FROM signed;
CREATE TRIGGER t_audit AFTER UPDATE OF env ON t BEGIN
    INSERT INTO log(note) VALUES (bib_envelope_info(new.env));
END;
SELECT bib_aead('xchacha20poly1305') AS aead;
UPDATE t SET env = bib_encrypt_raw(data, zeroblob(32)) WHERE id = 1;
SELECT note ->> '$.aead' AS logged_aead FROM log;
CREATE INDEX t_info ON t(bib_envelope_info(env));
SELECT count(*) AS indexed_rows FROM t INDEXED BY t_info WHERE bib_envelope_info(env) IS NOT NULL;
