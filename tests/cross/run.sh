#!/bin/sh
# Cross-engine tests: envelopes and Shamir shares made by the SQLite
# extension open in PostgreSQL, and the reverse, for every mode x AEAD.
# Runs inside a pg_virtualenv (PGHOST etc. set) with the extension installed.
# Usage: tests/cross/run.sh VECTORS_DIR SQLITE_EXTENSION_PATH
set -u
so=$2

lite() { sqlite3 -batch -noheader :memory: -cmd ".load $so" "$@"; }
pg() { psql -X -At -q -v ON_ERROR_STOP=1 -d bib_cross "$@"; }
lower() { tr 'A-F' 'a-f'; }
suite=cross
. "$(dirname "$0")/../lib/check.sh"

psql -X -q -c "DROP DATABASE IF EXISTS bib_cross" -c "CREATE DATABASE bib_cross" >/dev/null
pg -c "CREATE EXTENSION bib"

# Keys and a plaintext with every byte value class, made once and used by both engines.
key=$(lite "SELECT lower(hex(bib_random(32)))")
sk=$(lite "SELECT lower(hex(bib_random(32)))")
pk=$(lite "SELECT lower(hex(bib_x25519_public(X'$sk')))")
pk_pg=$(pg -c "SELECT encode(bib.x25519_public('\\x$sk'), 'hex')")
check "x25519_public agrees" "$pk" "$pk_pg"
plain=$(lite "SELECT lower(hex(bib_random(200)))")
ad=$(printf 'row 7 of accounts' | od -An -tx1 | tr -d ' \n')

for aead in aes256gcm xchacha20poly1305; do
    for mode in KEY SEAL HYBRID; do
        case $mode in
        KEY)
            lite_enc="bib_encrypt_raw(X'$plain', X'$key', X'$ad')"
            pg_enc="bib.encrypt_raw('\\x$plain', '\\x$key', '\\x$ad')"
            lite_dec="bib_decrypt_raw(X'%s', X'$key', X'$ad')"
            pg_dec="bib.decrypt_raw('\\x%s', '\\x$key', '\\x$ad')" ;;
        SEAL)
            lite_enc="bib_seal(X'$plain', X'$pk', X'$ad')"
            pg_enc="bib.seal('\\x$plain', '\\x$pk', '\\x$ad')"
            lite_dec="bib_unseal_raw(X'%s', X'$sk', X'$ad')"
            pg_dec="bib.unseal_raw('\\x%s', '\\x$sk', '\\x$ad')" ;;
        HYBRID)
            lite_enc="bib_encrypt_hybrid_raw(X'$plain', X'$key', X'$pk', X'$ad')"
            pg_enc="bib.encrypt_hybrid_raw('\\x$plain', '\\x$key', '\\x$pk', '\\x$ad')"
            lite_dec="bib_decrypt_hybrid_raw(X'%s', X'$key', X'$sk', X'$ad')"
            pg_dec="bib.decrypt_hybrid_raw('\\x%s', '\\x$key', '\\x$sk', '\\x$ad')" ;;
        esac

        # SQLite seals, PostgreSQL opens.
        env=$(lite -cmd "SELECT bib_aead('$aead')" "SELECT lower(hex($lite_enc))" | tail -n 1)
        info=$(pg -c "SELECT mode || ' ' || aead FROM bib.envelope_info('\\x$env')")
        check "SQLite $mode $aead envelope_info in PostgreSQL" "$mode $aead" "$info"
        # shellcheck disable=SC2059
        got=$(pg -c "SELECT encode($(printf "$pg_dec" "$env"), 'hex')")
        check "SQLite -> PostgreSQL $mode $aead" "$plain" "$got"

        # PostgreSQL seals, SQLite opens.
        env=$(pg -c "SET bib.aead = '$aead'" -c "SELECT encode($pg_enc, 'hex')")
        info=$(lite "SELECT json_extract(bib_envelope_info(X'$env'), '\$.mode') || ' ' || json_extract(bib_envelope_info(X'$env'), '\$.aead')")
        check "PostgreSQL $mode $aead envelope_info in SQLite" "$mode $aead" "$info"
        # shellcheck disable=SC2059
        got=$(lite "SELECT lower(hex($(printf "$lite_dec" "$env")))")
        check "PostgreSQL -> SQLite $mode $aead" "$plain" "$got"
    done
done

# The raw-key fingerprint is the same in both engines.
fp_lite=$(lite "SELECT json_extract(bib_envelope_info(bib_encrypt_raw(X'00', X'$key')), '\$.key_id')")
fp_pg=$(pg -c "SELECT encode((bib.envelope_info(bib.encrypt_raw('\\x00', '\\x$key'))).key_id, 'hex')")
check "raw-key fingerprint" "$fp_pg" "$fp_lite"

