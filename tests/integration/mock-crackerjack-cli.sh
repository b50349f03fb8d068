# wscheck-mock --profile crackerjack from the shell: start_crackerjack_mock,
# settings from --config (profiles and bug switches as lists), usage errors,
# and the default ports named in the ready file.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers python-websockets

T=$WSC_TMP

# run_mock ARGS...: runs wscheck-mock to completion (bounded); sets $status,
# $out and $err.
run_mock() {
    timeout 20 "$WSCHECK_MOCK" "$@" >"$T/stdout" 2>"$T/stderr"
    status=$?
    out=$(cat "$T/stdout")
    err=$(cat "$T/stderr")
}

if start_crackerjack_mock; then
    ok "start_crackerjack_mock starts the profile on free ports"
    check "the crackerjack port differs from the MCP port" test "$CJ_PORT" != "$MOCK_PORT"
    body=$(curl -s "$CJ_URL")
    expect_match '^\{"status":"running","message":"Crackerjack WebSocket Server"' "$body" \
        "GET / on the crackerjack port"
    check "the progress directory is created" test -d "$CJ_PROGRESS_DIR"
    body=$(curl -s -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' \
        -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}' \
        "$MOCK_MCP_URL")
    expect_match '"serverInfo":\{"name":"crackerjack-mcp-server"' "$body" \
        "MCP on the shared endpoint is crackerjack-mcp-server"
    stop_pid "$MOCK_PID"
else
    not_ok "start_crackerjack_mock starts the profile on free ports"
fi

# ---- --config: lists for the profile and the bug switches -------------------
cat >"$T/cj.json" <<'JSON'
{"profile": ["crackerjack"], "crackerjack_bug": ["prefix", "sanitize"],
 "crackerjack_idle_timeout": 5}
JSON
if start_crackerjack_mock --config "$T/cj.json"; then
    body=$(curl -s "$CJ_URL")
    expect_match '"jobs":\[\]' "$body" "config: the prefix bug applies"
    expect_match '"_security":\{"sanitized":true' "$body" "config: the sanitize bug applies"
    stop_pid "$MOCK_PID"
else
    not_ok "the mock starts with the crackerjack settings of a config file"
fi

# ---- usage errors -------------------------------------------------------------
run_mock --crackerjack-port 70000
expect_status 2 "a crackerjack port out of range exits 2"
expect_match "invalid value for crackerjack-port: '70000'" "$err" \
    "the message names the option and value"
run_mock --profile crackerjack,nope
expect_status 2 "an unknown profile in a list exits 2"
run_mock --crackerjack-poll-interval 0
expect_status 2 "a poll interval of 0 exits 2"
run_mock --profile crackerjack --progress-dir /proc/no/such/dir --port 0 --crackerjack-port 0
expect_status 1 "a progress directory that cannot be made exits 1"
expect_match "cannot create /proc/no/such/dir" "$err" "naming the directory"

finish
