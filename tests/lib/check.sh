# check.sh — the assertions of the shell-driven tests, sourced by them after
# setting `suite`.  Each check compares what a command printed with what was
# expected; an empty expectation counts as a failure, since it means the
# command that should have produced it failed.  check_summary prints the
# "<suite>: N passed, M failed" line that tests/run_all.sh adds up.
passed=0
failed=0

check() { # label expected actual
    if [ -n "$2" ] && [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "$suite: FAILED $1: expected '$2', got '$3'"
    fi
}

check_summary() {
    echo "$suite: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
