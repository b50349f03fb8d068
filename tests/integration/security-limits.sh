#!/usr/bin/env bash
# security limits and input_robustness against servers configured here:
# Python websockets (max_size, a connection limit, a rate limit, strict JSON
# handling), node ws (maxPayload) — and servers without those limits, or
# that die on bad input, each flagged with a precise message.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets node-ws

T=$WSC_TMP
PEER=$top_srcdir/tests/integration/peer_hardening.py
# serve NAME CMD...: a server; its URL in $url, its pid in $pid.
serve() {
    local name=$1; shift
    start_bg "$T/$name.log" "$@"
    pid=$last_pid
    url=$(wait_for_line "$T/$name.log" '^wss?://127\.0\.0\.1:[0-9]+') ||
        { not_ok "the $name server starts"; finish; exit 1; }
}
serve hardened "$PYTHON_WS" "$PEER" --max-size 65536 --max-conns 3 --rate 50 --strict-json
HARD=$url
serve node "$NODE" "$top_srcdir/tests/integration/peer-ws.js" --max-payload 65536
NODE_URL=$url
serve strict "$PYTHON_WS" "$PEER" --strict-json
STRICT=$url
serve lax "$PYTHON_WS" "$PEER" --max-size 16777216
LAX=$url
serve weak "$PYTHON_WS" "$PEER" --weak
WEAK=$url
WEAK_PID=$pid

cat >"$T/limits.json" <<'JSON'
{ "name": "limits",
  "defaults": { "timeout": 20 },
  "tests": [
    { "name": "hardened", "plugin": "security", "check": "limits",
      "params": { "url": "${hard}", "oversize_bytes": 100000, "connections": 5, "flood": 200 } },
    { "name": "node maxPayload", "plugin": "security", "check": "limits",
      "params": { "url": "${node}", "oversize_bytes": 100000 } },
    { "name": "no limits", "plugin": "security", "check": "limits",
      "params": { "url": "${lax}", "oversize_bytes": 100000, "connections": 4, "flood": 100,
                  "close_within": 0.5 } },
    { "name": "robust", "plugin": "security", "check": "input_robustness",
      "params": { "url": "${strict}", "huge_bytes": 100000,
                  "templates": [ { "type": "subscribe", "channel": "news" } ],
                  "error": { "type": "error" } } },
    { "name": "node robust", "plugin": "security", "check": "input_robustness",
      "params": { "url": "${node}", "huge_bytes": 100000 } },
    { "name": "weak", "plugin": "security", "check": "input_robustness",
      "params": { "url": "${weak}", "huge_bytes": 1000, "ping_within": 1 } }
  ] }
JSON
run_wscheck run --junit "$T/limits.xml" --json "$T/limits.out" --var "hard=$HARD" --var "strict=$STRICT" \
    --var "node=$NODE_URL" --var "lax=$LAX" --var "weak=$WEAK" "$T/limits.json"
expect_status 1 "the suite (with weak servers) exits 1"
check "its JUnit report is valid" validate_junit "$T/limits.xml"
check "JUnit: each case is a test case" grep -q '<testcase name="hardened / oversize"' "$T/limits.xml"
R=$T/limits.out
c() { echo "{c['name']: (c['status'], c.get('message') or '') for c in t['$1']['cases']}"; }
expect_json "$R" "t['hardened']['status'] == 'passed' and [x['name'] for x in t['hardened']['cases']] == ['oversize', 'connections', 'flood']" \
    "a server with a size, connection and rate limit passes each case"
expect_json "$R" "t['node maxPayload']['status'] == 'passed' and [x['name'] for x in t['node maxPayload']['cases']] == ['oversize']" \
    "node ws with maxPayload closes an oversize message with 1009"
expect_json "$R" "($(c 'no limits'))['oversize'] == ('failed', 'a 100000-byte message got no close (no close within 0.5 s); expected close 1009')" \
    "no size limit: the oversize case fails, named" 
expect_json "$R" "($(c 'no limits'))['connections'] == ('failed', 'all 4 connections were accepted and kept open; expected a refusal within 4 connections from one client')" \
    "no connection limit: the connections case fails, named"
expect_json "$R" "($(c 'no limits'))['flood'][0] == 'failed' and ($(c 'no limits'))['flood'][1].startswith('100 messages were not rate-limited') and ($(c 'no limits'))['flood'][1].endswith('expected close 1008/1013')" \
    "no rate limit: the flood case fails, named"
expect_json "$R" "t['robust']['status'] == 'passed' and [x['name'] for x in t['robust']['cases']] == ['malformed_json', 'invalid_utf8', 'deep_nesting', 'huge_string', 'wrong_type:0/type', 'wrong_type:0/channel']" \
    "a strict server answers every hostile input with an error or a close"
expect_json "$R" "t['node robust']['status'] == 'passed'" \
    "node ws (echo, 1007 on invalid UTF-8, 1009 above maxPayload) passes"
expect_json "$R" "($(c 'weak'))['malformed_json'][0] == 'failed' and ($(c 'weak'))['malformed_json'][1].startswith('malformed_json: the connection dropped without a close frame') and 'a fresh connection failed afterwards' in ($(c 'weak'))['malformed_json'][1]" \
    "a server that dies on malformed JSON fails, and is seen down afterwards"
check "the weak server really died" sh -c "! kill -0 $WEAK_PID 2>/dev/null"

finish
