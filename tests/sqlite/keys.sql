-- keys.sql — bib_hkdf, bib_x25519_public, bib_ed25519_public, bib_sign and
-- bib_verify against RFC 5869, RFC 7748 and Wycheproof vectors, their
-- argument checks and NULLs.
.load @SO@
.bail off
.headers on
.mode list
ATTACH '@WORK@/vectors.db' AS v;

.print == bib_hkdf reproduces RFC 5869 A.1-A.3 (rfc/hkdf_rfc5869.json; A.3 has an empty salt)
SELECT tc, l, length(salt) AS salt_length, bib_hkdf(ikm, salt, info, l) = okm AS okm_matches
FROM v.rfc_hkdf ORDER BY tc;

.print == and every valid Wycheproof HKDF-SHA256 case, up to the longest output (8160 bytes)
SELECT count(*) AS cases, max(size) AS longest, sum(bib_hkdf(ikm, salt, info, size) IS NOT okm) AS mismatches
FROM v.wp_hkdf WHERE result = 'valid';

.print == Wycheproof's invalid HKDF cases (8161 bytes) fail
CREATE TEMP TABLE cases(label TEXT, stmt TEXT, expected TEXT);
INSERT INTO cases
SELECT printf('tcId %d, size %d', tc, size),
       printf('SELECT hex(bib_hkdf(ikm, salt, info, size)) FROM v.wp_hkdf WHERE tc = %d;', tc),
       'bib: HKDF output length must be 1 to 8160 bytes'
FROM v.wp_hkdf WHERE result = 'invalid' ORDER BY tc;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT label AS "case", got AS message, CASE WHEN got IS expected THEN 'ok' ELSE 'MISMATCH' END AS "check"
FROM case_result ORDER BY line;
SELECT text AS unexpected_output FROM case_noise;

.print == bib_hkdf lengths: 1 and 8160 work; 0, -1, 8161, 2^40, REAL and non-numeric TEXT fail; the TEXT 42 is 42
SELECT length(bib_hkdf(x'00', x'', x'', 1)) AS one, length(bib_hkdf(x'00', x'', x'', 8160)) AS max,
       length(bib_hkdf(x'00', x'', x'', '42')) AS text_42,
       bib_hkdf('key', 'salt', 'info', 32) = bib_hkdf(CAST('key' AS BLOB), CAST('salt' AS BLOB), CAST('info' AS BLOB), 32)
           AS text_is_bytes;
SELECT bib_hkdf(x'00', x'', x'', 0);
SELECT bib_hkdf(x'00', x'', x'', -1);
SELECT bib_hkdf(x'00', x'', x'', 8161);
SELECT bib_hkdf(x'00', x'', x'', 1099511627776);
SELECT bib_hkdf(x'00', x'', x'', 32.0);
SELECT bib_hkdf(x'00', x'', x'', 'thirty-two');

.print == bib_x25519_public derives the RFC 7748 6.1 public keys (rfc/x25519_rfc7748.json)
SELECT who, bib_x25519_public(secret_key) = public_key AS public_matches FROM v.rfc_x25519 ORDER BY who;
.print == what is sealed to Bob's public key opens with Bob's secret key, not Alice's
SELECT CAST(bib_unseal_raw(bib_seal('to bob', public_key), secret_key) AS TEXT) AS opened
FROM v.rfc_x25519 WHERE who = 'bob';
SELECT bib_unseal_raw(bib_seal('to bob', b.public_key), a.secret_key)
FROM v.rfc_x25519 AS a, v.rfc_x25519 AS b WHERE a.who = 'alice' AND b.who = 'bob';

