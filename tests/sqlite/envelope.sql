-- envelope.sql — the raw envelope functions: every valid vector of
-- bib/envelope_v1.json, fingerprints, round trips in every mode x AEAD,
-- argument types and NULLs.  Failures are in envelope_errors.sql.
.load @SO@
.bail off
.headers on
.mode list
ATTACH '@WORK@/vectors.db' AS v;

.print == every valid vector opens to its plaintext, with the function of its mode
SELECT mode, aead, op, count(*) AS cases,
       sum(CASE op
               WHEN 'decrypt_raw' THEN bib_decrypt_raw(envelope, key, ad)
               WHEN 'unseal_raw' THEN bib_unseal_raw(envelope, secret_key, ad)
               WHEN 'decrypt_hybrid_raw' THEN bib_decrypt_hybrid_raw(envelope, key, secret_key, ad)
           END IS NOT plaintext) AS mismatches
FROM v.env_valid GROUP BY mode, aead, op ORDER BY min(id);

.print == the same without the ad argument, where the vector's ad is empty
SELECT count(*) AS cases,
       sum(CASE op
               WHEN 'decrypt_raw' THEN bib_decrypt_raw(envelope, key)
               WHEN 'unseal_raw' THEN bib_unseal_raw(envelope, secret_key)
               WHEN 'decrypt_hybrid_raw' THEN bib_decrypt_hybrid_raw(envelope, key, secret_key)
           END IS NOT plaintext) AS mismatches
FROM v.env_valid WHERE ad = x'';

.print == bib_envelope_info equals the vectors' envelope_info, text for text
SELECT count(*) AS cases, sum(bib_envelope_info(envelope) IS NOT info) AS mismatches
FROM v.env_valid;
SELECT id, bib_envelope_info(envelope) AS info FROM v.env_valid WHERE id IN (1, 24, 31) ORDER BY id;

.print == new envelopes name the vectors' key_id (raw-key fingerprint) and recipient_id
SELECT mode, count(*) AS cases,
       sum(fresh ->> '$.key_id' IS NOT key_id OR fresh ->> '$.recipient_id' IS NOT recipient_id)
           AS mismatches
FROM (SELECT mode, key_id, recipient_id,
             bib_envelope_info(CASE mode
                                   WHEN 'KEY' THEN bib_encrypt_raw(plaintext, key, ad)
                                   WHEN 'SEAL' THEN bib_seal(plaintext, public_key, ad)
                                   WHEN 'HYBRID' THEN bib_encrypt_hybrid_raw(plaintext, key, public_key, ad)
                               END) AS fresh
      FROM v.env_valid WHERE key_id_is_fingerprint IS NOT 0)
GROUP BY mode ORDER BY mode;

.print == round trips: each mode x AEAD, 0, 1 and 1000 bytes, with and without ad
CREATE TEMP TABLE k AS SELECT bib_random(32) AS key, bib_random(32) AS secret_key;
CREATE TEMP TABLE msg(data BLOB, ad BLOB);
INSERT INTO msg VALUES (x'', x''), (x'00', x''), (randomblob(1000), x''),
                       (x'', CAST('row 7' AS BLOB)), (x'ff', randomblob(3)), (randomblob(1000), randomblob(300));
CREATE TEMP TABLE trip(aead TEXT, mode TEXT, data BLOB, ad BLOB, envelope BLOB);
SELECT bib_aead('aes256gcm') AS aead;
INSERT INTO trip SELECT bib_aead(), 'KEY', data, ad, bib_encrypt_raw(data, key, ad) FROM msg, k;
INSERT INTO trip SELECT bib_aead(), 'SEAL', data, ad, bib_seal(data, bib_x25519_public(secret_key), ad) FROM msg, k;
INSERT INTO trip SELECT bib_aead(), 'HYBRID', data, ad,
                        bib_encrypt_hybrid_raw(data, key, bib_x25519_public(secret_key), ad) FROM msg, k;
SELECT bib_aead('xchacha20poly1305') AS aead;
INSERT INTO trip SELECT bib_aead(), 'KEY', data, ad, bib_encrypt_raw(data, key, ad) FROM msg, k;
INSERT INTO trip SELECT bib_aead(), 'SEAL', data, ad, bib_seal(data, bib_x25519_public(secret_key), ad) FROM msg, k;
INSERT INTO trip SELECT bib_aead(), 'HYBRID', data, ad,
                        bib_encrypt_hybrid_raw(data, key, bib_x25519_public(secret_key), ad) FROM msg, k;
-- Decryption reads the AEAD from the envelope, whatever bib_aead() says now.
SELECT aead, mode, count(*) AS cases,
       sum(bib_envelope_info(envelope) ->> '$.aead' IS NOT aead) AS wrong_aead,
       sum(bib_envelope_info(envelope) ->> '$.mode' IS NOT mode) AS wrong_mode,
       min(length(envelope) - length(data)) AS overhead,
       sum(length(envelope) - length(data) IS NOT bib_envelope_info(envelope) ->> '$.overhead')
           AS wrong_overhead,
       sum(CASE mode
               WHEN 'KEY' THEN bib_decrypt_raw(envelope, key, ad)
               WHEN 'SEAL' THEN bib_unseal_raw(envelope, secret_key, ad)
               WHEN 'HYBRID' THEN bib_decrypt_hybrid_raw(envelope, key, secret_key, ad)
           END IS NOT data) AS not_recovered
FROM trip, k GROUP BY aead, mode ORDER BY aead, mode;
SELECT bib_aead('aes256gcm') AS aead;

