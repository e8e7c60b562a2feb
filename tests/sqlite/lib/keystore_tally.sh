#!/bin/sh
# keystore_tally.sh SCRIPT OUT — run SCRIPT in a fresh sqlite3 session and
# write a tally of its output lines to OUT ("count<TAB>line", line numbers
# dropped), so that a hundred statements that must fail alike read as one.
@SQLITE3@ :memory: < "$1" 2>&1 | sed 's/ near line [0-9]*:/:/' | sort | uniq -c |
    sed 's/^ *\([0-9]*\) /\1\t/' > "$2"
exit 0
