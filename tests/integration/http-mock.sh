#!/usr/bin/env bash
# http plugin against wscheck-mock: its /health and /status endpoints, the
# WebSocket upgrade on its port, discovery, and a health check of a server
# that has gone away.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

cat >"$T/mock.json" <<'JSON'
{
  "name": "wscheck-mock over HTTP",
  "vars": { "base": "http://127.0.0.1:${env:MOCK_PORT}" },
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "health", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health",
                  "expect": { "json": { "status": "ok", "uptime": { "$type": "number" },
                                        "clients": { "$type": "integer" } } } } },
    { "name": "status", "plugin": "http", "check": "request",
      "params": { "url": "${base}/status",
                  "expect": { "status": 200,
                              "headers": { "content-type": { "$regex": "json" } },
                              "json": { "websocket_server": { "is_running": true,
                                                              "port": { "$type": "integer" },
                                                              "capabilities": { "$contains": "echo" } },
                                        "mcp_server": { "mcp_server_name": "WebSocketMockMCP" } } } },
      "capture": { "ws_url": "/json/websocket_server/url" } },
    { "name": "upgrade", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "${ws_url}" } },
    { "name": "discover", "plugin": "http", "check": "discover",
      "params": { "url": "${base}", "paths": ["/health", "/status"],
                  "expect": { "responding": ["/health", "/status"] } } }
  ]
}
JSON
run_wscheck run --junit "$T/mock.xml" --json "$T/mock.out.json" "$T/mock.json"
expect_status 0 "the mock's HTTP endpoints pass"
check "the JUnit report is valid" validate_junit "$T/mock.xml"
R=$T/mock.out.json
for name in health status upgrade discover; do expect_test "$R" "$name" passed; done
expect_json "$R" "t['status']['outputs']['json']['websocket_server']['port'] == $MOCK_PORT" "the mock reports the port it listens on"
expect_json "$R" "t['upgrade']['outputs']['status'] == 101" "the mock upgrades to WebSocket"

# The example suite shipped in scenarios/ runs as is against the mock.
run_wscheck run --junit "$T/example.xml" --json "$T/example.out.json" "$top_srcdir/scenarios/http.json"
expect_status 0 "scenarios/http.json passes against wscheck-mock"
check "its JUnit report is valid" validate_junit "$T/example.xml"
expect_json "$T/example.out.json" "all(x['status'] == 'passed' for x in t.values()) and len(t) == 8" "every example test passed"

stop_pid "$MOCK_PID"
run_wscheck run --junit "$T/gone.xml" --json "$T/gone.out.json" --filter health "$T/mock.json"
expect_status 1 "a health check of a stopped mock fails"
expect_test "$T/gone.out.json" health failed "connect to 127.0.0.1:$MOCK_PORT failed: Connection refused"
check "the JUnit report of the failure is valid" validate_junit "$T/gone.xml"

finish
