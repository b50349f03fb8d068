#!/usr/bin/env bash
# ping-pong plugin against independent servers: node `ws` and Python
# `websockets`, including lost pongs, missing server pings and a server that
# closes the connection.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-ws python-websockets
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
start_node_peer --ping-interval 0.2 --welcome '{"type":"welcome"}' ||
    { not_ok "node ws peer starts"; finish; exit 1; }
NODE_URL=$PEER_URL
start_node_peer --no-pong || { not_ok "node ws peer without pongs starts"; finish; exit 1; }
MUTE_URL=$PEER_URL
start_node_peer --close-after 0.4 --close-code 4000 --close-reason "maintenance" ||
    { not_ok "node ws peer that closes starts"; finish; exit 1; }
CLOSING_URL=$PEER_URL
start_py_peer --ping-interval 0.2 || { not_ok "python websockets peer starts"; finish; exit 1; }
PY_URL=$PEER_URL

cat >"$T/peers.json" <<'JSON'
{
  "name": "ping-pong against peers",
  "defaults": { "timeout": 6 },
  "tests": [
    { "name": "node control", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${node}", "count": 10, "payload": "hello" } },
    { "name": "node control with interval", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${node}", "count": 3, "interval": 0.1 } },
    { "name": "node app echo", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${node}", "request": { "type": "ping", "id": 7 },
                  "reply": { "type": "ping", "id": { "$gt": 6 } }, "count": 4 } },
    { "name": "node app text", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${node}", "request": "PING", "reply": "PING", "count": 2 } },
    { "name": "node keepalive", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${node}", "duration": 1, "server_ping_within": 0.8 } },
    { "name": "python control", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${python}", "count": 10 } },
    { "name": "python app echo", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${python}", "request": { "type": "ping" },
                  "reply": { "type": "ping" }, "count": 3 } },
    { "name": "python keepalive", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${python}", "duration": 1, "server_ping_within": 0.8 } },
    { "name": "pongs lost", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${mute}", "count": 3, "within": 0.3 } },
    { "name": "replies lost", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${node}", "count": 2, "within": 0.3 } },
    { "name": "no server pings", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${mute}", "duration": 1, "server_ping_within": 0.5 } },
    { "name": "keepalive without server pings required", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${mute}", "duration": 0.3, "within": 1 } },
    { "name": "server closes", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${closing}", "duration": 2 } },
    { "name": "server closes during pings", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${closing}", "count": 20, "interval": 0.1 } },
    { "name": "duration too long", "plugin": "ping-pong", "check": "keepalive",
      "params": { "url": "${node}", "duration": 60 } }
  ]
}
JSON
run_wscheck run --junit "$T/peers.xml" --json "$T/peers.out.json" --var "node=$NODE_URL" \
    --var "python=$PY_URL" --var "mute=$MUTE_URL" --var "closing=$CLOSING_URL" "$T/peers.json"
expect_status 1 "the suite with failing tests exits 1"
check "its JUnit report is valid against both schemas" validate_junit "$T/peers.xml"
stderr_clean "no sanitizer report or crash on stderr"
R=$T/peers.out.json

for name in "node control" "node control with interval" "node app echo" "node app text" \
            "python control" "python app echo"; do
    report_status "$R" "$name" passed
    report_rtt_metrics "$R" "$name"
done
expect_json "$R" "o('node control')['sent'] == 10 and o('node control')['received'] == 10" \
    "control outputs sent and received"
expect_json "$R" "set(o('node control')['rtt_ms']) == {'min','p50','p90','p99','max','mean'}" \
    "control outputs the RTT summary"
expect_json "$R" "o('node app echo')['skipped'] >= 1" "app skips the welcome message"
expect_json "$R" "'handshake_ms' in m('python control')" "the handshake time is a metric"
report_status "$R" "node keepalive" passed
expect_json "$R" "m('node keepalive')['server_pings'] >= 3 and m('node keepalive')['max_ping_gap_ms'] < 800" \
    "node keepalive saw the server's pings"
expect_json "$R" "m('node keepalive')['connected_ms'] >= 1000" \
    "keepalive reports how long it stayed connected, in ms"
report_status "$R" "python keepalive" passed
expect_json "$R" "m('python keepalive')['server_pings'] >= 3" \
    "python keepalive answered the server's pings (websockets drops a silent client)"

report_status "$R" "pongs lost" failed
report_message "$R" "pongs lost" '^3 of 3 pongs lost: none within 0\.300 s for ping 1, 2, 3$'
expect_json "$R" "m('pongs lost')['lost'] == 3 and 'rtt_p50_ms' not in m('pongs lost')" \
    "lost pongs: metric lost 3, no RTT"
report_status "$R" "replies lost" failed
report_message "$R" "replies lost" \
    '^2 of 2 replies lost: no message matching reply within 0\.300 s after request 1, 2 \([0-9]+ skipped; the last: \{"type":"ping"\}: /type: expected "pong", got "ping"\)$'
report_status "$R" "no server pings" failed
report_message "$R" "no server pings" '^no server ping within 0\.500 s of connecting$'
report_status "$R" "keepalive without server pings required" failed
report_message "$R" "keepalive without server pings required" '^after 0\.[0-9]+ s connected: no pong within 1\.0 s$'
report_status "$R" "server closes" failed
report_message "$R" "server closes" \
    "^the server closed the connection \(code 4000, reason 'maintenance'\) while keeping it open"
report_status "$R" "server closes during pings" failed
report_message "$R" "server closes during pings" \
    "^the server closed the connection \(code 4000, reason 'maintenance'\) while"
report_status "$R" "duration too long" error
report_message "$R" "duration too long" 'do not fit in the test.s timeout'
expect_json "$R" "all(t[n]['duration'] < 6 + 1 for n in t)" "every test ended within its timeout + 1 s"
expect_json "$R" "any(e['kind'] == 'ping' and e['dir'] == 'send' for e in t['pongs lost']['trace'])" \
    "a failed test's trace shows the pings sent"
finish
