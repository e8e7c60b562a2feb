-- keystore_errors.sql — every way the key store refuses its input, with the
-- exact message: master key files, BIB_MASTER_KEY_FILE, names, kinds, keys
-- that are unknown, revoked or of the wrong kind, damaged envelopes and
-- export blobs, and NULL.  Each failing statement prints its message
-- after a .print that says what it is.
.load @SO@
.bail off
.headers on
.mode list
.shell sh @WORK@/lib/keystore_files.sh

.print == no master key: every function that needs a secret says so
SELECT bib_master_key_fingerprint();
SELECT bib_key_create('k');
SELECT bib_key_rotate('k');
SELECT bib_encrypt(x'00', 'k');
SELECT bib_public_key('k');
SELECT bib_export_key('k', bib_x25519_public(zeroblob(32)));
SELECT bib_import_key(x'00', zeroblob(32));
.print -- envelopes are checked first, as PostgreSQL does
SELECT bib_decrypt(x'00');
SELECT bib_decrypt(bib_encrypt_raw(x'00', zeroblob(32)));
.print -- revoking needs no master key; with no bib_keys table nothing is found
SELECT bib_key_revoke(zeroblob(16));

.print == master key files
.print -- missing
SELECT bib_master_key_load('@WORK@/ks/missing.key');
.print -- a directory; a symbolic link (not followed)
SELECT bib_master_key_load('@WORK@/ks/dir.key');
SELECT bib_master_key_load('@WORK@/ks/link.key');
.print -- mode 0644, mode 0640, owned by another user (nobody)
SELECT bib_master_key_load('@WORK@/ks/loose.key');
SELECT bib_master_key_load('@WORK@/ks/group.key');
SELECT bib_master_key_load('@WORK@/ks/owner.key');
.print -- 63 and 65 hex digits, a non-hex digit, empty, a second line, leading space
SELECT bib_master_key_load('@WORK@/ks/short.key');
SELECT bib_master_key_load('@WORK@/ks/long.key');
SELECT bib_master_key_load('@WORK@/ks/nonhex.key');
SELECT bib_master_key_load('@WORK@/ks/empty.key');
SELECT bib_master_key_load('@WORK@/ks/junk.key');
SELECT bib_master_key_load('@WORK@/ks/leading.key');
.print -- a path with a NUL inside names no file
SELECT bib_master_key_load('@WORK@/ks/master.key' || char(0) || 'x');
.print -- accepted: a trailing newline, CRLF, upper-case hex, no newline, mode 0400 — all the same key
SELECT hex(bib_master_key_load('@WORK@/ks/master.key')) AS newline,
       hex(bib_master_key_load('@WORK@/ks/crlf.key')) AS crlf,
       hex(bib_master_key_load('@WORK@/ks/upper.key')) AS upper_case,
       hex(bib_master_key_load('@WORK@/ks/readonly.key')) AS mode_0400;
.print -- a failed load keeps the key that was loaded; NULL loads nothing
SELECT bib_master_key_load('@WORK@/ks/short.key');
SELECT bib_master_key_load(NULL) IS NULL AS null_gives_null, hex(bib_master_key_fingerprint()) AS still;

.print == BIB_MASTER_KEY_FILE at load: unset or empty, no key; a file that is refused fails the load
.shell sh @WORK@/lib/keystore_env.sh
.headers off
SELECT rtrim(CAST(readfile('@WORK@/ks/env.out') AS TEXT), char(10));
.headers on

.print == key names: 1 to 63 bytes of UTF-8 without NUL
SELECT bib_key_create('');
SELECT bib_key_create('0123456789012345678901234567890123456789012345678901234567890123');
SELECT bib_key_create('a' || char(0) || 'b');
SELECT bib_key_create(x'ff');
SELECT bib_encrypt(x'00', '');
SELECT bib_key_rotate(x'c0af');
SELECT bib_public_key('');
SELECT bib_export_key('0123456789012345678901234567890123456789012345678901234567890123', zeroblob(32));
SELECT length(bib_key_create('012345678901234567890123456789012345678901234567890123456789012')) AS name_of_63_bytes,
       length(bib_key_create('ключ')) AS utf8_name;

