#!/bin/sh
# Install, with apt-get, what bib needs to build and test; nothing if all is there.
# Works as root or through sudo.  --quiet prints only what it installs.
set -eu
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

# The server major to build against: the installed one, else 15 (Debian 12).
major=""
for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] && major=$(basename "$(dirname "$(dirname "$d")")")
done
[ -n "$major" ] || major=15

need=""
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need="$need $1"; }
want "postgresql-$major"
want "postgresql-server-dev-$major"
# the audit benchmark compares with pgaudit
want "postgresql-$major-pgaudit"
want libsodium-dev
want libcmocka-dev
want libsqlite3-dev
want sqlite3
want openssh-client
want xxd
want clang
want libclang-rt-dev
want make
want gcc
want cppcheck
want clang-format

if [ -z "$need" ]; then
    [ $quiet -eq 1 ] || echo "bib: all build and test packages are installed"
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "bib: need root or sudo to install:$need" >&2; exit 1; }
    sudo=sudo
fi
echo "bib: installing:$need"
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
echo "bib: installed:$need"
