#!/bin/sh
# Every test suite of bib, in order: core unit tests (cmocka), SQLite
# sessions, PostgreSQL (pg_regress, cross-engine, fork safety).  Each suite
# ends with "<suite>: N passed, M failed"; the last line adds them up.
# Usage: tests/run_all.sh VECTORS_DIR   (after make all install)
set -u
vectors=$1
cd "$(dirname "$0")/.."
[ -d "$vectors/bib" ] || { echo "bib: test vectors not found at $vectors" >&2; exit 1; }
mkdir -p build
log=build/test-summary.log
status=0

rm -f "$log.raw"
{ make -s test-unit VECTORS="$vectors"; echo "exit=$?"; } 2>&1 | tee -a "$log.raw"
{ make -s test-sqlite VECTORS="$vectors"; echo "exit=$?"; } 2>&1 | tee -a "$log.raw"
{ sh tests/pg/run.sh "$vectors"; echo "exit=$?"; } 2>&1 | tee -a "$log.raw"

grep -q '^exit=[1-9]' "$log.raw" && status=1
passed=0
failed=0
for line in $(sed -n 's/^[a-z_]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1:\2/p' "$log.raw"); do
    passed=$((passed + ${line%%:*}))
    failed=$((failed + ${line##*:}))
done
echo
echo "Summary by suite:"
grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$log.raw" | sed 's/^/  /'
[ "$failed" -gt 0 ] && status=1
echo "total: $passed passed, $failed failed"
exit $status
