#!/bin/sh
# ws-basic (and the http plugin) against servers that break RFC 6455 or
# HTTP: invalid UTF-8 in text messages, invalid close frames, a data frame
# inside a fragmented message, malformed status lines. A test harness must
# never pass such a server; each fails with the rule it broke.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"

VARS=""
for mode in bad-text bad-close interleaved status-1010 http10-upgrade; do
    start_raw_peer "$mode"
    VARS="$VARS --var $mode=$PEER_URL"
done
# in mode http-2000 the raw peer answers any HTTP request
start_raw_peer http-2000
VARS="$VARS --var http2000=http://${PEER_URL#ws://}"

cat >"$WSC_TMP/proto.json" <<'EOF_JSON'
{
  "name": "protocol violations",
  "defaults": {"timeout": 3},
  "tests": [
    {"name": "FF FE FD, expect_text", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-text}/ff", "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "surrogate, expect", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-text}/surrogate", "steps": [{"expect": {"$any": true}}]}},
    {"name": "overlong, skip_until", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-text}/overlong",
                "steps": [{"expect_text": "never", "skip_until": true}]}},
    {"name": "cut off at the end", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-text}/truncated", "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "character split over fragments", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-text}/split", "steps": [{"expect_text": "ok \u20ac"}]}},
    {"name": "FF FE FD, handshake", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${bad-text}/ff"}},
    {"name": "close, 1-byte payload", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1byte", "steps": [{"expect_close": true}]}},
    {"name": "close code 0", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/0", "steps": [{"expect_close": true}]}},
    {"name": "close code 999", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/999", "steps": [{"expect_close": true}]}},
    {"name": "close code 1004", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1004", "steps": [{"expect_close": true}]}},
    {"name": "close code 1005", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1005", "steps": [{"expect_close": true}]}},
    {"name": "close code 1006", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1006", "steps": [{"expect_close": true}]}},
    {"name": "close code 1015", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1015", "steps": [{"expect_close": true}]}},
    {"name": "close code 2999", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/2999", "steps": [{"expect_close": true}]}},
    {"name": "close code 5000", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/5000", "steps": [{"expect_close": true}]}},
    {"name": "close reason not UTF-8", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/bad-reason", "steps": [{"expect_close": true}]}},
    {"name": "close code 0, handshake", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${bad-close}/0"}},
    {"name": "close code 1014", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/1014", "steps": [{"expect_close": {"code": 1014}}]}},
    {"name": "close code 4999", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${bad-close}/4999", "steps": [{"expect_close": {"code": 4999}}]}},
    {"name": "interleaved data frames", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "${interleaved}", "steps": [{"expect_text": {"$any": true}}]}},
    {"name": "status line 1010", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${status-1010}"}},
    {"name": "status line 1010 is no refusal", "plugin": "ws-basic", "check": "reject",
     "params": {"url": "${status-1010}"}},
    {"name": "HTTP/1.0 101", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "${http10-upgrade}"}},
    {"name": "HTTP 2000 OK", "plugin": "http", "check": "request",
     "params": {"url": "${http2000}"}}
  ]
}
EOF_JSON
# shellcheck disable=SC2086
run_scenario proto $VARS
expect_reports proto 1 "protocol violations"
closed1007='; closed the connection with 1007$'
expect_test proto "FF FE FD, expect_text" failed \
    "^step 0 \(expect_text\): invalid UTF-8 in a text message of 6 bytes at byte offset 3 \(ff fe fd; RFC 6455 8\.1\)$closed1007"
expect_test proto "surrogate, expect" failed \
    "^step 0 \(expect\): invalid UTF-8 in a text message of 6 bytes at byte offset 3 \(ed a0 80; RFC 6455 8\.1\)$closed1007"
expect_test proto "overlong, skip_until" failed \
    "^step 0 \(expect_text\): invalid UTF-8 in a text message of 5 bytes at byte offset 3 \(c0 af; "
expect_test proto "cut off at the end" failed \
    "^step 0 \(expect_text\): invalid UTF-8 in a text message of 5 bytes at byte offset 3 \(e2 82, a character cut off at the end; "
expect_test proto "character split over fragments" passed ""
expect_test proto "FF FE FD, handshake" failed \
    "^close handshake: invalid UTF-8 in a text message of 6 bytes at byte offset 3 "
report_true proto "[e['data'][:4] for e in trace('FF FE FD, expect_text') if (e['dir'], e['kind']) == ('send', 'close')] == ['03ef']" \
    "the connection is closed with 1007"
expect_test proto "close, 1-byte payload" failed \
    '^step 0 \(expect_close\): invalid close frame: a 1-byte payload \(a status code takes 2 bytes; RFC 6455 5\.5\.1\); closed the connection with 1002$'
for code in 0 999 1004 1005 1006 1015 2999 5000; do
    expect_test proto "close code $code" failed \
        "^step 0 \(expect_close\): invalid close frame: code $code \([^)]+\) is not allowed on the wire \(valid: 1000-1003, 1007-1014, 3000-4999; RFC 6455 7\.4\); closed the connection with 1002$"
done
expect_test proto "close code 1005" failed "code 1005 \(No Status Rcvd\)"
expect_test proto "close reason not UTF-8" failed \
    "^step 0 \(expect_close\): invalid close frame: the reason is not UTF-8 at byte offset 0 \(ff; RFC 6455 5\.5\.1\)$closed1007"
expect_test proto "close code 0, handshake" failed "^close handshake: invalid close frame: code 0 "
expect_test proto "close code 1014" passed ""
expect_test proto "close code 4999" passed ""
expect_test proto "interleaved data frames" failed \
    '^step 0 \(expect_text\): a new data frame started before the fragmented message ended \(RFC 6455 5\.4; '
expect_test proto "status line 1010" failed \
    "^malformed status line 'HTTP/1\.1 1010 Switching Protocols' in the upgrade answer \(expected 'HTTP/1\.1 101 Switching Protocols'\)$"
expect_test proto "status line 1010 is no refusal" failed "malformed status line 'HTTP/1\.1 1010 Switching Protocols'"
expect_test proto "HTTP/1.0 101" failed \
    "^the upgrade answer was HTTP/1\.0 \('HTTP/1\.0 101 Switching Protocols'\), which cannot upgrade: a WebSocket handshake needs HTTP/1\.1$"
expect_test proto "HTTP 2000 OK" failed \
    "^GET http://127\.0\.0\.1:[0-9]+: malformed status line 'HTTP/1\.1 2000 OK' \(expected e\.g\. 'HTTP/1\.1 200 OK'\)$"
report_true proto "all(x['status'] in ('passed', 'failed') for x in t.values())" \
    "no test ended in error: no crash, no kill by the runner"

# expect_close can never see 1005 (or any code not valid on the wire): the
# scenario is refused before anything runs; 0 expects a close without code.
cat >"$WSC_TMP/expect1005.json" <<'EOF_JSON'
{
  "name": "expect_close 1005",
  "tests": [
    {"name": "t", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://127.0.0.1:1", "steps": [
        {"expect_close": {"code": 1005}}, {"expect_close": {"code": 0}}]}}
  ]
}
EOF_JSON
run_wscheck validate "$WSC_TMP/expect1005.json"
expect_status 2 "validate refuses expect_close with code 1005"
check "it names the step and the rule" grep -q \
    "params.steps\[0\].expect_close.code: 1005 never appears in a close frame (No Status Rcvd; valid: 1000-1003, 1007-1014, 3000-4999, or 0 for a close without a status code)" \
    "$WSC_TMP/stderr"
check "code 0 is accepted" sh -c '! grep -q "steps\[1\]" "$1"' _ "$WSC_TMP/stderr"
finish
