# Shared helpers for integration tests (sourced). Every test script speaks
# TAP: call `ok`/`not_ok`/`check` per case and `finish` at the end.
# Servers are started on ports chosen at run time and always stopped.
set -u

TAP_N=0
TAP_FAILED=0
WSC_PIDS=""
WSC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/wscheck-test.XXXXXX")
# wscheck reads a configuration file (wscheck-config(5)) and
# WSCHECK_TIMEOUT/WSCHECK_RETRIES: none of the user's may change a test.
export XDG_CONFIG_HOME="$WSC_TMP/no-config"
unset WSCHECK_TIMEOUT WSCHECK_RETRIES

cleanup() {
    for pid in $WSC_PIDS; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    rm -rf "$WSC_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
diag() { sed 's/^/# /'; }

# check "description" command...: one test case from a command's status.
check() {
    local desc=$1; shift
    if "$@" >"$WSC_TMP/check.out" 2>&1; then ok "$desc"
    else not_ok "$desc"; diag <"$WSC_TMP/check.out"; fi
}

finish() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# wait_bounded SECONDS PID [SIGNAL]: waits for the background job PID and
# returns its status; sends it SIGNAL (TERM) when it still runs after
# SECONDS. It polls rather than starting a guard subshell to kill PID: a
# subshell signalled right after its fork can run this shell's traps, and
# so the cleanup that removes $WSC_TMP.
wait_bounded() {
    local pid=$2 sig=${3:-TERM} i=0 state=""
    while [ "$i" -lt $(($1 * 20)) ]; do
        state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null)
        { [ -z "$state" ] || [ "$state" = Z ]; } && break
        sleep 0.05; i=$((i + 1))
    done
    [ -n "$state" ] && [ "$state" != Z ] && kill -"$sig" "$pid" 2>/dev/null
    wait "$pid"
}

# skip_all REASON: skips the whole script (the TAP plan "1..0 # SKIP
# REASON"). Only before the first case.
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# require_peers PEER...: skips the whole script unless every test peer can
# run: node-ws (node with its ws package, installed by scripts/install-deps
# into tests/peers/node_modules), node-mcp (node with the MCP SDK and
# server-everything, installed the same way), python-websockets, promtool
# (Prometheus' checker, from the Debian package prometheus), prometheus or
# alertmanager (the servers, from the Debian packages prometheus and
# prometheus-alertmanager). The reason starts
# with "missing peer:", which scripts/test (and so CI) turns into a failure.
require_peers() {
    local peer missing=""
    for peer in "$@"; do
        case $peer in
        node-ws) "$NODE" -e 'require("ws")' >/dev/null 2>&1 || missing="$missing, node ws" ;;
        node-mcp)
            "$NODE" -e 'require("@modelcontextprotocol/sdk/server/mcp.js");
                require.resolve("@modelcontextprotocol/server-everything/package.json")' \
                >/dev/null 2>&1 ||
                missing="$missing, node @modelcontextprotocol/sdk and server-everything" ;;
        python-websockets)
            "$PYTHON_WS" -c 'import websockets' >/dev/null 2>&1 ||
                missing="$missing, python3 websockets" ;;
        promtool) command -v promtool >/dev/null 2>&1 ||
            missing="$missing, promtool (Debian package prometheus)" ;;
        prometheus) command -v "${PROMETHEUS:-prometheus}" >/dev/null 2>&1 ||
            missing="$missing, prometheus (Debian package prometheus)" ;;
        alertmanager) command -v "${ALERTMANAGER:-prometheus-alertmanager}" >/dev/null 2>&1 ||
            missing="$missing, prometheus-alertmanager (Debian package prometheus-alertmanager)" ;;
        *) missing="$missing, $peer" ;;
        esac
    done
    [ -z "$missing" ] ||
        skip_all "missing peer: ${missing#, } (scripts/install-deps installs the test peers)"
}

# require_mock: skips the whole script when wscheck-mock was not built
# (configure --disable-mock, or no libwebsockets).
require_mock() {
    [ -n "${WSCHECK_MOCK:-}" ] || skip_all "wscheck-mock is not built (configure found no libwebsockets, or --disable-mock)"
}

# run_wscheck ARGS...: runs wscheck, sets $status, $out (stdout), $err (stderr).
run_wscheck() {
    "$WSCHECK" "$@" >"$WSC_TMP/stdout" 2>"$WSC_TMP/stderr"
    status=$?
    out=$(cat "$WSC_TMP/stdout")
    err=$(cat "$WSC_TMP/stderr")
}

# expect_status N "description": a case that compares $status to N.
expect_status() {
    if [ "$status" -eq "$1" ]; then ok "$2"
    else not_ok "$2 (exit $status, expected $1)"
        { echo "stdout:"; echo "$out"; echo "stderr:"; echo "$err"; } | diag; fi
}

# expect_match REGEX TEXT "description"
expect_match() {
    if printf '%s' "$2" | grep -Eq -- "$1"; then ok "$3"
    else not_ok "$3"; { echo "no match for: $1"; printf '%s\n' "$2"; } | diag; fi
}

# validate_junit FILE: valid against both JUnit schemas (xmllint is libxml2).
validate_junit() {
    xmllint --noout --schema "$JUNIT_XSD_DIR/ant-junit.xsd" "$1" &&
        xmllint --noout --schema "$JUNIT_XSD_DIR/jenkins-junit-10.xsd" "$1"
}

