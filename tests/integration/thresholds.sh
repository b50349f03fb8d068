#!/usr/bin/env bash
# expect_metrics: thresholds on the metrics of any check, evaluated by the
# runner after the check returns. Real checks against wscheck-mock: ping-pong
# (which declares its metrics) and ws-basic handshake (which declares none).
. "$top_srcdir/tests/integration/lib.sh"
require_mock
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

# Bounds no loopback run can miss or meet: the test's 5 s timeout caps every
# round trip, and no duration is negative.
cat >"$T/thresholds.json" <<'JSON'
{
  "name": "thresholds",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "rtt within bounds", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${env:MOCK_URL}", "count": 3 },
      "expect_metrics": { "rtt_p99_ms": { "$lt": 5000 }, "lost": 0,
                          "handshake_ms": { "$gte": 0, "$lt": 5000 } } },
    { "name": "rtt breach", "plugin": "ping-pong", "check": "control",
      "params": { "url": "${env:MOCK_URL}", "count": 3 },
      "expect_metrics": { "rtt_p99_ms": { "$lt": 0 }, "lost": 0 } },
    { "name": "failed and breached", "plugin": "ping-pong", "check": "app",
      "params": { "url": "${env:MOCK_URL}", "count": 2, "within": 0.5,
                  "reply": { "type": "pong", "sequence": { "$exists": true } } },
      "expect_metrics": { "lost": 0 } },
    { "name": "undeclared metrics pass", "plugin": "ws-basic", "check": "conversation",
      "params": { "url": "${env:MOCK_URL}", "steps": [ { "send": { "type": "ping" } },
                  { "expect": { "type": "pong" }, "skip_until": true } ] },
      "expect_metrics": { "handshake_ms": { "$lt": 5000 }, "rtt_ms.1": { "$lt": 5000 } } },
    { "name": "metric never recorded", "plugin": "ws-basic", "check": "conversation",
      "params": { "url": "${env:MOCK_URL}", "steps": [ { "close": {} } ] },
      "expect_metrics": { "rtt_p99_ms": { "$lt": 5 } } }
  ]
}
JSON
run_wscheck run --verbose --junit "$T/t.xml" --json "$T/t.json" "$T/thresholds.json"
expect_status 1 "a breached threshold fails the run"
stderr_clean "no sanitizer report or crash on stderr"
R=$T/t.json
expect_json "$R" "t['rtt within bounds']['status'] == 'passed'" \
    "thresholds that hold leave a passing test passed"
expect_json "$R" "[(x['metric'], x['ok']) for x in t['rtt within bounds']['thresholds']] == [('rtt_p99_ms', True), ('lost', True), ('handshake_ms', True)]" \
    "the JSON report lists every threshold evaluated, in file order, with its outcome"
expect_json "$R" "t['rtt within bounds']['thresholds'][0]['expect'] == {'\$lt': 5000} and t['rtt within bounds']['thresholds'][0]['value'] == m('rtt within bounds')['rtt_p99_ms']" \
    "each threshold carries its matcher and the value matched"
expect_json "$R" "t['rtt breach']['status'] == 'failed'" "a breach fails a test the check passed"
report_message "$R" "rtt breach" '^metric rtt_p99_ms = [0-9.e-]+ ms, expected \$lt 0$'
expect_json "$R" "[x['ok'] for x in t['rtt breach']['thresholds']] == [False, True]" \
    "the breach is recorded as not ok, the other threshold as ok"
# The check's own failure comes first, the miss after it.
report_message "$R" "failed and breached" \
    '^2 of 2 replies lost: .*; metric lost = 2, expected 0$'
expect_json "$R" "t['undeclared metrics pass']['status'] == 'passed'" \
    "thresholds work on a check that declares no metrics"
report_message "$R" "metric never recorded" \
    '^metric rtt_p99_ms was not recorded \(recorded: handshake_ms\)$'
expect_json "$R" "t['metric never recorded']['thresholds'] == [{'metric': 'rtt_p99_ms', 'expect': {'\$lt': 5}, 'value': None, 'ok': False}]" \
    "a metric never recorded has a null value in the report"
check "the JUnit report is valid against both schemas" validate_junit "$T/t.xml"
check "JUnit carries the breach as the failure message" \
    grep -q 'message="metric rtt_p99_ms = [0-9.e-]* ms, expected \$lt 0"' "$T/t.xml"
# A count prints as a bare number, in every report.
expect_match '^ +lost: 0$' "$out" "the console shows a count without a unit ('lost: 0')"
if printf '%s' "$out" | grep -q ' count$'; then
    not_ok "no console line ends in 'count'"
else ok "no console line ends in 'count'"; fi
check "JUnit shows a count without a unit" grep -q 'name="rtt within bounds.lost" value="0"' "$T/t.xml"

# Bounds from variables: --var, the environment, a capture of an earlier
# test (a --var used only by a threshold counts as used).
cat >"$T/vars.json" <<'JSON'
{ "name": "variable bounds", "tests": [
  { "name": "budget", "plugin": "ping-pong", "check": "control",
    "params": { "url": "${env:MOCK_URL}", "count": 2 },
    "capture": { "sent": "/sent" } },
  { "name": "bounded by variables", "plugin": "ping-pong", "check": "control",
    "params": { "url": "${env:MOCK_URL}", "count": 2 },
    "expect_metrics": { "lost": { "$lte": "${max_lost}", "$lt": "${sent}" },
                        "rtt_p99_ms": { "$lt": "${env:WSC_RTT_BUDGET:-5000}" } } },
  { "name": "bounded by a capture", "plugin": "ping-pong", "check": "control",
    "params": { "url": "${env:MOCK_URL}", "count": 2 },
    "expect_metrics": { "lost": { "$gte": "${sent}" } } }
] }
JSON
run_wscheck run --var max_lost=0 --json "$T/v.json" "$T/vars.json"
expect_status 1 "variable bounds: the run judges with the values"
expect_json "$T/v.json" "[(x['metric'], x['expect'], x['ok']) for x in t['bounded by variables']['thresholds']] == [('lost', {'\$lte': 0, '\$lt': 2}, True), ('rtt_p99_ms', {'\$lt': 5000}, True)]" \
    "--var, capture and environment bounds are expanded (to numbers) before matching"
