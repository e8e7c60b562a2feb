-- lib/load_vectors.sql — copy the published test vectors into vectors.db.
--
-- run.sh runs this once, before the topic scripts, in a plain sqlite3 shell
-- (no extension): sqlite3 @WORK@/vectors.db < load_vectors.sql.  The topic
-- scripts then ATTACH vectors.db AS v and query the vectors as tables.
-- Nothing here is retyped: every row comes from the JSON files under
-- @VECTORS@, read with readfile() and json_each().
--
-- Byte strings are hex in the JSON.  sqlite 3.40 has no unhex(), so this
-- script first stages the hex text, then writes one
--   INSERT INTO unhex VALUES('<hex>', X'<hex>');
-- per distinct hex string to @WORK@/unhex.sql and reads it back; the final
-- tables look their BLOBs up in unhex.  A JSON null (a field the case does
-- not have) stays NULL.
.bail on
.headers off
.mode list
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;

CREATE TEMP TABLE doc(name TEXT PRIMARY KEY, json TEXT NOT NULL);
INSERT INTO doc VALUES
    ('envelope', CAST(readfile('@VECTORS@/bib/envelope_v1.json') AS TEXT)),
    ('shamir', CAST(readfile('@VECTORS@/bib/shamir_v1.json') AS TEXT)),
    ('rfc_hkdf', CAST(readfile('@VECTORS@/rfc/hkdf_rfc5869.json') AS TEXT)),
    ('rfc_x25519', CAST(readfile('@VECTORS@/rfc/x25519_rfc7748.json') AS TEXT)),
    ('wp_x25519', CAST(readfile('@VECTORS@/wycheproof/x25519_test.json') AS TEXT)),
    ('wp_ed25519', CAST(readfile('@VECTORS@/wycheproof/ed25519_test.json') AS TEXT)),
    ('wp_hkdf', CAST(readfile('@VECTORS@/wycheproof/hkdf_sha256_test.json') AS TEXT));

-- ---- staging: the JSON fields, hex still as text --------------------------

-- bib/envelope_v1.json valid[]: one envelope per mode x aead x size, with its inputs.
CREATE TEMP TABLE s_env_valid AS
SELECT value ->> '$.id' AS id, value ->> '$.name' AS name, value ->> '$.mode' AS mode,
       value ->> '$.aead' AS aead, value ->> '$.decrypt_op' AS op, value ->> '$.key' AS key,
       value ->> '$.recipient_sk' AS secret_key, value ->> '$.recipient_pk' AS public_key,
       value ->> '$.ad' AS ad, value ->> '$.plaintext' AS plaintext,
       value ->> '$.envelope' AS envelope, value ->> '$.key_id' AS key_id,
       value ->> '$.key_id_is_fingerprint' AS key_id_is_fingerprint,
       value ->> '$.recipient_id' AS recipient_id, value -> '$.envelope_info' AS info
FROM json_each((SELECT json FROM doc WHERE name = 'envelope'), '$.valid');

-- invalid[]: inputs an operation must refuse, with the reference's error code.
CREATE TEMP TABLE s_env_invalid AS
SELECT value ->> '$.id' AS id, value ->> '$.name' AS name, value ->> '$.op' AS op,
       value ->> '$.error' AS code, value ->> '$.order_dependent' AS order_dependent,
       value ->> '$.envelope' AS envelope, value ->> '$.key' AS key,
       value ->> '$.secret_key' AS secret_key, value ->> '$.public_key' AS public_key,
       value ->> '$.ad' AS ad, value ->> '$.plaintext' AS plaintext, value ->> '$.aead' AS aead
FROM json_each((SELECT json FROM doc WHERE name = 'envelope'), '$.invalid');

-- sweeps[]: every byte of a 1-byte envelope XORed with a mask, and every
-- truncation; expected[i] is the error for position (or length) i.  The
-- altered envelope is computed here, in hex: XOR is (a | m) - (a & m).
CREATE TEMP TABLE s_env_sweep AS
WITH sweep AS (
    SELECT s.key AS sweep, s.value ->> '$.kind' AS kind, s.value ->> '$.base_id' AS base_id,
           s.value ->> '$.op' AS op, s.value ->> '$.xor' AS mask, e.key AS pos, e.value AS code,
           b.envelope AS base
    FROM json_each((SELECT json FROM doc WHERE name = 'envelope'), '$.sweeps') AS s,
         json_each(s.value, '$.expected') AS e
    JOIN s_env_valid AS b ON b.id = s.value ->> '$.base_id'),
byte AS (
    SELECT *, (instr('0123456789abcdef', substr(base, 2 * pos + 1, 1)) - 1) * 16
              + instr('0123456789abcdef', substr(base, 2 * pos + 2, 1)) - 1 AS value
    FROM sweep)
SELECT sweep, pos, kind, base_id, op, mask, code,
       CASE kind
           WHEN 'truncate' THEN substr(base, 1, 2 * pos)
           ELSE substr(base, 1, 2 * pos) || printf('%02x', (value | mask) - (value & mask))
                || substr(base, 2 * pos + 3)
       END AS envelope
