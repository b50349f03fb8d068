#!/bin/sh
# ws-basic conversations on several connections, with ignored messages,
# expect_none with a matcher and the $json matcher, against Python
# `websockets` (a peer that relays broadcasts and sends a heartbeat before
# every reply); the mistakes `wscheck validate` catches in them.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets
. "$top_srcdir/tests/integration/ws-basic-common.sh"

start_py_peer --welcome '{"type":"welcome"}' --heartbeat '{"type":"heartbeat"}'
HB=$PEER_URL
start_py_peer
PLAIN=$PEER_URL
start_py_peer --reject-status 403
REFUSING=$PEER_URL

cat >"$WSC_TMP/conv.json" <<'EOF'
{
  "name": "conversations",
  "defaults": {"timeout": 5},
  "tests": [
    {"name": "fan-out", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${hb}", "connections": {"alice": {}, "bob": {}},
       "ignore": [{"type": "heartbeat"}],
       "steps": [
        {"conn": "alice", "expect": {"type": "welcome"}},
        {"conn": "bob", "expect": {"type": "welcome"}},
        {"conn": "alice", "send": "wsc:broadcast {\"type\":\"news\",\"n\":7}"},
        {"conn": "alice", "expect_text": "wsc:sent 1"},
        {"conn": "bob", "expect": {"type": "news"}, "capture": {"n": "/n"}},
        {"conn": "bob", "send": {"type": "reply", "n": "${n}"}},
        {"conn": "bob", "expect": {"type": "reply", "n": 7}},
        {"conn": "alice", "expect_none": true, "within": 0.3}
     ]}},
    {"name": "late joiner and reconnect", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "connections": {"alice": {}, "carol": {}},
       "steps": [
        {"conn": "alice", "send": "wsc:broadcast early"},
        {"conn": "alice", "expect_text": "wsc:sent 0"},
        {"conn": "carol", "connect": true},
        {"conn": "alice", "send": "wsc:broadcast late"},
        {"conn": "alice", "expect_text": "wsc:sent 1"},
        {"conn": "carol", "expect_text": "late"},
        {"conn": "carol", "close": true},
        {"conn": "alice", "send": "wsc:broadcast gone"},
        {"conn": "alice", "expect_text": "wsc:sent 0"},
        {"conn": "carol", "connect": true},
        {"conn": "carol", "send": "back"},
        {"conn": "carol", "expect_text": "back"}
     ]}},
    {"name": "heartbeat not ignored", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${hb}", "steps": [
        {"expect": {"type": "welcome"}},
        {"send": {"type": "ping"}},
        {"expect": {"type": "ping"}}
     ]}},
    {"name": "heartbeat ignored by the step", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${hb}", "steps": [
        {"expect": {"type": "welcome"}},
        {"send": {"type": "ping"}},
        {"expect": {"type": "ping"}, "ignore": [{"type": "heartbeat"}]}
     ]}},
    {"name": "no error: others pass and are kept", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "steps": [
        {"send": {"type": "progress", "pct": 50}},
        {"expect_none": {"type": "error"}, "within": 0.3},
        {"expect": {"type": "progress", "pct": 50}}
     ]}},
    {"name": "no error: an error fails", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "connections": {"default": {}, "bob": {}}, "steps": [
        {"conn": "bob", "send": {"type": "progress"}},
        {"conn": "bob", "send": {"type": "error", "why": "boom"}},
        {"conn": "bob", "expect_none": {"type": "error"}, "within": 2}
     ]}},
    {"name": "no error: a kept error fails", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "steps": [
        {"send": {"type": "error"}},
        {"expect_none": {"type": "fatal"}, "within": 1},
        {"sleep": 0},
        {"expect_none": {"type": "error"}, "within": 0.3}
     ]}},
    {"name": "nothing at all, heartbeats aside", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${hb}", "ignore": [{"type": "heartbeat"}], "steps": [
        {"expect": {"type": "welcome"}},
        {"send": "wsc:broadcast nobody"},
        {"expect_text": "wsc:sent 0"},
        {"expect_none": true, "within": 0.3}
     ]}},
    {"name": "the connection is named", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "connections": {"alice": {}, "bob": {}}, "steps": [
        {"conn": "alice", "send": {"type": "hello"}},
        {"conn": "bob", "expect": {"type": "hello"}, "within": 0.3}
     ]}},
    {"name": "a refused connection is named", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "connections": {"alice": {}, "bob": {"url": "${refusing}"}},
       "steps": [{"conn": "alice", "send": "x"}]}},
    {"name": "connect on an open connection", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "connections": {"alice": {}}, "steps": [
        {"conn": "alice", "send": "x"},
        {"conn": "alice", "connect": true}
     ]}},
    {"name": "json in a string", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${plain}", "steps": [
        {"send": {"content": [{"type": "text", "text": "{\"status\": \"sent\", \"n\": 2}"}]}},
        {"expect": {"content": [{"text": {"$json": {"status": "sent", "n": {"$gt": 1}}}}]}},
        {"send": {"content": [{"type": "text", "text": "{\"status\": \"no_clients\"}"}]}},
        {"expect": {"content": [{"text": {"$json": {"status": "sent"}}}]}}
     ]}}
  ]
}
EOF
run_scenario conv --var "hb=$HB" --var "plain=$PLAIN" --var "refusing=$REFUSING"
expect_reports conv 1 "conversations scenario"

expect_test conv "fan-out" passed ""
report_true conv "o('fan-out')['captured'] == {'n': 7} and o('fan-out')['captured_on'] == {'n': 'bob'}" \
    "fan-out: the capture says which connection it came from"