.print == kinds: aead, x25519, ed25519, spelled exactly so
SELECT bib_key_create('k', 'AEAD');
SELECT bib_key_create('k', 'rsa');
SELECT bib_key_create('k', '');
SELECT bib_key_create('k', 'aead' || char(0));
SELECT bib_key_create('k', 1);

.print == duplicate name; unknown names and ids
SELECT length(bib_key_create('k')) AS created;
SELECT bib_key_create('k');
SELECT bib_key_create('k', 'x25519');
SELECT bib_key_rotate('nope');
SELECT bib_encrypt(x'00', 'nope');
SELECT bib_public_key('nope');
SELECT bib_export_key('nope', bib_x25519_public(zeroblob(32)));
SELECT bib_key_revoke(zeroblob(16));
SELECT bib_key_revoke(x'00');
SELECT bib_key_revoke((SELECT id FROM bib_keys WHERE name = 'k') || x'00');
.print -- an envelope whose key is not in the store: raw keys, another store, SEAL and HYBRID too
SELECT bib_decrypt(bib_encrypt_raw(x'00', zeroblob(32)));
SELECT bib_decrypt(bib_seal(x'00', bib_x25519_public(zeroblob(32))));
SELECT bib_decrypt(bib_encrypt_hybrid_raw(x'00', zeroblob(32), bib_x25519_public(zeroblob(32))));

.print == wrong kind for the operation
SELECT length(bib_key_create('x', 'x25519')) AS x, length(bib_key_create('ed', 'ed25519')) AS ed;
SELECT bib_encrypt(x'00', 'x');
SELECT bib_encrypt(x'00', 'ed');
SELECT bib_encrypt_text('a', 'x');
SELECT bib_public_key('k');
.print -- a KEY envelope whose key_id is an x25519 key's id (made with its secret as a raw key)
CREATE TEMP TABLE raw_x AS SELECT x'3333333333333333333333333333333333333333333333333333333333333333' AS s,
       x'0707070707070707070707070707070707070707070707070707070707070707' AS t;
SELECT bib_import_key(bib_seal(x'626b0101' || substr(bib_encrypt_raw(x'', s), 9, 16) || x'02' || x'01' || x'00000001'
       || x'0000000000000000' || x'05' || CAST('raw-x' AS BLOB) || s, bib_x25519_public(t), 'bib-v1 key-export'), t)
       AS imported FROM raw_x;
SELECT bib_decrypt(bib_encrypt_raw(x'00', s)) FROM raw_x;

.print == revoked keys
CREATE TEMP TABLE env AS SELECT bib_encrypt(x'00', 'k') AS e, bib_seal(x'00', bib_public_key('x')) AS s;
SELECT bib_key_revoke(id) FROM bib_keys WHERE name IN ('k', 'x');
SELECT bib_decrypt(e) FROM env;
SELECT bib_decrypt_text(e) FROM env;
SELECT bib_reencrypt(e) FROM env;
SELECT bib_decrypt(s) FROM env;
SELECT bib_encrypt(x'00', 'k');
SELECT bib_public_key('x');
.print -- a retired version still decrypts, and a rotated name encrypts with its active version
SELECT length(bib_key_rotate('k')) AS rotated;
SELECT bib_decrypt(e) FROM env;
SELECT bib_envelope_info(bib_encrypt(x'00', 'k')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM bib_keys
       WHERE name = 'k' AND version = 2) AS active_version;

.print == envelopes that do not open
CREATE TEMP TABLE good AS SELECT bib_encrypt(x'00ff', 'k', x'01') AS e;
SELECT bib_decrypt(x'');
SELECT bib_decrypt(x'00000000000000000000');
SELECT bib_decrypt(substr(e, 1, 40)) FROM good;
SELECT bib_decrypt(e) FROM good;
SELECT bib_decrypt(e, x'02') FROM good;
SELECT bib_decrypt(substr(e, 1, 60) || x'00' || substr(e, 62), x'01') FROM good;
SELECT bib_reencrypt(e, x'02') FROM good;
SELECT bib_decrypt_text(e, x'01') FROM good;
SELECT bib_decrypt_text(bib_encrypt(x'00', 'k'));
SELECT bib_decrypt_text(bib_encrypt(x'c3', 'k'));
SELECT bib_decrypt_text(bib_encrypt(x'eda080', 'k'));
SELECT bib_decrypt_text(bib_encrypt(x'c0af', 'k'));

