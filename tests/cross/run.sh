#!/bin/sh
# Cross-engine tests: envelopes and Shamir shares made by the SQLite
# extension open in PostgreSQL, and the reverse, for every mode x AEAD.
# Runs inside a pg_virtualenv (PGHOST etc. set) with the extension installed.
# Usage: tests/cross/run.sh VECTORS_DIR SQLITE_EXTENSION_PATH
set -u
so=$2
passed=0
failed=0

lite() { sqlite3 -batch -noheader :memory: -cmd ".load $so" "$@"; }
pg() { psql -X -At -q -v ON_ERROR_STOP=1 -d bib_cross "$@"; }
lower() { tr 'A-F' 'a-f'; }
check() { # label expected actual
    if [ "$2" = "$3" ] && [ -n "$2" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "cross: FAILED $1: expected '$2', got '$3'"
    fi
}

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

psql -X -q -c "DROP DATABASE bib_cross"
echo "cross: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