FROM byte;

-- bib/shamir_v1.json: splits with their shares and the index sets that recover the secret.
CREATE TEMP TABLE s_shamir_valid AS
SELECT value ->> '$.id' AS id, value ->> '$.name' AS name, value ->> '$.secret' AS secret,
       value ->> '$.n' AS n, value ->> '$.k' AS k, value -> '$.shares' AS shares,
       value -> '$.combine_sets' AS combine_sets
FROM json_each((SELECT json FROM doc WHERE name = 'shamir'), '$.valid');

CREATE TEMP TABLE s_shamir_share AS
SELECT v.id, s.key + 1 AS x, s.value AS share
FROM s_shamir_valid AS v, json_each(v.shares) AS s;

CREATE TEMP TABLE s_shamir_invalid_split AS
SELECT value ->> '$.id' AS id, value ->> '$.name' AS name, value ->> '$.secret' AS secret,
       value ->> '$.n' AS n, value ->> '$.k' AS k, value ->> '$.error' AS code
FROM json_each((SELECT json FROM doc WHERE name = 'shamir'), '$.invalid_split');

-- RFC 5869 A.1-A.3 and RFC 7748 6.1.
CREATE TEMP TABLE s_rfc_hkdf AS
SELECT value ->> '$.tcId' AS tc, value ->> '$.IKM' AS ikm, value ->> '$.salt' AS salt,
       value ->> '$.info' AS info, value ->> '$.L' AS l, value ->> '$.OKM' AS okm
FROM json_each((SELECT json FROM doc WHERE name = 'rfc_hkdf'), '$.tests');

CREATE TEMP TABLE s_rfc_x25519 AS
SELECT 'alice' AS who, json ->> '$.alice.private' AS secret_key,
       json ->> '$.alice.public' AS public_key, json ->> '$.shared' AS shared
FROM doc WHERE name = 'rfc_x25519'
UNION ALL
SELECT 'bob', json ->> '$.bob.private', json ->> '$.bob.public', json ->> '$.shared'
FROM doc WHERE name = 'rfc_x25519';

-- Wycheproof: X25519 public keys whose shared secret is all zero (low order),
-- Ed25519 verification cases, HKDF-SHA256 cases.
CREATE TEMP TABLE s_wp_x25519_low_order AS
SELECT DISTINCT t.value ->> '$.public' AS public_key
FROM json_each((SELECT json FROM doc WHERE name = 'wp_x25519'), '$.testGroups') AS g,
     json_each(g.value, '$.tests') AS t
WHERE t.value ->> '$.shared' = printf('%.64c', '0');

CREATE TEMP TABLE s_wp_ed25519 AS
SELECT t.value ->> '$.tcId' AS tc, g.value ->> '$.publicKey.pk' AS public_key,
       t.value ->> '$.msg' AS msg, t.value ->> '$.sig' AS sig, t.value ->> '$.result' AS result
FROM json_each((SELECT json FROM doc WHERE name = 'wp_ed25519'), '$.testGroups') AS g,
     json_each(g.value, '$.tests') AS t;

CREATE TEMP TABLE s_wp_hkdf AS
SELECT t.value ->> '$.tcId' AS tc, t.value ->> '$.ikm' AS ikm, t.value ->> '$.salt' AS salt,
       t.value ->> '$.info' AS info, t.value ->> '$.size' AS size, t.value ->> '$.okm' AS okm,
       t.value ->> '$.result' AS result
FROM json_each((SELECT json FROM doc WHERE name = 'wp_hkdf'), '$.testGroups') AS g,
     json_each(g.value, '$.tests') AS t;

-- ---- hex -> BLOB ------------------------------------------------------------

CREATE TABLE unhex(h TEXT PRIMARY KEY, b BLOB NOT NULL);
CREATE TEMP TABLE hex_text(h TEXT);
INSERT INTO hex_text
    SELECT key FROM s_env_valid UNION SELECT secret_key FROM s_env_valid
    UNION SELECT public_key FROM s_env_valid UNION SELECT ad FROM s_env_valid
    UNION SELECT plaintext FROM s_env_valid UNION SELECT envelope FROM s_env_valid
    UNION SELECT envelope FROM s_env_invalid UNION SELECT key FROM s_env_invalid
    UNION SELECT secret_key FROM s_env_invalid UNION SELECT public_key FROM s_env_invalid
    UNION SELECT ad FROM s_env_invalid UNION SELECT plaintext FROM s_env_invalid
    UNION SELECT envelope FROM s_env_sweep
    UNION SELECT secret FROM s_shamir_valid UNION SELECT share FROM s_shamir_share
    UNION SELECT secret FROM s_shamir_invalid_split
    UNION SELECT ikm FROM s_rfc_hkdf UNION SELECT salt FROM s_rfc_hkdf
    UNION SELECT info FROM s_rfc_hkdf UNION SELECT okm FROM s_rfc_hkdf
    UNION SELECT secret_key FROM s_rfc_x25519 UNION SELECT public_key FROM s_rfc_x25519
    UNION SELECT shared FROM s_rfc_x25519
    UNION SELECT public_key FROM s_wp_x25519_low_order
    UNION SELECT public_key FROM s_wp_ed25519 UNION SELECT msg FROM s_wp_ed25519
    UNION SELECT sig FROM s_wp_ed25519
    UNION SELECT ikm FROM s_wp_hkdf UNION SELECT salt FROM s_wp_hkdf
    UNION SELECT info FROM s_wp_hkdf UNION SELECT okm FROM s_wp_hkdf;

