-- The audit benchmarks' database (bench/audit_bench.sh, bench/audit_instructions.sh):
-- the table t with 100k rows, and the PL/pgSQL triggers bib is compared with —
-- log_row() writes to_jsonb(OLD)/to_jsonb(NEW) to the table log, log_row_chained()
-- also extends a naive hash chain through the locked one-row table chain_head.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bib;
CREATE TABLE t (id bigserial PRIMARY KEY, name text, qty int, price numeric,
                tags text[], at timestamptz);
INSERT INTO t (name, qty, price, tags, at)
SELECT 'item ' || g, g % 1000, (g % 10000) / 100.0, ARRAY['a', 'b' || (g % 7)],
       now() - g * interval '1 second' FROM generate_series(1, 100000) g;
VACUUM ANALYZE t;
CREATE TABLE log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),
                  op text, old_row jsonb, new_row jsonb, hash bytea);
CREATE TABLE chain_head (one int PRIMARY KEY, hash bytea);
INSERT INTO chain_head VALUES (1, '\x');
CREATE FUNCTION log_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO log (op, old_row, new_row)
  VALUES (TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                 CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  RETURN NULL;
END $$;
CREATE FUNCTION log_row_chained() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev bytea;
  o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
  SELECT hash INTO prev FROM chain_head WHERE one = 1 FOR UPDATE;
  prev := sha256(prev || convert_to(coalesce(o::text, '') || coalesce(n::text, ''), 'UTF8'));
  UPDATE chain_head SET hash = prev WHERE one = 1;
  INSERT INTO log (op, old_row, new_row, hash) VALUES (TG_OP, o, n, prev);
  RETURN NULL;
END $$;
