#!/bin/sh
# The monitoring plugin against wscheck-mock --profile monitoring: the
# example suite scenarios/monitoring.json as a user runs it, and each of the
# mock's fault modes failing the right check with its message.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"
require_mock

T=$WSC_TMP
start_mock --profile monitoring --monitoring-port 0 --metrics-interval 0.3 \
    --dashboard-interval 0.3 || { not_ok "wscheck-mock starts"; finish; exit 1; }
MOCK_MONITORING_URL=$(json_get "$T/mock.ready" 'r["monitoring_url"]') ||
    { not_ok "the ready file names the monitoring URL"; finish; exit 1; }
MOCK_MONITORING_HTTP=http${MOCK_MONITORING_URL#ws}
export MOCK_MONITORING_URL MOCK_MONITORING_HTTP

run_wscheck run --junit "$T/example.xml" --json "$T/example.json" \
    --var metrics_interval=0.3 --var dashboard_interval=0.3 \
    "$top_srcdir/scenarios/monitoring.json"
expect_status 0 "scenarios/monitoring.json passes against wscheck-mock"
check "its JUnit report is valid" validate_junit "$T/example.xml"
R=$T/example.json
expect_json "$R" 'all(x["status"] == "passed" for x in t.values()) and len(t) == 5' \
    "every example test passed"
expect_json "$R" '"delivery_ms" in m("alert over HTTP") and "ack_ms" in m("alert over HTTP") and "delivery_ms" in m("alert over MCP")' \
    "alert delivery and acknowledgement times are measured"
expect_json "$R" 'o("alert over HTTP")["trigger"]["body"]["status"] == "triggered"' \
    "the trigger's answer is an output"

cat >"$T/faults.json" <<'JSON'
{ "name": "mock faults", "defaults": { "timeout": 8 },
  "tests": [
    { "name": "stall", "plugin": "monitoring", "check": "metrics_stream",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "updates": 3,
                  "path": "/ws/metrics/live?fault=stall&after=3" } },
    { "name": "duplicate", "plugin": "monitoring", "check": "metrics_stream",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "updates": 3,
                  "path": "/ws/metrics/live?fault=duplicate&after=3" } },
    { "name": "out of order", "plugin": "monitoring", "check": "metrics_stream",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "updates": 3,
                  "path": "/ws/metrics/live?fault=out-of-order&after=3" } },
    { "name": "missing metric", "plugin": "monitoring", "check": "metrics_stream",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "updates": 3,
                  "path": "/ws/metrics/live?fault=missing-metric&metric=hook_duration&after=2" } },
    { "name": "alert dropped", "plugin": "monitoring", "check": "alert_delivery",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "within": 0.5,
                  "path": "/ws/alerts/subscribe?fault=alert-dropped",
                  "trigger": { "url": "${env:MOCK_MONITORING_HTTP}/alerts/trigger", "body": {} } } },
    { "name": "panel missing", "plugin": "monitoring", "check": "dashboard_feed",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "refreshes": 2,
                  "path": "/ws/dashboard/overview?fault=panel-missing&panel=active_alerts&after=2" } },
    { "name": "dashboard stall", "plugin": "monitoring", "check": "dashboard_feed",
      "params": { "base": "${env:MOCK_MONITORING_URL}", "interval": 0.3, "refreshes": 2,
                  "path": "/ws/dashboard/overview?fault=stall&after=2" } },
    { "name": "trigger refused", "plugin": "monitoring", "check": "alert_delivery",
      "params": { "base": "${env:MOCK_MONITORING_URL}",
                  "trigger": { "url": "${env:MOCK_MONITORING_HTTP}/alerts/trigger",
                               "body": { "current_value": "high" } } } }
  ] }
JSON
run_scenario faults
expect_reports faults 1 "the mock's faults fail their checks"
expect_test faults stall failed \
    '^no update for 0\.45 s after message 3 at \+[0-9.]+ s: the stream stalled \(interval 0\.3 s, tolerance 0\.15 s\)$'
expect_test faults duplicate failed \
    '^message 5 at \+[0-9.]+ s: the same timestamp and data as message 4 \(a duplicate\)$'
expect_test faults "out of order" failed \
    '^message 4 at \+[0-9.]+ s: /timestamp went from "[0-9T:.-]+" to "[0-9T:.-]+" \(non_decreasing\)$'
expect_test faults "missing metric" failed \
    '^message 3 at \+[0-9.]+ s: metric hook_duration \(/data/hook_duration\) is missing \(metrics\)$'
expect_test faults "alert dropped" failed \
    '^no alert message within 0\.5 s after the trigger; crackerjack.s alert channel never sends alert messages'
expect_test faults "panel missing" failed \
    '^message 3 at \+[0-9.]+ s: panel active_alerts \(/data/active_alerts\) disappeared \(it was in message 1\)$'
expect_test faults "dashboard stall" failed \
    '^no refresh for 0\.45 s after message 2 at \+[0-9.]+ s: the stream stalled'
expect_test faults "trigger refused" failed '^trigger: POST http://[^ ]+/alerts/trigger answered 422'
finish
