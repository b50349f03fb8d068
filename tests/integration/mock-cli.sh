# wscheck-mock's command line: help and usage errors, the listener lines
# and ready file, port fallback when the port is taken, the environment and
# --config, and shutdown on SIGTERM/SIGINT with close code 1001.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers python-websockets

T=$WSC_TMP
PY=$PYTHON_WS

# run_mock ARGS...: runs wscheck-mock to completion (bounded); sets $status,
# $out and $err.
run_mock() {
    timeout 20 "$WSCHECK_MOCK" "$@" >"$T/stdout" 2>"$T/stderr"
    status=$?
    out=$(cat "$T/stdout")
    err=$(cat "$T/stderr")
}

# json_true FILE EXPR DESC: a case from a Python expression over the JSON
# object j read from FILE.
json_true() {
    if "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$1" "$2" 2>"$T/json.err"; then ok "$3"
    else not_ok "$3"; { echo "false: $2"; cat "$1" "$T/json.err"; } 2>/dev/null | diag; fi
}

# ---- usage ----------------------------------------------------------------
run_mock --help
expect_status 0 "--help exits 0"
expect_match '--port-tries N' "$out" "--help lists --port-tries"
expect_match '--allowed-origin ORIG' "$out" "--help lists --allowed-origin"
run_mock --version
expect_status 0 "--version exits 0"
expect_match '^wscheck-mock [0-9]' "$out" "--version names the program and version"
run_mock --no-such-option
expect_status 2 "an unknown option exits 2"
run_mock --port 70000
expect_status 2 "a port out of range exits 2"
expect_match "invalid value for port: '70000'" "$err" "the message names the option and value"
run_mock --max-message-size 0
expect_status 2 "a zero message size exits 2"
run_mock stray-argument
expect_status 2 "a stray argument exits 2"
run_mock --profile nope
expect_status 2 "an unknown profile exits 2"
expect_match "invalid value for profile: 'nope'" "$err" "the message names the profile"
run_mock --help
expect_match '--profile NAME' "$out" "--help describes --profile"

# ---- the dev-toolkit profile: one port for both MCP transports --------------
if start_mock --profile dev-toolkit; then
    ok "--profile dev-toolkit starts (--port 0)"
    check "dev-toolkit: the MCP URL is on the WebSocket listener's port" \
        test "$MOCK_MCP_URL" = "http://127.0.0.1:$MOCK_PORT/mcp"
    kill -TERM "$MOCK_PID"; wait "$MOCK_PID"; status=$?
    expect_status 0 "dev-toolkit: SIGTERM: exit 0"
else
    not_ok "--profile dev-toolkit starts (--port 0)"
fi

# ---- listener lines and ready file ------------------------------------------
if start_mock; then
    ok "start_mock: the mock starts on free ports"
    expect_match '^ws://127\.0\.0\.1:[0-9]+$' "$MOCK_URL" "a ws:// line for the WebSocket listener"
    expect_match '^http://127\.0\.0\.1:[0-9]+/mcp$' "$MOCK_MCP_URL" "an http://.../mcp line for the MCP listener"
    json_true "$T/mock.ready" "j['ws_url'] == '$MOCK_URL' and j['ws_port'] == $MOCK_PORT and j['mcp_url'] == '$MOCK_MCP_URL' and j['pid'] == $MOCK_PID" \
        "the ready file holds the same URLs and the pid"
    json_true "$T/mock.ready" "j['health_url'] == 'http://127.0.0.1:$MOCK_PORT/health' and j['status_url'].endswith('/status')" \
        "the ready file names /health and /status"
    kill -TERM "$MOCK_PID"; wait "$MOCK_PID"; status=$?
    expect_status 0 "SIGTERM: exit 0"
    check "the ready file is removed at exit" test ! -e "$T/mock.ready"
else
    not_ok "start_mock: the mock starts on free ports"
fi

# ---- port fallback ----------------------------------------------------------
# hold_ports N: listens on N consecutive free ports; sets HOLD_PID, BASE.
hold_ports() {
    start_bg "$T/hold.log" "$PY" -c '
import socket, sys, time
n = int(sys.argv[1])
for _ in range(200):
    probe = socket.socket(); probe.bind(("127.0.0.1", 0)); base = probe.getsockname()[1]; probe.close()
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", p)); s.listen(); socks.append(s)
        break
    except OSError:
        for s in socks: s.close()
print("holding", base, flush=True)
time.sleep(60)' "$1"
    HOLD_PID=$last_pid
    BASE=$(wait_for_line "$T/hold.log" '^holding [0-9]+' | cut -d' ' -f2)
}

