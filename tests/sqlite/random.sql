-- random.sql — bib_random and bib_gen_password: lengths, alphabet, limits,
-- integer-argument conversion and NULLs.
.load @SO@
.bail off
.headers on
.mode list

.print == bib_random(n): n bytes, 1 to 1048576; the TEXT 32 is 32
SELECT length(bib_random(1)) AS one, length(bib_random(32)) AS thirty_two,
       length(bib_random(1048576)) AS max, typeof(bib_random(1)) AS type,
       length(bib_random('32')) AS text_32;
.print -- draws differ, and a megabyte is not all zero
CREATE TEMP TABLE draw AS
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 1000)
SELECT bib_random(16) AS r FROM i;
SELECT count(*) AS draws, count(DISTINCT r) AS distinct_draws FROM draw;
SELECT bib_random(1048576) <> zeroblob(1048576) AS not_zero;
.print -- out of range: 0, -1, 1048577, 2^63 - 1; not an integer: 16.5, the TEXT sixteen, a BLOB
SELECT bib_random(0);
SELECT bib_random(-1);
SELECT bib_random(1048577);
SELECT bib_random(9223372036854775807);
SELECT bib_random(16.5);
SELECT bib_random('sixteen');
SELECT bib_random(x'10');

.print == bib_gen_password(): 256 bits, 43 characters of URL-safe base64 without padding
SELECT length(bib_gen_password()) AS length, typeof(bib_gen_password()) AS type,
       length(bib_gen_password(256)) AS bits_256;
CREATE TEMP TABLE pw AS
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 500)
SELECT bib_gen_password() AS p FROM i;
-- 500 x 43 characters: each of the 64 letters of the alphabet turns up (all but certainly), nothing else does.
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 43),
chars(c) AS (SELECT substr(p, n, 1) FROM pw, i)
SELECT (SELECT count(*) FROM pw) AS passwords, (SELECT count(DISTINCT p) FROM pw) AS distinct_passwords,
       (SELECT min(length(p)) = 43 AND max(length(p)) = 43 FROM pw) AS all_43,
       count(DISTINCT c) AS distinct_characters,
       sum(c GLOB '[^A-Za-z0-9_-]') AS outside_alphabet,
       sum(c = '=') AS padding
FROM chars;
.print -- other sizes: 128 bits -> 22 characters, 136 -> 23, 4096 -> 683
SELECT length(bib_gen_password(128)) AS bits_128, length(bib_gen_password(136)) AS bits_136,
       length(bib_gen_password(4096)) AS bits_4096, length(bib_gen_password('192')) AS text_192;
.print -- refused: 4104 and 120 (outside 128..4096), 129 (not a multiple of 8), 0, -256, 256.0, 2^32 + 256
SELECT bib_gen_password(4104);
SELECT bib_gen_password(120);
SELECT bib_gen_password(129);
SELECT bib_gen_password(0);
SELECT bib_gen_password(-256);
SELECT bib_gen_password(256.0);
SELECT bib_gen_password(4294967552);

.print == NULL gives NULL
SELECT typeof(bib_random(NULL)) AS bib_random, typeof(bib_gen_password(NULL)) AS bib_gen_password;
