#!/bin/sh
# bench/core_bench.sh — build and run the core microbenchmark (no database).
#
#   sh bench/core_bench.sh
#
# Builds build/libbibcore.a through the Makefile (the same -O2 core the
# extensions link), links bench/core_bench.c against it as build/core_bench,
# and prints a Markdown table on stdout.  Takes about a minute: each row is
# the best of 5 runs of ~0.3 s.  Environment: CC (default cc), MAKE (default make).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

${MAKE:-make} --no-print-directory build/libbibcore.a >&2
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Ishared bench/core_bench.c build/libbibcore.a \
    -lsodium -lpthread -o build/core_bench
exec ./build/core_bench