hold_ports 1
start_bg "$T/fallback.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port "$BASE" --port-tries 3 --no-mcp
FB_PID=$last_pid
URL=$(wait_for_line "$T/fallback.log" '^ws://[^ ]+')
PORT=${URL##*:}
if [ -n "$PORT" ] && [ "$PORT" -gt "$BASE" ] && [ "$PORT" -le $((BASE + 2)) ]; then
    ok "a taken port: the next free one is used ($BASE taken, got $PORT)"
else
    not_ok "a taken port: the next free one is used ($BASE taken, got '$URL')"; diag <"$T/fallback.log"
fi
"$PY" - "$PORT" <<'EOF' >"$T/fb.out" 2>&1
import asyncio, json, sys, websockets
async def main():
    async with websockets.connect("ws://127.0.0.1:%s/" % sys.argv[1], open_timeout=10) as ws:
        await asyncio.wait_for(ws.recv(), 5)
        await ws.send('{"type":"get_stats"}')
        print(json.loads(await asyncio.wait_for(ws.recv(), 5))["stats"]["server_info"]["port"])
asyncio.run(main())
EOF
expect_match "^$PORT\$" "$(cat "$T/fb.out")" "get_stats reports the port actually in use"
stop_pid "$FB_PID"
run_mock --host 127.0.0.1 --port "$BASE" --port-tries 1 --no-mcp
expect_status 1 "a taken port with --port-tries 1 exits 1"
expect_match "cannot listen for WebSocket on 127\.0\.0\.1 port $BASE: Address already in use" "$err" \
    "the message names the address, port and reason"
stop_pid "$HOLD_PID"

hold_ports 3
run_mock --host 127.0.0.1 --port "$BASE" --no-mcp
expect_status 1 "all three default tries taken: exit 1"
expect_match "ports $BASE-$((BASE + 2)): Address already in use" "$err" "the message names the ports tried"
check "nothing is printed on stdout when no listener starts" test -z "$out"
stop_pid "$HOLD_PID"

# ---- environment and --config ------------------------------------------------
start_bg "$T/env.log" env WEBSOCKET_HOST=127.0.0.1 WEBSOCKET_PORT=0 "$WSCHECK_MOCK" --no-mcp
ENV_PID=$last_pid
URL=$(wait_for_line "$T/env.log" '^ws://[^ ]+')
expect_match '^ws://127\.0\.0\.1:[0-9]+$' "$URL" "WEBSOCKET_HOST and WEBSOCKET_PORT set the listener"
stop_pid "$ENV_PID"

cat >"$T/config.json" <<'EOF'
{"websocket_host": "127.0.0.1", "port": 1, "no_mcp": true, "ping-interval": 0,
 "allowed-origin": ["http://a.test"], "max_message_size": "2K"}
EOF
start_bg "$T/config.log" "$WSCHECK_MOCK" --config "$T/config.json" --port 0 --ready-file "$T/config.ready"
CF_PID=$last_pid
URL=$(wait_for_line "$T/config.log" '^ws://[^ ]+')
expect_match '^ws://127\.0\.0\.1:[0-9]+$' "$URL" "--config sets the host; --port on the command line wins over it"
wait_for_line "$T/config.log" '^ws://' >/dev/null && sleep 0.2
if grep -q '^http://' "$T/config.log"; then not_ok "no_mcp from the config file: no MCP line"
else ok "no_mcp from the config file: no MCP line"; fi
json_true "$T/config.ready" "j['mcp_url'] is None and j['mcp_port'] is None" "the ready file says there is no MCP listener"
"$PY" - "${URL##*:}" <<'EOF' >"$T/cf.out" 2>&1
import asyncio, sys, websockets
async def main():
    async with websockets.connect("ws://127.0.0.1:%s/" % sys.argv[1], open_timeout=10) as ws:
        await asyncio.wait_for(ws.recv(), 5)
        try:
            await ws.send("x" * 3000)
            await asyncio.wait_for(ws.recv(), 5)
        except websockets.ConnectionClosed as e:
            print(e.rcvd.code)
asyncio.run(main())
EOF
expect_match '^1009$' "$(cat "$T/cf.out")" "max_message_size from the config file applies (1009 over 2K)"
stop_pid "$CF_PID"

echo '{"port": 0, "colour": "blue"}' >"$T/bad.json"
run_mock --config "$T/bad.json"
expect_status 2 "an unknown key in the config file exits 2"
expect_match "unknown option 'colour'" "$err" "the message names the key"
printf '{"port": 0,\n "host": }' >"$T/broken.json"
run_mock --config "$T/broken.json"
expect_status 2 "a config file that is not JSON exits 2"
expect_match 'invalid JSON: Expecting value: line 2 column 10' "$err" "the message gives the position"
run_mock --config "$T/missing.json"
expect_status 2 "a missing config file exits 2"

# ---- shutdown -------------------------------------------------------------------
# A file, not a here-document: a background job's stdin is /dev/null.
cat >"$T/clients.py" <<'EOF'
import asyncio, sys, websockets
async def one():
    ws = await websockets.connect("ws://127.0.0.1:%s/" % sys.argv[1], open_timeout=10)
    await asyncio.wait_for(ws.recv(), 5)
    return ws
async def wait_close(ws):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 15)
    except websockets.ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None
    except asyncio.TimeoutError:
        return "timeout"
async def main():
    clients = await asyncio.gather(*[one() for _ in range(3)])
    print("connected", flush=True)
    print("codes", *await asyncio.gather(*[wait_close(ws) for ws in clients]), flush=True)
asyncio.run(main())
EOF

# shutdown_case SIGNAL: three clients connected, the signal; they must see 1001.
shutdown_case() {
    start_mock --no-mcp || { not_ok "$1: the mock starts"; return; }
    start_bg "$T/clients.$1.log" "$PY" "$T/clients.py" "$MOCK_PORT"
    CL_PID=$last_pid
    wait_for_line "$T/clients.$1.log" '^connected' >/dev/null
    kill "-$1" "$MOCK_PID"; wait "$MOCK_PID"; status=$?
    expect_status 0 "$1: the mock exits 0"
    CODES=$(wait_for_line "$T/clients.$1.log" '^codes .*' 15)
    expect_match '^codes 1001 1001 1001$' "$CODES" "$1: every client is closed with 1001"
    stop_pid "$CL_PID"
}
shutdown_case TERM
shutdown_case INT

finish
