-- Row-change audit: what each kind of statement records, the operation
-- context, redaction, row keys, partitioned tables, awkward identifiers,
-- application entries and bib.audited_tables.  Runs in its own database, so
-- that entry ids start at 1 whatever ran before.
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_audit;
\c regress_audit
SET client_min_messages = warning;
CREATE EXTENSION bib;
RESET client_min_messages;

-- What a test looks at: everything but the clock, the txid and the hash.
CREATE VIEW entries AS
SELECT id, action, schema_name, table_name, row_key, old_data, new_data,
       operation_id, job_id, source, actor, metadata
  FROM bib.audit_log ORDER BY id;

CREATE TABLE items (id bigserial PRIMARY KEY, name text, qty int, price numeric,
                    tags text[], at timestamptz, secret text, ok boolean, ratio float8);
SELECT bib.audit_enable('items', '{secret}');
SELECT table_oid, schema_name, table_name, partitioned, redact FROM bib.audited_tables;

-- INSERT records the whole row, DELETE the whole old row, UPDATE only what
-- changed; a timestamptz is written in UTC whatever the session's zone.
SET TimeZone = 'Asia/Tokyo';
INSERT INTO items (name, qty, price, tags, at, secret, ok, ratio)
VALUES ('bolt', 10, 1.50, '{a,b}', '2024-05-01 12:00:00+02', 'hunter2', true, 0.1),
       ('nut', NULL, NULL, NULL, NULL, NULL, NULL, 'NaN');
UPDATE items SET qty = 11, secret = 'hunter3' WHERE name = 'bolt';
UPDATE items SET name = name WHERE name = 'nut';
DELETE FROM items WHERE name = 'nut';
TRUNCATE items;
RESET TimeZone;
SELECT id, action, table_name, row_key, old_data, new_data FROM entries WHERE id > 1;

-- Every entry carries who and when; logged_at is clock time, txid the transaction.
SELECT count(*) AS entries,
       bool_and("session_user" = session_user AND role_used = current_user) AS who,
       bool_and(logged_at <= clock_timestamp()) AS clock,
       count(DISTINCT txid) AS transactions
  FROM bib.audit_log WHERE action IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE');

-- Context: transaction-local; a rolled-back savepoint restores the previous one.
BEGIN;
SELECT bib.set_context('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000b1', 'importer', 'alice');
INSERT INTO items (name) VALUES ('ctx 1');
SAVEPOINT s;
SELECT bib.set_context('00000000-0000-0000-0000-00000000000b', NULL, NULL, 'bob');
INSERT INTO items (name) VALUES ('ctx 2');
ROLLBACK TO SAVEPOINT s;
INSERT INTO items (name) VALUES ('ctx 3');
SAVEPOINT t;
SELECT bib.set_context('00000000-0000-0000-0000-00000000000c');
RELEASE SAVEPOINT t;
INSERT INTO items (name) VALUES ('ctx 4');
COMMIT;
INSERT INTO items (name) VALUES ('ctx 5');
SELECT new_data ->> 'name' AS name, operation_id, job_id, source, actor
  FROM entries WHERE new_data ->> 'name' LIKE 'ctx %';
-- Outside a transaction block the context lasts only for the statement.
SELECT bib.set_context('00000000-0000-0000-0000-00000000000d');
INSERT INTO items (name) VALUES ('ctx 6');
SELECT operation_id FROM entries WHERE new_data ->> 'name' = 'ctx 6';

-- A plain role that may write the table writes entries in its own name.
CREATE ROLE regress_audit_writer;
GRANT INSERT, UPDATE ON items TO regress_audit_writer;
GRANT USAGE ON SEQUENCE items_id_seq TO regress_audit_writer;
SET ROLE regress_audit_writer;
INSERT INTO items (name) VALUES ('by writer');
RESET ROLE;
SELECT role_used, "session_user" = session_user AS session_is_login
  FROM bib.audit_log WHERE new_data ->> 'name' = 'by writer';

-- Bulk statements: one entry per row, in row order.
BEGIN;
SELECT bib.set_context('00000000-0000-0000-0000-0000000000f1');
INSERT INTO items (name, qty) SELECT 'bulk ' || g, g FROM generate_series(1, 2500) g;
UPDATE items SET qty = qty + 1 WHERE name LIKE 'bulk %';
DELETE FROM items WHERE name LIKE 'bulk %';
COMMIT;
SELECT action, count(*), count(DISTINCT row_key) AS rows,
       bool_and((coalesce(new_data, old_data) ->> 'qty')::int BETWEEN 1 AND 2501) AS qty_ok
  FROM entries WHERE operation_id = '00000000-0000-0000-0000-0000000000f1'
 GROUP BY action ORDER BY action;
