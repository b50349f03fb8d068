#!/bin/sh
# ws-basic against an independent server: Python `websockets`.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets
. "$top_srcdir/tests/integration/ws-basic-common.sh"

start_py_peer --protocols chat,superchat
ECHO=$PEER_URL
start_py_peer --reject-status 403
REFUSING=$PEER_URL
start_py_peer --close-after 0.3 --close-code 1001 --close-reason "going away"
DROPPING=$PEER_URL

cat >"$WSC_TMP/py.json" <<'EOF'
{
  "name": "python websockets",
  "defaults": {"timeout": 5},
  "tests": [
    {"name": "handshake", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${echo}", "subprotocols": ["superchat"], "expect": {"subprotocol": "superchat",
                           "headers": {"Connection": {"$regex": "^[Uu]pgrade$"}}}}},
    {"name": "connect and close", "plugin": "ws-basic", "check": "connect_close",
     "params": {"url": "${echo}", "count": 3}},
    {"name": "conversation", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${echo}", "steps": [
        {"send": {"id": 7, "ok": true, "nested": {"list": [1, 2.5, null]}}},
        {"expect": {"id": 7, "ok": true, "nested": {"list": [1, 2.5, null]}},
         "capture": {"id": "/id"}},
        {"send": "id=${id}"},
        {"expect_text": "id=7"},
        {"send": "wsc:big 5000"},
        {"expect_text": {"$len": 5000}},
        {"send": "wsc:fragments 3 one two three"},
        {"expect_text": "one two three"},
        {"send": "wsc:binary 20"},
        {"expect_binary": {"base64": "AAECAwQFBgcICQoLDA0ODxAREhM="}},
        {"ping": "py"},
        {"expect_pong": "py"},
        {"sleep": 0.05},
        {"send": "wsc:close 4003 policy"},
        {"expect_close": {"code": {"$gte": 4000}, "reason": "policy"}}
     ]}},
    {"name": "pong payload mismatch", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${echo}", "steps": [
        {"ping": "one"},
        {"expect_pong": "two", "within": 1}
     ]}},
    {"name": "message too large", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${echo}", "max_message_size": 1000, "steps": [
        {"send": "wsc:big 2000"},
        {"expect_text": {"$len": 2000}}
     ]}},
    {"name": "client close", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${echo}", "steps": [
        {"close": {"code": 1000, "reason": "bye"}},
        {"expect_close": {"code": 1000}}
     ]}},
    {"name": "refused", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${refusing}", "expect": {"status": 403}}},
    {"name": "recovers", "plugin": "ws-basic", "check": "reconnect", "timeout": 10,
     "params": {"url": "${dropping}", "recover_within": 5}}
  ]
}
EOF
run_scenario py --var "echo=$ECHO" --var "refusing=$REFUSING" --var "dropping=$DROPPING"
expect_reports py 1 "websockets scenario"
expect_test py "handshake" passed ""
report_true py "o('handshake')['subprotocol'] == 'superchat'" "handshake: subprotocol in the outputs"
expect_test py "connect and close" passed ""
report_true py "sorted(m('connect and close')) == ['handshake_max_ms', 'handshake_min_ms', 'handshake_p50_ms']" \
    "connect_close: handshake_min/p50/max metrics"
expect_test py "conversation" passed ""
report_true py "o('conversation')['captured'] == {'id': 7}" "conversation: a number captured and used in a later step"
expect_test py "pong payload mismatch" failed '^step 1 \(expect_pong\): expected pong "two", received pong "one"$'
expect_test py "message too large" failed '^step 1 \(expect_text\): message larger than max_message_size 1000$'
expect_test py "client close" passed ""
expect_test py "refused" passed ""
expect_test py "recovers" passed ""
report_true py "o('recovers')['drop'] == 'server' and o('recovers')['drop_close_code'] == 1001 and 'recovery_ms' in m('recovers')" \
    "reconnect: the server's 1001 and recovery_ms"
finish
