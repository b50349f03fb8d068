#!/usr/bin/env bash
# dev-toolkit plugin against independent MCP servers: the official
# TypeScript SDK (peer-mcp.js over Streamable HTTP, WebSocket and stdio),
# @modelcontextprotocol/server-everything, and the broken peer
# (peer_mcp_broken.py) for progress that goes backwards or comes after the
# result.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-mcp

T=$WSC_TMP
PEERS=$top_srcdir/tests/integration

# start_peer NAME CMD...: starts an MCP peer and exports its URL as NAME.
start_peer() {
    local name=$1 url
    shift
    start_bg "$T/$name.log" "$@"
    url=$(wait_for_line "$T/$name.log" '^(http|ws)://[^ ]+') || return 1
    export "$name=$url"
}

start_peer SDK_HTTP "$NODE" "$PEERS/peer-mcp.js" http-sse &&
    start_peer SDK_WS "$NODE" "$PEERS/peer-mcp.js" ws &&
    start_peer EVERYTHING "$NODE" "$PEERS/peer-mcp-everything.js" &&
    start_peer BACKWARDS "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" progress-backwards &&
    start_peer AFTER "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" progress-after-result &&
    start_peer SPACES "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" session-id-spaces &&
    start_peer LOOP "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" cursor-loop &&
    start_peer DUP "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" duplicate-tool &&
    start_peer BADTOOLS "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" bad-tools &&
    start_peer DELETE405 "$PYTHON_WS" "$PEERS/peer_mcp_broken.py" delete-405 ||
    { not_ok "the MCP peers start"; finish; exit 1; }
export SDK_STDIO="stdio:$NODE $PEERS/peer-mcp.js stdio"

