#!/bin/sh
# Credential rotation under load (DESIGN §8), on a real server: run by
# tests/pg/run.sh inside a pg_virtualenv started with log_statement=all and
# log_connections=on.
#   1. pgbench, 4 clients reconnecting for every transaction (-C) over TCP
#      with SCRAM, reads login and password from a libpq service file that
#      the test rewrites after each of 20 rotations (2-second grace, then
#      bib.expire_credentials()): no transaction fails, no client aborts;
#   2. after the last grace the previous login can no longer connect and
#      none of its sessions remain;
#   3. a password sealed to an X25519 key opens in SQLite (bib_unseal_raw)
#      and logs in;
#   4. the server log holds none of the generated passwords.
# Usage: credentials_load.sh SQLITE_EXTENSION
set -u
so=$1
rotations=${BIB_LOAD_ROTATIONS:-20}
interval=2.3 # seconds between rotations: longer than the grace, so each expiry is due
work=$(mktemp -d)
chmod 755 "$work"
suite=credentials_load
. "$(dirname "$0")/../lib/check.sh"
q() { psql -X -At -q -v ON_ERROR_STOP=1 -d bib_load "$@"; }

psql -X -q -c "CREATE DATABASE bib_load" >/dev/null
q -c "CREATE EXTENSION bib" \
  -c "CREATE TABLE topics (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)" \
  -c "INSERT INTO topics (name) SELECT 'topic ' || i FROM generate_series(1, 100) i" \
  -c "SELECT bib.bootstrap_roles()" >/dev/null

# Rotate bibd_query; write the new login into the service file (atomically,
# by rename) and its password into the list the log is searched for.
rotate() {
    row=$(q -F ' ' -c "SELECT login, password FROM bib.rotate_credentials('bibd_query', '2 seconds')")
    set -- $row
    printf '[load]\nhost=127.0.0.1\ndbname=bib_load\nuser=%s\npassword=%s\nsslmode=disable\n' \
        "$1" "$2" > "$work/service.new"
    mv "$work/service.new" "$work/service"
    echo "$2" >> "$work/passwords"
    echo "$1" > "$work/active"
}

# 1. Load while rotating.
rotate
echo "SELECT count(*) FROM topics;" > "$work/query.sql"
seconds=$(awk "BEGIN { print int($rotations * $interval + 4) }")
(
    unset PGUSER PGHOST PGPASSWORD PGDATABASE
    PGSERVICEFILE="$work/service" PGSERVICE=load \
        pgbench -n -C -c 4 -j 2 -T "$seconds" -f "$work/query.sql" bib_load > "$work/pgbench.out" 2>&1
    echo $? > "$work/pgbench.rc"
) &
bench=$!
i=0
while [ $i -lt $rotations ]; do
    sleep "$interval"
    q -c "SELECT bib.expire_credentials()" >/dev/null
    cp "$work/active" "$work/previous"
    rotate
    i=$((i + 1))
done
wait $bench
cat "$work/pgbench.out" | grep -E '^(number of|latency average|tps)' | sed 's/^/credentials_load: pgbench: /'
check "pgbench exit status" "0" "$(cat "$work/pgbench.rc")"
check "pgbench failed transactions" "0" \
      "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")"
check "pgbench clients aborted" "0" "$(grep -c 'aborted' "$work/pgbench.out")"
check "pgbench ran transactions" "yes" \
      "$(awk '/^number of transactions actually processed/ { print ($NF > 100 ? "yes" : "no") }' "$work/pgbench.out")"
check "rotations recorded" "$((rotations + 1))" \
      "$(q -c "SELECT max(generation) FROM bib.credentials WHERE role = 'bibd_query'")"

# 2. After the last grace: the previous login is retired, cannot connect, has no session.
sleep 2
previous=$(cat "$work/previous")
check "expire_credentials retires the previous login" "1" "$(q -c "SELECT bib.expire_credentials()")"
check "previous login status" "retired" "$(q -c "SELECT status FROM bib.credentials WHERE login = '$previous'")"
old_password=$(tail -n 2 "$work/passwords" | head -n 1)
out=$(PGPASSWORD="$old_password" psql -X -At -h 127.0.0.1 -U "$previous" -d bib_load -c "SELECT 1" 2>&1)
check "previous login cannot connect" "refused" \
      "$(echo "$out" | grep -qE 'not permitted to log in|password authentication failed' && echo refused)"
check "previous login has no session" "0" \
      "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE usename = '$previous'")"
active=$(cat "$work/active")
check "active login connects" "$active" \
      "$(PGPASSWORD="$(tail -n 1 "$work/passwords")" psql -X -At -h 127.0.0.1 -U "$active" -d bib_load -c "SELECT current_user" 2>&1)"

# 3. SEAL mode: only the sealed password comes back; SQLite opens it; it logs in.
sk=$(q -c "SELECT encode(bib.random(32), 'hex')")
row=$(q -F ' ' -c "SELECT login, password IS NULL, encode(sealed_password, 'hex')
                     FROM bib.rotate_credentials('bibd_scrape', '1 minute', bib.x25519_public(decode('$sk', 'hex')))")
set -- $row
check "sealed rotation returns no password" "t" "$2"
sealed_login=$1
sealed_hex=$3
sealed_password=$(sqlite3 -batch :memory: -cmd ".load $so" "SELECT CAST(bib_unseal_raw(X'$sealed_hex', X'$sk') AS TEXT)")
echo "$sealed_password" >> "$work/passwords"
check "unsealed password has 43 characters" "43" "${#sealed_password}"
check "unsealed password logs in" "$sealed_login" \
      "$(PGPASSWORD="$sealed_password" psql -X -At -h 127.0.0.1 -U "$sealed_login" -d bib_load -c "SELECT current_user" 2>&1)"
check "it opens with bib.unseal_raw too" "$sealed_password" \
      "$(q -c "SELECT convert_from(bib.unseal_raw(decode('$sealed_hex', 'hex'), decode('$sk', 'hex')), 'UTF8')")"

# 4. The server log: password authentication was exercised, no password was written.
log=$(ls "$(dirname "$PG_CLUSTER_CONF_ROOT")"/log/*.log)
check "log_statement=all was on" "yes" "$(grep -q 'statement: SELECT login, password FROM bib.rotate_credentials' "$log" && echo yes)"
check "pgbench logins authenticated with SCRAM" "yes" \
      "$(grep -q 'connection authenticated: identity="bibd_query_[ab]" method=scram-sha-256' "$log" && echo yes)"
hits=0
while read -r pw; do
    if grep -qF -- "$pw" "$log"; then hits=$((hits + 1)); fi
done < "$work/passwords"
check "generated passwords checked" "$((rotations + 2))" "$(wc -l < "$work/passwords" | tr -d ' ')"
check "generated passwords found in the server log" "0" "$hits"
# The audit entries are searched here, not by a query: a query would put the passwords in the log.
q -c "SELECT metadata FROM bib.audit_log" > "$work/audit"
check "rotation and expiry audit entries" "$((rotations * 2 + 2))" \
      "$(q -c "SELECT count(*) FROM bib.audit_log WHERE action = 'CREDENTIAL'")"
check "generated passwords found in the audit log" "0" "$(grep -cFf "$work/passwords" "$work/audit")"

psql -X -q -c "DROP DATABASE bib_load WITH (FORCE)" >/dev/null
[ "$failed" -eq 0 ] && rm -rf "$work"
check_summary