.print == export and import
CREATE TEMP TABLE tr AS SELECT x'0909090909090909090909090909090909090909090909090909090909090909' AS sk;
SELECT bib_export_key('k', zeroblob(31));
SELECT bib_export_key('k', x'0000000000000000000000000000000000000000000000000000000000000000');
CREATE TEMP TABLE ex AS SELECT bib_export_key('k', bib_x25519_public(sk)) AS b FROM tr;
.print -- the wrong secret key, a short one, a truncated or altered blob
SELECT bib_import_key(b, zeroblob(32)) FROM ex;
SELECT bib_import_key(b, zeroblob(31)) FROM ex, tr;
SELECT bib_import_key(substr(b, 1, length(b) - 1), sk) FROM ex, tr;
SELECT bib_import_key(substr(b, 1, 40), sk) FROM ex, tr;
SELECT bib_import_key(b || x'00', sk) FROM ex, tr;
SELECT bib_import_key(x'', sk) FROM tr;
.print -- sealed with another ad, or not an export at all
SELECT bib_import_key(bib_seal(bib_unseal_raw(b, sk, 'bib-v1 key-export'), bib_x25519_public(sk)), sk) FROM ex, tr;
SELECT bib_import_key(bib_seal(x'00', bib_x25519_public(sk), 'bib-v1 key-export'), sk) FROM tr;
.print -- blobs that open but are not valid: every truncation, a bad kind, status, count, version byte
CREATE TEMP TABLE inner AS SELECT bib_unseal_raw(b, sk, 'bib-v1 key-export') AS p FROM ex, tr;
ATTACH '@WORK@/ks/cut.db' AS cutdb;
CREATE TABLE cutdb.cut AS
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < (SELECT length(p) FROM inner))
SELECT i, bib_seal(substr(p, 1, i), bib_x25519_public(sk), 'bib-v1 key-export') AS b, sk FROM n, inner, tr;
SELECT count(*) AS truncations, min(i) AS shortest, max(i) AS longest, (SELECT length(p) FROM inner) AS whole FROM cutdb.cut;
DETACH cutdb;
.print -- each one, imported in a fresh session with the same master key: how many failed with which message
.headers off
.output @WORK@/ks/cut.sql
SELECT '.bail off';
SELECT '.load @SO@';
SELECT 'SELECT length(bib_master_key_load(''@WORK@/ks/master.key'')) AS loaded;';
SELECT 'ATTACH ''@WORK@/ks/cut.db'' AS c;';
SELECT 'SELECT bib_import_key(b, sk) FROM c.cut WHERE i = ' || i || ';' FROM (SELECT value AS i FROM generate_series(0, 131));
.output stdout
.shell sh @WORK@/lib/keystore_tally.sh @WORK@/ks/cut.sql @WORK@/ks/cut.out
SELECT rtrim(CAST(readfile('@WORK@/ks/cut.out') AS TEXT), char(10));
.headers on
CREATE TEMP TABLE variant(label TEXT, p BLOB);
INSERT INTO variant SELECT 'kind 0', substr(p, 1, 20) || x'00' || substr(p, 22) FROM inner;
INSERT INTO variant SELECT 'kind 4', substr(p, 1, 20) || x'04' || substr(p, 22) FROM inner;
INSERT INTO variant SELECT 'status 0', substr(p, 1, 21) || x'00' || substr(p, 23) FROM inner;
INSERT INTO variant SELECT 'status 4', substr(p, 1, 21) || x'04' || substr(p, 23) FROM inner;
INSERT INTO variant SELECT 'count 0', substr(p, 1, 3) || x'00' || substr(p, 5) FROM inner;
INSERT INTO variant SELECT 'count 3', substr(p, 1, 3) || x'03' || substr(p, 5) FROM inner;
INSERT INTO variant SELECT 'version 2', x'626b02' || substr(p, 4) FROM inner;
INSERT INTO variant SELECT 'magic', x'626c01' || substr(p, 4) FROM inner;
INSERT INTO variant SELECT 'name length 0', substr(p, 1, 34) || x'00' || substr(p, 36) FROM inner;
INSERT INTO variant SELECT 'name with NUL', substr(p, 1, 35) || x'00' || substr(p, 37) FROM inner;
INSERT INTO variant SELECT 'the same entry twice', x'626b0102' || substr(p, 5, 64) || substr(p, 5, 64) FROM inner;
INSERT INTO variant SELECT 'the same name and version twice',
    x'626b0102' || substr(p, 5, 64) || x'ffffffffffffffffffffffffffffffff' || substr(p, 21, 48) FROM inner;
