-- Every way an envelope can be refused: the invalid vectors and the sweeps of
-- ../shared/vectors/bib/envelope_v1.json, then the bad-input catalogue.  Each
-- error is checked by SQLSTATE and message; the backend stays alive.
\getenv vectors BIB_VECTORS
\set envfile :vectors '/bib/envelope_v1.json'
CREATE TEMP TABLE env_json AS SELECT pg_read_file(:'envfile')::jsonb AS j;
CREATE FUNCTION pg_temp.hex(j jsonb) RETURNS bytea LANGUAGE sql IMMUTABLE
  AS $$ SELECT decode(j #>> '{}', 'hex') $$;

-- Run one statement; 'ok' or "SQLSTATE: message".
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Apply a vector's op to its inputs; 'ok' or the error.
CREATE FUNCTION pg_temp.run_op(op text, c jsonb, envelope bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('bib.aead', coalesce(c ->> 'aead', 'aes256gcm'), true);
  CASE op
    WHEN 'decrypt_raw' THEN PERFORM bib.decrypt_raw(envelope, pg_temp.hex(c -> 'key'), pg_temp.hex(c -> 'ad'));
    WHEN 'unseal_raw' THEN PERFORM bib.unseal_raw(envelope, coalesce(pg_temp.hex(c -> 'secret_key'), pg_temp.hex(c -> 'recipient_sk')), pg_temp.hex(c -> 'ad'));
    WHEN 'decrypt_hybrid_raw' THEN PERFORM bib.decrypt_hybrid_raw(envelope, pg_temp.hex(c -> 'key'),
                                        coalesce(pg_temp.hex(c -> 'secret_key'), pg_temp.hex(c -> 'recipient_sk')), pg_temp.hex(c -> 'ad'));
    WHEN 'envelope_info' THEN PERFORM bib.envelope_info(envelope);
    WHEN 'seal' THEN PERFORM bib.seal(pg_temp.hex(c -> 'plaintext'), pg_temp.hex(c -> 'public_key'), coalesce(pg_temp.hex(c -> 'ad'), ''));
    WHEN 'encrypt_hybrid_raw' THEN PERFORM bib.encrypt_hybrid_raw(pg_temp.hex(c -> 'plaintext'), pg_temp.hex(c -> 'key'),
                                        pg_temp.hex(c -> 'public_key'), coalesce(pg_temp.hex(c -> 'ad'), ''));
  END CASE;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- The reference's error codes and the errors bib reports for them.
CREATE TEMP TABLE expected_error (code text PRIMARY KEY, error text);
INSERT INTO expected_error VALUES
  ('ENV_SHORT', '22P03: bib: envelope is too short'),
  ('ENV_BAD_MAGIC', '22P03: bib: not a bib envelope (bad magic)'),
  ('ENV_BAD_VERSION', '22P03: bib: unsupported envelope version'),
  ('ENV_BAD_MODE', '22P03: bib: unknown envelope mode'),
  ('ENV_BAD_AEAD', '22P03: bib: unknown envelope AEAD'),
  ('ENV_BAD_FLAGS', '22P03: bib: envelope flags must be zero'),
  ('ENV_WRONG_MODE', '22P03: bib: envelope mode does not match this function'),
  ('ENV_ZERO_SHARED', '22023: bib: X25519 key has small order (all-zero shared secret)'),
  ('ENV_AUTH', '22Z01: bib: envelope authentication failed');

-- Invalid vectors: each gives exactly the error of its code.
SELECT c ->> 'error' AS code, got, count(*) AS cases
FROM env_json, jsonb_array_elements(j -> 'invalid') c,
     LATERAL pg_temp.run_op(c ->> 'op', c, pg_temp.hex(c -> 'envelope')) got
GROUP BY 1, 2 ORDER BY 1, 2;

SELECT count(*) AS invalid_mismatches
FROM (SELECT c ->> 'error' AS code, pg_temp.run_op(c ->> 'op', c, pg_temp.hex(c -> 'envelope')) AS got
      FROM env_json, jsonb_array_elements(j -> 'invalid') c) r
LEFT JOIN expected_error e USING (code)
WHERE got IS DISTINCT FROM e.error
  AND NOT (code = 'ARG_KEY_LENGTH' AND got LIKE '22023: bib: % must be 32 bytes');

-- Sweeps: every byte of a 1-byte envelope of each mode x AEAD flipped (xor
-- 0x80 and 0x01), and every truncation.
CREATE TEMP TABLE sweep_result AS
SELECT s ->> 'kind' AS kind, (s ->> 'base_id')::int AS base_id, i - 1 AS pos,
       s -> 'expected' ->> (i - 1) AS code,
       pg_temp.run_op(s ->> 'op', b,
         CASE s ->> 'kind'
           WHEN 'xor' THEN set_byte(pg_temp.hex(b -> 'envelope'), i - 1,
                                    get_byte(pg_temp.hex(b -> 'envelope'), i - 1) # (s ->> 'xor')::int)
           ELSE substr(pg_temp.hex(b -> 'envelope'), 1, i - 1) END) AS got
FROM env_json, jsonb_array_elements(j -> 'sweeps') s,
     jsonb_array_elements(j -> 'valid') b,
     generate_series(1, jsonb_array_length(s -> 'expected')) i
WHERE (b ->> 'id')::int = (s ->> 'base_id')::int;

SELECT kind, count(*) AS positions,
       count(*) FILTER (WHERE got = e.error) AS as_expected
FROM sweep_result LEFT JOIN expected_error e USING (code)
GROUP BY kind ORDER BY kind;

-- Bad-input catalogue.
CREATE TEMP TABLE k AS SELECT bib.random(32) AS key, bib.random(32) AS sk;
\set key '(SELECT key FROM k)'
\set sk '(SELECT sk FROM k)'
\set pk '(SELECT bib.x25519_public(sk) FROM k)'
\set env '(SELECT bib.encrypt_raw(''secret'', key, ''ad'') FROM k)'
SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('key 31 bytes',          $$SELECT bib.encrypt_raw('x', bib.random(31))$$),
  ('key 33 bytes',          $$SELECT bib.encrypt_raw('x', bib.random(33))$$),
  ('key empty',             $$SELECT bib.decrypt_raw('\x00', '')$$),
  ('public key 31 bytes',   $$SELECT bib.seal('x', bib.random(31))$$),
  ('secret key 33 bytes',   $$SELECT bib.unseal_raw('\x00', bib.random(33))$$),
  ('hybrid key 16 bytes',   $$SELECT bib.encrypt_hybrid_raw('x', bib.random(16), bib.random(32))$$),
  ('hybrid public empty',   $$SELECT bib.encrypt_hybrid_raw('x', bib.random(32), '')$$),
  ('empty envelope',        $$SELECT bib.decrypt_raw('', bib.random(32))$$),
  ('1-byte envelope',       $$SELECT bib.decrypt_raw('\x62', bib.random(32))$$),
  ('header only',           $$SELECT bib.decrypt_raw('\x6269620101010000', bib.random(32))$$),
  ('version 2',             $$SELECT bib.envelope_info('\x6269620201010000')$$),
  ('mode 4',                $$SELECT bib.envelope_info('\x6269620104010000')$$),
  ('aead 3',                $$SELECT bib.envelope_info('\x6269620101030000')$$),
  ('flags 0001',            $$SELECT bib.envelope_info('\x6269620101010001')$$),
  ('low-order public key',  $$SELECT bib.seal('x', '\x0000000000000000000000000000000000000000000000000000000000000000')$$),
  ('order-8 public key',    $$SELECT bib.seal('x', '\xe0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')$$),
  ('order-8 hybrid',        $$SELECT bib.encrypt_hybrid_raw('x', bib.random(32), '\x5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157')$$)
) AS t(label, stmt);

SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('wrong key',             'SELECT bib.decrypt_raw(' || :'env' || ', bib.random(32), ''ad'')'),
  ('wrong AD',              'SELECT bib.decrypt_raw(' || :'env' || ', ' || :'key' || ', ''other'')'),
  ('missing AD',            'SELECT bib.decrypt_raw(' || :'env' || ', ' || :'key' || ')'),
  ('truncated by 1',        'SELECT bib.decrypt_raw(substr(e, 1, length(e) - 1), ' || :'key' || ', ''ad'') FROM ' || :'env' || ' AS x(e)'),
  ('tag byte flipped',      'SELECT bib.decrypt_raw(set_byte(e, length(e) - 1, get_byte(e, length(e) - 1) # 1), ' || :'key' || ', ''ad'') FROM ' || :'env' || ' AS x(e)'),
  ('KEY to unseal_raw',     'SELECT bib.unseal_raw(' || :'env' || ', ' || :'sk' || ', ''ad'')'),
  ('KEY to hybrid',         'SELECT bib.decrypt_hybrid_raw(' || :'env' || ', ' || :'key' || ', ' || :'sk' || ', ''ad'')'),
  ('SEAL wrong secret key', 'SELECT bib.unseal_raw(bib.seal(''x'', ' || :'pk' || '), bib.random(32))'),
  ('right key opens',       'SELECT bib.decrypt_raw(' || :'env' || ', ' || :'key' || ', ''ad'')')
) AS t(label, stmt);

-- Hints tell the user what to do.
\set VERBOSITY default
SELECT bib.encrypt_raw('x', '\x00');
SELECT bib.decrypt_raw(bib.encrypt_raw('x', key), key, 'ad') FROM k;
SELECT bib.decrypt_raw(bib.seal('x', bib.x25519_public(sk)), key) FROM k;
SET bib.aead = 'rot13';
\set VERBOSITY terse
-- Still alive, and nothing was half-written.
SELECT 1 AS alive;
