#!/bin/sh
# Audit cost in instructions (issue 4): what an audited statement costs the
# server, counted by callgrind, so that two builds can be compared without
# the noise of timings on a shared machine.
#
#   sh bench/audit_instructions.sh
#
# A scratch cluster holds the audit benchmark's table (bench/audit_setup.sql)
# with 10k rows, in three databases: no audit, bib, and the classic PL/pgSQL
# trigger.  A single-user backend (postgres --single) runs, under callgrind,
# 3,000 single-row INSERT transactions, 3,000 single-row UPDATE transactions
# and one 20,000-row INSERT ... SELECT; the table gives instructions per
# transaction (per row for the bulk insert) and the ratio to no audit.
# Valgrind hides the CPU's SHA extensions, so bib's figures include portable
# SHA-256 that a real run does in about a tenth of the instructions.
# Prints a Markdown table; called by bench/run.sh.  Needs valgrind.
set -eu
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null 2>&1; then
    echo "(valgrind is not installed: the instruction counts are left out)"
    exit 0
fi
bindir=$(pg_config --bindir)
work=$(mktemp -d "${TMPDIR:-/tmp}/bib-audit-instr.XXXXXX")
chmod 755 "$work"
# PostgreSQL refuses to run as root: the cluster belongs to postgres then.
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$work"
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi
trap 'as_owner "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
statements=3000
bulk_rows=20000

as_owner "$bindir/initdb" -D "$work/data" -A trust >/dev/null
as_owner "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w \
    -o "-c listen_addresses='' -k $work -c fsync=off" start >/dev/null
for v in none bib plpgsql; do
    psql -X -q -h "$work" -U postgres -d postgres -c "CREATE DATABASE bench_$v"
    sed 's/generate_series(1, 100000)/generate_series(1, 10000)/' bench/audit_setup.sql \
        | psql -X -q -h "$work" -U postgres -d "bench_$v"
done
psql -X -q -h "$work" -U postgres -d bench_bib -c "SELECT bib.audit_enable('t')" >/dev/null
psql -X -q -h "$work" -U postgres -d bench_plpgsql -c "CREATE TRIGGER log_row AFTER INSERT OR \
UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_row()"
as_owner "$bindir/pg_ctl" -D "$work/data" -w stop >/dev/null

i=1
while [ "$i" -le "$statements" ]; do
    echo "INSERT INTO t (name, qty, price, tags, at) VALUES ('new item', 7, 19.99, ARRAY['x', 'y'], now());"
    i=$((i + 1))
done > "$work/insert.sql"
i=1
while [ "$i" -le "$statements" ]; do
    echo "UPDATE t SET qty = qty + 1, at = now() WHERE id = $((i * 7919 % 10000 + 1));"
    i=$((i + 1))
done > "$work/update.sql"
echo "INSERT INTO t (name, qty, price, tags, at) SELECT 'bulk ' || g, g % 1000, (g % 10000) / 100.0, \
ARRAY['a', 'b' || (g % 7)], now() FROM generate_series(1, $bulk_rows) g;" > "$work/bulk.sql"
echo "SELECT 1;" > "$work/empty.sql"
chmod 644 "$work"/*.sql

# Instructions of one single-user session of database $1 reading $2.
session() {
    as_owner valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$bindir/postgres" --single -D "$work/data" -c fsync=off "$1" < "$2" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# ... less what starting and ending a session costs.
count() { echo $(($(session "$1" "$2") - $(session "$1" "$work/empty.sql"))); }

echo "### Audit instructions — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "\`sh bench/audit_instructions.sh\`: callgrind, single-user backend, $statements autocommit"
echo "statements (one $bulk_rows-row INSERT … SELECT for the bulk row); thousands of instructions"
echo "per transaction (per row for bulk), in brackets × no audit. bib's figures include ~17.5k"
echo "per entry of portable SHA-256 (valgrind hides SHA-NI)."
echo
echo "| workload | none | bib | PL/pgSQL trigger |"
echo "|---|---|---|---|"
for w in insert update bulk; do
    n=$statements
    [ "$w" = bulk ] && n=$bulk_rows
    line="| $w |"
    base=""
    for v in none bib plpgsql; do
        k=$(count "bench_$v" "$work/$w.sql" | awk -v n="$n" '{ printf "%.1f", $1 / n / 1000 }')
        [ -n "$base" ] || base=$k
        line="$line ${k}k ($(awk -v x="$k" -v b="$base" 'BEGIN { printf "%.2f", x / b }')) |"
    done
    echo "$line"
done
