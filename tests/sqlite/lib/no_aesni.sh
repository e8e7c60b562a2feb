#!/bin/sh
# no_aesni.sh — run lib/no_aesni.sql in a sqlite3 session that believes the
# CPU has no AES-NI (see no_aesni.c); output in @WORK@/no_aesni.out.
# Any preload already set (the sanitizer runtimes) stays first.
# The compiler runs without the preload: it is not under test.
env -u LD_PRELOAD ${CC:-cc} -shared -fPIC -o @WORK@/no_aesni.so @WORK@/lib/no_aesni.c || exit 1
LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }@WORK@/no_aesni.so" \
    @SQLITE3@ :memory: < @WORK@/lib/no_aesni.sql > @WORK@/no_aesni.out 2>&1
exit 0
