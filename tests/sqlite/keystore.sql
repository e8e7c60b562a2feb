-- keystore.sql — the key store: master key, keys in bib_keys, encryption by
-- name, rotation, revocation, re-encryption, SEAL and HYBRID envelopes of
-- stored keys, export and import, and when the cache sees changes.  Errors
-- on bad input are in keystore_errors.sql.
.load @SO@
.bail off
.headers on
.mode list
-- The master key files (lib/keystore_files.sh): master.key is 00 01 .. 1f, other.key 20 21 .. 3f.
.shell sh @WORK@/lib/keystore_files.sh

.print == loading the master key returns its fingerprint: the raw-key fingerprint of DESIGN §3
SELECT hex(bib_master_key_load('@WORK@/ks/master.key')) AS fingerprint;
SELECT bib_master_key_fingerprint() = substr(bib_encrypt_raw(x'', x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'), 9, 16)
       AS is_raw_fingerprint;
.print -- loading does not create bib_keys; the first bib_key_create does
SELECT count(*) AS bib_keys_tables FROM sqlite_schema WHERE name = 'bib_keys';

.print == bib_key_create: one key of each kind
CREATE TEMP TABLE made(label TEXT, id BLOB);
INSERT INTO made VALUES ('pii', bib_key_create('pii'));
INSERT INTO made VALUES ('node', bib_key_create('node', 'x25519'));
INSERT INTO made VALUES ('signer', bib_key_create('signer', 'ed25519'));
INSERT INTO made VALUES ('aead-explicit', bib_key_create('aead-explicit', 'aead'));
SELECT sql FROM sqlite_schema WHERE tbl_name = 'bib_keys' AND sql IS NOT NULL ORDER BY type DESC, name;
.print -- ids: 16 bytes, RFC 4122 version 4, variant 10xx; the function returns the stored id
SELECT k.name, k.version, k.kind, k.status, length(k.id) AS id_bytes,
       substr(hex(k.id), 13, 1) AS uuid_version, substr(hex(k.id), 17, 1) IN ('8', '9', 'A', 'B') AS rfc4122_variant,
       k.id = m.id AS returned_id
FROM bib_keys AS k JOIN made AS m ON m.label = k.name ORDER BY k.name;
.print -- public_key for x25519 and ed25519 only; recipient_id for x25519 only, the id bib_seal writes
SELECT name, length(public_key) AS public_key_bytes,
       lower(hex(recipient_id)) IS (bib_envelope_info(bib_seal(x'', public_key)) ->> '$.recipient_id') AS recipient_id_ok,
       public_key IS bib_public_key(name) AS same_as_bib_public_key
FROM bib_keys WHERE name IN ('node', 'signer') ORDER BY name;
SELECT name, public_key IS NULL AS no_public_key, recipient_id IS NULL AS no_recipient_id FROM bib_keys WHERE name = 'pii';
.print -- the secret is stored only wrapped: a KEY envelope under the master key, key_id = its fingerprint
SELECT name, length(wrapped_secret) AS wrapped_bytes, bib_envelope_info(wrapped_secret) ->> '$.mode' AS mode,
       bib_envelope_info(wrapped_secret) ->> '$.key_id' = lower(hex(bib_master_key_fingerprint())) AS under_master
FROM bib_keys ORDER BY name;
.print -- created_at is Unix time in microseconds
SELECT count(*) AS created_within_a_minute FROM bib_keys
WHERE created_at BETWEEN (strftime('%s', 'now') - 60) * 1000000 AND (strftime('%s', 'now') + 60) * 1000000;

.print == bib_encrypt / bib_decrypt: KEY mode, key_id = the active version's id
CREATE TEMP TABLE v1 AS SELECT bib_encrypt(CAST('card 4111' AS BLOB), 'pii') AS e, bib_encrypt(x'2a', 'pii', x'616464') AS e_ad;
SELECT length(e) AS envelope_bytes, bib_envelope_info(e) ->> '$.mode' AS mode,
       bib_envelope_info(e) ->> '$.key_id' = (SELECT lower(hex(id)) FROM made WHERE label = 'pii') AS key_id_is_id,
       CAST(bib_decrypt(e) AS TEXT) AS plaintext, hex(bib_decrypt(e_ad, x'616464')) AS with_ad
FROM v1;
.print -- the envelope follows bib_aead(); decryption follows the envelope
SELECT bib_aead('xchacha20poly1305') AS aead;
CREATE TEMP TABLE xc AS SELECT bib_encrypt(x'0102', 'pii') AS e;
SELECT bib_aead('aes256gcm') AS aead;
SELECT bib_envelope_info(e) ->> '$.aead' AS envelope_aead, hex(bib_decrypt(e)) AS plaintext FROM xc;
.print -- text in, text out; bib_encrypt_text is bib_encrypt for TEXT
SELECT bib_decrypt_text(bib_encrypt_text('héllo wörld', 'pii')) AS text_round_trip,
       bib_decrypt_text(bib_encrypt('plain', 'pii')) AS from_bib_encrypt,
       typeof(bib_decrypt_text(bib_encrypt_text('x', 'pii'))) AS type;

.print == bib_key_rotate: a new active version; the old one is retired and still decrypts
INSERT INTO made VALUES ('pii v2', bib_key_rotate('pii'));
SELECT name, version, kind, status, id = (SELECT id FROM made WHERE label = 'pii v2') AS is_returned_id
FROM bib_keys WHERE name = 'pii' ORDER BY version;
SELECT bib_envelope_info(bib_encrypt(x'00', 'pii')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM made WHERE label = 'pii v2')
       AS encrypt_uses_v2,
       CAST(bib_decrypt(e) AS TEXT) AS v1_still_opens FROM v1;
.print -- bib_reencrypt: same plaintext and ad under the active version
CREATE TEMP TABLE re AS SELECT bib_reencrypt(e) AS e, bib_reencrypt(e_ad, x'616464') AS e_ad FROM v1;
SELECT bib_envelope_info(e) ->> '$.key_id' = (SELECT lower(hex(id)) FROM made WHERE label = 'pii v2') AS now_under_v2,
       CAST(bib_decrypt(e) AS TEXT) AS plaintext, hex(bib_decrypt(e_ad, x'616464')) AS with_ad
FROM re;
.print -- rotating an x25519 key keeps the kind
SELECT length(bib_key_rotate('node')) AS id_bytes;
SELECT name, version, kind, status FROM bib_keys WHERE name = 'node' ORDER BY version;

.print == bib_key_revoke: decrypting under that version fails from now on; other versions are unaffected
SELECT bib_key_revoke((SELECT id FROM made WHERE label = 'pii')) AS revoked;
SELECT version, status FROM bib_keys WHERE name = 'pii' ORDER BY version;
SELECT bib_decrypt(e) FROM v1;
SELECT bib_reencrypt(e) FROM v1;
SELECT CAST(bib_decrypt(e) AS TEXT) AS v2_envelope_opens FROM re;
.print -- revoking the active version leaves the name without one until the next rotation
SELECT bib_key_revoke(id) AS revoked FROM bib_keys WHERE name = 'aead-explicit';
SELECT bib_encrypt(x'00', 'aead-explicit');
SELECT length(bib_key_rotate('aead-explicit')) AS rotated;
SELECT length(bib_encrypt(x'00', 'aead-explicit')) AS encrypts_again;

.print == SEAL envelopes to a stored x25519 key open with bib_decrypt; bib_reencrypt seals to the active version
CREATE TEMP TABLE sealed AS SELECT bib_seal(CAST('for the node' AS BLOB), public_key, x'01') AS e
FROM bib_keys WHERE name = 'node' AND version = 1;
SELECT CAST(bib_decrypt(e, x'01') AS TEXT) AS retired_version_opens,
       bib_envelope_info(bib_reencrypt(e, x'01')) ->> '$.recipient_id' = (SELECT lower(hex(recipient_id)) FROM bib_keys
           WHERE name = 'node' AND status = 'active') AS resealed_to_active,
       CAST(bib_decrypt(bib_reencrypt(e, x'01'), x'01') AS TEXT) AS plaintext
FROM sealed;

.print == a hand-made export blob: keys with known secrets, so raw envelopes meet the store
-- 'raw-sym': aead secret 11..11 stored under the id that bib_encrypt_raw writes for it (its fingerprint);
-- 'raw-pub': x25519 secret 22..22.  Format v1 of shared/bib_keystore.h.
CREATE TEMP TABLE known AS SELECT x'1111111111111111111111111111111111111111111111111111111111111111' AS k,
       x'2222222222222222222222222222222222222222222222222222222222222222' AS s,
       x'0707070707070707070707070707070707070707070707070707070707070707' AS transport;
CREATE TEMP TABLE handmade AS
SELECT x'626b0102'
       || substr(bib_encrypt_raw(x'', k), 9, 16) || x'01' || x'02' || x'00000007' || x'0000000000000001'
       || x'07' || CAST('raw-sym' AS BLOB) || k
       || x'00112233445566778899aabbccddeeff' || x'02' || x'01' || x'00000001' || x'00038d7ea4c68000'
       || x'07' || CAST('raw-pub' AS BLOB) || s AS blob
FROM known;
SELECT bib_import_key(bib_seal(blob, bib_x25519_public(transport), 'bib-v1 key-export'), transport) AS imported
FROM handmade, known;
SELECT name, version, kind, status, created_at, lower(hex(id)) AS id FROM bib_keys WHERE name GLOB 'raw-*' ORDER BY name;
.print -- KEY by key_id, SEAL by recipient_id, HYBRID by both
SELECT CAST(bib_decrypt(bib_encrypt_raw(CAST('key' AS BLOB), k)) AS TEXT) AS key_mode,
       CAST(bib_decrypt(bib_seal(CAST('seal' AS BLOB), bib_x25519_public(s))) AS TEXT) AS seal_mode,
       CAST(bib_decrypt(bib_encrypt_hybrid_raw(CAST('hybrid' AS BLOB), k, bib_x25519_public(s), x'09'), x'09') AS TEXT)
           AS hybrid_mode
FROM known;
.print -- bib_reencrypt of a HYBRID envelope: HYBRID again, under the active versions of both names
SELECT length(bib_key_rotate('raw-sym')) AS rotated, length(bib_key_rotate('raw-pub')) AS rotated;
CREATE TEMP TABLE hy AS SELECT bib_reencrypt(bib_encrypt_hybrid_raw(CAST('hybrid' AS BLOB), k, bib_x25519_public(s))) AS e
FROM known;
SELECT bib_envelope_info(e) ->> '$.mode' AS mode,
       bib_envelope_info(e) ->> '$.key_id' = (SELECT lower(hex(id)) FROM bib_keys WHERE name = 'raw-sym' AND version = 8)
           AS new_sym,
       bib_envelope_info(e) ->> '$.recipient_id' = (SELECT lower(hex(recipient_id)) FROM bib_keys
           WHERE name = 'raw-pub' AND version = 2) AS new_pub,
       CAST(bib_decrypt(e) AS TEXT) AS plaintext
FROM hy;

.print == bib_export_key: every version, format v1, sealed to the recipient
ATTACH '@WORK@/ks/xfer.db' AS xfer;
CREATE TABLE xfer.data AS SELECT e AS v2_envelope, (SELECT e FROM v1) AS v1_envelope FROM re;
CREATE TABLE xfer.export AS SELECT bib_export_key('pii', bib_x25519_public(transport)) AS blob FROM known;
CREATE TEMP TABLE opened AS SELECT bib_unseal_raw(blob, transport, 'bib-v1 key-export') AS b FROM xfer.export, known;
.print -- header "bk" 1, count 2; then per entry id, kind, status, version, created_at, name length, name, secret
SELECT hex(substr(b, 1, 4)) AS header, length(b) AS blob_bytes FROM opened;
SELECT substr(b, 5, 16) = (SELECT id FROM bib_keys WHERE name = 'pii' AND version = 1) AS id_1,
       hex(substr(b, 21, 6)) AS kind_status_version_1,
       hex(substr(b, 27, 8)) = (SELECT printf('%016X', created_at) FROM bib_keys WHERE name = 'pii' AND version = 1)
           AS created_1,
       hex(substr(b, 35, 4)) AS name_1,
       substr(b, 71, 16) = (SELECT id FROM bib_keys WHERE name = 'pii' AND version = 2) AS id_2,
       hex(substr(b, 87, 6)) AS kind_status_version_2,
       hex(substr(b, 93, 8)) = (SELECT printf('%016X', created_at) FROM bib_keys WHERE name = 'pii' AND version = 2)
           AS created_2,
       hex(substr(b, 101, 4)) AS name_2
FROM opened;
.print -- each secret opens the store's envelopes of its version
SELECT CAST(bib_decrypt_raw(v1_envelope, substr(b, 39, 32)) AS TEXT) AS secret_1_opens_v1,
       CAST(bib_decrypt_raw(v2_envelope, substr(b, 105, 32)) AS TEXT) AS secret_2_opens_v2
FROM opened, xfer.data;

.print == bib_import_key in another connection with another master key
.connection 1
.load @SO@
SELECT hex(bib_master_key_load('@WORK@/ks/other.key')) AS other_fingerprint;
ATTACH '@WORK@/ks/xfer.db' AS xfer;
SELECT bib_import_key(blob, x'0707070707070707070707070707070707070707070707070707070707070707') AS imported FROM xfer.export;
SELECT name, version, kind, status FROM bib_keys ORDER BY version;
SELECT bib_envelope_info(wrapped_secret) ->> '$.key_id' = lower(hex(bib_master_key_fingerprint())) AS rewrapped
FROM bib_keys ORDER BY version;
.print -- version 1 was exported revoked and stays revoked; version 2 opens and encrypts
SELECT bib_decrypt(v1_envelope) FROM xfer.data;
SELECT CAST(bib_decrypt(v2_envelope) AS TEXT) AS v2_opens_here, length(bib_encrypt(x'00', 'pii')) AS encrypts FROM xfer.data;
CREATE TABLE xfer.there AS SELECT id, name, version, kind, status, created_at, public_key FROM main.bib_keys;
.connection 0
.connection close 1
.print -- ids, versions, statuses and creation times are kept
SELECT count(*) AS versions, count(t.id) AS identical
FROM bib_keys AS h LEFT JOIN xfer.there AS t USING (id, name, version, kind, status, created_at)
WHERE h.name = 'pii' AND t.public_key IS h.public_key;

.print == the wrong master key: a clean error naming the mismatch, never a crash; the right one again works
SELECT hex(bib_master_key_load('@WORK@/ks/other.key')) AS loaded_other;
SELECT bib_decrypt(e) FROM re;
SELECT bib_encrypt(x'00', 'pii');
SELECT bib_export_key('pii', bib_x25519_public(transport)) FROM known;
SELECT hex(bib_master_key_load('@WORK@/ks/master.key')) AS loaded_right;
SELECT CAST(bib_decrypt(e) AS TEXT) AS opens_again FROM re;

.print == a transaction that rotated and rolled back leaves nothing behind, in the cache either
CREATE TEMP TABLE before AS SELECT id FROM bib_keys WHERE name = 'pii' AND status = 'active';
BEGIN;
SELECT length(bib_key_rotate('pii')) AS rotated_in_transaction;
SELECT bib_envelope_info(bib_encrypt(x'00', 'pii')) ->> '$.key_id' <> (SELECT lower(hex(id)) FROM before)
       AS uses_new_version_inside;
ROLLBACK;
SELECT count(*) AS versions_after_rollback FROM bib_keys WHERE name = 'pii';
SELECT bib_envelope_info(bib_encrypt(x'00', 'pii')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM before)
       AS uses_old_version_again;
.print -- the same with a savepoint
BEGIN;
SAVEPOINT s;
SELECT length(bib_key_rotate('pii')) AS rotated;
SELECT length(bib_encrypt(x'00', 'pii')) AS encrypted;
ROLLBACK TO s;
SELECT bib_envelope_info(bib_encrypt(x'00', 'pii')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM before)
       AS after_rollback_to;
COMMIT;
.print -- a rotation in an autocommit SELECT that then fails: SQLite commits the function's write at once;
.print -- encryption follows the table
SELECT length(bib_key_rotate('pii')), bib_encrypt(x'00', 'no such key');
SELECT count(*) AS versions_after_failed_statement FROM bib_keys WHERE name = 'pii';
SELECT bib_envelope_info(bib_encrypt(x'00', 'pii')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM bib_keys
       WHERE name = 'pii' AND status = 'active') AS uses_the_active_row;

.print == another connection's rotation and revocation are seen at the next statement
.connection 2
.open @WORK@/ks/shared.db
.load @SO@
SELECT length(bib_master_key_load('@WORK@/ks/master.key')) AS loaded;
SELECT length(bib_key_create('shared')) AS created;
CREATE TABLE data AS SELECT bib_encrypt(x'0a0b', 'shared') AS e;
SELECT hex(bib_decrypt(e)) AS cached_and_opens FROM data;
.connection 3
.open @WORK@/ks/shared.db
.load @SO@
SELECT length(bib_master_key_load('@WORK@/ks/master.key')) AS loaded;
SELECT length(bib_key_rotate('shared')) AS rotated_elsewhere;
SELECT bib_key_revoke(id) AS revoked_elsewhere FROM bib_keys WHERE name = 'shared' AND version = 1;
.connection 2
SELECT bib_decrypt(e) FROM data;
SELECT bib_envelope_info(bib_encrypt(x'00', 'shared')) ->> '$.key_id' = (SELECT lower(hex(id)) FROM bib_keys
       WHERE name = 'shared' AND version = 2) AS encrypts_under_version_2;
.connection 0
.connection close 3
.connection close 2

.print == bib_keys edited by hand: a damaged wrapped secret is an error, not a crash
CREATE TEMP TABLE saved AS SELECT id, wrapped_secret FROM bib_keys WHERE name = 'pii' AND status = 'active';
UPDATE bib_keys SET wrapped_secret = x'00' WHERE id = (SELECT id FROM saved);
SELECT bib_encrypt(x'00', 'pii');
UPDATE bib_keys SET wrapped_secret = (SELECT substr(wrapped_secret, 1, 50) || x'ff' || substr(wrapped_secret, 52) FROM saved)
WHERE id = (SELECT id FROM saved);
SELECT bib_encrypt(x'00', 'pii');
.print -- a wrapped secret moved to another row does not open there (its id is the associated data)
UPDATE bib_keys SET wrapped_secret = (SELECT wrapped_secret FROM bib_keys WHERE name = 'aead-explicit' AND status = 'active')
WHERE id = (SELECT id FROM saved);
SELECT bib_encrypt(x'00', 'pii');
UPDATE bib_keys SET wrapped_secret = (SELECT wrapped_secret FROM saved) WHERE id = (SELECT id FROM saved);
SELECT length(bib_encrypt(x'00', 'pii')) AS repaired;

.print == key functions are SQLITE_DIRECTONLY: not from a view or trigger
CREATE VIEW v_encrypt AS SELECT bib_encrypt(x'00', 'pii') AS e;
SELECT * FROM v_encrypt;
CREATE TABLE stored AS SELECT e FROM re;
CREATE VIEW v_decrypt AS SELECT bib_decrypt(e) AS d FROM stored;
SELECT * FROM v_decrypt;
CREATE TRIGGER t_encrypt AFTER INSERT ON stored BEGIN
    UPDATE stored SET e = bib_encrypt(new.e, 'pii') WHERE rowid = new.rowid;
END;
INSERT INTO stored VALUES (x'00');
CREATE VIEW v_load AS SELECT bib_master_key_load('@WORK@/ks/master.key') AS f;
SELECT * FROM v_load;
