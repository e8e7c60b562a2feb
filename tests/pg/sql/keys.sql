-- Key helpers against published vectors: HKDF (RFC 5869, Wycheproof),
-- X25519 (RFC 7748), Ed25519 (Wycheproof verify, sign/verify round trip).
\getenv vectors BIB_VECTORS
\set rfc_hkdf :vectors '/rfc/hkdf_rfc5869.json'
\set wp_hkdf :vectors '/wycheproof/hkdf_sha256_test.json'
\set rfc_x25519 :vectors '/rfc/x25519_rfc7748.json'
\set wp_ed25519 :vectors '/wycheproof/ed25519_test.json'
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- RFC 5869 test cases 1-3.
SELECT t ->> 'tcId' AS tc,
       bib.hkdf(decode(t ->> 'IKM', 'hex'), decode(t ->> 'salt', 'hex'), decode(t ->> 'info', 'hex'),
                (t ->> 'L')::int) = decode(t ->> 'OKM', 'hex') AS okm_ok
FROM jsonb_array_elements(pg_read_file(:'rfc_hkdf')::jsonb -> 'tests') t;

-- Wycheproof HKDF-SHA256: valid ones match, invalid ones (oversized output) are refused.
SELECT t ->> 'result' AS result,
       CASE WHEN t ->> 'result' = 'valid'
            THEN (bib.hkdf(decode(t ->> 'ikm', 'hex'), decode(t ->> 'salt', 'hex'),
                           decode(t ->> 'info', 'hex'), (t ->> 'size')::int) = decode(t ->> 'okm', 'hex'))::text
            ELSE pg_temp.err(format('SELECT bib.hkdf(%L, %L, %L, %s)', decode(t ->> 'ikm', 'hex'),
                                    decode(t ->> 'salt', 'hex'), decode(t ->> 'info', 'hex'), t ->> 'size'))
       END AS outcome, count(*)
FROM jsonb_array_elements(pg_read_file(:'wp_hkdf')::jsonb -> 'testGroups') g,
     jsonb_array_elements(g -> 'tests') t
GROUP BY 1, 2 ORDER BY 1, 2;

-- RFC 7748 §6.1: public keys of Alice and Bob.
SELECT who, bib.x25519_public(decode(j #>> ARRAY[who, 'private'], 'hex'))
            = decode(j #>> ARRAY[who, 'public'], 'hex') AS public_ok
FROM (SELECT pg_read_file(:'rfc_x25519')::jsonb AS j) f, unnest(ARRAY['alice', 'bob']) who;

-- Wycheproof Ed25519: every valid signature verifies, no invalid one does
-- (a wrong-length signature is an error, which also rejects it).
CREATE TEMP TABLE ed AS
SELECT t ->> 'result' AS result,
       pg_temp.err(format('SELECT 1 WHERE NOT bib.verify(%L, %L, %L)', decode(t ->> 'msg', 'hex'),
                          decode(t ->> 'sig', 'hex'), decode(g #>> '{publicKey,pk}', 'hex'))) AS e,
       CASE WHEN length(decode(t ->> 'sig', 'hex')) = 64
            THEN bib.verify(decode(t ->> 'msg', 'hex'), decode(t ->> 'sig', 'hex'),
                            decode(g #>> '{publicKey,pk}', 'hex')) END AS verified
FROM jsonb_array_elements(pg_read_file(:'wp_ed25519')::jsonb -> 'testGroups') g,
     jsonb_array_elements(g -> 'tests') t;
SELECT result, coalesce(verified::text, e) AS outcome, count(*) FROM ed GROUP BY 1, 2 ORDER BY 1, 2;

-- Sign and verify round trip; deterministic signatures; tampering detected.
CREATE TEMP TABLE s AS SELECT bib.random(32) AS seed;
SELECT length(bib.sign('msg', seed)) AS sig_len,
       bib.sign('msg', seed) = bib.sign('msg', seed) AS deterministic,
       bib.verify('msg', bib.sign('msg', seed), bib.ed25519_public(seed)) AS verifies,
       bib.verify('msh', bib.sign('msg', seed), bib.ed25519_public(seed)) AS other_message,
       bib.verify('msg', bib.sign('msg', seed), bib.ed25519_public(bib.random(32))) AS other_key
FROM s;

-- X25519 agreement: sealing to x25519_public(sk) opens with sk.
SELECT convert_from(bib.unseal_raw(bib.seal('to me', bib.x25519_public(seed)), seed), 'UTF8') FROM s;

SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('x25519 secret 31',   $$SELECT bib.x25519_public(bib.random(31))$$),
  ('ed25519 seed 64',    $$SELECT bib.ed25519_public(bib.random(64))$$),
  ('sign seed empty',    $$SELECT bib.sign('m', ''::bytea)$$),
  ('verify sig 63',      $$SELECT bib.verify('m', bib.random(63), bib.random(32))$$),
  ('verify pk 31',       $$SELECT bib.verify('m', bib.random(64), bib.random(31))$$),
  ('hkdf length 0',      $$SELECT bib.hkdf('k', '', '', 0)$$),
  ('hkdf length -1',     $$SELECT bib.hkdf('k', '', '', -1)$$),
  ('hkdf length 8161',   $$SELECT bib.hkdf('k', '', '', 8161)$$),
  ('hkdf length 8160',   $$SELECT bib.hkdf('k', '', '', 8160)$$)
) AS t(label, stmt);

SELECT bib.hkdf(NULL, '', '', 32) IS NULL AS a, bib.hkdf('k', '', '', NULL) IS NULL AS b,
       bib.x25519_public(NULL) IS NULL AS c, bib.sign(NULL, ''::bytea) IS NULL AS d,
       bib.verify('m', NULL, '') IS NULL AS e;
