# Shared by the ws-basic-*.sh tests (sourced after lib.sh): test peers on
# free loopback ports, running a scenario, and assertions on the reports.

# start_peer LOGNAME CMD...: starts a peer that prints its ws:// URL; sets
# PEER_URL and PEER_PID.
start_peer() {
    local log="$WSC_TMP/peer.$1.$TAP_N.log"
    shift
    start_bg "$log" "$@"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$log" '^ws://127\.0\.0\.1:[0-9]+')
}

# start_node_peer ARGS...: tests/integration/peer-ws.js (node `ws`).
start_node_peer() { start_peer node "$NODE" "$top_srcdir/tests/integration/peer-ws.js" "$@"; }
# start_py_peer ARGS...: tests/integration/peer_websockets.py (Python websockets).
start_py_peer() {
    start_peer websockets "$PYTHON_WS" "$top_srcdir/tests/integration/peer_websockets.py" "$@"
}
# start_raw_peer MODE ARGS...: the deliberately broken tests/integration/peer_raw.py.
start_raw_peer() { start_peer "raw-$1" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_raw.py" "$@"; }

# node_ws_available: node and its `ws` package are installed.
node_ws_available() {
    [ -n "${NODE:-}" ] && "$NODE" -e 'require("ws")' >/dev/null 2>&1
}

# run_scenario NAME ARGS...: runs $WSC_TMP/NAME.json with JUnit and JSON
# reports ($WSC_TMP/NAME.xml, $WSC_TMP/NAME.report.json); sets $status,
# $out, $err like run_wscheck.
run_scenario() {
    local name=$1
    shift
    run_wscheck run "$WSC_TMP/$name.json" --junit "$WSC_TMP/$name.xml" \
        --json "$WSC_TMP/$name.report.json" --no-color "$@"
}

# report_eval NAME EXPR [ARG]: lib.sh's json_get over the JSON report of
# NAME ($WSC_TMP/NAME.report.json).
report_eval() { json_get "$WSC_TMP/$1.report.json" "$2" "${3-}"; }

# report_true NAME EXPR "description": a case that passes when EXPR is True.
report_true() {
    local got
    got=$(report_eval "$1" "$2" 2>&1)
    if [ "$got" = True ]; then ok "$3"
    else not_ok "$3"; { echo "$2 -> $got"; report_eval "$1" \
        "[(n, x['status'], x.get('message')) for n, x in t.items()]"; } 2>&1 | diag; fi
}

# expect_test NAME TEST STATUS REGEX: TEST ended with STATUS and a message
# matching REGEX (an empty REGEX: no message at all).
expect_test() {
    local got
    got=$(report_eval "$1" "t[arg]['status'] + '|' + msg(arg)" "$2" 2>&1)
    if [ -z "$4" ] && [ "$got" = "$3|" ]; then ok "$2: $3"; return; fi
    if [ -n "$4" ] && [ "${got%%|*}" = "$3" ] && printf '%s' "${got#*|}" | grep -Eq -- "$4"; then
        ok "$2: $3 with /$4/"
        return
    fi
    not_ok "$2: $3${4:+ with /$4/}"
    echo "got: $got" | diag
}

# expect_reports NAME EXIT "description": exit status, and both reports exist
# with the JUnit file valid against both schemas.
expect_reports() {
    expect_status "$2" "$3: exit $2"
    check "$3: JUnit valid against both schemas" validate_junit "$WSC_TMP/$1.xml"
}