report_true conv "o('fan-out')['connections']['alice']['sent'] == 1 and o('fan-out')['connections']['bob']['sent'] == 1 and 'default' not in o('fan-out')['connections']" \
    "fan-out: sent per connection; the unused default connection never opened"
report_true conv "o('fan-out')['ignored'] == 2 and o('fan-out')['connections']['alice']['ignored'] == 1 and o('fan-out')['connections']['bob']['ignored'] == 1" \
    "fan-out: the heartbeats before the replies ignored and counted"
report_true conv "'handshake_ms.alice' in m('fan-out') and 'handshake_ms.bob' in m('fan-out') and 'handshake_ms' not in m('fan-out')" \
    "fan-out: a handshake metric per connection"
expect_test conv "late joiner and reconnect" passed ""
expect_test conv "heartbeat not ignored" failed \
    '^step 2 \(expect\): /type: expected "ping", got "heartbeat" — received \{"type":"heartbeat"\}$'
expect_test conv "heartbeat ignored by the step" passed ""
report_true conv "o('heartbeat ignored by the step')['ignored'] == 1" "a step's ignore counts what it dropped"
expect_test conv "no error: others pass and are kept" passed ""
expect_test conv "no error: an error fails" failed \
    '^step 2 \(expect_none\) bob: expected no matching message for 2\.000 s, received \{"type":"error","why":"boom"\} after [0-9.]+ s$'
expect_test conv "no error: a kept error fails" failed \
    '^step 3 \(expect_none\): expected no matching message for 0\.300 s, one had already arrived: \{"type":"error"\}$'
expect_test conv "nothing at all, heartbeats aside" passed ""
expect_test conv "the connection is named" failed '^step 1 \(expect\) bob: no message within 0\.300 s$'
report_true conv "[e['data'] for e in trace('the connection is named') if e['dir'] == 'info' and e['kind'] == 'conn'] == ['alice', 'bob'] * 3" \
    "the trace says whose frames follow (opening, the two steps, closing)"
report_true conv "[e.get('data') if e['kind'] == 'conn' else e['dir'] for e in trace('the connection is named') if e['kind'] in ('conn', 'text')] == ['alice', 'bob', 'alice', 'send', 'bob', 'alice', 'recv', 'bob']" \
    "the trace: alice's send and the echo she drains while closing come after her marker"
report_true conv "o('the connection is named')['connections']['bob'] == {'sent': 0, 'received': 0, 'ignored': 0}" \
    "outputs per connection of a failed conversation"
expect_test conv "a refused connection is named" failed '^bob: connect: .*403'
expect_test conv "connect on an open connection" failed \
    '^step 1 \(connect\) alice: already connected \(close it first\)$'
expect_test conv "json in a string" failed \
    '^step 3 \(expect\): /content/0/text/\$json/status: expected "sent", got "no_clients" — received '

# ---- console: the failure names the connection --------------------------------------
check "console names the connection" \
    sh -c 'printf "%s\n" "$1" | grep -q "step 1 (expect) bob: no message within 0.300 s"' _ "$out"

# ---- mistakes caught before anything runs ------------------------------------------------
cat >"$WSC_TMP/bad.json" <<'EOF'
{
  "name": "bad conversations",
  "tests": [
    {"name": "c", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://127.0.0.1:1", "connections": {"alice": {}, "bob": {}},
       "steps": [
        {"conn": "alice", "send": "x"},
        {"conn": "bbo", "expect": {}},
        {"conn": "zed", "expect": {}},
        {"cnn": "bob", "expect": {}},
        {"conn": "bob", "expect_none": {"type": {"$gt": "x"}}},
        {"conn": "bob", "expect": {}, "ignore": {"type": "hb"}}
     ]}},
    {"name": "d", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://127.0.0.1:1", "connections": {"alice": {}, "alice": {"url": "ws://127.0.0.1:2"}},
       "ignore": [{"$len": -1}],
       "steps": [{"conn": "bob", "send": "x"}]}},
    {"name": "e", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://127.0.0.1:1", "connections": {"alice": {"urll": "ws://x"}},
       "steps": []}}
  ]
}
EOF
run_wscheck validate "$WSC_TMP/bad.json"
expect_status 2 "validate: mistakes in conversations exit 2"
B=$WSC_TMP/bad.json
for want in \
    "$B:8:18: test 'c': params.steps[1].conn: unknown connection 'bbo' (did you mean 'bob'?)" \
    "$B:9:18: test 'c': params.steps[2].conn: unknown connection 'zed' (known: default, alice, bob)" \
    "$B:10:17: test 'c': params.steps[3].cnn: unknown step action 'cnn' (did you mean 'conn'?)" \
    "$B:11:40: test 'c': params.steps[4].expect_none: /type: \$gt needs a number, got \"x\"" \
    "$B:12:49: test 'c': params.steps[5].ignore: expected an array of matchers, got {\"type\":\"hb\"}" \
    "$B:15:73: duplicate key 'alice' (only the last would count)" \
    "$B:16:19: test 'd': params.ignore[0]: /: \$len needs a non-negative integer, got -1" \
    "$B:17:27: test 'd': params.steps[0].conn: unknown connection 'bob' (known: default, alice)" \
    "$B:19:70: test 'e': params.connections.alice: unknown key 'urll' (did you mean 'url'?)"
do
    check "validate: $(printf '%s' "$want" | sed 's/^[^ ]* //')" \
        sh -c 'printf "%s\n" "$1" | grep -qxF -- "$2"' _ "$err" "$want"
done
finish
