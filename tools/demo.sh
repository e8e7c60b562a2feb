#!/bin/sh
# make demo: bib on SQLite and on a throwaway PostgreSQL cluster, step by step.
set -eu
cd "$(dirname "$0")/.."
so=$(pwd)/sqlite_ext/bib

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "SQLite: load the extension"
echo "sqlite> .load ./sqlite_ext/bib"

say "SQLite: encrypt and decrypt a value with a 32-byte key (AES-256-GCM envelope)"
sqlite3 :memory: -cmd ".load $so" -cmd ".mode line" "
CREATE TABLE secrets (id INTEGER PRIMARY KEY, env BLOB);
CREATE TEMP TABLE k AS SELECT bib_random(32) AS key;
INSERT INTO secrets (id, env) SELECT 1, bib_encrypt_raw('card 4111 1111 1111 1111', key, 'secrets:1') FROM k;
SELECT length(env) AS envelope_bytes, bib_envelope_info(env) AS envelope_info FROM secrets;
SELECT CAST(bib_decrypt_raw(env, key, 'secrets:1') AS TEXT) AS decrypted FROM secrets, k;"

say "SQLite: a tampered envelope (one ciphertext byte flipped) is refused"
sqlite3 :memory: -cmd ".load $so" "
CREATE TEMP TABLE k AS SELECT bib_random(32) AS key;
CREATE TEMP TABLE e AS SELECT bib_encrypt_raw('pay 10 EUR', key) AS env FROM k;
SELECT bib_decrypt_raw(substr(env, 1, 60) || X'FF' || substr(env, 62), key) FROM e, k;" 2>&1 || true

say "SQLite: seal to a public key (X25519), open with the secret key"
sqlite3 :memory: -cmd ".load $so" -cmd ".mode line" "
CREATE TEMP TABLE node AS SELECT bib_random(32) AS sk;
SELECT hex(bib_x25519_public(sk)) AS node_public_key FROM node;
SELECT CAST(bib_unseal_raw(bib_seal('for the node only', bib_x25519_public(sk)), sk) AS TEXT) AS unsealed FROM node;"

say "SQLite: a key store under a master key (the key never appears in SQL)"
work=$(mktemp -d)
chmod 755 "$work"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/master.key"
chmod 600 "$work/master.key"
BIB_MASTER_KEY_FILE="$work/master.key" sqlite3 "$work/app.db" -cmd ".load $so" -cmd ".mode line" "
SELECT hex(bib_key_create('cards')) AS created_key_id;
CREATE TABLE payments (id INTEGER PRIMARY KEY, card BLOB);
INSERT INTO payments VALUES (1, bib_encrypt(CAST('4111 1111 1111 1111' AS BLOB), 'cards'));
SELECT hex(bib_key_rotate('cards')) AS rotated_to;
SELECT CAST(bib_decrypt(card) AS TEXT) AS old_row_still_opens FROM payments;
SELECT name, version, status FROM bib_keys ORDER BY version;"

say "SQLite: an audited table; a tamper with the log is caught"
sqlite3 "$work/audit.db" -cmd ".load $so" -cmd ".mode line" "
CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER);
SELECT bib_audit_enable('accounts') AS audit_enabled;
INSERT INTO accounts VALUES (1, 'ada', 100), (2, 'bob', 50);
UPDATE accounts SET balance = 80 WHERE id = 1;
SELECT id, action, row_key, old_data, new_data FROM bib_audit_log ORDER BY id;
SELECT bib_audit_verify() AS verify;"
echo "-- another connection drops the append-only triggers and edits an entry:"
sqlite3 "$work/audit.db" -cmd ".load $so" "DROP TRIGGER bib_audit_log_no_update; UPDATE bib_audit_log SET new_data = '{\"id\":2,\"owner\":\"bob\",\"balance\":5000}' WHERE id = 2;"
sqlite3 "$work/audit.db" -cmd ".load $so" -cmd ".mode line" "SELECT bib_audit_verify() AS verify;"