# start_bg FILE CMD...: starts CMD in the background with stdout to FILE and
# remembers its pid for cleanup. Sets $last_pid.
start_bg() {
    local outfile=$1; shift
    # Truncate now, not in the background job: a waiter reading the file
    # right after must never see an earlier process's lines.
    : >"$outfile"
    "$@" >>"$outfile" 2>&1 &
    last_pid=$!
    WSC_PIDS="$WSC_PIDS $last_pid"
}

# stop_pid PID: stops one process started here (by pid, never by name).
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; true; }

# wait_for_line FILE REGEX [SECONDS]: waits until FILE has a line matching
# REGEX; prints the first match. Fails after SECONDS (default 10).
wait_for_line() {
    local file=$1 re=$2 limit=${3:-10} i=0
    while [ "$i" -lt $((limit * 20)) ]; do
        if grep -Eom1 -- "$re" "$file" 2>/dev/null; then return 0; fi
        sleep 0.05; i=$((i + 1))
    done
    echo "timed out waiting for /$re/ in $file" >&2
    cat "$file" >&2
    return 1
}

# start_mock [ARGS...]: starts wscheck-mock on free ports; sets MOCK_PID,
# MOCK_PORT, MOCK_URL (ws://) and MOCK_MCP_URL.
start_mock() {
    start_bg "$WSC_TMP/mock.$$.$TAP_N.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port 0 \
        --mcp-host 127.0.0.1 --mcp-port 0 --ready-file "$WSC_TMP/mock.ready" "$@"
    MOCK_PID=$last_pid
    MOCK_URL=$(wait_for_line "$WSC_TMP/mock.$$.$TAP_N.log" '^ws://[^ ]+') || return 1
    MOCK_PORT=${MOCK_URL##*:}
    MOCK_MCP_URL=$(grep -Eom1 '^http://[^ ]+/mcp' "$WSC_TMP/mock.$$.$TAP_N.log" || true)
    export MOCK_PORT MOCK_URL MOCK_MCP_URL
}

# start_crackerjack_mock [ARGS...]: starts wscheck-mock --profile crackerjack
# on free ports with its own progress directory; sets what start_mock sets
# (MOCK_MCP_URL is crackerjack's MCP endpoint) and CJ_PORT, CJ_URL
# (http://127.0.0.1:PORT/) and CJ_PROGRESS_DIR.
start_crackerjack_mock() {
    CJ_PROGRESS_DIR=$WSC_TMP/cj-progress.$TAP_N
    start_mock --profile crackerjack --crackerjack-port 0 \
        --progress-dir "$CJ_PROGRESS_DIR" "$@" || return 1
    # printed before the ws:// line start_mock waited for
    CJ_URL=$(grep -Eom1 '^http://[^ ]+:[0-9]+/$' "$WSC_TMP/mock.$$.$TAP_N.log") || return 1
    CJ_PORT=${CJ_URL%/}
    CJ_PORT=${CJ_PORT##*:}
    export CJ_PORT CJ_URL CJ_PROGRESS_DIR
}

# start_monitoring_mock [ARGS...]: starts wscheck-mock --profile monitoring
# on free ports; sets what start_mock sets (MOCK_MCP_URL has the tool
# trigger_alert) and MON_PORT, MON_URL (ws://127.0.0.1:PORT, add a socket
# path such as /ws/metrics/live) and MON_METRICS_URL (.../metrics).
start_monitoring_mock() {
    start_mock --profile monitoring --monitoring-port 0 "$@" || return 1
    # printed before the ws:// line start_mock waited for
    MON_METRICS_URL=$(grep -Eom1 '^http://[^ ]+:[0-9]+/metrics$' \
        "$WSC_TMP/mock.$$.$TAP_N.log") || return 1
    MON_PORT=${MON_METRICS_URL%/metrics}
    MON_PORT=${MON_PORT##*:}
    MON_URL=ws://127.0.0.1:$MON_PORT
    export MON_PORT MON_URL MON_METRICS_URL
}

# free_port: a TCP port that was free a moment ago on 127.0.0.1.
free_port() {
    "$PYTHON_WS" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# json_get FILE EXPR [ARG]: prints a Python expression over the JSON in
# FILE: `r` is the document. For a wscheck JSON report, `t` maps each test's
# name to its entry, m(name) gives its metrics by name, units(name) their
# units, o(name) its outputs, msg(name) its message ("" when none) and
# trace(name) its trace. `arg` is ARG.
json_get() {
    "$PYTHON_WS" -c '
import json, sys
r = json.load(open(sys.argv[1]))
suites = r.get("suites") if isinstance(r, dict) else None
t = {x["name"]: x for s in suites or [] for x in s["tests"]}
def m(name): return {x["name"]: x["value"] for x in t[name].get("metrics") or []}
def units(name): return {x["name"]: x.get("unit") for x in t[name].get("metrics") or []}
def o(name): return t[name].get("outputs") or {}
def msg(name): return t[name].get("message") or ""
def trace(name): return t[name].get("trace") or []
arg = sys.argv[3] if len(sys.argv) > 3 else None
print(eval(sys.argv[2]))' "$1" "$2" "${3-}"
}

# expect_json FILE EXPR "description": a case passing when EXPR is True.
expect_json() {
    local got
    got=$(json_get "$1" "$2" 2>&1)
    if [ "$got" = True ]; then ok "$3"
    else not_ok "$3"; { echo "$2 -> $got"; } | diag; fi
}
