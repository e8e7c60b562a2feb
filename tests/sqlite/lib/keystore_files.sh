#!/bin/sh
# keystore_files.sh — the master key files that keystore.sql and
# keystore_errors.sql load, in @WORK@/ks (created afresh).  Written here and
# not with .shell printf, whose arguments the sqlite3 shell re-quotes.
# The owner test needs root (chown); the suite runs as root.
set -e
d=@WORK@/ks
rm -rf "$d"
mkdir -p "$d"
hex=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
key() {
    printf "$2" > "$d/$1"
    chmod 600 "$d/$1"
}
key master.key "$hex\n"                      # with the newline an editor leaves
key other.key 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
key crlf.key "$hex\r\n"
key short.key "$(printf %s "$hex" | cut -c 1-63)\n"
key long.key "${hex}0\n"
key nonhex.key "$(printf %s "$hex" | cut -c 1-63)g\n"
key upper.key "$(printf %s "$hex" | tr a-f A-F)"
key empty.key ""
key junk.key "$hex\nmore\n"
key leading.key " $hex\n"
cp -p "$d/master.key" "$d/loose.key" && chmod 644 "$d/loose.key"
cp -p "$d/master.key" "$d/group.key" && chmod 640 "$d/group.key"
cp -p "$d/master.key" "$d/owner.key" && chown nobody "$d/owner.key"
cp -p "$d/master.key" "$d/readonly.key" && chmod 400 "$d/readonly.key"
mkdir "$d/dir.key"
ln -s master.key "$d/link.key"
