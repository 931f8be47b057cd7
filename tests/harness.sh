# harness.sh - the check harness of make test, sourced by tests/run.sh (and by
# tests/faults.sh when it runs standalone): `check NAME COMMAND...` runs one
# pipeline check, counts it in pass/fail and shows the tail of its output when
# it fails. TEST_ONLY=REGEX (for development) runs only the checks whose names
# match it.
pass=${pass:-0} fail=${fail:-0}
make_q() { make --no-print-directory "$@"; }
check() {
    local name=$1; shift
    [[ -z "${TEST_ONLY:-}" || "$name" =~ $TEST_ONLY ]] || return 0
    local log; log=$(mktemp)
    if "$@" > "$log" 2>&1; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name"; tail -n 25 "$log" | sed 's/^/     /'
    fi
    rm -f "$log"
}