.print == every envelope is new: same plaintext and key, different bytes
SELECT bib_encrypt_raw(x'00', key) <> bib_encrypt_raw(x'00', key) AS key_differs,
       bib_seal(x'00', bib_x25519_public(secret_key)) <> bib_seal(x'00', bib_x25519_public(secret_key)) AS seal_differs
FROM k;

.print == plaintexts come back as BLOBs; TEXT and numbers are taken as their UTF-8 bytes
SELECT typeof(bib_decrypt_raw(bib_encrypt_raw('hello', key), key)) AS type,
       CAST(bib_decrypt_raw(bib_encrypt_raw('hello', key), key) AS TEXT) AS text_in,
       hex(bib_decrypt_raw(bib_encrypt_raw(42, key), key)) AS integer_in,
       bib_decrypt_raw(bib_encrypt_raw(x'00', key, 'row 7'), key, CAST('row 7' AS BLOB)) IS x'00' AS text_ad,
       bib_decrypt_raw(bib_encrypt_raw(x'00', key), key, x'') IS x'00' AS empty_ad_is_no_ad,
       length(bib_decrypt_raw(bib_encrypt_raw(x'', key), key)) AS empty_length,
       typeof(bib_decrypt_raw(bib_encrypt_raw(x'', key), key)) AS empty_type
FROM k;

.print == the key may be given as TEXT too (its 32 UTF-8 bytes)
SELECT CAST(bib_decrypt_raw(bib_encrypt_raw('x', '0123456789abcdef0123456789abcdef'),
                            CAST('0123456789abcdef0123456789abcdef' AS BLOB)) AS TEXT) AS text_key;

.print == NULL in any argument gives NULL, even next to an argument that would fail
SELECT 'bib_encrypt_raw' AS function,
       typeof(bib_encrypt_raw(NULL, key)) || ' ' || typeof(bib_encrypt_raw(x'00', NULL)) || ' ' ||
       typeof(bib_encrypt_raw(NULL, key, x'')) || ' ' || typeof(bib_encrypt_raw(x'00', NULL, x'')) || ' ' ||
       typeof(bib_encrypt_raw(x'00', key, NULL)) || ' ' || typeof(bib_encrypt_raw(NULL, x'01')) AS results
FROM k
UNION ALL
SELECT 'bib_decrypt_raw',
       typeof(bib_decrypt_raw(NULL, key)) || ' ' || typeof(bib_decrypt_raw(e, NULL)) || ' ' ||
       typeof(bib_decrypt_raw(NULL, key, x'')) || ' ' || typeof(bib_decrypt_raw(e, NULL, x'')) || ' ' ||
       typeof(bib_decrypt_raw(e, key, NULL)) || ' ' || typeof(bib_decrypt_raw(x'', NULL))
FROM k, (SELECT bib_encrypt_raw(x'00', key) AS e FROM k)
UNION ALL
SELECT 'bib_seal',
       typeof(bib_seal(NULL, pk)) || ' ' || typeof(bib_seal(x'00', NULL)) || ' ' ||
       typeof(bib_seal(NULL, pk, x'')) || ' ' || typeof(bib_seal(x'00', NULL, x'')) || ' ' ||
       typeof(bib_seal(x'00', pk, NULL)) || ' ' || typeof(bib_seal(NULL, zeroblob(32)))
FROM (SELECT bib_x25519_public(secret_key) AS pk FROM k)
UNION ALL
SELECT 'bib_unseal_raw',
       typeof(bib_unseal_raw(NULL, secret_key)) || ' ' || typeof(bib_unseal_raw(e, NULL)) || ' ' ||
       typeof(bib_unseal_raw(NULL, secret_key, x'')) || ' ' || typeof(bib_unseal_raw(e, NULL, x'')) || ' ' ||
       typeof(bib_unseal_raw(e, secret_key, NULL)) || ' ' || typeof(bib_unseal_raw(x'', NULL))
FROM k, (SELECT bib_seal(x'00', bib_x25519_public(secret_key)) AS e FROM k)
UNION ALL
SELECT 'bib_encrypt_hybrid_raw',
       typeof(bib_encrypt_hybrid_raw(NULL, key, pk)) || ' ' || typeof(bib_encrypt_hybrid_raw(x'00', NULL, pk)) || ' ' ||
       typeof(bib_encrypt_hybrid_raw(x'00', key, NULL)) || ' ' ||
       typeof(bib_encrypt_hybrid_raw(NULL, key, pk, x'')) || ' ' || typeof(bib_encrypt_hybrid_raw(x'00', NULL, pk, x'')) || ' ' ||
       typeof(bib_encrypt_hybrid_raw(x'00', key, NULL, x'')) || ' ' || typeof(bib_encrypt_hybrid_raw(x'00', key, pk, NULL))
FROM k, (SELECT bib_x25519_public(secret_key) AS pk FROM k)
UNION ALL
SELECT 'bib_decrypt_hybrid_raw',
       typeof(bib_decrypt_hybrid_raw(NULL, key, secret_key)) || ' ' || typeof(bib_decrypt_hybrid_raw(e, NULL, secret_key)) || ' ' ||
       typeof(bib_decrypt_hybrid_raw(e, key, NULL)) || ' ' ||
       typeof(bib_decrypt_hybrid_raw(NULL, key, secret_key, x'')) || ' ' || typeof(bib_decrypt_hybrid_raw(e, NULL, secret_key, x'')) || ' ' ||
       typeof(bib_decrypt_hybrid_raw(e, key, NULL, x'')) || ' ' || typeof(bib_decrypt_hybrid_raw(e, key, secret_key, NULL))
FROM k, (SELECT bib_encrypt_hybrid_raw(x'00', key, bib_x25519_public(secret_key)) AS e FROM k)
UNION ALL
SELECT 'bib_envelope_info', typeof(bib_envelope_info(NULL));
