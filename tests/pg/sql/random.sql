-- CSPRNG bytes and generated passwords.
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT length(bib.random(1)) AS one, length(bib.random(32)) AS thirty_two,
       length(bib.random(1048576)) AS one_mib;
-- 10000 draws of 16 bytes, no repeats.
SELECT count(DISTINCT bib.random(16)) AS distinct_draws FROM generate_series(1, 10000);

SELECT length(bib.gen_password()) AS default_len, length(bib.gen_password(128)) AS len_128,
       length(bib.gen_password(4096)) AS len_4096,
       bib.gen_password() ~ '^[A-Za-z0-9_-]{43}$' AS url_safe,
       (SELECT count(DISTINCT bib.gen_password()) FROM generate_series(1, 1000)) AS distinct_passwords;

SELECT label, pg_temp.err(stmt) FROM (VALUES
  ('random 0',        $$SELECT bib.random(0)$$),
  ('random -5',       $$SELECT bib.random(-5)$$),
  ('random 1 MiB + 1', $$SELECT bib.random(1048577)$$),
  ('password 127',    $$SELECT bib.gen_password(127)$$),
  ('password 120',    $$SELECT bib.gen_password(120)$$),
  ('password 4104',   $$SELECT bib.gen_password(4104)$$),
  ('password -256',   $$SELECT bib.gen_password(-256)$$)
) AS t(label, stmt);
SELECT bib.random(NULL) IS NULL AS a, bib.gen_password(NULL) IS NULL AS b;