# Shamir: SQLite splits 5-of-3, PostgreSQL combines shares 2, 4, 5; and the reverse.
secret=$(lite "SELECT lower(hex(bib_random(32)))")
shares=$(lite "SELECT group_concat(value, ' ') FROM json_each(bib_shamir_split(X'$secret', 5, 3))")
set -- $shares
got=$(pg -c "SELECT encode(bib.shamir_combine(ARRAY['\\x$2', '\\x$4', '\\x$5']::bytea[]), 'hex')")
check "Shamir SQLite -> PostgreSQL" "$secret" "$got"
shares=$(pg -c "SELECT string_agg(encode(s, 'hex'), ' ') FROM unnest(bib.shamir_split('\\x$secret', 5, 3)) s")
set -- $shares
got=$(lite "SELECT lower(hex(bib_shamir_combine(X'$1', X'$3', X'$5')))")
check "Shamir PostgreSQL -> SQLite (blobs)" "$secret" "$got"
got=$(lite "SELECT lower(hex(bib_shamir_combine('[\"$2\",\"$3\",\"$4\"]')))")
check "Shamir PostgreSQL -> SQLite (JSON)" "$secret" "$got"

# The same error text for the same bad input.
e_pg=$(pg -c "SELECT bib.decrypt_raw('\\x62696201', '\\x$key')" 2>&1 | sed -n 's/^.*ERROR: *//p')
e_lite=$(lite "SELECT bib_decrypt_raw(X'62696201', X'$key')" 2>&1 | sed -n 's/^.*\(bib: .*\)$/\1/p')
check "same error text" "$e_pg" "$e_lite"

# Key store: keys exported from PostgreSQL, sealed to a key SQLite holds, import
# into SQLite (under SQLite's own master key) and open PostgreSQL's envelopes;
# and the reverse.  Needs bib.master_key_file on the server (tests/pg/run.sh).
work=$(mktemp -d)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/lite.key"
chmod 600 "$work/lite.key"
db="$work/keys.db"
litekeys() { sqlite3 -batch -noheader "$db" -cmd ".load $so" -cmd "SELECT 1 FROM (SELECT bib_master_key_load('$work/lite.key'))" "$@" | tail -n +2; }
lite_sk=$(lite "SELECT lower(hex(bib_random(32)))")
lite_pk=$(lite "SELECT lower(hex(bib_x25519_public(X'$lite_sk')))")
pg -c "SELECT bib.create_key('cross_aead')" -c "SELECT bib.create_key('cross_node', 'x25519')" >/dev/null
pg -c "SELECT bib.rotate_key('cross_aead')" >/dev/null
env_key=$(pg -c "SELECT encode(bib.encrypt('\\x$plain', 'cross_aead', '\\x$ad'), 'hex')")
env_seal=$(pg -c "SELECT encode(bib.seal('\\x$plain', bib.public_key('cross_node')), 'hex')")
blob_aead=$(pg -c "SELECT encode(bib.export_key('cross_aead', '\\x$lite_pk'), 'hex')")
blob_node=$(pg -c "SELECT encode(bib.export_key('cross_node', '\\x$lite_pk'), 'hex')")
got=$(litekeys "SELECT bib_import_key(X'$blob_aead', X'$lite_sk') + bib_import_key(X'$blob_node', X'$lite_sk')")
check "SQLite imports PostgreSQL's keys (2 + 1 versions)" "3" "$got"
got=$(litekeys "SELECT lower(hex(bib_decrypt(X'$env_key', X'$ad')))")
check "SQLite opens PostgreSQL's KEY envelope with the imported key" "$plain" "$got"
got=$(litekeys "SELECT lower(hex(bib_decrypt(X'$env_seal')))")
check "SQLite opens PostgreSQL's SEAL envelope with the imported key" "$plain" "$got"

pg_sk=$(pg -c "SELECT encode(bib.random(32), 'hex')")
pg_pk=$(pg -c "SELECT encode(bib.x25519_public('\\x$pg_sk'), 'hex')")
litekeys "SELECT 1 FROM (SELECT bib_key_create('cross_lite'))" >/dev/null
env_lite=$(litekeys "SELECT lower(hex(bib_encrypt(X'$plain', 'cross_lite', X'$ad')))")
blob_lite=$(litekeys "SELECT lower(hex(bib_export_key('cross_lite', X'$pg_pk')))")
got=$(pg -c "SELECT bib.import_key('\\x$blob_lite', '\\x$pg_sk')")
check "PostgreSQL imports SQLite's key" "1" "$got"
got=$(pg -c "SELECT encode(bib.decrypt('\\x$env_lite', '\\x$ad'), 'hex')")
check "PostgreSQL opens SQLite's envelope with the imported key" "$plain" "$got"
rm -rf "$work"

psql -X -q -c "DROP DATABASE bib_cross"
check_summary
