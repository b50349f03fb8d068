#!/usr/bin/env bash
# dev-toolkit plugin against wscheck-mock's MCP endpoint (Streamable HTTP):
# the example suite scenarios/dev-toolkit.json, and a session refused for a
# foreign Origin; against its development toolkit (--profile dev-toolkit,
# MCP on WebSocket): the example suite scenarios/dev-toolkit-ws.json and the
# misbehaving commands.
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

# ---- the mock's development toolkit, over MCP on WebSocket ------------------
# Streaming, a cancellation the server honours, and the misbehaviours the
# mock can be told to show: each must be seen by command_streaming.
stop_pid "$MOCK_PID"
start_mock --profile dev-toolkit || { not_ok "wscheck-mock --profile dev-toolkit starts"; finish; exit 1; }
TK="ws://127.0.0.1:$MOCK_PORT/"
MOCK_TOOLKIT_URL=$TK run_wscheck run --json "$T/toolkit-example.out.json" \
    "$top_srcdir/scenarios/dev-toolkit-ws.json"
expect_status 0 "scenarios/dev-toolkit-ws.json passes against wscheck-mock --profile dev-toolkit"
R=$T/toolkit-example.out.json
expect_json "$R" 'all(x["status"] == "passed" for x in t.values()) and len(t) == 8' \
    "every example test passed"
expect_json "$R" 'm("lint streams its output")["updates"] == 4 and m("status updates")["notifications"] == 1' \
    "the streamed updates and the status update are counted"
expect_json "$R" 'o("failing test command")["isError"] is True' \
    "the failing command is a tool error, as the example expects"

cat >"$T/toolkit.json" <<JSON
{ "name": "toolkit", "defaults": { "timeout": 10 },
  "tests": [
    { "name": "lint streams", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "$TK", "tool": "run_command",
                  "arguments": { "command": "lint", "lines": 4, "interval_ms": 20 },
                  "log_level": "debug",
                  "expect": { "updates": 4, "progress": [1, 2, 3, 4],
                              "text": { "\$json": { "command": "lint", "exit_code": 0 } } } } },
    { "name": "cancelled build stops", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "$TK", "tool": "run_command",
                  "arguments": { "command": "build", "lines": 200, "interval_ms": 50 },
                  "cancel_after": 2, "stop_within": 3 } },
    { "name": "progress backwards", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "$TK", "tool": "run_command",
                  "arguments": { "command": "test", "interval_ms": 10,
                                 "misbehave": "progress_backwards" } } },
    { "name": "notification after result", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "$TK", "tool": "run_command", "linger": 1,
                  "arguments": { "command": "lint", "interval_ms": 10,
                                 "misbehave": "notification_after_result" } } }
  ] }
JSON
run_wscheck run --json "$T/toolkit.out.json" "$T/toolkit.json"
expect_status 1 "the misbehaving commands fail the run"
R=$T/toolkit.out.json
expect_json "$R" 't["lint streams"]["status"] == "passed"' "lint streams: passed"
expect_json "$R" 'len([x for x in o("lint streams")["logs"] if x["logger"] == "run_command" and x["data"]["line"].startswith("lint: ")]) == 4' \
    "the four lint lines arrive as log messages, in the logs output"
expect_json "$R" 't["cancelled build stops"]["status"] == "passed"' "cancelled build stops: passed"
expect_json "$R" 't["progress backwards"]["status"] == "failed"' "progress backwards: failed"
expect_json "$R" '"progress" in msg("progress backwards")' \
    "progress going backwards fails, naming progress: $(json_get "$R" 'msg("progress backwards")')"
expect_json "$R" 't["notification after result"]["status"] == "failed"' "notification after result: failed"
expect_json "$R" '"after the tools/call response" in msg("notification after result")' \
    "a notification after the result fails: $(json_get "$R" 'msg("notification after result")')"

finish
