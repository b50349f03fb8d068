#!/usr/bin/env bash
# ws-basic, handshake and reject: the upgrade negotiation asserted through
# one `expect` object, against the Python HTTP test server (which can
# accept, refuse or answer wrongly) and Python websockets. A failed
# negotiation reads the same in both checks.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
start_peer || { not_ok "the HTTP test server starts"; finish; exit 1; }
# A port nothing listens on: free a moment ago, chosen now.
CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }

cat >"$T/negotiation.json" <<'JSON'
{
  "name": "websocket negotiation",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "accepted", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade" } },
    { "name": "subprotocol", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade", "subprotocols": ["mcp", "json"],
                  "expect": { "subprotocol": "mcp",
                              "headers": { "Upgrade": { "$regex": "^[Ww]eb[Ss]ocket$" } } } } },
    { "name": "origin allowed", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade?origin=http://good.example",
                  "origin": "http://good.example" } },
    { "name": "origin refused as expected", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "ws://${hostport}/upgrade?origin=http://good.example",
                  "origin": "http://evil.example", "expect": { "status": 403 } } },
    { "name": "426 expected", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "ws://${hostport}/upgrade?status=426",
                  "expect": { "status": [400, 426] } } },
    { "name": "refused", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade?status=403" } },
    { "name": "refusal expected by handshake", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade?status=403", "expect": { "status": 403 } } },
    { "name": "other refusal", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "ws://${hostport}/upgrade?status=400", "expect": { "status": 403 } } },
    { "name": "none of the refusals", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "ws://${hostport}/upgrade?status=400",
                  "expect": { "status": [401, 403] } } },
    { "name": "accepted unexpectedly", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "ws://${hostport}/upgrade", "expect": { "status": 403 } } },
    { "name": "wrong accept", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade?accept=bad" } },
    { "name": "unoffered subprotocol", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/upgrade?proto=other", "subprotocols": ["mcp"] } },
    { "name": "not a websocket path", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${hostport}/json" } },
    { "name": "refused connection", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "ws://${closed}/" } }
  ]
}
JSON
run_wscheck run --junit "$T/u.xml" --json "$T/u.out.json" --var "hostport=$PEER_HOSTPORT" \
    --var "closed=127.0.0.1:$CLOSED_PORT" "$T/negotiation.json"
expect_status 1 "the negotiation suite (with failures) exits 1"
check "its JUnit report is valid" validate_junit "$T/u.xml"
R=$T/u.out.json
expect_test "$R" "accepted" passed
expect_json "$R" "t['accepted']['outputs']['status'] == 101" "outputs hold status 101"
expect_json "$R" "t['accepted']['outputs']['headers']['upgrade'].lower() == 'websocket'" "outputs hold the 101's headers"
expect_json "$R" "t['accepted']['outputs']['subprotocol'] is None" "no subprotocol when none was offered"
expect_json "$R" "'handshake_ms' in m('accepted')" "the handshake time is a metric"
expect_test "$R" "subprotocol" passed
expect_json "$R" "t['subprotocol']['outputs']['subprotocol'] == 'mcp'" "the negotiated subprotocol is an output"
expect_test "$R" "origin allowed" passed
expect_test "$R" "origin refused as expected" passed
expect_test "$R" "426 expected" passed
expect_json "$R" "t['426 expected']['outputs']['status'] == 426" "a refusal's status is an output"
expect_json "$R" "t['refused']['status'] == 'failed' and t['refused']['message'].startswith('/status: expected 101, got 403')" "an unexpected refusal fails with its status"
expect_test "$R" "refusal expected by handshake" passed
expect_json "$R" "t['other refusal']['status'] == 'failed' and t['other refusal']['message'].startswith('/status: expected 403, got 400')" "reject: another refusal fails with its status"
expect_json "$R" "t['none of the refusals']['message'].startswith('/status: expected one of [401,403], got 400')" "a list of statuses reads 'one of'"
expect_test "$R" "accepted unexpectedly" failed "/status: expected 403, got 101"
expect_json "$R" "t['wrong accept']['status'] == 'failed' and 'Sec-WebSocket-Accept' in t['wrong accept']['message']" "a wrong Sec-WebSocket-Accept fails, named"
expect_json "$R" "t['unoffered subprotocol']['status'] == 'failed' and 'other' in t['unoffered subprotocol']['message']" "an unoffered subprotocol fails, named"
expect_json "$R" "t['not a websocket path']['status'] == 'failed' and t['not a websocket path']['message'].startswith('/status: expected 101, got 200')" "a plain 200 is not an upgrade"
expect_json "$R" "t['refused connection']['status'] == 'failed' and 'connect' in t['refused connection']['message']" "a refused connection fails"

# ---- an independent WebSocket server: Python websockets ---------------------------
start_bg "$T/websockets.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_websockets.py" --protocols mcp,json
WS_URL=$(wait_for_line "$T/websockets.log" '^ws://127\.0\.0\.1:[0-9]+') ||
    { not_ok "the websockets peer starts"; finish; exit 1; }
start_bg "$T/websockets-reject.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_websockets.py" --reject-status 403
WS_REJECT_URL=$(wait_for_line "$T/websockets-reject.log" '^ws://127\.0\.0\.1:[0-9]+') ||
    { not_ok "the refusing websockets peer starts"; finish; exit 1; }
cat >"$T/websockets.json" <<'JSON'
{
  "name": "negotiation with websockets",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "negotiates json", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "${ws}", "subprotocols": ["json"],
                  "expect": { "subprotocol": "json", "headers": { "Server": { "$regex": "websockets" } } } } },
    { "name": "plain GET is 426", "plugin": "http", "check": "request",
      "params": { "url": "${http}/", "expect": { "status": 426, "headers": { "Upgrade": "websocket" } } } },
    { "name": "refusal expected", "plugin": "ws-basic", "check": "reject",
      "params": { "url": "${reject}", "expect": { "status": 403 } } },
    { "name": "refusal unexpected", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "${reject}" } }
  ]
}
JSON
run_wscheck run --json "$T/w.out.json" --var "ws=$WS_URL" --var "http=http://${WS_URL#ws://}" \
    --var "reject=$WS_REJECT_URL" "$T/websockets.json"
expect_status 1 "the websockets suite (with one failure) exits 1"
R=$T/w.out.json
expect_test "$R" "negotiates json" passed
expect_test "$R" "plain GET is 426" passed
expect_test "$R" "refusal expected" passed
expect_json "$R" "t['refusal unexpected']['status'] == 'failed' and t['refusal unexpected']['message'].startswith('/status: expected 101, got 403')" "an unexpected refusal by websockets fails the same way"

finish
