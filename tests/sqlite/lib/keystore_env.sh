#!/bin/sh
# keystore_env.sh — BIB_MASTER_KEY_FILE, read when the extension loads: each
# value in a fresh sqlite3 session; output in @WORK@/ks/env.out with the
# scratch directory written as WORK.
for f in "" @WORK@/ks/master.key @WORK@/ks/missing.key @WORK@/ks/loose.key @WORK@/ks/short.key @WORK@/ks/dir.key; do
    echo "-- BIB_MASTER_KEY_FILE=$f"
    BIB_MASTER_KEY_FILE="$f" @SQLITE3@ :memory: 2>&1 <<'SQL'
.bail off
.load @SO@
SELECT hex(bib_master_key_fingerprint()) AS fingerprint;
SQL
done | sed 's|@WORK@|WORK|g' > @WORK@/ks/env.out
exit 0
