#!/bin/sh
# Key-store tests that need a whole cluster (run by tests/pg/run.sh inside a
# pg_virtualenv started with bib preloaded, bib.master_key_file set,
# log_statement=all and log_min_messages=debug1):
#   1. another session sees a rotation and a revocation at its next statement;
#   2. pg_dump / pg_restore into a new database on the same master key opens old data;
#   3. the postmaster read the key: backends work with the file gone;
#   4. recovery: master-key shares, combined in SQLite, become a key file that works;
#   5. the server log holds neither the master key nor any data key, in hex or base64.
# Usage: keystore_cluster.sh KEYS_DIR SQLITE_EXTENSION
set -u
keys=$1
so=$2
work=$(mktemp -d)
chmod 755 "$work"
suite=keystore_cluster
. "$(dirname "$0")/../lib/check.sh"
q() { psql -X -At -q -v ON_ERROR_STOP=1 -d bib_keys "$@"; }

psql -X -q -c "CREATE DATABASE bib_keys" >/dev/null
q -c "CREATE EXTENSION bib" \
  -c "SELECT bib.create_key('cards')" -c "SELECT bib.create_key('node', 'x25519')" \
  -c "CREATE TABLE secrets (id int, env bytea)" \
  -c "INSERT INTO secrets SELECT 1, bib.encrypt('first', 'cards')" \
  -c "INSERT INTO secrets SELECT 2, bib.seal('second', bib.public_key('node'))" >/dev/null

# 1. Session A stays open; session B rotates and revokes between A's statements.
mkfifo "$work/a.in"
psql -X -At -q -d bib_keys < "$work/a.in" > "$work/a.out" 2>&1 &
a_pid=$!
exec 3> "$work/a.in"
say_a() { echo "$1" >&3; sleep 0.5; }
say_a "SELECT 'a1', (SELECT version FROM bib.keys k WHERE replace(k.id::text, '-', '') = encode((bib.envelope_info(bib.encrypt('x', 'cards'))).key_id, 'hex'));"
q -c "SELECT bib.rotate_key('cards')" >/dev/null
say_a "SELECT 'a2', (SELECT version FROM bib.keys k WHERE replace(k.id::text, '-', '') = encode((bib.envelope_info(bib.encrypt('x', 'cards'))).key_id, 'hex'));"
say_a "SELECT 'a3', convert_from(bib.decrypt(env), 'UTF8') FROM secrets WHERE id = 1;"
q -c "SELECT bib.revoke_key(id) FROM bib.keys WHERE name = 'cards' AND version = 1" >/dev/null
say_a "SELECT 'a4', convert_from(bib.decrypt(env), 'UTF8') FROM secrets WHERE id = 1;"
exec 3>&-
wait $a_pid
check "session A encrypts under version 1 first" "a1|1" "$(grep '^a1' "$work/a.out")"
check "session A sees the rotation at its next statement" "a2|2" "$(grep '^a2' "$work/a.out")"
check "session A still opens old data" "a3|first" "$(grep '^a3' "$work/a.out")"
check "session A sees the revocation at its next statement" "ERROR:  bib: key is revoked" \
      "$(grep -o 'ERROR:  bib: key is revoked' "$work/a.out")"

# Re-encrypt row 1 under version 2 for the rest (version 1 is revoked: restore it first).
q -c "UPDATE bib.key_store SET status = 'retired' WHERE name = 'cards' AND version = 1" \
  -c "UPDATE secrets SET env = bib.reencrypt(env) WHERE id = 1" >/dev/null

# 2. Dump and restore into a new database: keys travel (config table), data opens.
pg_dump -Fc -d bib_keys -f "$work/dump"
psql -X -q -c "CREATE DATABASE bib_keys_restored" >/dev/null
pg_restore -d bib_keys_restored "$work/dump" 2>&1 | grep -v '^$' || true
got=$(psql -X -At -d bib_keys_restored -c "SELECT string_agg(convert_from(bib.decrypt(env), 'UTF8'), ',' ORDER BY id) FROM secrets")
check "restored database opens old envelopes" "first,second" "$got"
got=$(psql -X -At -d bib_keys_restored -c "SELECT count(*) FROM bib.keys")
check "restored database has every key version" "3" "$got"

# 3. Preloaded: the postmaster read the key; with the file gone, new backends still work.
mv "$keys/master.key" "$keys/master.key.away"
got=$(q -c "SELECT convert_from(bib.decrypt(env), 'UTF8') FROM secrets WHERE id = 2" 2>&1)
mv "$keys/master.key.away" "$keys/master.key"
check "backend inherits the master key from the postmaster" "second" "$got"

# 4. Recovery: 5 shares, threshold 3; three of them, combined in SQLite, rebuild the key file.
shares=$(q -c "SELECT string_agg(encode(s, 'hex'), ' ') FROM unnest(bib.master_key_shares(5, 3)) s")
set -- $shares
sqlite3 -batch :memory: -cmd ".load $so" "SELECT lower(hex(bib_shamir_combine(X'$1', X'$3', X'$4')))" > "$work/recovered.key"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work/recovered.key"; fi
chmod 600 "$work/recovered.key"
got=$(q -c "SET bib.master_key_file = '$work/recovered.key'" \
        -c "SELECT convert_from(bib.decrypt(env), 'UTF8') FROM secrets WHERE id = 1")
check "a key file rebuilt from 3 of 5 shares opens the store" "first" "$got"

# 5. No secret in the server log.  Data keys are learnt by exporting them to a
# recipient we hold and opening the blob here (the statements that do so
# carry no key bytes).
q -c "CREATE FUNCTION pg_temp.secrets(blob bytea) RETURNS SETOF bytea LANGUAGE plpgsql AS \$\$
      DECLARE at int := 5; name_len int;
      BEGIN
        FOR i IN 1 .. get_byte(blob, 3) LOOP
          name_len := get_byte(blob, at + 29);
          RETURN NEXT substr(blob, at + 31 + name_len, 32);
          at := at + 30 + name_len + 32;
        END LOOP;
      END \$\$" \
  -c "CREATE TEMP TABLE r AS SELECT bib.random(32) AS sk" \
  -c "SELECT encode(s, 'hex') || ' ' || encode(s, 'base64') FROM r, bib.keys k,
        LATERAL pg_temp.secrets(bib.unseal_raw(bib.export_key(k.name, bib.x25519_public(r.sk)), r.sk, 'bib-v1 key-export')) s
      WHERE k.version = 1" > "$work/data_keys"
master_hex=$(tr -d ' \n' < "$keys/master.key")
master_b64=$(printf '%s' "$master_hex" | xxd -r -p | base64)
log=$(ls "$(dirname "$PG_CLUSTER_CONF_ROOT")"/log/*.log)
hits=0
for needle in "$master_hex" $(echo "$master_hex" | tr 'a-f' 'A-F') $master_b64 $(cat "$work/data_keys"); do
    [ -n "$needle" ] || continue
    if grep -qiF -- "$needle" "$log"; then
        hits=$((hits + 1))
        echo "keystore_cluster: a secret appears in the server log"
    fi
done
check "data keys examined" "yes" "$([ "$(wc -l < "$work/data_keys")" -ge 3 ] && echo yes)"
check "log_statement=all was on" "yes" "$(grep -q 'statement: SELECT bib.create_key' "$log" && echo yes)"
check "secrets found in the server log" "0" "$hits"

psql -X -q -c "DROP DATABASE bib_keys" -c "DROP DATABASE bib_keys_restored" >/dev/null
rm -rf "$work"
check_summary
