-- envelope_errors.sql — every way an envelope function refuses its input,
-- with the exact message.  The vectors' invalid cases, sweeps and
-- Wycheproof's low-order X25519 keys run one statement each in a child
-- session (lib/run_cases.sql) and are compared with lib/messages.sql; the
-- hand-written cases below them show their errors inline.
.load @SO@
.bail off
.headers on
.mode list
ATTACH '@WORK@/vectors.db' AS v;
.read @WORK@/lib/messages.sql

-- The message a reference error code stands for in an operation.
CREATE TEMP VIEW op_code_message AS
SELECT DISTINCT o.op, c.code,
       (SELECT message FROM code_message AS m WHERE m.code = c.code AND (m.op = o.op OR m.op IS NULL)
        ORDER BY m.op IS NULL LIMIT 1) AS message
FROM (SELECT op FROM v.env_invalid UNION SELECT op FROM v.env_sweep) AS o, code_message AS c;

-- How each operation of the vectors is called; the AEAD of an encryption case is set first.
CREATE TEMP TABLE op_call(op TEXT PRIMARY KEY, call TEXT NOT NULL);
INSERT INTO op_call VALUES
    ('decrypt_raw', 'bib_decrypt_raw(envelope, key, ad)'),
    ('unseal_raw', 'bib_unseal_raw(envelope, secret_key, ad)'),
    ('decrypt_hybrid_raw', 'bib_decrypt_hybrid_raw(envelope, key, secret_key, ad)'),
    ('envelope_info', 'bib_envelope_info(envelope)'),
    ('seal', 'bib_seal(plaintext, public_key, ad)'),
    ('encrypt_hybrid_raw', 'bib_encrypt_hybrid_raw(plaintext, key, public_key, ad)');

CREATE TEMP TABLE cases(label TEXT, stmt TEXT, expected TEXT);
INSERT INTO cases
SELECT printf('%3d %-18s %s', i.id, i.op, i.code),
       printf('SELECT hex(%s) FROM v.env_invalid WHERE id = %d%s;', c.call, i.id,
              CASE WHEN i.aead IS NOT NULL THEN ' AND bib_aead(aead) IS NOT NULL' ELSE '' END),
       m.message
FROM v.env_invalid AS i LEFT JOIN op_call AS c ON c.op = i.op
LEFT JOIN op_code_message AS m ON m.op = i.op AND m.code = i.code
ORDER BY i.id;
.read @WORK@/lib/run_cases.sql
.headers on
.print == every invalid vector fails with the message of its error code
SELECT label AS "id op code", got AS message,
       CASE WHEN got IS expected THEN 'ok' ELSE 'MISMATCH, expected ' || coalesce(expected, '?') END AS "check"
FROM case_result ORDER BY line;
SELECT count(*) AS cases, sum(got IS NOT expected) AS mismatches FROM case_result;
SELECT text AS unexpected_output FROM case_noise;

.print == sweeps: each byte of a 1-byte envelope altered, each truncation, each mode x AEAD
DELETE FROM cases;
INSERT INTO cases
SELECT printf('%d %d', s.sweep, s.pos),
       printf('SELECT hex(%s) FROM (SELECT s.envelope, b.key, b.secret_key, b.ad FROM v.env_sweep AS s'
              || ' JOIN v.env_valid AS b ON b.id = s.base_id WHERE s.sweep = %d AND s.pos = %d);',
              c.call, s.sweep, s.pos),
       m.message
FROM v.env_sweep AS s LEFT JOIN op_call AS c ON c.op = s.op
LEFT JOIN op_code_message AS m ON m.op = s.op AND m.code = s.code
ORDER BY s.sweep, s.pos;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT s.base_id, s.op, s.kind, s.mask, count(*) AS cases, sum(r.got IS NOT r.expected) AS mismatches
FROM case_result AS r JOIN v.env_sweep AS s ON printf('%d %d', s.sweep, s.pos) = r.label
GROUP BY s.sweep ORDER BY s.sweep;
SELECT label AS "sweep pos", expected, got FROM case_result WHERE got IS NOT expected;
SELECT text AS unexpected_output FROM case_noise;

.print == Wycheproof X25519 public keys with an all-zero shared secret: nothing is encrypted to them
DELETE FROM cases;
INSERT INTO cases
SELECT 'bib_seal', printf('SELECT hex(bib_seal(x''00'', X''%s''));', hex(public_key)),
       'bib: X25519 key has small order (all-zero shared secret)'
FROM v.wp_x25519_low_order
UNION ALL
SELECT 'bib_encrypt_hybrid_raw',
       printf('SELECT hex(bib_encrypt_hybrid_raw(x''00'', zeroblob(32), X''%s''));', hex(public_key)),
       'bib: X25519 key has small order (all-zero shared secret)'
