#!/bin/sh
# ws-basic against deliberately broken servers: each fault is a failed test
# with a precise message, reported by the check itself before the runner's
# kill (so within its timeout), and wscheck never crashes or hangs.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"

VARS=""
for mode in bad-accept no-upgrade no-connection unoffered-subprotocol unoffered-extension \
    reject silent no-handshake-answer close-mid-frame oversize-frame oversize-fragments \
    never-answers-close close-no-frame; do
    start_raw_peer "$mode" --size 200000
    VARS="$VARS --var $mode=$PEER_URL"
done
NOBODY="ws://127.0.0.1:$(free_port)"

cat >"$WSC_TMP/broken.json" <<'EOF'
{
  "name": "broken servers",
  "defaults": {"timeout": 1.5},
  "tests": [
    {"name": "wrong accept", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${bad-accept}"}},
    {"name": "wrong accept, conversation", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-accept}", "steps": [{"send": "x"}]}},
    {"name": "wrong accept is no refusal", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${bad-accept}"}},
    {"name": "missing Upgrade", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${no-upgrade}"}},
    {"name": "missing Connection", "plugin": "ws-basic", "check": "connect_close",
     "params": {"url": "${no-connection}", "count": 2}},
    {"name": "unoffered subprotocol", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${unoffered-subprotocol}", "subprotocols": ["chat"]}},
    {"name": "unoffered extension", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${unoffered-extension}"}},
    {"name": "refusal with headers", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${reject}", "expect": {"status": 403, "headers": {"X-Reason": "testing"}}}},
    {"name": "refusal header mismatch", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${reject}", "expect": {"headers": {"x-reason": "other"}}}},
    {"name": "silent server", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${silent}"}},
    {"name": "no handshake answer", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${no-handshake-answer}", "connect_timeout": 0.5, "steps": []}},
    {"name": "closed mid-frame", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${close-mid-frame}", "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "oversize frame", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${oversize-frame}", "max_message_size": 65536,
                "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "oversize fragments", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${oversize-fragments}", "max_message_size": 65536,
                "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "never answers close", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${never-answers-close}", "steps": [
        {"send": "echo me"}, {"expect_text": "echo me"}, {"close": {}, "within": 0.5}]}},
    {"name": "never answers the final close", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${never-answers-close}", "steps": [{"send": "x"}, {"expect_text": "x"}]}},
    {"name": "never answers the handshake's close", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${never-answers-close}"}},
    {"name": "closed without close frame", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${close-no-frame}", "steps": [{"send": "x"}, {"expect_text": "x"}]}},
    {"name": "nothing listening", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${nobody}"}},
    {"name": "nothing listening is no refusal", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${nobody}"}}
  ]
}
EOF
# shellcheck disable=SC2086
run_scenario broken $VARS --var "nobody=$NOBODY"
expect_reports broken 1 "broken servers"
expect_test broken "wrong accept" failed "^Sec-WebSocket-Accept is '[A-Za-z0-9+/=]+', expected '[A-Za-z0-9+/=]+'$"
expect_test broken "wrong accept, conversation" failed "^connect: Sec-WebSocket-Accept is '"
expect_test broken "wrong accept is no refusal" failed "^no HTTP refusal: Sec-WebSocket-Accept is '"
expect_test broken "missing Upgrade" failed "Upgrade header missing"
expect_test broken "missing Connection" failed "^connection 1 of 2: .*Connection"
expect_test broken "unoffered subprotocol" failed "subprotocol 'unoffered'.*not offered"
expect_test broken "unoffered extension" failed "extension 'permessage-deflate'.*not offered"
expect_test broken "refusal with headers" passed ""
expect_test broken "refusal header mismatch" failed '^/headers/x-reason: expected "other", got "testing"$'
expect_test broken "silent server" failed "^no upgrade answer from ws://127\.0\.0\.1:[0-9]+ within 1\.[0-9]+ s"
expect_test broken "no handshake answer" failed "^connect: no upgrade answer from ws://127\.0\.0\.1:[0-9]+ within 0\.[0-9]+ s"
expect_test broken "closed mid-frame" failed '^step 0 \(expect_text\): connection closed by the peer in the middle of a frame$'
expect_test broken "oversize frame" failed '^step 0 \(expect_text\): message larger than max_message_size 65536$'
expect_test broken "oversize fragments" failed '^step 0 \(expect_text\): message larger than max_message_size 65536$'
expect_test broken "never answers close" failed '^step 2 \(close\): no close frame from the peer within 0\.[0-9]+ s$'
expect_test broken "never answers the final close" failed \
    '^after the last step: close handshake: no close frame from the peer within [01]\.[0-9]+ s$'
expect_test broken "never answers the handshake's close" failed \
    '^close handshake: no close frame from the peer within [01]\.[0-9]+ s$'
expect_test broken "closed without close frame" failed '^step 1 \(expect_text\): connection closed .*without a close frame'
expect_test broken "nothing listening" failed "127\.0\.0\.1"
expect_test broken "nothing listening is no refusal" failed "^no HTTP refusal: "
report_true broken "all(x['status'] in ('passed', 'failed') for x in t.values())" \
    "no test ended in error: no crash, no kill by the runner"
report_true broken "all(trace(n) for n in ('closed mid-frame', 'oversize frame', 'never answers close'))" \
    "failed tests carry their frame trace"
finish
