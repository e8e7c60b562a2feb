-- Shamir shares v1: every vector of ../shared/vectors/bib/shamir_v1.json,
-- round trips over every k-subset, and each refusal with its error.
\getenv vectors BIB_VECTORS
\set shamirfile :vectors '/bib/shamir_v1.json'
CREATE TEMP TABLE sj AS SELECT pg_read_file(:'shamirfile')::jsonb AS j;
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.shares(j jsonb) RETURNS bytea[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT array_agg(decode(s, 'hex') ORDER BY o) FROM jsonb_array_elements_text(j) WITH ORDINALITY AS x(s, o) $$;

-- Every combine set of every valid case gives the secret.
SELECT count(*) AS combine_sets,
       count(*) FILTER (WHERE bib.shamir_combine(
           (SELECT array_agg(decode(v -> 'shares' ->> (x::int - 1), 'hex') ORDER BY o)
              FROM jsonb_array_elements_text(cs) WITH ORDINALITY AS y(x, o)))
         = decode(v ->> 'secret', 'hex')) AS combined_ok
FROM sj, jsonb_array_elements(j -> 'valid') v, jsonb_array_elements(v -> 'combine_sets') cs;

-- Every invalid case gives its error.
SELECT c ->> 'error' AS code,
       pg_temp.err(format('SELECT bib.shamir_combine(%L)', coalesce(pg_temp.shares(c -> 'shares'), '{}'))) AS got,
       count(*) AS cases
FROM sj, jsonb_array_elements(j -> 'invalid') c
GROUP BY 1, 2 ORDER BY 1, 2;

-- invalid_split arguments are refused.
SELECT c ->> 'name' AS name,
       pg_temp.err(format('SELECT bib.shamir_split(%L, %s, %s)', decode(c ->> 'secret', 'hex'), c ->> 'n', c ->> 'k')) AS got
FROM sj, jsonb_array_elements(j -> 'invalid_split') c ORDER BY (c ->> 'id')::int;

-- Split 5 of 3: every 3-subset and the whole set combine; every 2-subset is too few.
CREATE TEMP TABLE sp AS SELECT bib.random(32) AS secret;
ALTER TABLE sp ADD COLUMN shares bytea[];
UPDATE sp SET shares = bib.shamir_split(secret, 5, 3);
SELECT array_length(shares, 1) AS n, length(shares[1]) AS share_len,
       (SELECT count(*) FROM generate_series(1, 5) a, generate_series(1, 5) b, generate_series(1, 5) c
         WHERE a < b AND b < c AND bib.shamir_combine(ARRAY[shares[a], shares[b], shares[c]]) = secret) AS subsets_ok,
       bib.shamir_combine(shares) = secret AS all_five,
       bib.shamir_combine(ARRAY[shares[5], shares[1], shares[3]]) = secret AS any_order,
       (SELECT count(*) FROM generate_series(1, 5) a, generate_series(1, 5) b
         WHERE a < b AND pg_temp.err(format('SELECT bib.shamir_combine(%L)', ARRAY[shares[a], shares[b]]))
               = '22023: bib: fewer shares than the threshold') AS pairs_refused
FROM sp;

-- Bad inputs.
SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('k > n',            $$SELECT bib.shamir_split('s', 2, 3)$$),
  ('n = 256',          $$SELECT bib.shamir_split('s', 256, 2)$$),
  ('n = 0',            $$SELECT bib.shamir_split('s', 0, 0)$$),
  ('k = 0',            $$SELECT bib.shamir_split('s', 3, 0)$$),
  ('n negative',       $$SELECT bib.shamir_split('s', -1, 1)$$),
  ('empty secret',     $$SELECT bib.shamir_split('', 3, 2)$$),
  ('1025-byte secret', $$SELECT bib.shamir_split(bib.random(1025), 3, 2)$$),
  ('n = 255, k = 255', $$SELECT bib.shamir_split('s', 255, 255)$$),
  ('no shares',        $$SELECT bib.shamir_combine('{}')$$),
  ('NULL share',       $$SELECT bib.shamir_combine(ARRAY[NULL::bytea])$$),
  ('too few',          $$SELECT bib.shamir_combine((bib.shamir_split('s', 3, 2))[1:1])$$),
  ('duplicate',        $$SELECT bib.shamir_combine(ARRAY[s[1], s[1]]) FROM bib.shamir_split('s', 3, 2) s$$),
  ('mixed splits',     $$SELECT bib.shamir_combine(ARRAY[(bib.shamir_split('s', 3, 2))[1], (bib.shamir_split('s', 3, 2))[2]])$$),
  ('corrupted check',  $$SELECT bib.shamir_combine(ARRAY[set_byte(s[1], 14, get_byte(s[1], 14) # 1), s[2]]) FROM bib.shamir_split('s', 3, 2) s$$),
  ('not a share',      $$SELECT bib.shamir_combine(ARRAY['\x00112233445566778899aabbccddeeff00'::bytea])$$)
) AS t(label, stmt);

SELECT bib.shamir_split(NULL, 3, 2) IS NULL AS a, bib.shamir_split('s', NULL, 2) IS NULL AS b,
       bib.shamir_combine(NULL) IS NULL AS c;
