#!/usr/bin/env bash
# The check_websocket.py-compatible quick checks, against wscheck-mock, a node
# `ws` echo server and a plain TCP listener started here.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers node-ws python-websockets
T=$WSC_TMP

start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
start_bg "$T/node.log" "$NODE" "$top_srcdir/tests/integration/peer-ws.js"
NODE_URL=$(wait_for_line "$T/node.log" '^ws://[^ ]+') || { not_ok "node ws peer starts"; finish; exit 1; }
start_bg "$T/tcp.log" "$PYTHON_WS" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print("port", s.getsockname()[1], flush=True)
time.sleep(60)'
TCP_PID=$last_pid
TCP_PORT=$(wait_for_line "$T/tcp.log" '^port [0-9]+' | cut -d' ' -f2)

run_wscheck --help
expect_status 0 "--help lists the quick checks"
expect_match '--check-port PORT' "$out" "--help documents --check-port"
run_wscheck --check-port --help
expect_status 0 "--help works after an option that takes a value"
expect_match 'Quick checks \(repeatable' "$out" "the quick checks' own help is printed"

# --check-port: listening + owner, who owns it printed
run_wscheck --check-port "$TCP_PORT" --json "$T/port.json"
expect_status 0 "--check-port passes on a listening port"
expect_match "port owner: $TCP_PORT: pid $TCP_PID \(python" "$out" "--check-port prints the owning pid and command"
check "--check-port ran listening and owner" \
    test "$(json_get "$T/port.json" "[t['check'] for t in r['suites'][0]['tests']]")" = "['listening', 'owner']"
stop_pid "$TCP_PID"
run_wscheck --check-port "$TCP_PORT" --timeout 1
expect_status 1 "--check-port fails once the listener is gone"
expect_match "did not accept|refused" "$out" "the failure says the port refused"
run_wscheck --check-port 70000
expect_status 2 "--check-port rejects a port out of range"

# --check-http / --test-endpoint with http
run_wscheck --check-http "http://127.0.0.1:$MOCK_PORT/health"
expect_status 0 "--check-http passes on the mock's /health"
run_wscheck --test-endpoint "http://127.0.0.1:$MOCK_PORT/no-such-path" --timeout 2
expect_status 1 "--test-endpoint fails on a 4xx endpoint"