FROM v.wp_x25519_low_order;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT label AS function, count(*) AS keys, sum(got IS NOT expected) AS mismatches
FROM case_result GROUP BY label ORDER BY label;
SELECT text AS unexpected_output FROM case_noise;

.print == hand-written cases on fresh envelopes
.headers off
CREATE TEMP TABLE k AS SELECT bib_random(32) AS key, bib_random(32) AS sk;
CREATE TEMP TABLE e AS
SELECT bib_encrypt_raw(CAST('attack at dawn' AS BLOB), key, CAST('row 1' AS BLOB)) AS key_env,
       bib_seal(CAST('attack at dawn' AS BLOB), bib_x25519_public(sk), CAST('row 1' AS BLOB)) AS seal_env,
       bib_encrypt_hybrid_raw(CAST('attack at dawn' AS BLOB), key, bib_x25519_public(sk),
                              CAST('row 1' AS BLOB)) AS hybrid_env
FROM k;
-- Each opens with the right key and ad (a 14-byte plaintext: KEY/SEAL envelopes are 86 bytes, HYBRID 102).
SELECT CAST(bib_decrypt_raw(key_env, key, CAST('row 1' AS BLOB)) AS TEXT),
       CAST(bib_unseal_raw(seal_env, sk, CAST('row 1' AS BLOB)) AS TEXT),
       CAST(bib_decrypt_hybrid_raw(hybrid_env, key, sk, CAST('row 1' AS BLOB)) AS TEXT),
       length(key_env), length(seal_env), length(hybrid_env)
FROM e, k;

