#!/usr/bin/env bash
# wscheck load against an independent server, node's `ws` (peer-ws.js):
# a bounded text conversation meets its thresholds and counts every
# message; a server that closes the connection in the middle of the
# conversation fails every session with the error `closed` and its close
# code, breaching the thresholds.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-ws
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
cat >"$T/echo.json" <<'JSON'
{
  "name": "node echo",
  "vars": {"url": "ws://127.0.0.1:9/"},
  "tests": [
    {"name": "echo", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
       {"send": "hello"}, {"expect_text": "hello"},
       {"send": "again"}, {"expect_text": "again"}]},
     "expect_metrics": {"error_rate": {"$lte": 0}, "messages_per_s": {"$gt": 0}}},
    {"name": "closing", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
       {"send": "wsc:close 4001 bye"}, {"expect_text": "never sent"}]}}
  ]
}
JSON

start_node_peer || { not_ok "node ws peer starts"; finish; exit 1; }
run_wscheck load "$T/echo.json" --test echo --var "url=$PEER_URL" --connections 5 --iterations 25 \
    --json "$T/ok.json" --junit "$T/ok.xml"
expect_status 0 "25 conversations with node ws meet the thresholds (exit 0)"
expect_json "$T/ok.json" 'r["tests"][0]["sessions_ok"] == 25 and r["tests"][0]["sessions_failed"] == 0' \
    "every session succeeded"
expect_json "$T/ok.json" 'r["tests"][0]["messages_sent"] == 50 and r["tests"][0]["messages_received"] == 50' \
    "... two messages each way per session"
expect_json "$T/ok.json" 'r["tests"][0]["bytes_sent"] == 25 * len("helloagain") and r["tests"][0]["bytes_received"] == 25 * len("helloagain")' \
    "... and their payload bytes"
expect_json "$T/ok.json" 'sorted(x["status"] for x in r["tests"][0]["thresholds"]) == ["pass", "pass"]' \
    "expect_metrics on error_rate replaces the default rule, and both pass"
check "the JUnit report is valid on both schemas" validate_junit "$T/ok.xml"

run_wscheck load "$T/echo.json" --test closing --var "url=$PEER_URL" --connections 2 \
    --iterations 6 --threshold 'errors_closed == 0' --json "$T/closed.json"
expect_status 1 "a server that closes every connection breaches the thresholds (exit 1)"
expect_json "$T/closed.json" 'r["tests"][0]["sessions_failed"] == 6 and r["tests"][0]["errors"]["closed"] == 6' \
    "every session failed with the error closed"
expect_json "$T/closed.json" 'r["tests"][0]["close_codes"].get("4001") == 6' \
    "... and the report counts the server's close code"
expect_match "close codes: 4001 x6" "$out" "the summary shows the close codes"
expect_match "first error: " "$out" "... and the first error"
finish