# --test-websocket against the mock and against node ws
for peer in "wscheck-mock=$MOCK_URL" "node ws=$NODE_URL"; do
    url=${peer#*=}; name=${peer%%=*}
    run_wscheck --test-websocket "$url" --json "$T/ws.json"
    expect_status 0 "--test-websocket passes against $name"
    expect_match "WebSocket handshake: .*: handshake in [0-9.]+ ms, subprotocol none" "$out" "the diagnosis reports the handshake ($name)"
    expect_match "WebSocket ping/pong: .*: rtt p50 [0-9.]+ ms" "$out" "the diagnosis reports ping/pong ($name)"
    if printf '%s' "$out" | grep -q "WebSocket echo: .*: ok"; then
        not_ok "the diagnosis leaves out a bare 'ok' ($name)"
    else ok "the diagnosis leaves out a bare 'ok' ($name)"; fi
    check "handshake, echo and ping/pong all passed ($name)" \
        test "$(json_get "$T/ws.json" "[t['status'] for t in r['suites'][0]['tests']]")" = "['passed', 'passed', 'passed']"
done
# A server that never answers: the echo is skipped, not failed.
start_bg "$T/quiet.log" "$PYTHON_WS" -c '
import asyncio, websockets
async def handler(ws, path=None):
    async for _ in ws:
        pass
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        print("ws://127.0.0.1:%d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())'
QUIET_URL=$(wait_for_line "$T/quiet.log" '^ws://[^ ]+')
run_wscheck --test-websocket "$QUIET_URL" --json "$T/quiet.json"
expect_status 0 "--test-websocket passes against a server that does not echo"
check "the echo is skipped, saying the server did not echo" \
    test "$(json_get "$T/quiet.json" "[t['status'] + ':' + t['message'][:33] for t in r['suites'][0]['tests'] if t['check'] == 'conversation'][0]")" = "skipped:the server did not echo the probe"
expect_match 'SKIP +wscheck quick checks › WebSocket echo' "$out" "the console shows the echo as skipped"
start_bg "$T/silent.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_raw.py" silent
SILENT_URL=$(wait_for_line "$T/silent.log" '^ws://[^ ]+')
run_wscheck --test-websocket "$SILENT_URL" --timeout 1 --json "$T/silent.json"
expect_status 1 "--test-websocket fails against a server that never answers the handshake"
check "a failed handshake is never passed off as a missing echo" \
    test "$(json_get "$T/silent.json" "[t['status'] for t in r['suites'][0]['tests']]")" = "['failed', 'failed', 'failed']"

run_wscheck --test-endpoint "ws://127.0.0.1:$TCP_PORT" --timeout 1
expect_status 1 "--test-endpoint with ws:// fails against a closed port"

# --ci-mode: JUnit written, exit 0 unless --fail-on-error
run_wscheck --ci-mode --output-junit-xml "$T/ci.xml" --check-port "$TCP_PORT" --timeout 1
expect_status 0 "--ci-mode alone reports failures without failing the job"
check "--ci-mode writes a valid JUnit report" validate_junit "$T/ci.xml"
check "the JUnit report holds the failure" grep -q '<failure' "$T/ci.xml"
run_wscheck --ci-mode --fail-on-error --output-junit-xml "$T/ci.xml" --check-port "$TCP_PORT" --timeout 1
expect_status 1 "--ci-mode --fail-on-error exits 1 on failure"
run_wscheck --ci-mode --fail-on-error --output-junit-xml "$T/ci.xml" --test-websocket "$MOCK_URL" \
    "$top_srcdir/scenarios/demo.json"
expect_status 0 "--ci-mode runs scenario files given with quick checks"
check "quick checks and the scenario are two suites" \
    test "$(grep -c '<testsuite ' "$T/ci.xml")" = 2
run_wscheck --bogus-option
expect_status 2 "an unknown option exits 2"
check "an unknown option is one line naming it and --help" \
    test "$err" = "wscheck: unknown option '--bogus-option'; see 'wscheck --help'"
run_wscheck --check-port "$MOCK_PORT" --frobnicate
expect_status 2 "an unknown option after a quick check exits 2"
check "... in one line naming it" \
    test "$err" = "wscheck: unknown option '--frobnicate'; see 'wscheck --help'"
run_wscheck --check-port "$MOCK_PORT" --timeout
check "a missing value is one line naming the option" \
    test "$err" = "wscheck: option '--timeout' needs a value; see 'wscheck --help'"

# A failure is not repeated by a diagnosis: the result lines say it all.
CLOSED=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
run_wscheck --test-websocket "ws://127.0.0.1:$CLOSED/" --timeout 1
expect_status 1 "--test-websocket fails against a closed port"
if printf '%s' "$out" | grep -q "Diagnosis"; then
    not_ok "no diagnosis when it would only repeat the failures"; printf '%s\n' "$out" | diag
else ok "no diagnosis when it would only repeat the failures"; fi

# --header reaches the server (node ws refuses the upgrade without it, the
# HTTP peer echoes it); --subprotocol is offered and selected.
start_bg "$T/auth.log" "$NODE" "$top_srcdir/tests/integration/peer-ws.js" \
    --require-header x-team:blue --protocols chat,superchat
AUTH_URL=$(wait_for_line "$T/auth.log" '^ws://[^ ]+') || { not_ok "node ws peer starts"; finish; exit 1; }
run_wscheck --test-websocket "$AUTH_URL" --timeout 2 --json "$T/noheader.json"
expect_status 1 "without --header the peer refuses the upgrade"
expect_json "$T/noheader.json" "'401' in msg('WebSocket handshake: $AUTH_URL')" \
    "the refusal is the peer's 401"
run_wscheck --test-websocket "$AUTH_URL" --header 'X-Team:  blue ' --subprotocol superchat \
    --subprotocol chat --timeout 2 --json "$T/header.json"
expect_status 0 "--header reaches the WebSocket server (every check passes)"
expect_json "$T/header.json" "[t['status'] for t in r['suites'][0]['tests']] == ['passed', 'passed', 'passed']" \
    "handshake, echo and ping/pong all carry the header"
expect_json "$T/header.json" "o('WebSocket handshake: $AUTH_URL').get('subprotocol') == 'superchat'" \
    "--subprotocol offers the subprotocols in order and the server selects one"
expect_match "handshake in [0-9.]+ ms, subprotocol superchat" "$out" \
    "the diagnosis shows the subprotocol selected"
run_wscheck --header 'X-Team: blue' --test-websocket "$AUTH_URL" --subprotocol nope --timeout 2
expect_status 0 "--header and --subprotocol may come before the checks"
# A report on stdout keeps it for itself: the console and the diagnosis go
# to stderr, so stdout is the JUnit file alone.
run_wscheck --test-websocket "$AUTH_URL" --header 'X-Team: blue' --subprotocol superchat \
    --timeout 2 --output-junit-xml - --color never --progress never
expect_status 0 "quick checks with the JUnit report on stdout pass"
printf '%s\n' "$out" >"$T/stdout.xml"
check "with the JUnit report on stdout, stdout is valid JUnit alone" validate_junit "$T/stdout.xml"
expect_match "Diagnosis:" "$err" "the diagnosis goes to stderr with the console"
run_wscheck --test-websocket "$AUTH_URL" --header 'X-Team: blue' --timeout 2 --tap -
expect_status 0 "quick checks write TAP to stdout"
expect_match "^1\.\.3$" "$out" "the TAP plan counts the three quick checks"
run_wscheck --test-websocket "$AUTH_URL" --color sometimes
expect_status 2 "--color takes auto, always or never"
start_bg "$T/http.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_http.py"
HTTP_URL=$(wait_for_line "$T/http.log" '^http://127\.0\.0\.1:[0-9]+') || { not_ok "HTTP peer starts"; finish; exit 1; }
run_wscheck --check-http "$HTTP_URL/echo" --header 'X-Team: blue' --header 'X-Other: a: b' \
    --json "$T/http.json"
expect_status 0 "--check-http with --header passes"
expect_json "$T/http.json" "(lambda h: (h.get('x-team'), h.get('x-other')))(o('HTTP endpoint: $HTTP_URL/echo')['json']['headers']) == ('blue', 'a: b')" \
    "--header reaches the HTTP server, the value after the first colon whole"
# Credentials given with --header stay out of every output, passing or not.
run_wscheck --test-websocket "$AUTH_URL" --check-http "$HTTP_URL/no-such-path" \
    --header 'X-Team: blue' --header 'Authorization: Bearer s3cr3t-t0ken' \
    --header 'Cookie: sid=c00kie-value' --verbose --timeout 2 \
    --json "$T/secret.json" --junit "$T/secret.xml"
expect_status 1 "the 404 fails the run (its trace is kept)"
if cat "$T/secret.json" "$T/secret.xml" "$WSC_TMP/stdout" "$WSC_TMP/stderr" |
    grep -q 's3cr3t-t0ken\|c00kie-value'; then
    not_ok "Authorization and Cookie values from --header are in no output"
else ok "Authorization and Cookie values from --header are in no output"; fi
for bad in "no colon|no ':' after the name" ": empty name|no name before ':'" \
    'Two Words: x|a space in the name'; do
    run_wscheck --check-http "$HTTP_URL/echo" --header "${bad%%|*}"
    expect_status 2 "--header '${bad%%|*}' is a usage error"
    expect_match "^wscheck: --header needs 'Name: value': ${bad#*|}$" "$err" \
        "--header '${bad%%|*}' says what is wrong in one line"
done
run_wscheck --check-http "$HTTP_URL/echo" --header 'Authorization Bearer s3cr3t-t0ken'
expect_status 2 "a credential header without its colon is a usage error"
case "$out$err" in
*s3cr3t-t0ken*) not_ok "the malformed header's credential is not echoed" ;;
*) ok "the malformed header's credential is not echoed" ;;
esac
finish
