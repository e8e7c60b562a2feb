#!/bin/sh
# make bench: the SQL benchmark (bench/sql_bench.sql) on a throwaway cluster
# with fsync off, the C microbenchmark of the core alone, then the audit
# benchmarks: PostgreSQL side by side with its alternatives, instructions per
# audited statement (callgrind), and SQLite.  Prints
# Markdown-ready tables with the command and the machine; record them in
# docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
echo "## make bench — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB;" \
     "PostgreSQL $(pg_config --version | sed 's/PostgreSQL //'), libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?');" \
     "AES-NI: $(grep -q -m1 -w aes /proc/cpuinfo && echo yes || echo no)"
echo
sh tests/pg/master_keys.sh build/bench_keys >/dev/null
# pgsodium is compared when it is installed with its getkey script (it is not a
# Debian package: build it from source for the run; its code is never committed here).
ext=$(pg_config --sharedir)/extension
if [ -f "$ext/pgsodium.control" ] && [ -x "$ext/pgsodium_getkey" ]; then
    pgsodium=true preload="-o shared_preload_libraries=pgsodium"
else
    pgsodium=false preload=""
    echo "(pgsodium is not installed: its row is left out)"
fi
# shellcheck disable=SC2086
pg_virtualenv -t -o "bib.master_key_file=$(pwd)/build/bench_keys/master.key" $preload \
    -o fsync=off -o synchronous_commit=off -o shared_buffers=1GB -o work_mem=64MB \
    psql -X -q -d postgres -v pgsodium=$pgsodium -f bench/sql_bench.sql
echo
sh bench/core_bench.sh
echo
sh bench/audit_bench.sh
echo
sh bench/audit_instructions.sh
echo
sh bench/sqlite_audit_bench.sh