# ---- everything passes ---------------------------------------------------------
cat >"$T/pass.json" <<'JSON'
{
  "name": "mcp peers",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "sdk initialize", "plugin": "dev-toolkit", "check": "initialize",
      "params": { "url": "${env:SDK_HTTP}",
                  "expect": { "protocolVersion": "2025-11-25",
                              "serverInfo": { "name": "peer-mcp" },
                              "capabilities": { "tools": { "$type": "object" } },
                              "transport": "http",
                              "session_id": { "$regex": "^[!-~]+$" } } },
      "capture": { "negotiated": "/protocolVersion" } },
    { "name": "sdk initialize 2025-03-26 over websocket", "plugin": "dev-toolkit",
      "check": "initialize",
      "params": { "url": "${env:SDK_WS}", "protocol_version": "2025-03-26",
                  "expect": { "protocolVersion": "2025-03-26", "transport": "websocket" } } },
    { "name": "sdk tools", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:SDK_HTTP}",
                  "expect": { "tool_names": { "$contains": "progress" },
                              "tools": { "$len": 7 } } },
      "capture": { "names": "/tool_names" } },
    { "name": "sdk tools over stdio", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:SDK_STDIO}",
                  "expect": { "tool_names": { "$contains": "echo" } } } },
    { "name": "sdk echo", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:SDK_WS}", "tool": "echo",
                  "arguments": { "text": "{\"n\": 1}" },
                  "expect": { "text": { "$json": { "n": 1 } }, "isError": false } } },
    { "name": "sdk fail is expected", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:SDK_HTTP}", "tool": "fail",
                  "expect": { "isError": true, "text": "failed on purpose" } } },
    { "name": "sdk streaming", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:SDK_HTTP}", "tool": "progress", "arguments": { "steps": 3 },
                  "expect": { "updates": 3, "progress": [1, 2, 3],
                              "logs": { "$contains": { "data": "step 2" } },
                              "text": "done" } } },
    { "name": "sdk streaming over websocket", "plugin": "dev-toolkit",
      "check": "command_streaming",
      "params": { "url": "${env:SDK_WS}", "tool": "progress", "arguments": { "steps": 2 },
                  "progress_token": 7, "expect": { "updates": 2 } } },
    { "name": "everything discovery", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:EVERYTHING}",
                  "expect": { "tool_names": { "$contains": "trigger-long-running-operation" },
                              "prompt_names": { "$contains": "simple-prompt" },
                              "resource_uris": { "$contains": { "$regex": "^demo://" } } } } },
    { "name": "everything structured", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:EVERYTHING}", "tool": "get-structured-content",
                  "arguments": { "location": "Chicago" },
                  "expect": { "structuredContent": { "temperature": { "$type": "number" } } } } },
    { "name": "everything long running", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:EVERYTHING}", "tool": "trigger-long-running-operation",
                  "arguments": { "duration": 1, "steps": 3 },
                  "expect": { "updates": 3, "progress": [1, 2, 3] } } },
    { "name": "everything cancel after the last update", "plugin": "dev-toolkit",
      "check": "command_streaming",
      "params": { "url": "${env:EVERYTHING}", "tool": "trigger-long-running-operation",
                  "arguments": { "duration": 0.6, "steps": 3 }, "cancel_after": 3,
                  "stop_within": 0.5, "expect": { "updates": 3 } } },
    { "name": "everything resource", "plugin": "dev-toolkit", "check": "resource",
      "params": { "url": "${env:EVERYTHING}",
                  "uri": "demo://resource/static/document/features.md",
                  "expect": { "contents": { "$len": 1 }, "text": { "$contains": "#" } } } },
    { "name": "everything prompt", "plugin": "dev-toolkit", "check": "prompt",
      "params": { "url": "${env:EVERYTHING}", "name": "simple-prompt",
                  "expect": { "messages": { "$type": "array" } } } },
    { "name": "sdk protocol", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:SDK_HTTP}", "check_origin": false } },
    { "name": "sdk protocol over websocket", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:SDK_WS}" } },
    { "name": "sdk protocol over stdio", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:SDK_STDIO}" } },
    { "name": "sdk errors", "plugin": "dev-toolkit", "check": "error_propagation",
      "params": { "url": "${env:SDK_HTTP}", "tool": "echo", "strict_lifecycle": true } },
    { "name": "sdk errors over websocket", "plugin": "dev-toolkit",
      "check": "error_propagation",
      "params": { "url": "${env:SDK_WS}", "tool": "echo", "tool_errors": "isError" } },
    { "name": "sdk log updates", "plugin": "dev-toolkit", "check": "status_updates",
      "params": { "url": "${env:SDK_WS}", "log_level": "info",
                  "trigger": { "tool": "progress", "arguments": { "steps": 3 } },
                  "match": { "method": "notifications/message" }, "count": 3,
                  "expect": { "notifications": { "$len": 3 } } } },
    { "name": "sdk updates on the GET stream", "plugin": "dev-toolkit",
      "check": "status_updates",
      "params": { "url": "${env:SDK_HTTP}", "listen": true, "trigger": { "tool": "announce" },
                  "match": { "params": { "data": "announced" } } } },
    { "name": "sdk structured content", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:SDK_HTTP}", "tool": "inventory",
                  "arguments": { "broken": false },
                  "expect": { "structuredContent": { "tree": { "name": "root" } } } } },
    { "name": "everything resource updates", "plugin": "dev-toolkit",
      "check": "status_updates",
      "params": { "url": "${env:EVERYTHING}", "listen": true,
                  "subscribe": "demo://resource/static/document/features.md",
                  "trigger": { "tool": "toggle-subscriber-updates" },
                  "match": { "method": "notifications/resources/updated",
                             "params": { "uri": "demo://resource/static/document/features.md" } } } },
    { "name": "protocol with DELETE refused", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:DELETE405}" } },
    { "name": "everything unknown method", "plugin": "dev-toolkit", "check": "prompt",
      "params": { "url": "${env:EVERYTHING}", "name": "no-such-prompt",
                  "expect": { "error": { "code": { "$type": "integer" } } } } }
  ]
}
JSON
run_wscheck run --json "$T/pass.out.json" "$T/pass.json"
expect_status 0 "every check passes against the SDK and server-everything"
R=$T/pass.out.json
expect_json "$R" 'o("sdk initialize")["protocolVersion"] == "2025-11-25"' \
    "the negotiated version is an output"
expect_json "$R" '"initialize_ms" in m("sdk initialize")' "initialize_ms is measured"
expect_json "$R" 'sorted(o("sdk tools")["tool_names"]) == ["announce", "echo", "fail", "inventory", "progress", "roots", "sleep"]' \
    "the tool names are an output"
expect_json "$R" 'm("sdk tools")["tools"] == 7' "the tools are counted"
expect_json "$R" 'm("sdk streaming")["updates"] == 3 and "first_progress_ms" in m("sdk streaming") and "max_progress_gap_ms" in m("sdk streaming") and "call_ms" in m("sdk streaming")' \
    "command_streaming measures its updates, first progress, gaps and call"
expect_json "$R" '[x["data"] for x in o("sdk streaming")["logs"]] == ["step 1", "step 2", "step 3"]' \
    "the log messages are collected in order"
expect_json "$R" 'm("sdk log updates")["notifications"] == 3 and "max_update_gap_ms" in m("sdk log updates")' \
    "status_updates counts the notifications and their gaps"
