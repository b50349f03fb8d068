# Shared by the http-*.sh tests (sourced after lib.sh): the Python HTTP test
# server and report helpers (over lib.sh's json_get and expect_json).

# start_peer: starts tests/integration/peer_http.py on a free port; sets
# PEER_URL (http://127.0.0.1:PORT), PEER_HOSTPORT and PEER_PID.
start_peer() {
    start_bg "$WSC_TMP/peer_http.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_http.py"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$WSC_TMP/peer_http.log" '^http://127\.0\.0\.1:[0-9]+') || return 1
    PEER_HOSTPORT=${PEER_URL#http://}
}

# expect_test FILE NAME STATUS [MESSAGE]: a test's status (and exact message).
expect_test() {
    local got want=$3${4+:$4}
    if [ $# -ge 4 ]; then got=$(json_get "$1" "t['$2']['status'] + ':' + (t['$2'].get('message') or '')" 2>&1)
    else got=$(json_get "$1" "t['$2']['status']" 2>&1); fi
    if [ "$got" = "$want" ]; then ok "$2: $want"
    else not_ok "$2: $want"; echo "got: $got" | diag; fi
}