-- Only well-formed hex becomes a literal; anything else would stay NULL and fail the tests.
.output @WORK@/unhex.sql
SELECT printf('INSERT INTO unhex VALUES(''%s'', X''%s'');', h, h)
FROM hex_text
WHERE h IS NOT NULL AND h NOT GLOB '*[^0-9a-fA-F]*' AND length(h) % 2 = 0;
.output stdout
.read @WORK@/unhex.sql

-- ---- the tables the tests query ---------------------------------------------

CREATE TABLE env_valid AS
SELECT id, name, mode, aead, op, (SELECT b FROM unhex WHERE h = s.key) AS key,
       (SELECT b FROM unhex WHERE h = s.secret_key) AS secret_key,
       (SELECT b FROM unhex WHERE h = s.public_key) AS public_key,
       (SELECT b FROM unhex WHERE h = s.ad) AS ad,
       (SELECT b FROM unhex WHERE h = s.plaintext) AS plaintext,
       (SELECT b FROM unhex WHERE h = s.envelope) AS envelope, key_id, key_id_is_fingerprint,
       recipient_id, info
FROM s_env_valid AS s;

CREATE TABLE env_invalid AS
SELECT id, name, op, code, order_dependent,
       (SELECT b FROM unhex WHERE h = s.envelope) AS envelope,
       (SELECT b FROM unhex WHERE h = s.key) AS key,
       (SELECT b FROM unhex WHERE h = s.secret_key) AS secret_key,
       (SELECT b FROM unhex WHERE h = s.public_key) AS public_key,
       (SELECT b FROM unhex WHERE h = s.ad) AS ad,
       (SELECT b FROM unhex WHERE h = s.plaintext) AS plaintext, aead
FROM s_env_invalid AS s;

CREATE TABLE env_sweep AS
SELECT sweep, pos, kind, base_id, op, mask, code,
       (SELECT b FROM unhex WHERE h = s.envelope) AS envelope
FROM s_env_sweep AS s;

CREATE TABLE shamir_valid AS
SELECT id, name, (SELECT b FROM unhex WHERE h = s.secret) AS secret, n, k, shares, combine_sets
FROM s_shamir_valid AS s;

CREATE TABLE shamir_share AS
SELECT id, x, (SELECT b FROM unhex WHERE h = s.share) AS share FROM s_shamir_share AS s;

CREATE TABLE shamir_invalid AS
SELECT value ->> '$.id' AS id, value ->> '$.name' AS name, value ->> '$.error' AS code,
       value ->> '$.order_dependent' AS order_dependent, value -> '$.shares' AS shares
FROM json_each((SELECT json FROM doc WHERE name = 'shamir'), '$.invalid');

CREATE TABLE shamir_invalid_split AS
SELECT id, name, (SELECT b FROM unhex WHERE h = s.secret) AS secret, n, k, code
FROM s_shamir_invalid_split AS s;

CREATE TABLE rfc_hkdf AS
SELECT tc, (SELECT b FROM unhex WHERE h = s.ikm) AS ikm, (SELECT b FROM unhex WHERE h = s.salt) AS salt,
       (SELECT b FROM unhex WHERE h = s.info) AS info, l, (SELECT b FROM unhex WHERE h = s.okm) AS okm
FROM s_rfc_hkdf AS s;

CREATE TABLE rfc_x25519 AS
SELECT who, (SELECT b FROM unhex WHERE h = s.secret_key) AS secret_key,
       (SELECT b FROM unhex WHERE h = s.public_key) AS public_key,
       (SELECT b FROM unhex WHERE h = s.shared) AS shared
FROM s_rfc_x25519 AS s;

CREATE TABLE wp_x25519_low_order AS
SELECT (SELECT b FROM unhex WHERE h = s.public_key) AS public_key FROM s_wp_x25519_low_order AS s;

CREATE TABLE wp_ed25519 AS
SELECT tc, (SELECT b FROM unhex WHERE h = s.public_key) AS public_key,
       (SELECT b FROM unhex WHERE h = s.msg) AS msg, (SELECT b FROM unhex WHERE h = s.sig) AS sig,
       result
FROM s_wp_ed25519 AS s;

CREATE TABLE wp_hkdf AS
SELECT tc, (SELECT b FROM unhex WHERE h = s.ikm) AS ikm, (SELECT b FROM unhex WHERE h = s.salt) AS salt,
       (SELECT b FROM unhex WHERE h = s.info) AS info, size,
       (SELECT b FROM unhex WHERE h = s.okm) AS okm, result
FROM s_wp_hkdf AS s;

COMMIT;
