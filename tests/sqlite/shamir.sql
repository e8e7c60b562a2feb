-- shamir.sql — bib_shamir_split and bib_shamir_combine: the vectors of
-- bib/shamir_v1.json, both input forms of combine, the split's output,
-- argument limits, malformed share lists and NULLs.
.load @SO@
.bail off
.headers on
.mode list
ATTACH '@WORK@/vectors.db' AS v;
.read @WORK@/lib/messages.sql

.print == every combine_set of every valid vector, as a JSON array, gives the secret
SELECT s.id, s.n, s.k, length(s.secret) AS secret_length, count(*) AS sets,
       sum(bib_shamir_combine((SELECT json_group_array(s.shares ->> ('$[' || (x.value - 1) || ']'))
                               FROM json_each(c.value) AS x)) IS NOT s.secret) AS mismatches
FROM v.shamir_valid AS s, json_each(s.combine_sets) AS c
GROUP BY s.id ORDER BY s.id;

.print == the same shares as BLOB arguments: each alone (k = 1), consecutive pairs (k = 2) and triples (k = 3), both orders
SELECT s.k, count(*) AS combinations,
       sum(CASE s.k
               WHEN 1 THEN bib_shamir_combine(a.share)
               WHEN 2 THEN bib_shamir_combine(a.share, b.share)
               WHEN 3 THEN bib_shamir_combine(a.share, b.share, c.share)
           END IS NOT s.secret) AS mismatches,
       sum(CASE s.k
               WHEN 1 THEN bib_shamir_combine(a.share)
               WHEN 2 THEN bib_shamir_combine(b.share, a.share)
               WHEN 3 THEN bib_shamir_combine(c.share, b.share, a.share)
           END IS NOT s.secret) AS mismatches_reversed
FROM v.shamir_valid AS s
JOIN v.shamir_share AS a ON a.id = s.id
LEFT JOIN v.shamir_share AS b ON b.id = s.id AND b.x = a.x + 1
LEFT JOIN v.shamir_share AS c ON c.id = s.id AND c.x = a.x + 2
WHERE s.k <= 3 AND (s.k < 2 OR b.x IS NOT NULL) AND (s.k < 3 OR c.x IS NOT NULL)
GROUP BY s.k ORDER BY s.k;
SELECT hex(bib_shamir_combine(a.share, b.share, c.share, d.share, e.share)) = hex(s.secret) AS five_of_k3
FROM v.shamir_valid AS s, v.shamir_share AS a, v.shamir_share AS b, v.shamir_share AS c,
     v.shamir_share AS d, v.shamir_share AS e
WHERE s.n = 5 AND s.k = 3 AND a.id = s.id AND b.id = s.id AND c.id = s.id AND d.id = s.id AND e.id = s.id
  AND a.x = 5 AND b.x = 1 AND c.x = 4 AND d.x = 2 AND e.x = 3;

.print == every invalid share list fails with the message of its error code
CREATE TEMP TABLE cases(label TEXT, stmt TEXT, expected TEXT);
INSERT INTO cases
SELECT printf('%2d %-21s %s', i.id, i.code, i.name),
       printf('SELECT hex(bib_shamir_combine(shares)) FROM v.shamir_invalid WHERE id = %d;', i.id),
       (SELECT message FROM code_message AS m
        WHERE m.code = i.code
          AND (m.op = CASE json_array_length(i.shares) WHEN 0 THEN 'combine_nothing' END OR m.op IS NULL)
        ORDER BY m.op IS NULL LIMIT 1)
FROM v.shamir_invalid AS i ORDER BY i.id;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT label AS "id code name", got AS message,
       CASE WHEN got IS expected THEN 'ok' ELSE 'MISMATCH, expected ' || coalesce(expected, '?') END AS "check"
FROM case_result ORDER BY line;
SELECT count(*) AS cases, sum(got IS NOT expected) AS mismatches FROM case_result;
SELECT text AS unexpected_output FROM case_noise;

.print == the split arguments the vectors list as invalid (invalid_split)
DELETE FROM cases;
INSERT INTO cases
SELECT printf('%d %s (n = %d, k = %d, %d-byte secret)', id, name, n, k, length(secret)),
       printf('SELECT bib_shamir_split(secret, n, k) FROM v.shamir_invalid_split WHERE id = %d;', id),
       NULL
FROM v.shamir_invalid_split ORDER BY id;
.read @WORK@/lib/run_cases.sql
.headers on
SELECT label AS "case", got AS message FROM case_result ORDER BY line;
SELECT text AS unexpected_output FROM case_noise;

.print == bib_shamir_split output: a JSON array of n shares in lowercase hex: 62 73 01 k x split_id[8] y check[4]
CREATE TEMP TABLE split AS SELECT bib_random(32) AS secret, 5 AS n, 3 AS k;
CREATE TEMP TABLE split_out AS SELECT secret, n, k, bib_shamir_split(secret, n, k) AS shares FROM split;
SELECT json_valid(shares) AS json, json_array_length(shares) AS count,
       (SELECT count(DISTINCT length(value)) FROM json_each(shares)) AS lengths,
       (SELECT min(length(value)) FROM json_each(shares)) AS hex_chars,
       (SELECT sum(value GLOB '*[^0-9a-f]*') FROM json_each(shares)) AS not_lowercase_hex,
       (SELECT group_concat(substr(value, 1, 10), ' ') FROM json_each(shares)) AS headers,
       (SELECT count(DISTINCT substr(value, 11, 16)) FROM json_each(shares)) AS split_ids