expect_json "$R" 'o("everything resource updates")["notifications"][0]["params"]["uri"] == "demo://resource/static/document/features.md"' \
    "status_updates: resources/subscribe on server-everything brings notifications/resources/updated"
expect_json "$R" 't["protocol with DELETE refused"]["status"] == "passed" and "DELETE of the session got 405" in t["protocol with DELETE refused"].get("log", "")' \
    "protocol: a DELETE answered with 405 passes, with a note in the report"
expect_json "$R" '[c["name"] for c in t["sdk errors"]["cases"]] == ["unknown method", "unknown tool", "bad arguments", "malformed JSON", "before initialize"]' \
    "error_propagation reports one case per error"
expect_json "$R" 'any("request before initialize" in w for w in t["sdk errors over websocket"].get("warnings", []))' \
    "a request answered before initialize is a warning by default"

# ---- failures ------------------------------------------------------------------------
cat >"$T/fail.json" <<'JSON'
{
  "name": "mcp failures",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "tool error", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:SDK_HTTP}", "tool": "fail" } },
    { "name": "missing tool", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:SDK_HTTP}",
                  "expect": { "tool_names": { "$contains": "run_command" } } } },
    { "name": "no progress", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:SDK_HTTP}", "tool": "echo", "arguments": { "text": "x" } } },
    { "name": "backwards", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:BACKWARDS}", "tool": "run" } },
    { "name": "after result", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:AFTER}", "tool": "run" } },
    { "name": "wrong expected error", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:SDK_HTTP}", "tool": "echo", "arguments": { "text": "x" },
                  "expect": { "error": { "code": -32602 } } } },
    { "name": "foreign origin accepted", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:SDK_HTTP}" } },
    { "name": "session id with spaces", "plugin": "dev-toolkit", "check": "protocol",
      "params": { "url": "${env:SPACES}" } },
    { "name": "stdio errors", "plugin": "dev-toolkit", "check": "error_propagation",
      "params": { "url": "${env:SDK_STDIO}", "case_timeout": 1 } },
    { "name": "rpc errors required", "plugin": "dev-toolkit", "check": "error_propagation",
      "params": { "url": "${env:SDK_HTTP}", "tool": "echo", "tool_errors": "rpc",
                  "malformed": false } },
    { "name": "cursor loop", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:LOOP}" } },
    { "name": "duplicate tool", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:DUP}" } },
    { "name": "bad tools", "plugin": "dev-toolkit", "check": "tool_discovery",
      "params": { "url": "${env:BADTOOLS}" } },
    { "name": "bad structured content", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${env:BADTOOLS}", "tool": "weather" } },
    { "name": "goes on after cancel", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:EVERYTHING}", "tool": "trigger-long-running-operation",
                  "arguments": { "duration": 3, "steps": 3 },
                  "cancel_after": 1, "stop_within": 0.3 } },
    { "name": "no updates", "plugin": "dev-toolkit", "check": "status_updates",
      "params": { "url": "${env:SDK_WS}", "within": 0.5,
                  "match": { "method": "notifications/resources/updated" } } },
    { "name": "sdk nonconforming structured content", "plugin": "dev-toolkit",
      "check": "call",
      "params": { "url": "${env:SDK_WS}", "tool": "inventory",
                  "arguments": { "broken": true } } },
    { "name": "streamed nonconforming structured content", "plugin": "dev-toolkit",
      "check": "command_streaming",
      "params": { "url": "${env:SDK_HTTP}", "tool": "inventory",
                  "arguments": { "broken": true }, "min_updates": 0 } },
    { "name": "no update for that resource", "plugin": "dev-toolkit",
      "check": "status_updates",
      "params": { "url": "${env:EVERYTHING}", "listen": true,
                  "subscribe": "demo://resource/static/document/features.md",
                  "trigger": { "tool": "toggle-subscriber-updates" },
                  "match": { "params": { "uri": "demo://no-such-resource" } },
                  "count": 2, "within": 1 } },
    { "name": "cancelled", "plugin": "dev-toolkit", "check": "command_streaming",
      "params": { "url": "${env:SDK_HTTP}", "tool": "sleep", "arguments": { "ms": 60000 } } }
  ]
}
JSON
run_wscheck run --json "$T/fail.out.json" "$T/fail.json"
expect_status 1 "the failures fail the run"
R=$T/fail.out.json
expect_json "$R" 't["tool error"]["status"] == "failed" and "isError: true" in msg("tool error") and "failed on purpose" in msg("tool error")' \
    "isError: true fails unless expected, quoting the tool's text"
