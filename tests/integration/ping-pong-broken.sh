#!/usr/bin/env bash
# ping-pong plugin against deliberately broken servers: each fault is a
# failed test with a precise message, within its timeout + 1 s, and wscheck
# neither crashes nor hangs.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
start_raw_peers bad-accept no-upgrade unoffered-subprotocol silent close-mid-frame \
            oversize-frame never-answers-close close-no-frame

cat >"$T/broken.json" <<'JSON'
{
  "name": "ping-pong against broken servers",
  "defaults": { "timeout": 3 },
  "tests": [
    { "name": "wrong accept", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${bad_accept}" } },
    { "name": "no upgrade header", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${no_upgrade}" } },
    { "name": "unoffered subprotocol", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${unoffered_subprotocol}", "subprotocols": ["mcp"] } },
    { "name": "silent server", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${silent}", "connect_timeout": 1 } },
    { "name": "silent server, test timeout", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${silent}" } },
    { "name": "closes mid-frame", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${close_mid_frame}" } },
    { "name": "oversize frame", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${oversize_frame}" } },
    { "name": "no close frame", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${close_no_frame}" } },
    { "name": "never answers close", "plugin": "ping-pong", "check": "control",
      "timeout": 6, "params": { "url": "${never_answers_close}", "count": 2 } }
  ]
}
JSON
run_wscheck run --junit "$T/broken.xml" --json "$T/broken.out.json" "${VARS[@]}" "$T/broken.json"
expect_status 1 "the suite exits 1 (failures, no crash)"
check "its JUnit report is valid against both schemas" validate_junit "$T/broken.xml"
stderr_clean "no sanitizer report or crash on stderr"
R=$T/broken.out.json
report_status "$R" "wrong accept" failed
report_message "$R" "wrong accept" "^Sec-WebSocket-Accept is '[A-Za-z0-9+/=]{28}', expected '[A-Za-z0-9+/=]{28}'$"
report_status "$R" "no upgrade header" failed
report_message "$R" "no upgrade header" '^Upgrade header missing from the 101 answer$'
report_status "$R" "unoffered subprotocol" failed
report_message "$R" "unoffered subprotocol" \
    "^server selected subprotocol 'unoffered', which was not offered \(offered: mcp\)$"
report_status "$R" "silent server" failed
report_message "$R" "silent server" '^no upgrade answer from ws://127\.0\.0\.1:[0-9]+ within 1\.0[0-9]* s'
report_status "$R" "silent server, test timeout" failed
report_message "$R" "silent server, test timeout" '^no upgrade answer from ws://127\.0\.0\.1:[0-9]+ within [23]\.[0-9]+ s'
report_status "$R" "closes mid-frame" failed
report_message "$R" "closes mid-frame" '^request 1: connection closed by the peer in the middle of a frame$'
report_status "$R" "oversize frame" failed
report_message "$R" "oversize frame" '^request 1: message larger than max_message_size 1048576$'
report_status "$R" "no close frame" failed
report_message "$R" "no close frame" '^request 1: connection closed by the peer without a close frame \(1006\)$'
report_status "$R" "never answers close" passed
expect_json "$R" "'close: no close frame from the peer within 2.0 s' in (t['never answers close'].get('log') or '')" \
    "a close that is never answered is noted"
# "never answers close" has room for the whole 2 s close wait even on a
# loaded machine, so its note always reads "within 2.0 s".
expect_json "$R" "all(t[n]['duration'] < (6 if n == 'never answers close' else 3) + 1 for n in t)" \
    "every test ended within its timeout + 1 s"
finish
