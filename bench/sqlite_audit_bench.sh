#!/bin/sh
# bench/sqlite_audit_bench.sh — cost of bib's SQLite audit trail.
#
#   sh bench/sqlite_audit_bench.sh [bib.so] [rows] [runs]
#
# Times <rows> (default 100000) inserts into a 6-column table in one
# transaction (file database, WAL, synchronous=NORMAL, trusted_schema=OFF),
# without audit and with bib_audit_enable, median of <runs> (default 3):
#   rows    one prepared single-row INSERT stepped N times (an application's loop)
#   bulk    one INSERT ... SELECT of N rows
# and bib_audit_verify() over the N entries.  Prints a Markdown table for
# docs/BENCHMARKS.md.  No assertion: the numbers are for reading.
set -eu
cd "$(dirname "$0")/.."
so=${1:-sqlite_ext/bib.so}
rows=${2:-100000}
runs=${3:-3}
[ -f "$so" ] || { echo "bench: build $so first (make $so)" >&2; exit 2; }
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
work=$(mktemp -d "${TMPDIR:-/tmp}/bib-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
${CC:-cc} -O2 -o "$work/bench" bench/sqlite_audit_bench.c -lsqlite3

# median of $runs timings of one configuration
median() {
    i=0
    while [ "$i" -lt "$runs" ]; do
        "$work/bench" "$work/bench.db" "$1" "$2" "$rows" "$so"
        i=$((i + 1))
    done | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

echo "## SQLite audit — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores;" \
     "SQLite $(sqlite3 --version | cut -d' ' -f1); $rows rows, one transaction, median of $runs"
echo
echo "| workload | no audit (s) | bib audit (s) | ratio |"
echo "|---|---|---|---|"
for w in rows bulk; do
    plain=$(median plain "$w")
    audit=$(median audit "$w")
    ratio=$(awk -v a="$audit" -v p="$plain" 'BEGIN { printf "%.1f", a / p }')
    case $w in
    rows) label="$rows single-row INSERTs (prepared)" ;;
    bulk) label="one INSERT ... SELECT of $rows rows" ;;
    esac
    echo "| $label | $plain | $audit | ${ratio}x |"
done
verify=$(median audit verify)
echo
echo "bib_audit_verify() over $rows entries: $verify s ($(awk -v t="$verify" -v n="$rows" 'BEGIN { printf "%.0f", n / t }') entries/s)"