.print == Ed25519: RFC 8032 7.1 TEST 1 (empty message) and TEST 2 (one byte, 0x72)
CREATE TEMP TABLE rfc8032(test INTEGER, seed BLOB, public_key BLOB, message BLOB, signature BLOB);
INSERT INTO rfc8032 VALUES
    (1, x'9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        x'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', x'',
        x'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'),
    (2, x'4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        x'3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', x'72',
        x'92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
SELECT test, bib_ed25519_public(seed) = public_key AS public_matches,
       bib_sign(message, seed) = signature AS signature_matches,
       bib_verify(message, signature, public_key) AS verifies
FROM rfc8032 ORDER BY test;

.print == bib_verify agrees with every Wycheproof Ed25519 case that has a 64-byte signature
SELECT result, count(*) AS cases,
       sum(bib_verify(msg, sig, public_key) IS NOT (result = 'valid')) AS mismatches
FROM v.wp_ed25519 WHERE length(sig) = 64 GROUP BY result ORDER BY result;
.print == and a signature of another length is an error, not 0
DELETE FROM cases;
INSERT INTO cases
SELECT printf('tcId %d, %d-byte signature', tc, length(sig)),
       printf('SELECT bib_verify(msg, sig, public_key) FROM v.wp_ed25519 WHERE tc = %d;', tc),
       'bib: Ed25519 signature must be 64 bytes'
FROM v.wp_ed25519 WHERE length(sig) <> 64 ORDER BY tc;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT label AS "case", got AS message, CASE WHEN got IS expected THEN 'ok' ELSE 'MISMATCH' END AS "check"
FROM case_result ORDER BY line;
SELECT text AS unexpected_output FROM case_noise;

.print == sign and verify: the signer's key verifies; another message, key or signature does not
CREATE TEMP TABLE ed AS SELECT bib_random(32) AS seed, bib_random(32) AS other;
ALTER TABLE ed ADD COLUMN sig BLOB;
UPDATE ed SET sig = bib_sign('message', seed);
SELECT bib_verify('message', bib_sign('message', seed), bib_ed25519_public(seed)) AS own_key,
       bib_verify('massage', bib_sign('message', seed), bib_ed25519_public(seed)) AS other_message,
       bib_verify('message', bib_sign('message', seed), bib_ed25519_public(other)) AS other_key,
       bib_verify('message', bib_sign('message', other), bib_ed25519_public(seed)) AS other_signer,
       bib_verify('message', CAST(CASE WHEN substr(sig, 1, 1) = x'55' THEN x'aa' ELSE x'55' END
                                  || substr(sig, 2) AS BLOB), bib_ed25519_public(seed)) AS altered_signature,
       bib_sign('message', seed) = bib_sign('message', seed) AS deterministic,
       length(bib_sign('message', seed)) AS signature_length,
       length(bib_ed25519_public(seed)) AS public_key_length,
       length(bib_x25519_public(seed)) AS x25519_public_length
FROM ed;

.print == wrong sizes: secret keys and seeds of 31, 33, 0 bytes; signatures of 63 and 65; public keys of 31 and 33
SELECT bib_x25519_public(zeroblob(31));
SELECT bib_x25519_public(zeroblob(33));
SELECT bib_x25519_public(x'');
SELECT bib_ed25519_public(zeroblob(31));
SELECT bib_ed25519_public(zeroblob(33));
SELECT bib_ed25519_public(x'');
SELECT bib_sign('m', zeroblob(31));
SELECT bib_sign('m', zeroblob(33));
SELECT bib_sign('m', x'');
SELECT bib_verify('m', zeroblob(63), zeroblob(32));
SELECT bib_verify('m', zeroblob(65), zeroblob(32));
SELECT bib_verify('m', zeroblob(64), zeroblob(31));
SELECT bib_verify('m', zeroblob(64), zeroblob(33));

.print == NULL in any argument gives NULL
SELECT typeof(bib_hkdf(NULL, x'', x'', 32)) || ' ' || typeof(bib_hkdf(x'00', NULL, x'', 32)) || ' ' ||
       typeof(bib_hkdf(x'00', x'', NULL, 32)) || ' ' || typeof(bib_hkdf(x'00', x'', x'', NULL)) || ' ' ||
       typeof(bib_hkdf(NULL, x'', x'', 0)) AS bib_hkdf,
       typeof(bib_x25519_public(NULL)) AS bib_x25519_public,
       typeof(bib_ed25519_public(NULL)) AS bib_ed25519_public,
       typeof(bib_sign(NULL, zeroblob(32))) || ' ' || typeof(bib_sign('m', NULL)) AS bib_sign,
       typeof(bib_verify(NULL, zeroblob(64), zeroblob(32))) || ' ' || typeof(bib_verify('m', NULL, zeroblob(32)))
           || ' ' || typeof(bib_verify('m', zeroblob(64), NULL)) || ' ' || typeof(bib_verify('m', x'', NULL))
           AS bib_verify;