SELECT bool_and(a.id < b.id) AS row_order
  FROM entries a JOIN entries b ON a.action = b.action AND a.operation_id = b.operation_id
   AND (a.old_data ->> 'qty')::int + 1 = (b.old_data ->> 'qty')::int
 WHERE a.operation_id = '00000000-0000-0000-0000-0000000000f1' AND a.action = 'DELETE';

-- Plain tables are audited by statement triggers, partitioned ones by row
-- triggers: the same statements give the same entries.
CREATE TABLE same_plain (id int PRIMARY KEY, v text, n numeric);
CREATE TABLE same_part (id int PRIMARY KEY, v text, n numeric) PARTITION BY RANGE (id);
CREATE TABLE same_part_1 PARTITION OF same_part FOR VALUES FROM (0) TO (100);
SELECT bib.audit_enable('same_plain'), bib.audit_enable('same_part');
INSERT INTO same_plain VALUES (1, 'a', 1.0), (2, 'b', NULL), (3, NULL, 3);
INSERT INTO same_part VALUES (1, 'a', 1.0), (2, 'b', NULL), (3, NULL, 3);
UPDATE same_plain SET v = upper(v), n = n * 2;
UPDATE same_part SET v = upper(v), n = n * 2;
DELETE FROM same_plain WHERE id < 3;
DELETE FROM same_part WHERE id < 3;
SELECT count(*) AS entries,
       count(*) FILTER (WHERE p.row_key IS DISTINCT FROM q.row_key
                           OR p.old_data IS DISTINCT FROM q.old_data
                           OR p.new_data IS DISTINCT FROM q.new_data) AS different
  FROM (SELECT row_number() OVER (ORDER BY id) n, * FROM entries
         WHERE table_name = 'same_plain' AND action <> 'DDL') p
  FULL JOIN (SELECT row_number() OVER (ORDER BY id) n, * FROM entries
              WHERE table_name = 'same_part_1') q USING (n);

-- row_key: primary key, else replica identity index, else the whole row.
CREATE TABLE ident (a int NOT NULL, b int NOT NULL, c text);
CREATE UNIQUE INDEX ident_ab ON ident (a, b);
ALTER TABLE ident REPLICA IDENTITY USING INDEX ident_ab;
CREATE TABLE nokey (a int, c text);
SELECT bib.audit_enable('ident'), bib.audit_enable('nokey', ARRAY['c']);
INSERT INTO ident VALUES (1, 2, 'x');
INSERT INTO nokey VALUES (1, 'x');
UPDATE nokey SET a = 2;
SELECT table_name, action, row_key, old_data, new_data FROM entries
 WHERE table_name IN ('ident', 'nokey');

-- Partitioned tables: enabled on the parent, entries name the leaf; a row
-- moving between partitions is a DELETE and an INSERT.
CREATE TABLE orders (id int, region text, amount int, PRIMARY KEY (id, region))
  PARTITION BY LIST (region);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu');
CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us', 'ca')
  PARTITION BY LIST (region);
CREATE TABLE orders_us_main PARTITION OF orders_us FOR VALUES IN ('us');
CREATE TABLE orders_ca (amount int, region text, id int, PRIMARY KEY (id, region));
ALTER TABLE orders_us ATTACH PARTITION orders_ca FOR VALUES IN ('ca');
SELECT bib.audit_enable('orders', ARRAY['amount']);
SELECT table_oid, partitioned, redact FROM bib.audited_tables WHERE table_name LIKE 'orders%';
INSERT INTO orders VALUES (1, 'eu', 10), (2, 'us', 20), (3, 'ca', 30);
UPDATE orders SET amount = 31 WHERE id = 3;
UPDATE orders SET region = 'eu' WHERE id = 2;
DELETE FROM orders WHERE id = 1;
TRUNCATE orders;
SELECT table_name, action, row_key, old_data, new_data FROM entries
 WHERE table_name LIKE 'orders%' AND action <> 'DDL';
-- A partition attached later is audited through the parent.
CREATE TABLE orders_jp PARTITION OF orders FOR VALUES IN ('jp');
INSERT INTO orders VALUES (4, 'jp', 40);
SELECT table_name, row_key, new_data FROM entries WHERE table_name = 'orders_jp';

