-- bib SQL benchmark: bib's envelope functions side by side with what users
-- would pick instead (pgcrypto) and with two floors (length(), sha256()).
-- Each case runs `SELECT count(expr) FROM table` :reps times; the best run
-- counts (noisy machines: the minimum is the most repeatable statistic).
-- Run by bench/run.sh inside a throwaway cluster.
\set ON_ERROR_STOP 1
\set reps 3
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS bib;

-- 1,000,000 values of 128 bytes and 200 values of 1 MiB, random (incompressible).
CREATE UNLOGGED TABLE small (v bytea);
ALTER TABLE small ALTER v SET STORAGE EXTERNAL;
INSERT INTO small SELECT bib.random(128) FROM generate_series(1, 1000000);
CREATE UNLOGGED TABLE big (v bytea);
ALTER TABLE big ALTER v SET STORAGE EXTERNAL;
INSERT INTO big SELECT bib.random(1048576) FROM generate_series(1, 200);
CREATE UNLOGGED TABLE small_pgp AS SELECT v FROM small LIMIT 20000;
CREATE UNLOGGED TABLE big_pgp AS SELECT v FROM big LIMIT 20;
SELECT encode(bib.random(32), 'hex') AS key, encode(bib.random(32), 'hex') AS sk \gset
SELECT encode(bib.x25519_public(decode(:'sk', 'hex')), 'hex') AS pk \gset
CREATE UNLOGGED TABLE small_env AS SELECT bib.encrypt_raw(v, decode(:'key', 'hex')) AS v FROM small;
CREATE UNLOGGED TABLE big_env AS SELECT bib.encrypt_raw(v, decode(:'key', 'hex')) AS v FROM big;
ALTER TABLE big_env ALTER v SET STORAGE EXTERNAL;
SELECT bib.create_key('bench') IS NOT NULL AS created;
CREATE UNLOGGED TABLE small_store AS SELECT bib.encrypt(v, 'bench') AS v FROM small;
CREATE UNLOGGED TABLE big_store AS SELECT bib.encrypt(v, 'bench') AS v FROM big;
ALTER TABLE big_store ALTER v SET STORAGE EXTERNAL;
VACUUM ANALYZE;

CREATE TABLE results (label text, tab text, rows bigint, value_bytes int, best_ms float8, ord serial);

-- Best of :reps runs of SELECT count(expr) FROM tab, with the settings given.
CREATE FUNCTION bench(label text, expr text, tab text, settings text DEFAULT '', reps int DEFAULT 3)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; n bigint; sz int;
BEGIN
  IF settings <> '' THEN EXECUTE settings; END IF;
  FOR i IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE format('SELECT count(%s) FROM %s', expr, tab) INTO n;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  EXECUTE format('SELECT length(v) FROM %s LIMIT 1', tab) INTO sz;
  INSERT INTO results (label, tab, rows, value_bytes, best_ms) VALUES (label, tab, n, sz, best);
  RESET bib.aead;
END $$;

\set K 'decode(''' :key ''', ''hex'')'
\set SK 'decode(''' :sk ''', ''hex'')'
\set PK 'decode(''' :pk ''', ''hex'')'
\set PCK 'decode(substr(''' :key ''', 1, 64), ''hex'')'

\o /dev/null
SELECT bench('length()', 'length(v)', t, '', :reps) FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('sha256()', 'sha256(v)', t, '', :reps) FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('pgcrypto encrypt_iv aes-cbc, random iv',
             format('encrypt_iv(v, %s, gen_random_bytes(16), ''aes-cbc'')', :'PCK'), t, '', :reps)
  FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('pgcrypto pgp_sym_encrypt', 'pgp_sym_encrypt_bytea(v, ''passphrase'')', t, '', 1)
  FROM unnest(ARRAY['small_pgp', 'big_pgp']) t;
SELECT bench('bib.encrypt_raw aes256gcm', format('bib.encrypt_raw(v, %s)', :'K'), t,
             'SET bib.aead = aes256gcm', :reps) FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('bib.encrypt_raw xchacha20poly1305', format('bib.encrypt_raw(v, %s)', :'K'), t,
             'SET bib.aead = xchacha20poly1305', :reps) FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('bib.decrypt_raw aes256gcm', format('bib.decrypt_raw(v, %s)', :'K'), t, '', :reps)
  FROM unnest(ARRAY['small_env', 'big_env']) t;
SELECT bench('bib.seal aes256gcm', format('bib.seal(v, %s)', :'PK'), t, '', :reps)
  FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('bib.encrypt by key name (key store)', 'bib.encrypt(v, ''bench'')', t, '', :reps)
  FROM unnest(ARRAY['small', 'big']) t;
SELECT bench('bib.decrypt (key store)', 'bib.decrypt(v)', t, '', :reps)
  FROM unnest(ARRAY['small_store', 'big_store']) t;
-- pgsodium (when bench/run.sh found it installed): its encryption by key UUID.
\if :pgsodium
CREATE EXTENSION pgsodium;
SELECT id AS pgsodium_key FROM pgsodium.create_key() \gset
SELECT bench('pgsodium crypto_aead_det_encrypt by key UUID',
             format('pgsodium.crypto_aead_det_encrypt(v, ''''::bytea, %L::uuid)', :'pgsodium_key'), t, '', 1)
  FROM unnest(ARRAY['small_pgp', 'big_pgp']) t;
\endif

\o
-- The table: µs per row, MB/s of plaintext, time relative to sha256() on the same values.
\pset format aligned
\pset border 2
SELECT r.label AS "function",
       CASE WHEN r.value_bytes < 1000 THEN '128 B' ELSE '1 MiB' END AS "value",
       r.rows AS "rows",
       round((r.best_ms * 1000 / r.rows)::numeric, 2) AS "µs/row",
       round((r.rows::numeric * r.value_bytes / 1e6) / (r.best_ms::numeric / 1000), 0) AS "MB/s",
       round((r.best_ms / r.rows / (s.best_ms / s.rows))::numeric, 2) AS "× sha256()"
FROM results r
JOIN results s ON s.label = 'sha256()' AND (s.value_bytes < 1000) = (r.value_bytes < 1000)
ORDER BY r.value_bytes < 1000 DESC, r.ord;
