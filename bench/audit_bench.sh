#!/bin/sh
# Audit benchmark (issue 4): a 6-column table of 100k rows under five
# variants, side by side in one throwaway cluster (fsync off):
#   none      no audit
#   bib       bib.audit_enable
#   plpgsql   a PL/pgSQL AFTER ROW trigger writing to_jsonb(OLD)/to_jsonb(NEW)
#   chain     the same plus a naive hash chain through a locked one-row head
#   pgaudit   pgaudit with pgaudit.log = 'write' (shared_preload_libraries)
# Workloads: pgbench single-row INSERT and UPDATE by random key, 1 and 2
# clients, AUDIT_BENCH_SECONDS (default 5) per run, AUDIT_BENCH_RUNS (3) runs
# interleaved across variants, medians; a 200k-row INSERT ... SELECT,
# AUDIT_BENCH_RUNS runs interleaved, each after a checkpoint, median (60 s
# limit); then bib.audit_seal() of 1M pending entries and bib.audit_verify().
# Prints a Markdown table; called by bench/run.sh.  Needs postgresql-<major>-pgaudit.
set -eu
cd "$(dirname "$0")/.."
secs=${AUDIT_BENCH_SECONDS:-5}
runs=${AUDIT_BENCH_RUNS:-3}
variants="none bib plpgsql chain pgaudit"
# Scripts and raw results stay in build/audit_bench for inspection.
dir=$(pwd)/build/audit_bench
rm -rf "$dir"
mkdir -p "$dir"

cat > "$dir/insert.sql" <<'SQL'
INSERT INTO t (name, qty, price, tags, at) VALUES ('new item', 7, 19.99, ARRAY['x', 'y'], now());
SQL
cat > "$dir/update.sql" <<'SQL'
\set k random(1, 100000)
UPDATE t SET qty = qty + 1, at = now() WHERE id = :k;
SQL
cat > "$dir/bulk.sql" <<'SQL'
\timing on
INSERT INTO t (name, qty, price, tags, at)
SELECT 'bulk ' || g, g % 1000, (g % 10000) / 100.0, ARRAY['a', 'b' || (g % 7)], now()
  FROM generate_series(1, 200000) g;
SQL
cat > "$dir/seal.sql" <<'SQL'
\timing on
SELECT count(*) AS pending FROM bib.audit_log WHERE id > (SELECT max(last_id) FROM bib.audit_seals);
SELECT bib.audit_seal();
SELECT entries_checked FROM bib.audit_verify();
SQL

# Inside the cluster: one database per variant (pgaudit.log is set per database).
cat > "$dir/inside.sh" <<INSIDE
set -eu
for v in $variants; do
  psql -X -q -d postgres -c "CREATE DATABASE bench_\$v"
  psql -X -q -d bench_\$v -f "$(pwd)/bench/audit_setup.sql"
done
psql -X -q -d bench_bib -c "SELECT bib.audit_enable('t')" >/dev/null
psql -X -q -d bench_plpgsql -c "CREATE TRIGGER log_row AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_row()"
psql -X -q -d bench_chain -c "CREATE TRIGGER log_row AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_row_chained()"
psql -X -q -d postgres -c "ALTER DATABASE bench_pgaudit SET pgaudit.log = 'write'"
psql -X -q -d bench_pgaudit -c "CREATE EXTENSION pgaudit"
for r in \$(seq $runs); do
  for w in insert update; do
    for c in 1 2; do
      for v in $variants; do
        tps=\$(pgbench -n -T $secs -c \$c -j \$c -f "$dir/\$w.sql" bench_\$v 2>/dev/null \\
              | sed -n 's/^tps = \\([0-9.]*\\).*/\\1/p')
        echo "\$w \$c \$v \$tps" >> "$dir/tps"
      done
    done
  done
done
# Bulk: runs interleaved, each after a checkpoint; a variant that timed out is not run again.
for r in \$(seq $runs); do
  for v in $variants; do
    grep -q "^bulk \$v timeout" "$dir/bulk" 2>/dev/null && continue
    psql -X -q -d bench_\$v -c CHECKPOINT
    out=\$(PGOPTIONS='-c statement_timeout=60s' psql -X -q -d bench_\$v -f "$dir/bulk.sql" 2>&1 || true)
    ms=\$(echo "\$out" | sed -n 's/^Time: \\([0-9.]*\\) ms.*/\\1/p')
    case "\$out" in *"statement timeout"*) ms=timeout ;; esac
    echo "bulk \$v \$ms" >> "$dir/bulk"
  done
done
# 1M pending entries, then seal them and verify everything.
psql -X -q -d bench_bib -c "SELECT bib.audit_seal()" >/dev/null
psql -X -q -d bench_bib -c "INSERT INTO t (name, qty) SELECT 'seal ' || g, g FROM generate_series(1, 1000000) g"
psql -X -q -A -t -d bench_bib -f "$dir/seal.sql" > "$dir/seal"
INSIDE
pg_virtualenv -t -o fsync=off -o synchronous_commit=off -o shared_buffers=1GB \
    -o shared_preload_libraries=pgaudit -o max_wal_size=4GB sh "$dir/inside.sh" >/dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else print a[int((NR + 1) / 2)] }'; }
tps() { awk -v w="$1" -v c="$2" -v v="$3" '$1 == w && $2 == c && $3 == v { print $4 }' "$dir/tps" | median; }
ratio() { awk -v x="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? x / b : 0) }'; }

echo "### Audit — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "\`sh bench/audit_bench.sh\` (AUDIT_BENCH_SECONDS=$secs, AUDIT_BENCH_RUNS=$runs; pgbench simple"
echo "protocol; fsync=off, synchronous_commit=off, shared_buffers=1GB). Transactions/s, median of"
echo "$runs runs; in brackets the fraction of the no-audit throughput."
echo
echo "| workload | none | bib | PL/pgSQL trigger | + naive chain | pgaudit (write) |"
echo "|---|---|---|---|---|---|"
for w in insert update; do
    for c in 1 2; do
        base=$(tps $w $c none)
        line="| $w, $c client(s) |"
        for v in $variants; do
            x=$(tps $w $c $v)
            line="$line $(printf '%.0f' "$x") ($(ratio "$x" "$base")) |"
        done
        echo "$line"
    done
done
bulk_ms() { awk -v v="$1" '$2 == v { print $3 }' "$dir/bulk" | median; }
bbase=$(bulk_ms none)
line="| bulk INSERT of 200k rows, s (× none) |"
for v in $variants; do
    case "$(awk -v v="$v" '$2 == v { print $3 }' "$dir/bulk")" in
    timeout) line="$line > 60 |" ;;
    *)
        ms=$(bulk_ms "$v")
        line="$line $(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }') ($(ratio "$ms" "$bbase")×) |"
        ;;
    esac
done
echo "$line"
echo
# seal output: pending, Time, (seal result), Time, entries_checked, Time
pending=$(sed -n 1p "$dir/seal")
seal_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$dir/seal" | sed -n 2p)
entries=$(grep -v '^Time' "$dir/seal" | sed -n 3p)
verify_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$dir/seal" | sed -n 3p)
echo "bib.audit_seal() of $pending pending entries: $(awk -v m="$seal_ms" 'BEGIN { printf "%.2f", m / 1000 }') s;" \
    "bib.audit_verify() of $entries entries: $(awk -v m="$verify_ms" 'BEGIN { printf "%.2f", m / 1000 }') s" \
    "($(awk -v n="$entries" -v m="$verify_ms" 'BEGIN { printf "%.0f", n / (m / 1000) }') entries/s)."