FROM split_out;
.print -- any 3 of the 5 recover the secret, in any order; 2 are too few
SELECT bib_shamir_combine(shares) = secret AS all_five,
       bib_shamir_combine(json_array(shares ->> '$[4]', shares ->> '$[0]', shares ->> '$[2]')) = secret AS three,
       bib_shamir_combine((SELECT json_group_array(value) FROM json_each(shares) WHERE key IN (1, 3, 4))) = secret
           AS three_more
FROM split_out;
SELECT bib_shamir_combine(json_array(shares ->> '$[0]', shares ->> '$[1]')) FROM split_out;
.print -- the extremes: n = k = 1; n = k = 255 with a 1024-byte secret; n = 255, k = 2 from shares 254 and 255
SELECT bib_shamir_combine(bib_shamir_split(x'2a', 1, 1)) = x'2a' AS one_of_one;
-- (Temporary tables keep each random value to one evaluation.)
CREATE TEMP TABLE big AS SELECT bib_random(1024) AS secret;
CREATE TEMP TABLE big_split AS SELECT secret, bib_shamir_split(secret, 255, 255) AS shares FROM big;
SELECT json_array_length(shares) AS count, bib_shamir_combine(shares) = secret AS recovered FROM big_split;
CREATE TEMP TABLE wide AS SELECT bib_random(16) AS secret;
CREATE TEMP TABLE wide_split AS SELECT secret, bib_shamir_split(secret, 255, 2) AS shares FROM wide;
SELECT bib_shamir_combine(json_array(shares ->> '$[253]', shares ->> '$[254]')) = secret AS two_of_255
FROM wide_split;
.print -- the JSON form takes whitespace and uppercase hex
SELECT bib_shamir_combine(char(10) || ' [ "' || upper(shares ->> '$[0]') || '" , "' || (shares ->> '$[1]')
                          || '" ,' || char(9) || '"' || (shares ->> '$[2]') || '" ] ' || char(13)) = secret
           AS spaced_upper
FROM split_out;

.print == split limits: n of 0, 256, -1 and 2^32 + 3; k of 0, -1 and above n; secrets of 0 and 1025 bytes; REAL counts
SELECT bib_shamir_split(x'2a', 0, 1);
SELECT bib_shamir_split(x'2a', 256, 2);
SELECT bib_shamir_split(x'2a', -1, 1);
SELECT bib_shamir_split(x'2a', 4294967299, 2);
SELECT bib_shamir_split(x'2a', 3, 0);
SELECT bib_shamir_split(x'2a', 3, -1);
SELECT bib_shamir_split(x'2a', 3, 4);
SELECT bib_shamir_split(x'', 3, 2);
SELECT bib_shamir_split(zeroblob(1025), 3, 2);
SELECT bib_shamir_split(x'2a', 3.0, 2);
SELECT json_array_length(bib_shamir_split(zeroblob(1024), '3', '2')) AS text_counts;

.print == share lists that are not a JSON array of hex strings
SELECT bib_shamir_combine('');
SELECT bib_shamir_combine('not json');
SELECT bib_shamir_combine('[');
SELECT bib_shamir_combine('["6273"');
SELECT bib_shamir_combine('["zz"]');
SELECT bib_shamir_combine('["627"]');
SELECT bib_shamir_combine('[6273]');
SELECT bib_shamir_combine('[,]');
SELECT bib_shamir_combine('["6273",]');
SELECT bib_shamir_combine('{"a": "6273"}');
SELECT bib_shamir_combine('"6273"');
SELECT bib_shamir_combine('["\u0036273"]');
SELECT bib_shamir_combine('["6273"] x');
.print -- well-formed lists the core refuses: null element, empty list, no argument, empty string share
SELECT bib_shamir_combine('[null]');
SELECT bib_shamir_combine(json_array(shares ->> '$[0]', NULL, shares ->> '$[2]')) FROM split_out;
SELECT bib_shamir_combine('[]');
SELECT bib_shamir_combine(' [ ] ');
SELECT bib_shamir_combine();
SELECT bib_shamir_combine('[""]');
.print -- the BLOB form: arguments are shares, taken as bytes (two TEXT arguments are two short shares)
SELECT bib_shamir_combine(x'');
SELECT bib_shamir_combine(zeroblob(20));
SELECT bib_shamir_combine('abc', 'def');
SELECT bib_shamir_combine(x'00', x'00', x'00');

.print == NULL in any argument gives NULL
SELECT typeof(bib_shamir_split(NULL, 3, 2)) || ' ' || typeof(bib_shamir_split(x'2a', NULL, 2)) || ' ' ||
       typeof(bib_shamir_split(x'2a', 3, NULL)) || ' ' || typeof(bib_shamir_split(x'', NULL, 0)) AS bib_shamir_split,
       typeof(bib_shamir_combine(NULL)) || ' ' || typeof(bib_shamir_combine(x'00', NULL)) || ' ' ||
       typeof(bib_shamir_combine(NULL, x'00', x'00')) AS bib_shamir_combine;