say "PostgreSQL: a throwaway cluster with CREATE EXTENSION bib and a master key file"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work/master.key"; fi
pg_virtualenv -t -o "bib.master_key_file=$work/master.key" sh -c '
run() { echo; echo "postgres=# $1"; psql -X -q -c "$1"; }
psql -X -q -c "CREATE EXTENSION bib"
echo "postgres=# CREATE EXTENSION bib;"
psql -X -q -c "CREATE TABLE demo_keys AS SELECT bib.random(32) AS key, bib.random(32) AS node_sk"
run "SELECT convert_from(bib.decrypt_raw(bib.encrypt_raw(convert_to('\''salary 5400'\'', '\''UTF8'\''), key), key), '\''UTF8'\'') AS round_trip FROM demo_keys"
run "SELECT (bib.envelope_info(bib.encrypt_raw('\''x'\'', key))).* FROM demo_keys"
run "SET bib.aead = xchacha20poly1305; SELECT (bib.envelope_info(bib.encrypt_raw('\''x'\'', key))).aead FROM demo_keys"
run "SELECT convert_from(bib.unseal_raw(bib.seal('\''sealed to the node'\'', bib.x25519_public(node_sk)), node_sk), '\''UTF8'\'') AS unsealed FROM demo_keys"
echo
echo "-- Shamir: split a 32-byte master key into 5 shares, any 3 recover it"
run "CREATE TABLE split AS SELECT key, bib.shamir_split(key, 5, 3) AS shares FROM demo_keys"
run "SELECT i AS share, encode(shares[i], '\''hex'\'') FROM split, generate_series(1, 5) i"
run "SELECT bib.shamir_combine(ARRAY[shares[2], shares[4], shares[5]]) = key AS recovered_from_2_4_5 FROM split"
run "SELECT bib.shamir_combine(ARRAY[shares[1], shares[3]]) FROM split"
echo
echo "-- The key store: create, encrypt, rotate, decrypt old data, revoke"
run "SELECT bib.create_key('\''cards'\'')"
run "CREATE TABLE payments AS SELECT 1 AS id, bib.encrypt_text('\''4111 1111 1111 1111'\'', '\''cards'\'', '\''payments:1'\'') AS card"
run "SELECT bib.rotate_key('\''cards'\'')"
run "SELECT bib.decrypt_text(card, '\''payments:1'\'') AS old_data_opens FROM payments"
run "UPDATE payments SET card = bib.reencrypt(card, '\''payments:1'\'')"
run "SELECT bib.revoke_key(id) FROM bib.keys WHERE name = '\''cards'\'' AND version = 1"
run "SELECT name, version, status FROM bib.keys ORDER BY version"
run "SELECT bib.decrypt_text(card, '\''payments:1'\'') AS reencrypted_data_opens FROM payments"
echo
echo "-- A tampered envelope is refused, with a hint"
run "SELECT bib.decrypt_raw(set_byte(e, 60, get_byte(e, 60) # 1), key) FROM demo_keys, LATERAL (SELECT bib.encrypt_raw('\''pay 10 EUR'\'', key) AS e) x"
echo
echo "-- Audit: row changes recorded by C triggers, sealed into a hash chain; a tamper is caught"
run "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric)"
run "SELECT bib.audit_enable('\''accounts'\'')"
run "INSERT INTO accounts VALUES (1, '\''ada'\'', 100), (2, '\''bob'\'', 50); UPDATE accounts SET balance = 80 WHERE id = 1"
run "SELECT id, action, row_key, old_data, new_data FROM bib.audit_log WHERE table_name = '\''accounts'\'' ORDER BY id"
run "SELECT bib.audit_seal() AS sealed_entries"
run "SELECT ok, entries_checked, seals_checked FROM bib.audit_verify()"
echo "-- a superuser bypasses the append-only guard and rewrites the UPDATE entry:"
run "BEGIN; SET LOCAL session_replication_role = replica; UPDATE bib.audit_log SET new_data = '\''{\"balance\": 10}'\'' WHERE action = '\''UPDATE'\''; COMMIT"
run "SELECT ok, first_bad_id, problem FROM bib.audit_verify()"
echo
echo "-- Roles and credentials: six roles, then two rotations; the old login keeps a grace period"
run "SELECT * FROM bib.bootstrap_roles()"
run "SELECT login, length(password) AS password_chars, valid_until FROM bib.rotate_credentials('\''bibd_query'\'', '\''5 minutes'\'')"
run "SELECT r.login, r.password IS NULL AS plaintext_withheld, length(convert_from(bib.unseal_raw(r.sealed_password, node_sk), '\''UTF8'\'')) AS unsealed_chars FROM demo_keys, bib.rotate_credentials('\''bibd_query'\'', '\''5 minutes'\'', bib.x25519_public(node_sk)) r"
run "SELECT role, login, generation, status, valid_until > now() AS still_valid FROM bib.credentials ORDER BY login"
true
' 2>&1 | grep -v -e '^Creating new PostgreSQL cluster' -e '^Dropping cluster'
rm -rf "$work"
say "Done. The README shows the whole SQL API; make test runs every test."
