#!/bin/sh
# Make the master-key files the PostgreSQL tests use, in directory $1:
#   master.key   a valid key, owned by the server's user, mode 0600
#   other.key    another valid key (a wrong master key for the same store)
#   short.key    63 hex characters          nonhex.key   64 characters, not hex
#   open.key     valid but mode 0644        foreign.key  valid, 0644, owned by another user
#   secret.key   valid, 0600, owned by another user (the server cannot read it)
# The server runs as postgres when the tests run as root, else as the caller.
set -eu
dir=$1
if [ "$(id -u)" -eq 0 ]; then server=postgres; other=root; else server=$(id -un); other=""; fi
rm -rf "$dir"
mkdir -p "$dir"
chmod 755 "$dir"
hexkey() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
put() { # name mode owner content
    printf '%s\n' "$4" > "$dir/$1"
    chmod "$2" "$dir/$1"
    [ -n "$3" ] && chown "$3" "$dir/$1"
    return 0
}
put master.key 600 "$server" "$(hexkey)"
put other.key 600 "$server" "$(hexkey)"
put short.key 600 "$server" "$(hexkey | cut -c 1-63)"
put nonhex.key 600 "$server" "$(hexkey | tr '0-9' 'g-p')"
put open.key 644 "$server" "$(hexkey)"
if [ -n "$other" ]; then
    put foreign.key 644 "$other" "$(hexkey)"
    put secret.key 600 "$other" "$(hexkey)"
else
    # Not root: cannot give a file away; the same errors come from these.
    put foreign.key 666 "" "$(hexkey)"
    put secret.key 000 "" "$(hexkey)"
fi
mkdir -p "$dir/directory.key"
