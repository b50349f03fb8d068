#!/bin/sh
# ws-basic against an independent server: node `ws` (subprotocol selection,
# custom close codes, fragments, binary, refusals, server-side drops).
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-ws
. "$top_srcdir/tests/integration/ws-basic-common.sh"

if ! node_ws_available; then
    echo "1..0 # SKIP node or its ws package is not installed"
    exit 0
fi

# ---- handshake, connect_close, conversation ----------------------------------
start_node_peer --protocols chat,superchat
cat >"$WSC_TMP/node.json" <<'EOF'
{
  "name": "node ws",
  "defaults": {"timeout": 5},
  "tests": [
    {"name": "subprotocol selected", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${url}", "subprotocols": ["mqtt", "superchat", "chat"],
                "expect": {"subprotocol": "superchat",
                           "headers": {"Upgrade": {"$regex": "^[Ww]eb[Ss]ocket$"},
                                       "sec-websocket-protocol": "superchat"}}}},
    {"name": "no subprotocol", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${url}", "expect": {"subprotocol": null}}},
    {"name": "other subprotocol", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${url}", "subprotocols": ["chat"], "expect": {"subprotocol": "superchat"}}},
    {"name": "header mismatch", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${url}", "expect": {"headers": {"X-Served-By": {"$exists": true}}}}},
    {"name": "status mismatch", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${url}", "expect": {"status": 403}}},
    {"name": "connect and close", "plugin": "ws-basic", "check": "connect_close",
     "params": {"url": "${url}", "count": 5}},
    {"name": "conversation", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"type": "hello", "n": 1, "tags": ["a", "b"]}},
        {"expect": {"type": "hello", "n": {"$gte": 1}, "tags": {"$len": 2}},
         "capture": {"greeting": "/type"}},
        {"send": "plain ${greeting}"},
        {"expect_text": "plain hello", "within": 2},
        {"send_binary": "AAEC/w=="},
        {"expect_binary": {"base64": "AAEC/w=="}},
        {"send": "wsc:binary 300"},
        {"expect_binary": {"len": 300}},
        {"send": "wsc:fragments 4 reassembled from four fragments"},
        {"expect_text": {"$regex": "^reassembled .* fragments$"}},
        {"ping": "p-1"},
        {"expect_pong": "p-1", "within": 2},
        {"expect_none": true, "within": 0.2},
        {"send": {"type": "last"}},
        {"expect": {"type": "last"}},
        {"capture": {"last_type": "/type"}}
     ]}},
    {"name": "captured values in a later test", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"was": "${greeting}", "then": "${last_type}"}},
        {"expect": {"was": "hello", "then": "last"}}
     ]}},
    {"name": "mismatch names the step", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"type": "ping"}},
        {"expect": {"type": "pong"}}
     ]}},
    {"name": "skip_until", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"seq": 1}}, {"send": {"seq": 2}}, {"send": {"seq": 3}},
        {"expect": {"seq": 3}, "skip_until": true},
        {"expect_none": true, "within": 0.2}
     ]}},
    {"name": "skip_until gives up", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"seq": 1}}, {"send": {"seq": 2}},
        {"expect": {"seq": 9}, "skip_until": true, "within": 0.5}
     ]}},
    {"name": "something arrives", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "unexpected"},
        {"expect_none": true, "within": 1}
     ]}},
    {"name": "not JSON", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "hello there"},
        {"expect": {"type": "greeting"}}
     ]}},
    {"name": "binary where text is expected", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send_binary": "AAE="},
        {"expect_text": "AAE="}
     ]}},
    {"name": "server closes with a custom code", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "wsc:close 4001 custom bye"},
        {"expect_close": {"code": 4001, "reason": {"$regex": "^custom"}}}
     ]}},
    {"name": "close code mismatch", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "wsc:close 4002 other"},
        {"expect_close": {"code": 4001}}
     ]}},
    {"name": "client closes with a custom code", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"close": {"code": 4000, "reason": "done"}},
        {"expect_close": {"code": 4000, "reason": "done"}}
     ]}},
    {"name": "send after close", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "wsc:close 1000"},
        {"expect_close": {"code": 1000}},
        {"send": "too late"}
     ]}},
    {"name": "bad steps", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": "x"},
        {"expect": {"type": "x"}, "within": "${bad_within}"}
     ]}}
  ]
}
EOF
run_scenario node --var "url=$PEER_URL" --var bad_within=-1
expect_reports node 1 "node scenario"
expect_test node "subprotocol selected" passed ""
report_true node "o('subprotocol selected')['subprotocol'] == 'superchat' and o('subprotocol selected')['status'] == 101 and o('subprotocol selected')['headers']['sec-websocket-protocol'] == 'superchat'" \
    "handshake outputs status, headers and subprotocol"