INSERT INTO variant SELECT 'two active versions',
    x'626b0102' || substr(p, 69, 64) || x'ffffffffffffffffffffffffffffffff' || x'01' || x'01' || x'00000009'
    || substr(p, 91, 42) FROM inner;
.headers off
.output @WORK@/ks/variant.sql
SELECT '.print -- ' || label || char(10) || 'SELECT bib_import_key(bib_seal(p, bib_x25519_public(sk), ''bib-v1 key-export''), sk) FROM variant, tr WHERE label = ''' || label || ''';'
FROM variant ORDER BY rowid;
.output stdout
.headers on
.read @WORK@/ks/variant.sql
.print -- what is already stored: the same ids; the same name under other ids
SELECT bib_import_key(b, sk) FROM ex, tr;
SELECT bib_import_key(bib_seal(x'626b0101' || x'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' || substr(p, 21, 48),
       bib_x25519_public(sk), 'bib-v1 key-export'), sk) FROM inner, tr;
.print -- all or nothing: a failure storing the second version leaves no trace of the first
DELETE FROM bib_keys WHERE name = 'k';
CREATE TEMP TRIGGER stop_second BEFORE INSERT ON main.bib_keys WHEN new.version = 2 BEGIN
    SELECT RAISE(ABORT, 'stopped at version 2');
END;
SELECT bib_import_key(b, sk) FROM ex, tr;
SELECT count(*) AS versions_of_k FROM bib_keys WHERE name = 'k';
DROP TRIGGER stop_second;
SELECT bib_import_key(b, sk) AS imported FROM ex, tr;

.print == NULL in, NULL out (and nothing done)
SELECT bib_master_key_load(NULL) IS NULL AS load, bib_key_create(NULL) IS NULL AS create_1,
       bib_key_create(NULL, 'aead') IS NULL AS create_2, bib_key_create('n', NULL) IS NULL AS create_3,
       bib_key_rotate(NULL) IS NULL AS rotate, bib_key_revoke(NULL) IS NULL AS revoke,
       bib_public_key(NULL) IS NULL AS public_key;
SELECT bib_encrypt(NULL, 'k') IS NULL AS encrypt_1, bib_encrypt(x'00', NULL) IS NULL AS encrypt_2,
       bib_encrypt(x'00', 'k', NULL) IS NULL AS encrypt_3, bib_encrypt_text(NULL, 'k') IS NULL AS encrypt_text,
       bib_decrypt(NULL) IS NULL AS decrypt_1, bib_decrypt(x'00', NULL) IS NULL AS decrypt_2,
       bib_decrypt_text(NULL) IS NULL AS decrypt_text, bib_reencrypt(NULL) IS NULL AS reencrypt,
       bib_export_key(NULL, zeroblob(32)) IS NULL AS export_1, bib_export_key('k', NULL) IS NULL AS export_2,
       bib_import_key(NULL, zeroblob(32)) IS NULL AS import_1, bib_import_key(x'00', NULL) IS NULL AS import_2;
SELECT count(*) AS keys_named_n FROM bib_keys WHERE name = 'n';
.print -- a NULL as a wrapped secret is refused by the table
UPDATE bib_keys SET wrapped_secret = NULL WHERE name = 'k';
