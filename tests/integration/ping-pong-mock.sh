#!/usr/bin/env bash
# ping-pong plugin against wscheck-mock: the example suite
# scenarios/ping-pong.json as a user runs it, and the metrics it reports.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
start_mock --ping-interval 1 || { not_ok "wscheck-mock starts"; finish; exit 1; }

run_wscheck run --junit "$T/mock.xml" --json "$T/mock.out.json" "$top_srcdir/scenarios/ping-pong.json"
expect_status 0 "scenarios/ping-pong.json passes against wscheck-mock"
check "its JUnit report is valid against both schemas" validate_junit "$T/mock.xml"
stderr_clean "no sanitizer report or crash on stderr"
R=$T/mock.out.json
report_rtt_metrics "$R" "control frames: 20 pings answered in time"
report_rtt_metrics "$R" "application ping: {type: ping} gets {type: pong}"
expect_json "$R" "o('control frames: 20 pings answered in time')['received'] == 20" \
    "control: 20 pongs received"
expect_json "$R" "o('application ping: {type: ping} gets {type: pong}')['skipped'] >= 1" \
    "app: the welcome message was skipped"
expect_json "$R" "m('an idle connection stays open while the server pings it')['server_pings'] >= 2" \
    "keepalive: the mock's pings were seen and answered"
check "JUnit carries the RTT metrics as properties" grep -q 'name="[^"]*rtt_p99_ms' "$T/mock.xml"
expect_json "$R" "[(x['metric'], x['ok']) for x in t['control frames, paced']['thresholds']] == [('lost', True), ('handshake_ms', True)]" \
    "the example's thresholds were evaluated and held"

# A matcher the mock's pong never satisfies: lost replies, exit 1.
cat >"$T/wrong.json" <<'JSON'
{
  "name": "ping-pong wrong expectation",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "pong with a field the mock never sends", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${env:MOCK_URL}", "count": 2, "within": 0.5,
                  "reply": { "type": "pong", "sequence": { "$exists": true } } } }
  ]
}
JSON
run_wscheck run --json "$T/wrong.out.json" "$T/wrong.json"
expect_status 1 "an expectation never met fails the run"
report_message "$T/wrong.out.json" "pong with a field the mock never sends" \
    '^2 of 2 replies lost: no message matching reply within 0\.500 s after request 1, 2 \([0-9]+ skipped; the last: .*"type":"pong".*: /sequence: '

# wscheck validate catches a bad param before anything runs.
CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
cat >"$T/bad.json" <<JSON
{ "name": "bad", "tests": [
  { "name": "bad count", "plugin": "ping-pong", "check": "control",
    "params": { "url": "ws://127.0.0.1:$CLOSED_PORT", "count": 0 } } ] }
JSON
run_wscheck validate "$T/bad.json"
expect_status 2 "validate refuses count 0"
expect_match 'count' "$err$out" "the message names the param"
finish