report_message "$T/v.json" "bounded by a capture" '^metric lost = 0, expected \$gte 2$'
WSC_RTT_BUDGET=0 run_wscheck run --var max_lost=0 --json "$T/v0.json" "$T/vars.json"
report_message "$T/v0.json" "bounded by variables" '^metric rtt_p99_ms = [0-9.e-]+ ms, expected \$lt 0$'
run_wscheck run --var max_lost=0 --filter 'bounded*' --json "$T/vf.json" "$T/vars.json"
report_message "$T/vf.json" "bounded by a capture" \
    "^expect_metrics: undefined variable 'sent' \\(captured by test 'budget', which was not selected\\)$"
expect_json "$T/vf.json" "t['bounded by a capture']['status'] == 'error'" \
    "a bound whose capture is missing makes the test an error"
run_wscheck validate "$T/vars.json"
expect_status 2 "validate: a threshold's undefined variable is an error"
expect_match "vars\.json:[0-9]+:[0-9]+: test 'bounded by variables': expect_metrics\.lost: undefined variable 'max_lost'" \
    "$err" "the undefined variable of a threshold is reported at its place"

# A plugin built apart from the checks above (tests/plugins/testkit): the
# runner judges its metrics the same way.
cat >"$T/testkit.json" <<'JSON'
{ "name": "testkit thresholds", "tests": [
  { "name": "answer holds", "plugin": "testkit", "check": "pass",
    "expect_metrics": { "answer": 42 } },
  { "name": "answer too small", "plugin": "testkit", "check": "pass",
    "expect_metrics": { "answer": { "$gt": 50 } } },
  { "name": "failed, nothing recorded", "plugin": "testkit", "check": "fail",
    "expect_metrics": { "answer": 42 } },
  { "name": "errored", "plugin": "testkit", "check": "error",
    "expect_metrics": { "answer": 42 } }
] }
JSON
run_wscheck run --plugin-path "$top_builddir/tests/plugins/.libs" --json "$T/k.json" "$T/testkit.json"
expect_status 1 "testkit: a breach fails the run"
K=$T/k.json
expect_json "$K" "t['answer holds']['status'] == 'passed' and t['answer holds']['thresholds'][0]['ok']" \
    "testkit: a plain value as the matcher holds"
report_message "$K" "answer too small" '^metric answer = 42, expected \$gt 50$'
report_message "$K" "failed, nothing recorded" \
    '^failed on purpose; metric answer was not recorded \(recorded: none\)$'
expect_json "$K" "t['errored']['status'] == 'error' and t['errored']['thresholds'] == []" \
    "testkit: an errored test is not judged by its metrics"

# Unknown metric names are scenario errors when the check declares its
# metrics; a check that declares none is not second-guessed.
cat >"$T/bad.json" <<'JSON'
{ "name": "bad thresholds", "tests": [
  { "name": "typo", "plugin": "ping-pong", "check": "control",
    "params": { "url": "ws://127.0.0.1:1" },
    "expect_metrics": { "rtt_p99": { "$lt": 5 } } },
  { "name": "unknown", "plugin": "ping-pong", "check": "keepalive",
    "params": { "url": "ws://127.0.0.1:1" },
    "expect_metrics": { "throughput": { "$gt": 1 } } },
  { "name": "bad matcher", "plugin": "ping-pong", "check": "control",
    "params": { "url": "ws://127.0.0.1:1" },
    "expect_metrics": { "lost": { "$lt": "five" } } },
  { "name": "not an object", "plugin": "ping-pong", "check": "control",
    "params": { "url": "ws://127.0.0.1:1" },
    "expect_metrics": [ "lost" ] },
  { "name": "free names", "plugin": "ws-basic", "check": "conversation",
    "params": { "url": "ws://127.0.0.1:1", "steps": [ { "close": {} } ] },
    "expect_metrics": { "anything_ms": { "$lt": 5 } } }
] }
JSON
for cmd in validate run; do
    run_wscheck $cmd "$T/bad.json"
    expect_status 2 "$cmd refuses unknown metric names and bad matchers"
    expect_match "bad\.json:4:25: test 'typo': expect_metrics: ping-pong\.control records no metric 'rtt_p99' \(did you mean 'rtt_p99_ms'\?\)" \
        "$err" "$cmd: a misspelt metric gets FILE:LINE:COL and a did-you-mean"
done
expect_match "bad\.json:7:25: test 'unknown': expect_metrics: ping-pong\.keepalive records no metric 'throughput' \(it records: handshake_ms, rtt_ms, server_pings, max_ping_gap_ms, connected_ms\)" \
    "$err" "an unknown metric lists the ones the check records"
expect_match 'bad\.json:10:33: test .bad matcher.: expect_metrics\.lost: \$lt needs a number, got "five"' \
    "$err" "a malformed matcher is reported at its place"
expect_match "bad\.json:13:23: test 'not an object': 'expect_metrics' must be an object" \
    "$err" "expect_metrics must be an object"
if printf '%s' "$err" | grep -q "free names"; then
    not_ok "a check without declared metrics takes any metric name"
    printf '%s\n' "$err" | diag
else ok "a check without declared metrics takes any metric name"; fi
finish