-- Awkward identifiers: quotes, spaces, mixed case, reserved words.
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."Tab ""le""" ("select" int PRIMARY KEY, "Mixed Case" text, "from" text);
SELECT bib.audit_enable('"Odd Schema"."Tab ""le"""', ARRAY['from']);
INSERT INTO "Odd Schema"."Tab ""le""" VALUES (1, 'x', 'y');
UPDATE "Odd Schema"."Tab ""le""" SET "Mixed Case" = 'z', "from" = 'w';
SELECT schema_name, table_name, action, row_key, old_data, new_data FROM entries
 WHERE schema_name = 'Odd Schema';
-- Renaming a redacted column keeps it redacted.
ALTER TABLE "Odd Schema"."Tab ""le""" RENAME COLUMN "from" TO "to";
UPDATE "Odd Schema"."Tab ""le""" SET "to" = 'v';
SELECT redact FROM bib.audited_tables WHERE schema_name = 'Odd Schema';
SELECT new_data FROM entries WHERE schema_name = 'Odd Schema' ORDER BY id DESC LIMIT 1;

-- Application entries.
SELECT bib.audit_append('export', '{"rows": 3}', 'items') > 0 AS appended;
SELECT bib.audit_append('login') > 0 AS appended;
SELECT bib.audit_append('weird', '{"action": "forged", "x": [1]}') > 0 AS appended;
SELECT action, table_name, metadata FROM entries WHERE action = 'APP';

-- Disabling stops recording and is itself recorded.
SELECT bib.audit_disable('items');
INSERT INTO items (name) VALUES ('not audited');
SELECT count(*) FROM entries WHERE new_data ->> 'name' = 'not audited';
SELECT bib.audit_disable('orders');
SELECT count(*) AS bib_triggers_left FROM pg_trigger WHERE tgname LIKE 'bib_audit_%'
   AND tgrelid::regclass::text LIKE '%orders%';
SELECT table_name, metadata FROM entries WHERE action = 'DDL';
SELECT table_oid FROM bib.audited_tables ORDER BY 1;

-- Row images of every kind of column, keys in jsonb's order: arrays element by
-- element (timestamptz in UTC, floats shortest, whatever the session says),
-- arrays of more than one dimension, composites and json through to_jsonb(),
-- jsonb containers and scalars as they are, JSON escapes in names and text.
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN intarr AS int[];
CREATE TABLE kinds ("Id" int PRIMARY KEY, "a b" text, f4 real, f8 float8, n numeric, b bool,
    ts timestamptz, d date, t timestamp, j jsonb, js json, u uuid, by bytea, ta text[],
    ia int[], fa float8[], tsa timestamptz[], na numeric[], ja jsonb[], m2 int[], ea mood[],
    pa pair[], p pair, e mood, pos posint[], dom intarr, iv interval, "x""y" text);
SELECT bib.audit_enable('kinds');
SET TimeZone = 'America/New_York';
SET extra_float_digits = -3;
INSERT INTO kinds VALUES (1, E'he said "hi"\n\ttab\\ \x01', 1.5, 0.1, 12.3400, true,
    '2024-05-01 12:00+02', '2024-01-02', '2024-01-02 03:04:05.5',
    '{"z": 1, "a": [1, "x", null, {"k": true}]}', '{"b": 1, "a": 2}',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\xdeadbeef', '{a,NULL,"c\""}', '{1,2,NULL}',
    '{1.5,NaN,Infinity,0.1}', '{"2024-05-01 12:00+02"}', '{1.10,NaN}',
    ARRAY['{"a": 1}', '"s"', '3', 'null']::jsonb[], '{{1,2},{3,4}}', '{sad,ok}',
    ARRAY[ROW(1, 'x')::pair], ROW(2, 'y'), 'ok', '{1,2}', '{3}', '1 day 02:00', 'q');
INSERT INTO kinds ("Id", ta, ia, j) VALUES (2, '{}', '[2:3]={7,8}', '"scalar"'),
    (3, NULL, NULL, '12.5'), (4, NULL, NULL, '[]');
UPDATE kinds SET "a b" = 'changed', ja = NULL WHERE "Id" = 1;
RESET extra_float_digits;
RESET TimeZone;
SELECT id, action, row_key, old_data, new_data FROM entries WHERE table_name = 'kinds';
SELECT new_data #> '{fa,3}' AS float_in_array, new_data #>> '{tsa,0}' AS timestamptz_in_array
  FROM entries WHERE table_name = 'kinds' AND row_key = '{"Id": 1}' AND action = 'INSERT';

-- Everything written verifies.
SELECT ok, problem FROM bib.audit_verify();

\c :origdb
DROP DATABASE regress_audit;
DROP ROLE regress_audit_writer;
