#!/usr/bin/env bash
# wscheck load over HTTP as a user runs it: http.health, http.request and a
# dev-toolkit call over Streamable HTTP (the TypeScript SDK) from one
# scenario file, bounded by --iterations; the JSON report counts sessions,
# requests and errors by kind, and the thresholds decide the exit status
# (0 when met, 1 on a 500 that breaches the default rule on errors).
# Counts and statuses only: no rate or time is asserted.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-mcp python-websockets

T=$WSC_TMP
start_bg "$T/http.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_http.py"
HTTP_URL=$(wait_for_line "$T/http.log" '^http://127\.0\.0\.1:[0-9]+') &&
    start_bg "$T/mcp.log" "$NODE" "$top_srcdir/tests/integration/peer-mcp.js" http-sse &&
    MCP_URL=$(wait_for_line "$T/mcp.log" '^http://127\.0\.0\.1:[0-9]+/mcp') ||
    { not_ok "the HTTP and MCP peers start"; finish; exit 1; }

cat >"$T/http.json" <<'JSON'
{
  "name": "http under load",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "health", "plugin": "http", "check": "health",
      "params": { "url": "${http}/health", "expect": { "json": { "status": "ok" } } } },
    { "name": "post", "plugin": "http", "check": "request",
      "params": { "url": "${http}/echo", "method": "POST", "json": { "n": 1 },
                  "expect": { "json": { "method": "POST" } } } },
    { "name": "echo tool", "plugin": "dev-toolkit", "check": "call",
      "params": { "url": "${mcp}", "tool": "echo", "arguments": { "text": "under load" },
                  "expect": { "text": "under load" } } },
    { "name": "broken", "plugin": "http", "check": "request",
      "params": { "url": "${http}/status/500" } }
  ]
}
JSON

run_wscheck load "$T/http.json" --test health --test post --test "echo tool" \
    --var "http=$HTTP_URL" --var "mcp=$MCP_URL" --connections 3 --iterations 30 \
    --threshold 'health:response_p99_ms < 600000' --json "$T/ok.json"
expect_status 0 "health, a POST and an MCP call over HTTP meet their thresholds (exit 0)"
[ "$status" = 0 ] || echo "$err" | diag
expect_json "$T/ok.json" 'sum(x["sessions"] for x in r["tests"]) == 30 and all(x["sessions_ok"] == x["sessions"] for x in r["tests"])' \
    "30 sessions in all, every one ok"
expect_json "$T/ok.json" 'all(x["messages_sent"] == x["sessions"] for x in r["tests"][:2])' \
    "... one request per http session"
expect_json "$T/ok.json" 'r["tests"][2]["messages_sent"] == 4 * r["tests"][2]["sessions"]' \
    "... four per MCP session (initialize, initialized, the call, DELETE)"
expect_json "$T/ok.json" 'r["tests"][0]["histograms"]["response_ms"]["count"] == r["tests"][0]["sessions"]' \
    "... response_ms has every http response"
expect_json "$T/ok.json" 'r["tests"][2]["histograms"]["call_ms"]["count"] == r["tests"][2]["sessions"] and r["tests"][2]["histograms"]["handshake_ms"]["count"] == r["tests"][2]["sessions"]' \
    "... handshake_ms and call_ms every MCP session"
expect_json "$T/ok.json" '{x["metric"]: x["status"] for x in r["tests"][0]["thresholds"]}.get("response_p99_ms") == "pass"' \
    "... and a threshold on response_p99_ms is applied"

run_wscheck load "$T/http.json" --test broken --var "http=$HTTP_URL" --var "mcp=$MCP_URL" \
    --connections 2 --iterations 6 --json "$T/broken.json"
expect_status 1 "a 500 on every request breaches the default rule (exit 1)"
expect_json "$T/broken.json" 'r["tests"][0]["errors"]["status"] == 6 and r["tests"][0]["sessions_failed"] == 6' \
    "the report counts 6 status errors"
expect_match "errors: status 6" "$out" "... and the summary shows them by kind"

cat >"$T/discover.json" <<JSON
{ "name": "d", "tests": [ { "name": "discover", "plugin": "http", "check": "discover",
  "params": { "url": "$HTTP_URL" } } ] }
JSON
run_wscheck load "$T/discover.json" --iterations 1
expect_status 2 "http.discover cannot run under load (exit 2)"
expect_match "http.discover.*cannot run under load" "$err" "... and the message names it"

finish