expect_json "$R" '"/tool_names" in msg("missing tool") and "run_command" in msg("missing tool")' \
    "a missing tool name is named"
expect_json "$R" '"0 progress notifications, expected at least 1" in msg("no progress")' \
    "a call without progress fails command_streaming"
expect_json "$R" '"progress 2 after 3 does not increase" in msg("backwards")' \
    "progress going backwards fails"
expect_json "$R" '"after the tools/call response" in msg("after result")' \
    "progress after the result fails"
expect_json "$R" '"expected a JSON-RPC error, got a result" in msg("wrong expected error")' \
    "an expected JSON-RPC error that does not come fails"
expect_json "$R" '"Origin http://wscheck-foreign-origin.invalid got HTTP 200" in msg("foreign origin accepted") and "(transports#security-warning)" in msg("foreign origin accepted")' \
    "protocol: a server accepting a foreign Origin fails, naming the spec section"
expect_json "$R" 't["session id with spaces"]["status"] == "failed" and msg("session id with spaces").startswith("initialize: ")' \
    "protocol: a session id with spaces fails the handshake"
expect_json "$R" '{c["name"]: c["status"] for c in t["stdio errors"]["cases"]}["malformed JSON"] == "failed" and "expected error -32700" in str(t["stdio errors"]["cases"])' \
    "error_propagation: malformed JSON without a -32700 answer fails"
expect_json "$R" '{c["name"]: c["status"] for c in t["stdio errors"]["cases"]}["bad arguments"] == "skipped"' \
    "error_propagation: bad arguments without a tool is skipped"
expect_json "$R" '"tool_errors asks for a JSON-RPC error" in str(t["rpc errors required"]["cases"])' \
    "error_propagation: isError where a JSON-RPC error is required fails"
expect_json "$R" '"nextCursor \"c1\" was given before: the pages loop" in msg("cursor loop")' \
    "tool_discovery: a cursor loop fails"
expect_json "$R" '"name \"a\" is listed twice" in msg("duplicate tool")' \
    "tool_discovery: a tool listed twice fails"
expect_json "$R" '"/tools/0/name: \"bad name\" is not 1 to 64 characters" in msg("bad tools") and "inputSchema is not an object schema" in msg("bad tools")' \
    "tool_discovery: a bad tool name and a non-object inputSchema fail"
expect_json "$R" '"outputSchema (server/tools#output-schema): /temperature: type: expected \"number\"" in msg("bad structured content") and "(server/tools#output-schema)" in msg("bad structured content")' \
    "call: structuredContent not conforming to the outputSchema fails"
expect_json "$R" '"outputSchema (server/tools#output-schema): /tree/children/0/name: type: expected \"string\", got integer" in msg("sdk nonconforming structured content")' \
    "call: structuredContent breaking a \$ref'd definition fails, naming the pointer and keyword"
expect_json "$R" '"/tree/children/0/name: type: expected \"string\", got integer" in msg("streamed nonconforming structured content")' \
    "command_streaming: structuredContent is validated against the outputSchema too"
expect_json "$R" 'msg("no update for that resource") == "0 of 2 notifications matching {\"params\":{\"uri\":\"demo://no-such-resource\"}} within 1 s"' \
    "status_updates: a matcher no update fits fails naming the count and the time"
expect_json "$R" '"after the call was cancelled: the server did not stop within 0.3 s (basic/utilities/cancellation)" in msg("goes on after cancel")' \
    "command_streaming: progress going on after a cancel fails"
expect_json "$R" 'msg("no updates") == "0 of 1 notifications matching {\"method\":\"notifications/resources/updated\"} within 0.5 s"' \
    "status_updates: missing notifications fail naming the matcher and the time"
expect_json "$R" 't["cancelled"]["status"] == "failed" and "no response within the timeout (5 s)" in msg("cancelled")' \
    "a call that never answers fails naming the timeout"

# ---- params checked before the run ------------------------------------------------
cat >"$T/bad.json" <<'JSON'
{ "name": "bad", "tests": [
  { "name": "no endpoint", "plugin": "dev-toolkit", "check": "initialize", "params": {} },
  { "name": "no tool", "plugin": "dev-toolkit", "check": "call",
    "params": { "url": "http://127.0.0.1:1/mcp" } } ] }
JSON
run_wscheck validate "$T/bad.json"
expect_status 2 "a check without endpoint or tool is refused"
expect_match "give the server's url" "$out$err" "the missing endpoint is explained"
expect_match "tool" "$out$err" "the missing tool is named"

finish
