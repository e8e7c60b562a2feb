#!/bin/sh
# Backends forked from one postmaster never draw the same random bytes.
# bib is preloaded, so the postmaster's random pool exists before any fork;
# four backends then draw 16-byte values at the same time.  Run inside a
# cluster started with shared_preload_libraries=bib (see tests/pg/run.sh).
set -eu
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE bib_fork" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d bib_fork -c "CREATE EXTENSION bib" -c "CREATE TABLE draws (pid int, b bytea)"
for i in 1 2 3 4; do
    psql -X -q -v ON_ERROR_STOP=1 -d bib_fork \
        -c "INSERT INTO draws SELECT pg_backend_pid(), bib.random(16) FROM generate_series(1, 5000)" &
done
wait
result=$(psql -X -At -d bib_fork -c "SELECT count(*) || ' ' || count(DISTINCT b) || ' ' || count(DISTINCT pid) FROM draws")
psql -X -q -c "DROP DATABASE bib_fork"
if [ "$result" = "20000 20000 4" ]; then
    echo "fork_rng: 20000 draws from 4 backends, all distinct"
    echo "fork_rng: 1 passed, 0 failed"
else
    echo "fork_rng: draws, distinct draws, backends = $result (expected 20000 20000 4)"
    echo "fork_rng: 0 passed, 1 failed"
    exit 1
fi
