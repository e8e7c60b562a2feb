-- Envelope v1: every valid vector of ../shared/vectors/bib/envelope_v1.json
-- opens to its plaintext and describes itself as the reference says; round
-- trips for every mode x AEAD; keys and AD are bound.
\getenv vectors BIB_VECTORS
\set envfile :vectors '/bib/envelope_v1.json'
CREATE TEMP TABLE env_vectors AS
  SELECT v FROM jsonb_array_elements(pg_read_file(:'envfile')::jsonb -> 'valid') AS v;
CREATE FUNCTION pg_temp.hex(j jsonb) RETURNS bytea LANGUAGE sql IMMUTABLE
  AS $$ SELECT decode(j #>> '{}', 'hex') $$;

SELECT count(*) AS valid_vectors FROM env_vectors;

-- Every valid envelope opens with its decrypt_op to the recorded plaintext.
SELECT v ->> 'decrypt_op' AS op, count(*) AS cases,
       count(*) FILTER (WHERE opened = pg_temp.hex(v -> 'plaintext')) AS opened_ok
FROM (SELECT v, CASE v ->> 'decrypt_op'
        WHEN 'decrypt_raw' THEN bib.decrypt_raw(pg_temp.hex(v -> 'envelope'), pg_temp.hex(v -> 'key'), pg_temp.hex(v -> 'ad'))
        WHEN 'unseal_raw' THEN bib.unseal_raw(pg_temp.hex(v -> 'envelope'), pg_temp.hex(v -> 'recipient_sk'), pg_temp.hex(v -> 'ad'))
        WHEN 'decrypt_hybrid_raw' THEN bib.decrypt_hybrid_raw(pg_temp.hex(v -> 'envelope'), pg_temp.hex(v -> 'key'),
                                                              pg_temp.hex(v -> 'recipient_sk'), pg_temp.hex(v -> 'ad'))
      END AS opened FROM env_vectors) s
GROUP BY 1 ORDER BY 1;

-- envelope_info agrees with the reference on every field of every valid vector.
SELECT count(*) AS info_mismatches
FROM env_vectors, bib.envelope_info(pg_temp.hex(v -> 'envelope')) i
WHERE i.version <> (v #>> '{envelope_info,version}')::int
   OR i.mode <> v #>> '{envelope_info,mode}'
   OR i.aead <> v #>> '{envelope_info,aead}'
   OR i.key_id IS DISTINCT FROM pg_temp.hex(v #> '{envelope_info,key_id}')
   OR i.recipient_id IS DISTINCT FROM pg_temp.hex(v #> '{envelope_info,recipient_id}')
   OR i.overhead <> (v #>> '{envelope_info,overhead}')::int;

-- Raw KEY envelopes carry the key's fingerprint, as the vectors do.
SELECT count(*) AS fingerprint_mismatches
FROM env_vectors
WHERE v ->> 'encrypt_op' = 'encrypt_raw' AND (v ->> 'key_id_is_fingerprint')::bool
  AND (SELECT key_id FROM bib.envelope_info(bib.encrypt_raw('x', pg_temp.hex(v -> 'key'))))
      <> pg_temp.hex(v -> 'key_id');

-- Round trips: every mode x AEAD, sizes 0 to 100000, with and without AD.
CREATE TEMP TABLE k AS SELECT bib.random(32) AS key, bib.random(32) AS sk;
ALTER TABLE k ADD COLUMN pk bytea;
UPDATE k SET pk = bib.x25519_public(sk);
CREATE TEMP TABLE rt (aead text, mode text, size int, ad bytea, plain bytea, env bytea);
DO $$
DECLARE a text; s int; d bytea;
BEGIN
  FOREACH a IN ARRAY ARRAY['aes256gcm', 'xchacha20poly1305'] LOOP
    PERFORM set_config('bib.aead', a, true);
    FOREACH s IN ARRAY ARRAY[0, 1, 16, 100, 4096, 100000] LOOP
      FOREACH d IN ARRAY ARRAY[''::bytea, 'row 42'::bytea] LOOP
        INSERT INTO rt SELECT a, 'KEY', s, d, p, bib.encrypt_raw(p, key, d)
          FROM k, (SELECT bib.random(greatest(s, 1)) AS r) x, LATERAL (SELECT substr(r, 1, s) AS p) y;
        INSERT INTO rt SELECT a, 'SEAL', s, d, p, bib.seal(p, pk, d)
          FROM k, (SELECT bib.random(greatest(s, 1)) AS r) x, LATERAL (SELECT substr(r, 1, s) AS p) y;
        INSERT INTO rt SELECT a, 'HYBRID', s, d, p, bib.encrypt_hybrid_raw(p, key, pk, d)
          FROM k, (SELECT bib.random(greatest(s, 1)) AS r) x, LATERAL (SELECT substr(r, 1, s) AS p) y;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
SELECT rt.aead, rt.mode, count(*) AS envelopes,
       count(*) FILTER (WHERE i.aead = rt.aead AND i.mode = rt.mode
                          AND length(env) = size + i.overhead) AS well_formed,
       count(*) FILTER (WHERE CASE rt.mode
                 WHEN 'KEY' THEN bib.decrypt_raw(env, key, rt.ad)
                 WHEN 'SEAL' THEN bib.unseal_raw(env, sk, rt.ad)
                 ELSE bib.decrypt_hybrid_raw(env, key, sk, rt.ad) END = plain) AS opened
FROM rt, k, bib.envelope_info(env) i
GROUP BY 1, 2 ORDER BY 1, 2;

-- Two encryptions of the same plaintext differ (fresh seed / ephemeral key).
SELECT bib.encrypt_raw('same', key) <> bib.encrypt_raw('same', key) AS key_fresh,
       bib.seal('same', pk) <> bib.seal('same', pk) AS seal_fresh
FROM k;

-- The decrypting side needs no setting: an XChaCha envelope opens under the default.
SET bib.aead = 'xchacha20poly1305';
CREATE TEMP TABLE x AS SELECT bib.encrypt_raw('portable', key) AS env FROM k;
RESET bib.aead;
SELECT convert_from(bib.decrypt_raw(env, key), 'UTF8') AS plain, (bib.envelope_info(env)).aead
FROM x, k;

-- NULL in, NULL out.
SELECT bib.encrypt_raw(NULL, key) IS NULL AS a, bib.encrypt_raw('x', NULL) IS NULL AS b,
       bib.encrypt_raw('x', key, NULL) IS NULL AS c, bib.decrypt_raw(NULL, key) IS NULL AS d,
       bib.seal(NULL, pk) IS NULL AS e, bib.unseal_raw(NULL, sk) IS NULL AS f,
       bib.encrypt_hybrid_raw('x', key, NULL) IS NULL AS g,
       bib.decrypt_hybrid_raw(NULL, key, sk) IS NULL AS h, bib.envelope_info(NULL) IS NULL AS i
FROM k;
