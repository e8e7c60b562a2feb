#!/bin/sh
# PostgreSQL tests against throwaway clusters made by pg_virtualenv:
#   1. pg_regress suites (tests/pg/sql, tests/pg/expected) and the
#      cross-engine tests (tests/cross), on a plain cluster;
#   2. the fork-safety test of the random pool, on a cluster that preloads bib;
#   3. the key-store cluster tests (tests/pg/keystore_cluster.sh);
#   4. the audit isolation specs and the external verifier (tests/pg/isolation,
#      tests/pg/audit_export.sh);
#   5. credential rotation under pgbench load (tests/pg/credentials_load.sh).
# The extension must be installed (make install) beforehand.
# Usage: tests/pg/run.sh VECTORS_DIR
set -u
vectors=$1
cd "$(dirname "$0")/../.."
top=$(pwd)
export BIB_VECTORS="$vectors"
pgxs=$(pg_config --pgxs)
regress="$(dirname "$pgxs")/../test/regress/pg_regress"
tests=$(make -s -f Makefile print-regress)
count=$(echo $tests | wc -w)
rm -rf build/pg_regress
mkdir -p build/pg_regress
status=0

# "<suite>: N passed, M failed" from a pg_regress log; a run that never got
# as far as its summary (no cluster, say) counts every test as failed.
summarize() { # suite log total outdir
    if grep -q '^ *All [0-9]* tests passed' "$2"; then
        failed=0
    else
        failed=$(sed -n 's/^ *\([0-9]*\) of [0-9]* tests failed.*/\1/p' "$2")
        failed=${failed:-$3}
    fi
    if [ "$failed" -gt 0 ]; then
        status=1
        [ -f "$4/regression.diffs" ] && cat "$4/regression.diffs"
    fi
    echo "$1: $(($3 - failed)) passed, $failed failed"
}
keys=$top/build/pg_keys
sh tests/pg/master_keys.sh "$keys"
export BIB_TEST_KEYS="$keys"

# -t: the cluster lives in a temporary directory (works as root, and beside
# any cluster already running).  The key store's master key is a file.
pg_virtualenv -t -o "bib.master_key_file=$keys/master.key" sh -c "
  '$regress' --inputdir=tests/pg --outputdir=build/pg_regress \
      --dbname=bib_regress --load-extension=bib $tests
  r=\$?
  sh tests/cross/run.sh '$vectors' '$top/sqlite_ext/bib.so' || r=1
  echo \$r > build/pg_regress/exit
" | tee build/pg_regress/summary.log
[ "$(cat build/pg_regress/exit 2>/dev/null)" = 0 ] || status=1
summarize pg_regress build/pg_regress/summary.log "$count" build/pg_regress

pg_virtualenv -t -o shared_preload_libraries=bib sh tests/pg/fork_rng.sh || status=1

# The key store across sessions, dump/restore, recovery and the server log.
sh tests/pg/master_keys.sh "$keys"
pg_virtualenv -t -o shared_preload_libraries=bib -o "bib.master_key_file=$keys/master.key" \
    -o log_statement=all -o log_min_messages=debug1 \
    sh tests/pg/keystore_cluster.sh "$keys" "$top/sqlite_ext/bib.so" || status=1

# Audit: the isolation specs (a seal never blocks writers, waits for the
# right transactions, skips aborted ones) and the external verifier against
# a real COPY export, on a plain cluster.
isolation="$(dirname "$pgxs")/../test/isolation/pg_isolation_regress"
specs=$(ls tests/pg/isolation/specs | sed -n 's/\.spec$//p')
rm -rf build/isolation
mkdir -p build/isolation
pg_virtualenv -t sh -c "
  '$isolation' --inputdir=tests/pg/isolation --outputdir=build/isolation \
      --dbname=bib_isolation $specs
  echo \$? > build/isolation/exit
  sh tests/pg/audit_export.sh || echo 1 >> build/isolation/exit
" | tee build/isolation/summary.log
[ "$(cat build/isolation/exit 2>/dev/null)" = 0 ] || status=1
summarize isolation build/isolation/summary.log "$(echo $specs | wc -w)" build/isolation

# Rotation under load; the server log must hold none of the passwords.
pg_virtualenv -t -o log_statement=all -o log_connections=on \
    sh tests/pg/credentials_load.sh "$top/sqlite_ext/bib.so" || status=1
exit $status
