#!/usr/bin/env bash
# ping-pong against servers that break or stretch RFC 6455: unsolicited
# pongs are allowed (5.5.3) and fail nothing, but a pong sent before its
# ping is never measured as its answer; invalid UTF-8 in the reply of
# `app` fails the connection with 1007.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
start_raw_peers early-pongs unsolicited-pongs bad-text

cat >"$T/proto.json" <<'JSON'
{
  "name": "ping-pong against protocol violations",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "pongs before their pings", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${early_pongs}", "within": 0.2 } },
    { "name": "unsolicited pongs", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${unsolicited_pongs}", "count": 3 } },
    { "name": "invalid UTF-8 reply", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${bad_text}/ff", "reply": { "$any": true }, "count": 1 } }
  ]
}
JSON
run_wscheck run --junit "$T/proto.xml" --json "$T/proto.out.json" "${VARS[@]}" "$T/proto.json"
expect_status 1 "the suite exits 1 (failures, no crash)"
check "its JUnit report is valid against both schemas" validate_junit "$T/proto.xml"
R=$T/proto.out.json
report_status "$R" "pongs before their pings" failed
report_message "$R" "pongs before their pings" \
    "^5 of 5 pongs lost: none within 0\.200 s for ping 1, 2, 3, 4, 5 \(5 pongs that answer no ping were ignored, the last with payload 'wscheck-5'\)$"
expect_json "$R" "'rtt_ms' not in (t['pongs before their pings'].get('outputs') or {})" \
    "no round trip is reported from pongs sent before their pings"
report_status "$R" "unsolicited pongs" passed
expect_json "$R" "t['unsolicited pongs']['outputs']['received'] == 3 and t['unsolicited pongs']['outputs']['unsolicited_pongs'] == 4" \
    "the unsolicited pongs are counted, every ping has its pong"
report_status "$R" "invalid UTF-8 reply" failed
report_message "$R" "invalid UTF-8 reply" \
    '^request 1: invalid UTF-8 in a text message of 6 bytes at byte offset 3 \(ff fe fd; RFC 6455 8\.1\); closed the connection with 1007$'
finish
