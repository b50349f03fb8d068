# Shared by the ping-pong-*.sh tests (sourced after lib.sh): WebSocket test
# peers on free ports and helpers over the JSON report (over lib.sh's
# json_get and expect_json).

# start_node_peer ARGS...: tests/integration/peer-ws.js (node `ws`); sets
# PEER_URL and PEER_PID.
start_node_peer() {
    start_bg "$WSC_TMP/peer-ws.$TAP_N.log" "$NODE" "$top_srcdir/tests/integration/peer-ws.js" "$@"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$WSC_TMP/peer-ws.$TAP_N.log" '^ws://127\.0\.0\.1:[0-9]+')
}

# start_py_peer ARGS...: tests/integration/peer_websockets.py (Python
# websockets); sets PEER_URL and PEER_PID.
start_py_peer() {
    start_bg "$WSC_TMP/peer_websockets.$TAP_N.log" "$PYTHON_WS" \
        "$top_srcdir/tests/integration/peer_websockets.py" "$@"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$WSC_TMP/peer_websockets.$TAP_N.log" '^ws://127\.0\.0\.1:[0-9]+')
}

# start_raw_peer MODE: the deliberately broken tests/integration/peer_raw.py;
# sets PEER_URL and PEER_PID.
start_raw_peer() {
    start_bg "$WSC_TMP/peer_raw.$1.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_raw.py" "$1"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$WSC_TMP/peer_raw.$1.log" '^ws://127\.0\.0\.1:[0-9]+')
}

# start_raw_peers MODE...: one raw peer per mode; VARS gets a
# "--var MODE=URL" pair for each (dashes in MODE become underscores).
start_raw_peers() {
    local mode
    VARS=()
    for mode in "$@"; do
        start_raw_peer "$mode" || { not_ok "raw peer $mode starts"; finish; exit 1; }
        VARS+=(--var "${mode//-/_}=$PEER_URL")
    done
}

# report_status FILE NAME STATUS: one test's status.
report_status() {
    local got
    got=$(json_get "$1" "t['$2']['status']" 2>&1)
    if [ "$got" = "$3" ]; then ok "$2: $3"
    else not_ok "$2: $3"; { echo "got: $got"; json_get "$1" "msg('$2')"; } 2>&1 | diag; fi
}

# report_message FILE NAME REGEX: one test's message matches REGEX.
report_message() {
    expect_match "$3" "$(json_get "$1" "msg('$2')" 2>&1)" "$2: message matches /$3/"
}

# report_rtt_metrics FILE NAME: the RTT metrics of a passing run are there,
# ordered, and nothing was lost.
report_rtt_metrics() {
    expect_json "$1" "all(k in m('$2') for k in ('rtt_min_ms','rtt_p50_ms','rtt_p90_ms','rtt_p99_ms','rtt_max_ms','lost')) and m('$2')['rtt_min_ms'] <= m('$2')['rtt_p50_ms'] <= m('$2')['rtt_p90_ms'] <= m('$2')['rtt_p99_ms'] <= m('$2')['rtt_max_ms'] and m('$2')['lost'] == 0" \
        "$2: rtt_min/p50/p90/p99/max metrics in order, lost 0"
}

# stderr_clean "description": wscheck's stderr (from run_wscheck) has no
# sanitizer report (builds with --enable-sanitizers) and no crash.
stderr_clean() {
    if printf '%s' "$err" | grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|Segmentation'; then
        not_ok "$1"; printf '%s\n' "$err" | head -40 | diag
    else ok "$1"; fi
}
