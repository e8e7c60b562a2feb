#!/bin/sh
# The external verifier (tests/audit_verify.pl) against a real export: an
# audit log with seals, a gap and unsealed entries is exported with COPY as
# docs/audit-format.md prescribes; the verifier must accept it, accept the
# saved digest, and reject a tampered entry, a tampered seal, a deleted
# entry and a foreign digest.  Run inside a cluster (see tests/pg/run.sh).
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=bib_audit_export
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL' || exit 1
CREATE EXTENSION bib;
CREATE TABLE "Odd ""T""" (id int PRIMARY KEY, note text, amount numeric, ratio float8, at timestamptz, tags text[]);
SELECT bib.audit_enable('"Odd ""T"""', '{amount}');
INSERT INTO "Odd ""T""" VALUES (1, E'tab\there, newline\nthere, back\\slash', 1.5, 0.1, '2024-01-01 00:00+05', '{a,"b c"}'),
                               (2, 'ünïcödé', NULL, -0.0, NULL, NULL);
BEGIN; INSERT INTO "Odd ""T""" VALUES (3, 'aborted', 0, 0, now(), '{}'); ROLLBACK;
BEGIN;
SELECT bib.set_context(gen_random_uuid(), gen_random_uuid(), 'export test', 'tester');
UPDATE "Odd ""T""" SET note = 'changed', ratio = 1e-300 WHERE id = 1;
COMMIT;
SELECT bib.audit_seal();
DELETE FROM "Odd ""T""" WHERE id = 2;
SELECT bib.audit_append('export', '{"why": "test"}');
SELECT bib.audit_seal();
SELECT bib.audit_append('unsealed');
SQL
export PGTZ=UTC PGDATESTYLE=ISO PGOPTIONS='-c extra_float_digits=1'
psql -X -q -v ON_ERROR_STOP=1 -d $db \
    -c "\\copy bib.audit_log TO '$dir/log'" -c "\\copy bib.audit_seals TO '$dir/seals'" || exit 1
digest=$(psql -X -At -d $db -c "SELECT encode(digest, 'hex') FROM bib.audit_digest()")
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null

passed=0
failed=0
# expect ok|bad NAME LOG SEALS [DIGEST]
expect() {
    want=$1 name=$2
    shift 2
    out=$(perl tests/audit_verify.pl "$@")
    case "$out" in
    "$want"*) passed=$((passed + 1)); echo "audit_export: $name: $out" ;;
    *) failed=$((failed + 1)); echo "audit_export: $name: expected $want, got: $out" ;;
    esac
}
expect "ok: 7 entries, 2 seals, 1 unsealed" export "$dir/log" "$dir/seals"
expect "ok:" "export with digest" "$dir/log" "$dir/seals" "$digest"
sed '3s/INSERT/DELETE/' "$dir/log" > "$dir/log.field"
expect "bad: entry" "changed field" "$dir/log.field" "$dir/seals"
sed '3d' "$dir/log" > "$dir/log.deleted"
expect "bad: seal 1" "deleted entry" "$dir/log.deleted" "$dir/seals"
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { $4 = $4 + 1 } { print }' "$dir/seals" > "$dir/seals.count"
expect "bad: seal 1" "changed seal" "$dir/log" "$dir/seals.count"
expect "bad: no seal" "foreign digest" "$dir/log" "$dir/seals" "$(printf '%064d' 0)"
echo "audit_export: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
