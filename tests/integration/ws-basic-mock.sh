#!/bin/sh
# ws-basic against wscheck-mock: the example suites scenarios/mock-server.json
# (every message type of the mock's protocol) and scenarios/ws-basic.json,
# and the failure messages a user sees.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
. "$top_srcdir/tests/integration/ws-basic-common.sh"

if ! start_mock; then
    not_ok "wscheck-mock started"
    finish
    exit 1
fi

# ---- scenarios/mock-server.json, port from ${env:MOCK_PORT} ----------------------
cp "$top_srcdir/scenarios/mock-server.json" "$WSC_TMP/mock-server.json"
run_scenario mock-server
expect_reports mock-server 0 "scenarios/mock-server.json with MOCK_PORT"
report_true mock-server "len(t) == 18 and all(x['status'] == 'passed' for x in t.values())" \
    "mock-server.json: all 18 tests passed"
report_true mock-server "all(set(x) == {'name', 'value', 'unit'} for n in t for x in t[n].get('metrics') or [])" \
    "metrics are {name, value, unit}"
report_true mock-server "o('welcome')['captured']['client_id'] == o('welcome')['last']['client_id']" \
    "the welcome's client id captured"
report_true mock-server "o('broadcast between two clients')['captured_on'] == {'alice_id': 'alice', 'bob_id': 'bob'} and o('broadcast between two clients')['captured']['alice_id'] != o('broadcast between two clients')['captured']['bob_id']" \
    "broadcast between two clients: each client's id captured on its connection"
report_true mock-server "o('broadcast between two clients')['connections'] == {'alice': {'sent': 1, 'received': 3, 'ignored': 0}, 'bob': {'sent': 1, 'received': 3, 'ignored': 0}}" \
    "broadcast between two clients: what each connection sent and received"

# ---- scenarios/ws-basic.json, port from --var ----------------------------------------
cp "$top_srcdir/scenarios/ws-basic.json" "$WSC_TMP/ws-basic.json"
MOCK_PORT_GIVEN=$MOCK_PORT
unset MOCK_PORT
run_scenario ws-basic --var "port=$MOCK_PORT_GIVEN"
expect_reports ws-basic 0 "scenarios/ws-basic.json with --var port"
report_true ws-basic "[x['status'] for x in t.values()].count('passed') == 7 and t['refused without credentials']['status'] == 'skipped'" \
    "ws-basic.json: 7 passed, the credentials example skipped"
report_true ws-basic "t['an unknown subprotocol is refused']['status'] == 'passed' and o('an unknown subprotocol is refused')['status'] == 400" \
    "reject against the mock: an unknown subprotocol gets 400"
report_true ws-basic "'handshake_ms' in m('handshake') and o('handshake')['status'] == 101" \
    "handshake against the mock: metric and outputs"

# ---- failures against the mock ---------------------------------------------------------
cat >"$WSC_TMP/mock-fail.json" <<'EOF'
{
  "name": "mock failures",
  "defaults": {"timeout": 3},
  "tests": [
    {"name": "welcome comes first", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"type": "ping"}},
        {"expect": {"type": "pong"}}
     ]}},
    {"name": "skip the welcome", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"send": {"type": "ping"}},
        {"expect": {"type": "pong"}, "skip_until": true}
     ]}},
    {"name": "capture of a missing member", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"expect": {"type": "welcome"}},
        {"capture": {"session": "/session/id"}}
     ]}},
    {"name": "delay longer than within", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"expect": {"type": "welcome"}},
        {"send": {"type": "simulate_delay", "delay_seconds": 1}},
        {"expect": {"type": "delay_completed"}, "within": 0.2}
     ]}},
    {"name": "captured client id in later steps", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${url}", "steps": [
        {"expect": {"type": "welcome"}, "capture": {"cid": "/client_id"}},
        {"send": {"type": "echo", "who": "${cid}"}},
        {"expect": {"original_message": {"who": "${cid}"}}}
     ]}}
  ]
}
EOF
run_scenario mock-fail --var "url=$MOCK_URL"
expect_reports mock-fail 1 "mock failures"
expect_test mock-fail "welcome comes first" failed \
    '^step 1 \(expect\): /type: expected "pong", got "welcome" — received \{"type": ?"welcome", ?"client_id": ?"[0-9a-f]{8}",'
expect_test mock-fail "skip the welcome" passed ""
expect_test mock-fail "capture of a missing member" failed \
    '^step 1 \(capture\): capture session: nothing at /session/id in \{"type":"welcome",'
expect_test mock-fail "delay longer than within" failed '^step 2 \(expect\): no message within 0\.200 s$'
expect_test mock-fail "captured client id in later steps" passed ""
stop_pid "$MOCK_PID"
finish
