#!/bin/sh
# tests/fuzz/run.sh — build and run the core's libFuzzer harnesses.
#
#   sh tests/fuzz/run.sh VECTORS SECONDS [fuzz_name ...]
#
# The core (shared/*.c) is compiled here, not taken from build/libbibcore.a,
# because libFuzzer needs the core itself instrumented for coverage and
# ASan/UBSan.  Everything goes to build/fuzz/:
#   fuzz_<name>            the harness binaries
#   corpus_<name>/         seeds from VECTORS plus whatever the fuzzer keeps (it grows run to run)
#   artifacts/             crash, leak and timeout inputs: fuzz_<name>-crash-<sha1>
#   fuzz_<name>.log        libFuzzer's output
# Harnesses run one after another (the machine is shared), each for SECONDS.
# A harness passes when it ran the whole time without a finding.  The last
# line is `fuzz: N passed, M failed`; the exit status is non-zero on any failure.
#
# Environment: FUZZ_CC (default clang; clang >= 6 with libFuzzer).

set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 VECTORS SECONDS [fuzz_name ...]" >&2
    exit 2
fi
vectors=$1
seconds=$2
shift 2

root=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
cd "$root" || exit 1

CC=${FUZZ_CC:-clang}
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE -Wall -Wextra -Ishared -Itests/fuzz"
LIBS="-lsodium -lpthread"
out=build/fuzz

die() {
    echo "fuzz: $*" >&2
    exit 1
}

command -v "$CC" >/dev/null 2>&1 || die "$CC not found (clang with libFuzzer is needed)"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 not found (it reads the JSON vectors)"
[ -f "$vectors/bib/envelope_v1.json" ] || die "no vectors at $vectors"
case $seconds in
    '' | *[!0-9]*) die "SECONDS must be a whole number, not '$seconds'" ;;
esac

# ---- build ------------------------------------------------------------------