report_true node "units('subprotocol selected') == {'handshake_ms': 'ms'} and m('subprotocol selected')['handshake_ms'] > 0" \
    "handshake metric handshake_ms"
report_true node "o('subprotocol selected')['close_code'] == 1000" "handshake closed cleanly with 1000"
expect_test node "no subprotocol" passed ""
report_true node "o('no subprotocol')['subprotocol'] is None" "no subprotocol: output null"
expect_test node "other subprotocol" failed '^/subprotocol: expected "superchat", got "chat"$'
expect_test node "header mismatch" failed '^/headers/x-served-by: missing'
expect_test node "status mismatch" failed '^/status: expected 403, got 101$'
expect_test node "connect and close" passed ""
report_true node "o('connect and close')['connections'] == 5 and 0 < m('connect and close')['handshake_min_ms'] <= m('connect and close')['handshake_p50_ms'] <= m('connect and close')['handshake_max_ms']" \
    "connect_close: 5 connections, handshake min <= p50 <= max"
expect_test node "conversation" passed ""
report_true node "o('conversation')['captured'] == {'greeting': 'hello', 'last_type': 'last'} and o('conversation')['sent'] == 6 and o('conversation')['received'] == 6" \
    "conversation: captures and counts in the outputs"
report_true node "all(k in m('conversation') for k in ('rtt_ms.1', 'rtt_ms.3', 'rtt_ms.11', 'rtt_min_ms', 'rtt_p50_ms', 'rtt_max_ms')) and m('conversation')['rtt_min_ms'] <= m('conversation')['rtt_max_ms']" \
    "conversation: round-trip metrics per step and aggregated"
expect_test node "captured values in a later test" passed ""
expect_test node "mismatch names the step" failed \
    '^step 1 \(expect\): /type: expected "pong", got "ping" — received \{"type":"ping"\}$'
report_true node "[(e['dir'], e['kind']) for e in trace('mismatch names the step') if e['kind'] == 'text'] == [('send', 'text'), ('recv', 'text')]" \
    "a failed conversation has the frame trace in the JSON report"
"$PYTHON_WS" - "$WSC_TMP/node.xml" >"$WSC_TMP/junit.out" 2>&1 <<'EOF'
import sys
import xml.etree.ElementTree as ET
cases = {c.get("name"): c for c in ET.parse(sys.argv[1]).iter("testcase")}
case = cases["mismatch names the step"]
failure = case.find("failure")
assert case.get("classname") == "node ws.ws-basic", case.get("classname")
assert failure is not None and failure.get("message").startswith(
    'step 1 (expect): /type: expected "pong", got "ping"'), failure
assert cases["conversation"].find("failure") is None
assert cases["bad steps"].find("error") is not None
EOF
if [ $? -eq 0 ]; then ok "JUnit: the failure message, a passed case, an error case"
else not_ok "JUnit: the failure message, a passed case, an error case"; diag <"$WSC_TMP/junit.out"; fi
expect_test node "skip_until" passed ""
expect_test node "skip_until gives up" failed \
    '^step 2 \(expect\): no matching message within 0\.500 s; 2 skipped, the last: /seq: expected 9, got 2 — received \{"seq":2\}$'
expect_test node "something arrives" failed \
    '^step 1 \(expect_none\): expected no message for 1\.000 s, received unexpected after [0-9.]+ s$'
expect_test node "not JSON" failed '^step 1 \(expect\): not JSON \([^)]+\) — received hello there$'
expect_test node "binary where text is expected" failed \
    '^step 1 \(expect_text\): expected a text message, got a binary message — received binary, 2 bytes: 00 01$'
expect_test node "server closes with a custom code" passed ""
expect_test node "close code mismatch" failed '^step 1 \(expect_close\): close code: expected 4001, got 4002 \(reason "other"\)$'
expect_test node "client closes with a custom code" passed ""
expect_test node "send after close" failed '^step 2 \(send\): the connection is closed'
# A value that comes from a variable is checked when its step runs...
expect_test node "bad steps" error '^step 1 \(expect\): within: expected a number >= 0, got -1$'
# ...one written in the file before anything runs, at its place.
sed 's/"within": "${bad_within}"/"within": -1/' "$WSC_TMP/node.json" >"$WSC_TMP/literal.json"
run_wscheck validate --var "url=$PEER_URL" "$WSC_TMP/literal.json"
expect_status 2 "invalid steps: rejected before anything runs"
expect_match "literal\.json:[0-9]+:[0-9]+: test 'bad steps': params\.steps\[1\]\.within: expected a number >= 0, got -1" \
    "$err" "invalid steps: the step's place is named"
