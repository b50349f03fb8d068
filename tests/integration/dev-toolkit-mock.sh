#!/usr/bin/env bash
# dev-toolkit plugin against wscheck-mock's MCP endpoint (Streamable HTTP):
# the example suite scenarios/dev-toolkit.json, and a session refused for a
# foreign Origin.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
[ -n "$MOCK_MCP_URL" ] || { not_ok "wscheck-mock prints its MCP URL"; finish; exit 1; }

run_wscheck run --junit "$T/example.xml" --json "$T/example.out.json" \
    "$top_srcdir/scenarios/dev-toolkit.json"
expect_status 0 "scenarios/dev-toolkit.json passes against wscheck-mock"
check "its JUnit report is valid" validate_junit "$T/example.xml"
R=$T/example.out.json
expect_json "$R" 'all(x["status"] == "passed" for x in t.values()) and len(t) == 7' \
    "every example test passed"
expect_json "$R" 'o("tool discovery")["tool_names"][0] == "get_websocket_server_status"' \
    "the tool names are an output, in the server's order"
expect_json "$R" 'o("unknown tool is an error")["error"]["code"] == -32602' \
    "the JSON-RPC error is an output"

cat >"$T/fail.json" <<'JSON'
{ "name": "mock failures", "defaults": { "timeout": 5 },
  "tests": [
    { "name": "foreign origin", "plugin": "dev-toolkit", "check": "initialize",
      "params": { "url": "${env:MOCK_MCP_URL}", "origin": "http://evil.example" } },
    { "name": "wrong status", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:MOCK_MCP_URL}", "tool": "get_websocket_server_status",
                  "expect": { "text": { "$json": { "websocket_server": { "is_running": false } } } } } }
  ] }
JSON
run_wscheck run --json "$T/fail.out.json" "$T/fail.json"
expect_status 1 "the failures fail the run"
expect_json "$T/fail.out.json" 'msg("foreign origin").startswith("initialize: ") and "403" in msg("foreign origin")' \
    "a refused handshake fails naming initialize and the status"
expect_json "$T/fail.out.json" '"/text" in msg("wrong status") and "is_running" in msg("wrong status")' \
    "a JSON result that does not match names where"

finish