mkdir -p "$out/core" "$out/artifacts" || exit 1
echo "fuzz: building the instrumented core and harnesses with $CC"
objs=
for src in shared/*.c; do
    obj=$out/core/$(basename "$src" .c).o
    # shellcheck disable=SC2086
    $CC $CFLAGS -c "$src" -o "$obj" || die "compiling $src failed"
    objs="$objs $obj"
done

if [ $# -gt 0 ]; then
    names=$*
else
    names=
    for src in tests/fuzz/fuzz_*.c; do
        names="$names $(basename "$src" .c)"
    done
fi
for name in $names; do
    [ -f "tests/fuzz/$name.c" ] || die "no harness tests/fuzz/$name.c"
    # shellcheck disable=SC2086
    $CC $CFLAGS "tests/fuzz/$name.c" $objs $LIBS -o "$out/$name" || die "building $name failed"
done

# ---- seed corpora -----------------------------------------------------------

# Hex (upper or lower case) on stdin to bytes on stdout.
if command -v xxd >/dev/null 2>&1; then
    hex2bin() { xxd -r -p; }
else
    # POSIX fallback: awk turns hex pairs into \ooo escapes, printf writes the bytes.
    hex2bin() {
        awk 'BEGIN { h = "0123456789abcdef" }
             { s = tolower($0)
               for (i = 1; i < length(s); i += 2)
                   printf "\\%03o", (index(h, substr(s, i, 1)) - 1) * 16 + index(h, substr(s, i + 1, 1)) - 1 }' |
            {
                IFS= read -r esc
                # shellcheck disable=SC2059
                printf "${esc:-}"
            }
    }
fi

# Copy a vector file into a corpus; the copy must stay writable for the next run.
copy_seed() {
    rm -f "$2" && cat "$1" >"$2"
}

# Lines "name hex" on stdin become files name (bytes) in directory $1.
write_seeds() {
    while read -r seed hex; do
        printf '%s\n' "${hex:-}" | hex2bin >"$1/$seed"
    done
}

env_json=$vectors/bib/envelope_v1.json
shamir_json=$vectors/bib/shamir_v1.json
sshsig=$vectors/sshsig
zeros64=0000000000000000000000000000000000000000000000000000000000000000

seed_envelope_open() {
    sqlite3 -separator ' ' :memory: "
        select 'valid_' || key, '00'
            || substr(coalesce(json_extract(value, '\$.key'), '') || '$zeros64', 1, 64)
            || substr(coalesce(json_extract(value, '\$.recipient_sk'), '') || '$zeros64', 1, 64)
            || printf('%02x', length(json_extract(value, '\$.ad')) / 2)
            || json_extract(value, '\$.ad') || json_extract(value, '\$.envelope')
        from json_each(readfile('$env_json'), '\$.valid');
        select 'invalid_' || key, '00'
            || substr(coalesce(json_extract(value, '\$.key'), '') || '$zeros64', 1, 64)
            || substr(coalesce(json_extract(value, '\$.secret_key'), '') || '$zeros64', 1, 64)
            || printf('%02x', min(255, length(coalesce(json_extract(value, '\$.ad'), '')) / 2))
            || substr(coalesce(json_extract(value, '\$.ad'), ''), 1, 510)
            || json_extract(value, '\$.envelope')
        from json_each(readfile('$env_json'), '\$.invalid')
        where json_extract(value, '\$.envelope') is not null;" | write_seeds "$1"
}

seed_envelope_roundtrip() {
    sqlite3 -separator ' ' :memory: "
        select 'valid_' || key, '00'
            || substr(coalesce(json_extract(value, '\$.key'), '') || '$zeros64', 1, 64)
            || substr(coalesce(json_extract(value, '\$.recipient_sk'), '') || '$zeros64', 1, 64)
            || printf('%04x', length(json_extract(value, '\$.ad')) / 2)
            || json_extract(value, '\$.ad') || json_extract(value, '\$.plaintext')
        from json_each(readfile('$env_json'), '\$.valid');
        -- 1280 bytes of AD: past the core's 1 KiB stack buffer, onto its heap path.
        select 'large_ad', '03' || '$zeros64' || '$zeros64' || '0500'
            || replace(hex(zeroblob(1280)), '00', '61') || replace(hex(zeroblob(100)), '00', '70');" |
        write_seeds "$1"
}

seed_shamir_combine() {
    sqlite3 -separator ' ' :memory: "
        select 'valid_' || v.key, (select group_concat(printf('%04x', length(s.value) / 2) || s.value, '')
                                   from json_each(v.value, '\$.shares') s)
        from json_each(readfile('$shamir_json'), '\$.valid') v;
        select 'set_' || v.key || '_' || c.key,
               (select group_concat(printf('%04x', length(json_extract(v.value, '\$.shares[' || (x.value - 1) || ']')) / 2)
                                    || json_extract(v.value, '\$.shares[' || (x.value - 1) || ']'), '')
                from json_each(c.value) x)
        from json_each(readfile('$shamir_json'), '\$.valid') v, json_each(v.value, '\$.combine_sets') c;
        select 'invalid_' || v.key, (select group_concat(printf('%04x', length(s.value) / 2) || s.value, '')
                                     from json_each(v.value, '\$.shares') s)
        from json_each(readfile('$shamir_json'), '\$.invalid') v;" | write_seeds "$1"
}

seed_ssh_key() {
    for f in key.pub key2.pub rsa_key.pub; do
        copy_seed "$sshsig/$f" "$1/$f" || return 1
    done
}

seed_sshsig() {
    for f in "$sshsig"/*.sig "$sshsig"/*.sig.*; do
        [ -f "$f" ] || continue
        copy_seed "$f" "$1/$(basename "$f")" || return 1
        # The decoded blob as well, for the harness's re-armoring way.
        if command -v base64 >/dev/null 2>&1; then
            sed -e '/^-----/d' "$f" | tr -d '\n' | base64 -d >"$1/$(basename "$f").blob" 2>/dev/null
        fi
    done
}

# ---- run --------------------------------------------------------------------

passed=0
failed=0
failures=
for name in $names; do
    corpus=$out/corpus_$name
    mkdir -p "$corpus" || exit 1
    seeder=seed_${name#fuzz_}
    if command -v "$seeder" >/dev/null 2>&1; then
        "$seeder" "$corpus" || die "seeding $name failed"
    fi
    log=$out/$name.log
    printf 'fuzz: %-24s %s s, %s seed/corpus files ... ' "$name" "$seconds" "$(find "$corpus" -type f | wc -l | tr -d ' ')"
    "./$out/$name" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
        -timeout=30 -artifact_prefix="$out/artifacts/$name-" "$corpus" >"$log" 2>&1
    rc=$?
    units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    if [ -n "${units:-}" ] && [ "${elapsed:-0}" -gt 0 ]; then
        rate=$((units / elapsed))
    elif [ -n "${units:-}" ] && [ "$seconds" -gt 0 ]; then
        rate=$((units / seconds))
    else
        rate=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')
    fi
    if [ $rc -eq 0 ] && grep -q '^Done [0-9]* runs in' "$log"; then
        passed=$((passed + 1))
        echo "ok: ${units:-?} execs, ${rate:-?} exec/s, cov ${cov:-?}"
    else
        failed=$((failed + 1))
        failures="$failures $name"
        echo "FAILED (exit $rc): ${units:-?} execs, ${rate:-?} exec/s"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error|artifact_prefix|Test unit written)' "$log" |
            head -n 8 | sed 's/^/    /'
        echo "    full log: $log; reproduce: ./$out/$name <artifact>"
    fi
done

echo "fuzz: $passed passed, $failed failed${failures:+ (failed:$failures)}"
[ $failed -eq 0 ]
