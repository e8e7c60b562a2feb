#!/bin/sh
# PostgreSQL tests: pg_regress (tests/pg/sql, tests/pg/expected) and the
# cross-engine tests, against a throwaway cluster made by pg_virtualenv.
# The extension must be installed (make install) beforehand.
# Usage: tests/pg/run.sh VECTORS_DIR
set -eu
vectors=$1
cd "$(dirname "$0")/../.."
top=$(pwd)
export BIB_VECTORS="$vectors"
pgxs=$(pg_config --pgxs)
regress="$(dirname "$pgxs")/../test/regress/pg_regress"
tests=$(sed -n 's/^REGRESS *= *//p' Makefile)
mkdir -p build/pg_regress

# -t: the cluster lives in a temporary directory (works as root, and beside
# any cluster already running).
pg_virtualenv -t sh -c "
  set -e
  status=0
  '$regress' --inputdir=tests/pg --outputdir=build/pg_regress \
      --dbname=bib_regress --load-extension=bib $tests || status=1
  sh tests/cross/run.sh '$vectors' '$top/sqlite_ext/bib.so' || status=1
  exit \$status
" || { [ -f build/pg_regress/regression.diffs ] && cat build/pg_regress/regression.diffs; exit 1; }