stop_pid "$PEER_PID"

# ---- reject ---------------------------------------------------------------------------
start_node_peer --reject-status 403
REFUSING=$PEER_URL
start_node_peer --require-header "authorization:Bearer s3cret-token"
GUARDED=$PEER_URL
cat >"$WSC_TMP/reject.json" <<'EOF'
{
  "name": "node ws refusals",
  "defaults": {"timeout": 5},
  "tests": [
    {"name": "refused with 403", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${refusing}", "expect": {"status": 403}}},
    {"name": "refused, any 4xx", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${refusing}", "expect": {"status": {"$gte": 400, "$lt": 500}}}},
    {"name": "refused with another status", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${refusing}", "expect": {"status": [401, 407]}}},
    {"name": "refused, not a 5xx", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${refusing}", "expect": {"status": {"$gte": 500}}}},
    {"name": "missing credentials", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${guarded}", "expect": {"status": 401}}},
    {"name": "credentials accepted", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${guarded}", "headers": {"Authorization": "Bearer s3cret-token"}}},
    {"name": "credentials wrongly accepted", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${guarded}", "headers": {"Authorization": "Bearer s3cret-token"}}},
    {"name": "handshake refused", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${refusing}"}},
    {"name": "expected refusal in handshake", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${refusing}", "expect": {"status": 403}}}
  ]
}
EOF
run_scenario reject --var "refusing=$REFUSING" --var "guarded=$GUARDED"
expect_reports reject 1 "reject scenario"
expect_test reject "refused with 403" passed ""
report_true reject "o('refused with 403')['status'] == 403" "reject: the refusal's status in the outputs"
expect_test reject "refused, any 4xx" passed ""
expect_test reject "refused with another status" failed '^/status: expected one of \[401,407\], got 403$'
expect_test reject "refused, not a 5xx" failed '^/status: expected >= 500, got 403$'
expect_test reject "missing credentials" passed ""
expect_test reject "credentials accepted" passed ""
expect_test reject "credentials wrongly accepted" failed '^/status: expected >= 400, got 101$'
expect_test reject "handshake refused" failed '^/status: expected 101, got 403'
expect_test reject "expected refusal in handshake" passed ""
if [ -s "$WSC_TMP/reject.report.json" ] && [ -s "$WSC_TMP/reject.xml" ] &&
    ! grep -q 's3cret-token' "$WSC_TMP/reject.report.json" "$WSC_TMP/reject.xml"; then
    ok "the Authorization value is redacted from both reports"
else
    not_ok "the Authorization value is redacted from both reports"
fi

# ---- reconnect: the server drops every connection ---------------------------------------
start_node_peer --close-after 0.3 --close-code 4010 --close-reason "maintenance"
cat >"$WSC_TMP/drop.json" <<'EOF'
{
  "name": "node ws drops",
  "defaults": {"timeout": 6},
  "tests": [
    {"name": "recovers after the server closes", "plugin": "ws-basic", "check": "reconnect",
     "params": {"url": "${url}", "recover_within": 3}},
    {"name": "closes first", "plugin": "ws-basic", "check": "reconnect",
     "params": {"url": "${url}", "drop_after": 0.05, "recover_within": 3}},
    {"name": "conversation cut by the server", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [{"expect": {"type": "never"}, "within": 3}]}}
  ]
}
EOF
run_scenario drop --var "url=$PEER_URL"
expect_reports drop 1 "drop scenario"
expect_test drop "recovers after the server closes" passed ""
report_true drop "o('recovers after the server closes') == {'drop': 'server', 'drop_close_code': 4010, 'attempts': 1} and m('recovers after the server closes')['recovery_ms'] >= 0" \
    "reconnect: drop by the server with its code, recovery_ms"
expect_test drop "closes first" passed ""
report_true drop "o('closes first')['drop'] == 'client'" "reconnect: drop_after closes from the client"
expect_test drop "conversation cut by the server" failed \
    '^step 0 \(expect\): the peer closed the connection \(close 4010 "maintenance"\)$'
finish
