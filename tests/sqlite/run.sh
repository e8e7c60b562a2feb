#!/bin/sh
# tests/sqlite/run.sh — the SQLite extension's tests: scripted sqlite3 sessions.
#
#   sh tests/sqlite/run.sh <vectors-dir> <path-to-bib.so>
#
# Each tests/sqlite/<topic>.sql runs in the sqlite3 shell on an in-memory
# database; its output, stderr included (that is where the shell reports
# errors), must equal tests/sqlite/expected/<topic>.out.  A difference is
# printed as a diff.  The last line is "sqlite: N passed, M failed"; the exit
# status is non-zero when a topic fails.
#
# First, lib/load_vectors.sql copies the JSON vectors into a scratch
# vectors.db that the topics attach.  The scripts use placeholders, replaced
# here: @SO@ the extension, @VECTORS@ the vectors directory, @WORK@ the
# scratch directory, @SQLITE3@ the shell (for child sessions).
#
# Environment:
#   SQLITE3             the sqlite3 shell to run (default: sqlite3 from PATH)
#   BIB_SQLITE_PRELOAD  if set, LD_PRELOADed into every sqlite3 run — the ASan
#                       and UBSan runtimes when `make test-asan` tests an
#                       instrumented build.
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh tests/sqlite/run.sh <vectors-dir> <path-to-bib.so>" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
vectors=$(cd "$1" 2>/dev/null && pwd) || { echo "sqlite: no vectors directory $1" >&2; exit 2; }
so=$(cd "$(dirname "$2")" 2>/dev/null && pwd)/$(basename "$2")
sqlite=${SQLITE3:-sqlite3}
for f in "$so" "$vectors/bib/envelope_v1.json" "$vectors/bib/shamir_v1.json"; do
    [ -f "$f" ] || { echo "sqlite: missing $f" >&2; exit 2; }
done
command -v "$sqlite" >/dev/null 2>&1 || { echo "sqlite: $sqlite not found" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bib-sqlite.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# Copy a script with its placeholders filled in.
substitute() {
    sed -e "s|@SO@|$so|g" -e "s|@VECTORS@|$vectors|g" -e "s|@WORK@|$work|g" \
        -e "s|@SQLITE3@|$sqlite|g" "$1" > "$2"
}

# sqlite3 with the preload, if any; child sessions (.shell) inherit it.
run_sqlite() {
    if [ -n "${BIB_SQLITE_PRELOAD:-}" ]; then
        LD_PRELOAD="$BIB_SQLITE_PRELOAD" "$sqlite" "$@"
    else
        "$sqlite" "$@"
    fi
}

mkdir "$work/lib"
for f in "$here"/lib/*; do
    substitute "$f" "$work/lib/$(basename "$f")"
done
if ! "$sqlite" "$work/vectors.db" < "$work/lib/load_vectors.sql" > "$work/load.log" 2>&1; then
    echo "sqlite: loading the vectors failed:" >&2
    cat "$work/load.log" >&2
    exit 1
fi

passed=0
failed=0
for script in "$here"/*.sql; do
    topic=$(basename "$script" .sql)
    substitute "$script" "$work/$topic.sql"
    (cd "$work" && run_sqlite :memory: < "$work/$topic.sql" > "$work/$topic.out" 2>&1)
    if diff -u "$here/expected/$topic.out" "$work/$topic.out" > "$work/$topic.diff" 2>&1; then
        echo "ok     $topic"
        passed=$((passed + 1))
    else
        echo "FAILED $topic"
        cat "$work/$topic.diff"
        failed=$((failed + 1))
    fi
done
echo "sqlite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