.print -- wrong ad, missing ad: authentication fails (KEY, SEAL, HYBRID)
SELECT bib_decrypt_raw(key_env, key, CAST('row 2' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(key_env, key) FROM e, k;
SELECT bib_unseal_raw(seal_env, sk, CAST('row 2' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(seal_env, sk) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, sk, CAST('row 2' AS BLOB)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, sk) FROM e, k;
.print -- wrong key, wrong secret key: authentication fails
SELECT bib_decrypt_raw(key_env, bib_random(32), CAST('row 1' AS BLOB)) FROM e;
SELECT bib_unseal_raw(seal_env, bib_random(32), CAST('row 1' AS BLOB)) FROM e;
SELECT bib_decrypt_hybrid_raw(hybrid_env, bib_random(32), sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, bib_random(32), CAST('row 1' AS BLOB)) FROM e, k;
.print -- one byte changed: key_id, seed, ciphertext, last tag byte (KEY); epk, ciphertext (SEAL); recipient_id (HYBRID)
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 8) || (CASE WHEN substr(key_env, 9, 1) = x'55' THEN x'aa' ELSE x'55' END)
                            || substr(key_env, 10) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 30) || (CASE WHEN substr(key_env, 31, 1) = x'55' THEN x'aa' ELSE x'55' END)
                            || substr(key_env, 32) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 56) || (CASE WHEN substr(key_env, 57, 1) = x'55' THEN x'aa' ELSE x'55' END)
                            || substr(key_env, 58) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 85) || (CASE WHEN substr(key_env, 86, 1) = x'55' THEN x'aa' ELSE x'55' END)
                            AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(CAST(substr(seal_env, 1, 40) || (CASE WHEN substr(seal_env, 41, 1) = x'55' THEN x'aa' ELSE x'55' END)
                           || substr(seal_env, 42) AS BLOB), sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(CAST(substr(seal_env, 1, 56) || (CASE WHEN substr(seal_env, 57, 1) = x'55' THEN x'aa' ELSE x'55' END)
                           || substr(seal_env, 58) AS BLOB), sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(CAST(substr(hybrid_env, 1, 24) || (CASE WHEN substr(hybrid_env, 25, 1) = x'55' THEN x'aa' ELSE x'55' END)
                                   || substr(hybrid_env, 26) AS BLOB), key, sk, CAST('row 1' AS BLOB)) FROM e, k;
.print -- truncated: last byte cut (still long enough: authentication), cut to 71, 8, 7 bytes (too short); one byte appended
SELECT bib_decrypt_raw(substr(key_env, 1, length(key_env) - 1), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(substr(key_env, 1, 71), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(substr(key_env, 1, 8), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(substr(key_env, 1, 7), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(substr(seal_env, 1, 71), sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(substr(hybrid_env, 1, 87), key, sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(key_env || x'00' AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
.print -- empty and 1-byte envelopes, to every opener and to bib_envelope_info: too short
SELECT bib_decrypt_raw(x'', key) FROM k;
SELECT bib_decrypt_raw(x'62', key) FROM k;
SELECT bib_unseal_raw(x'', sk) FROM k;
SELECT bib_unseal_raw(x'62', sk) FROM k;
SELECT bib_decrypt_hybrid_raw(x'', key, sk) FROM k;
SELECT bib_decrypt_hybrid_raw(x'62', key, sk) FROM k;
SELECT bib_envelope_info(x'');
SELECT bib_envelope_info(x'62');
SELECT bib_envelope_info('');
.print -- not an envelope: bad magic (a TEXT of 10 bytes, a Shamir share)
SELECT bib_decrypt_raw('hellohello', key) FROM k;
SELECT bib_envelope_info('hellohello');
SELECT bib_envelope_info(x'627301020112345678123456782a00000000');
.print -- version 0x00 and 0x02, mode 0x00 and 0x04, aead 0x00 and 0x03, flags 0x0001 and 0x8000
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 3) || x'00' || substr(key_env, 5) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 3) || x'02' || substr(key_env, 5) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 4) || x'00' || substr(key_env, 6) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 4) || x'04' || substr(key_env, 6) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 5) || x'00' || substr(key_env, 7) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 5) || x'03' || substr(key_env, 7) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 6) || x'0001' || substr(key_env, 9) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 6) || x'8000' || substr(key_env, 9) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_envelope_info(CAST(substr(seal_env, 1, 3) || x'02' || substr(seal_env, 5) AS BLOB)) FROM e;
SELECT bib_envelope_info(CAST(substr(seal_env, 1, 4) || x'04' || substr(seal_env, 6) AS BLOB)) FROM e;
SELECT bib_envelope_info(CAST(substr(seal_env, 1, 5) || x'03' || substr(seal_env, 7) AS BLOB)) FROM e;
SELECT bib_envelope_info(CAST(substr(seal_env, 1, 6) || x'0100' || substr(seal_env, 9) AS BLOB)) FROM e;
.print -- the other AEAD byte: the envelope parses, authentication fails
SELECT bib_decrypt_raw(CAST(substr(key_env, 1, 5) || x'02' || substr(key_env, 7) AS BLOB), key, CAST('row 1' AS BLOB)) FROM e, k;
.print -- an envelope of another mode: KEY to unseal_raw, SEAL to decrypt_raw, HYBRID to unseal_raw, KEY to decrypt_hybrid_raw
SELECT bib_unseal_raw(key_env, sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(seal_env, key, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(hybrid_env, sk, CAST('row 1' AS BLOB)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(key_env, key, sk, CAST('row 1' AS BLOB)) FROM e, k;
.print -- keys of 31, 33 and 0 bytes, each key argument of each function
SELECT bib_encrypt_raw(x'00', zeroblob(31));
SELECT bib_encrypt_raw(x'00', zeroblob(33));
SELECT bib_encrypt_raw(x'00', x'');
SELECT bib_decrypt_raw(key_env, substr(key, 1, 31)) FROM e, k;
SELECT bib_decrypt_raw(key_env, CAST(key || x'00' AS BLOB)) FROM e, k;
SELECT bib_decrypt_raw(key_env, x'') FROM e;
SELECT bib_seal(x'00', substr(bib_x25519_public(sk), 1, 31)) FROM k;
SELECT bib_seal(x'00', CAST(bib_x25519_public(sk) || x'00' AS BLOB)) FROM k;
SELECT bib_seal(x'00', x'');
SELECT bib_unseal_raw(seal_env, substr(sk, 1, 31)) FROM e, k;
SELECT bib_unseal_raw(seal_env, CAST(sk || x'00' AS BLOB)) FROM e, k;
SELECT bib_unseal_raw(seal_env, x'') FROM e;
SELECT bib_encrypt_hybrid_raw(x'00', zeroblob(31), bib_x25519_public(sk)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', zeroblob(33), bib_x25519_public(sk)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', x'', bib_x25519_public(sk)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', key, zeroblob(31)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', key, zeroblob(33)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', key, x'') FROM k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, zeroblob(31), sk) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, zeroblob(33), sk) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, x'', sk) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, zeroblob(31)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, zeroblob(33)) FROM e, k;
SELECT bib_decrypt_hybrid_raw(hybrid_env, key, x'') FROM e, k;
.print -- key lengths are checked before the envelope: a short key and an empty envelope
SELECT bib_decrypt_raw(x'', zeroblob(31));
SELECT bib_unseal_raw(x'', zeroblob(33));
.print -- low-order X25519 public keys: all zeros, and the order-8 point e0eb7a7c... (Wycheproof x25519 tcId 63)
SELECT bib_seal(x'00', zeroblob(32));
SELECT bib_seal(x'00', x'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800');
SELECT bib_encrypt_hybrid_raw(x'00', key, zeroblob(32)) FROM k;
SELECT bib_encrypt_hybrid_raw(x'00', key, x'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800') FROM k;
.print -- a SEAL envelope whose epk is replaced by a low-order point
SELECT bib_unseal_raw(CAST(substr(seal_env, 1, 24) || zeroblob(32) || substr(seal_env, 57) AS BLOB), sk, CAST('row 1' AS BLOB)) FROM e, k;
