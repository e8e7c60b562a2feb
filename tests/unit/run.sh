#!/bin/sh
# run.sh — run the cmocka unit test binaries against the shared vectors and
# total their results.
#
#   sh tests/unit/run.sh VECTORS_DIR BINARY...
#
# Each binary reads its vectors from $BIB_VECTORS.  Its output is printed as
# it is; the totals come from cmocka's "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s), listed below:" lines.  A binary that exits non-zero
# without a FAILED line (a crash, a sanitizer report, a failed group setup)
# counts as one failed test, so that it can never vanish from the total.
# The last line is always "unit: P passed, F failed".

set -u

if [ "$#" -lt 2 ]; then
    echo "usage: sh tests/unit/run.sh VECTORS_DIR BINARY..." >&2
    exit 2
fi
BIB_VECTORS=$1
shift
if [ ! -d "$BIB_VECTORS" ]; then
    echo "unit: vectors directory not found: $BIB_VECTORS" >&2
    echo "unit: 0 passed, 1 failed"
    exit 1
fi
export BIB_VECTORS

log=$(mktemp "${TMPDIR:-/tmp}/bib-unit.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT HUP INT TERM

passed=0
failed=0
for bin in "$@"; do
    echo "== $bin"
    "$bin" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\.$/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:$/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
        echo "unit: $bin exited with status $rc without reporting a failed test" >&2
        failed=$((failed + 1))
    elif [ -z "$p" ] && [ -z "$f" ]; then
        echo "unit: $bin printed no cmocka summary" >&2
        failed=$((failed + 1))
    fi
done

echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
