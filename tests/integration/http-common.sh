# Shared by the http-*.sh tests (sourced after lib.sh): the Python HTTP test
# server and report helpers.

# start_peer: starts tests/integration/peer_http.py on a free port; sets
# PEER_URL (http://127.0.0.1:PORT), PEER_HOSTPORT and PEER_PID.
start_peer() {
    start_bg "$WSC_TMP/peer_http.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_http.py"
    PEER_PID=$last_pid
    PEER_URL=$(wait_for_line "$WSC_TMP/peer_http.log" '^http://127\.0\.0\.1:[0-9]+') || return 1
    PEER_HOSTPORT=${PEER_URL#http://}
}

# json_get FILE EXPR: a Python expression over the JSON report `r`; `t` maps
# each test's name to its entry, `m(name)` to its metrics by name.
json_get() {
    "$PYTHON_WS" -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for s in r["suites"] for x in s["tests"]}
def m(name): return {x["name"]: x["value"] for x in t[name].get("metrics", [])}
print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_json FILE EXPR "description": a case passing when EXPR is True.
expect_json() {
    local got
    got=$(json_get "$1" "$2" 2>&1)
    if [ "$got" = True ]; then ok "$3"
    else not_ok "$3"; { echo "$2 -> $got"; } | diag; fi
}

# expect_test FILE NAME STATUS [MESSAGE]: a test's status (and exact message).
expect_test() {
    local got want=$3${4+:$4}
    if [ $# -ge 4 ]; then got=$(json_get "$1" "t['$2']['status'] + ':' + (t['$2'].get('message') or '')" 2>&1)
    else got=$(json_get "$1" "t['$2']['status']" 2>&1); fi
    if [ "$got" = "$want" ]; then ok "$2: $want"
    else not_ok "$2: $want"; echo "got: $got" | diag; fi
}

# now_s: wall clock seconds with a fraction.
now_s() { date +%s.%N; }
# elapsed_below START LIMIT: true when less than LIMIT seconds passed.
elapsed_below() { "$PYTHON_WS" -c 'import sys; sys.exit(not float(sys.argv[3]) - float(sys.argv[1]) < float(sys.argv[2]))' "$1" "$2" "$(now_s)"; }
