#!/bin/sh
# The monitoring plugin's feed checks (metrics_stream, historical,
# alert_delivery, dashboard_feed) against an independent monitoring server
# written from the protocol notes (tests/integration/peer_monitoring.py,
# Python websockets), with periods of 0.2 s: each check passes on the good
# server and fails with its precise message on each fault.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"
require_peers python-websockets

start_peer monitoring "$PYTHON_WS" "$top_srcdir/tests/integration/peer_monitoring.py" \
    --period 0.2 --dashboard-period 0.2
URL=$PEER_URL
HTTP=http${URL#ws}

cat >"$WSC_TMP/mon.json" <<'EOF_SCENARIO'
{
  "name": "monitoring feeds",
  "defaults": {"timeout": 8},
  "tests": [
    {"name": "live", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}", "interval": 0.2, "updates": 3,
                "bounds": {"quality_score": [0, 100]},
                "expect": {"first": {"type": "initial_metrics"}, "updates": 4}}},
    {"name": "live stalled", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/stall", "interval": 0.2, "updates": 3}},
    {"name": "live duplicate", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/duplicate", "interval": 0.2}},
    {"name": "live backwards", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/backwards", "interval": 0.2, "updates": 3}},
    {"name": "live missing metric", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/missing", "interval": 0.2, "updates": 3}},
    {"name": "live out of bounds", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}", "interval": 0.2, "bounds": {"quality_score": [0, 50]}}},
    {"name": "live request unanswered", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/noanswer", "interval": 0.2, "request_within": 0.1}},
    {"name": "live burst", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/burst", "interval": 0.2, "updates": 3}},
    {"name": "live dropped", "plugin": "monitoring", "check": "metrics_stream",
     "params": {"base": "${url}/drop", "interval": 0.2}},
    {"name": "live too short", "plugin": "monitoring", "check": "metrics_stream", "timeout": 0.5,
     "params": {"base": "${url}", "interval": 0.2, "updates": 5, "request_within": 0.2}},
    {"name": "historical", "plugin": "monitoring", "check": "historical",
     "params": {"base": "${url}", "days": 7, "record_order": "/timestamp",
                "metrics": ["quality_score", "error_count"],
                "expect": {"chunks": 3, "total_records": 280,
                           "complete": {"type": "historical_complete"}}}},
    {"name": "historical chunk missing", "plugin": "monitoring", "check": "historical",
     "params": {"base": "${url}/gap"}},
    {"name": "historical wrong total", "plugin": "monitoring", "check": "historical",
     "params": {"base": "${url}/total"}},
    {"name": "historical days not refused", "plugin": "monitoring", "check": "historical",
     "params": {"base": "${url}/anydays"}},
    {"name": "alert over HTTP", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}", "trigger": {"url": "${http}/trigger?metric=error_count"},
                "alert": {"data": {"metric_name": "error_count"}}, "linger": 0.3,
                "ack": {"send": {"type": "ack", "metric_name": "$alert/data/metric_name"},
                        "expect": {"type": "ack_received", "metric_name": "error_count"}},
                "expect": {"first": {"data": []}, "trigger": {"status": 200},
                           "ack": {"type": "ack_received"}}}},
    {"name": "alert over MCP", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}", "linger": 0.3,
                "trigger": {"mcp": "${url}/mcp", "tool": "trigger_alert",
                            "arguments": {"metric_name": "test_coverage"}},
                "alert": {"data": {"metric_name": "test_coverage"}}}},
    {"name": "alert by command", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}", "linger": 0.3,
                "trigger": {"command": "${py} -c \"import urllib.request as u; u.urlopen('${http}/trigger').read()\""}}},
    {"name": "alert dropped", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}/dropalert", "within": 0.5,
                "trigger": {"url": "${http}/trigger"},
                "alert": {"data": {"severity": "warning"}}}},
    {"name": "alert twice", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}/twice", "trigger": {"url": "${http}/trigger"}}},
    {"name": "alert never sent", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}/noalerts", "within": 0.5, "trigger": {"url": "${http}/trigger"}}},
    {"name": "alert trigger refused", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}", "trigger": {"url": "${http}/nowhere"}}},
    {"name": "alert wrong field type", "plugin": "monitoring", "check": "alert_delivery",
     "params": {"base": "${url}", "trigger": {"url": "${http}/trigger"}, "linger": 0,
                "fields": {"/data/current_value": "string"}}},
    {"name": "dashboard", "plugin": "monitoring", "check": "dashboard_feed",
     "params": {"base": "${url}", "interval": 0.2, "refreshes": 2,
                "expect": {"panels": {"$contains": "system_health"}, "refreshes": 2}}},
    {"name": "dashboard panel disappears", "plugin": "monitoring", "check": "dashboard_feed",
     "params": {"base": "${url}/panel", "interval": 0.2, "refreshes": 2}},
    {"name": "dashboard required panel", "plugin": "monitoring", "check": "dashboard_feed",
     "params": {"base": "${url}", "interval": 0.2, "panels": ["system_health", "telemetry"]}},
    {"name": "dashboard stalled", "plugin": "monitoring", "check": "dashboard_feed",
     "params": {"base": "${url}/stall", "interval": 0.2, "refreshes": 2}},
    {"name": "dashboard dropped", "plugin": "monitoring", "check": "dashboard_feed",
     "params": {"base": "${url}/drop", "interval": 0.2}}
  ]
}
EOF_SCENARIO
run_scenario mon --var "url=$URL" --var "http=$HTTP" --var "py=$PYTHON_WS"
expect_reports mon 1 "monitoring feeds"

# metrics_stream
expect_test mon live passed ""
report_true mon "all(k in m('live') for k in ('interval_p50_ms', 'interval_p99_ms', 'max_gap_ms', 'request_ms', 'messages')) and m('live')['updates'] == 4" \
    "live: interval percentiles, gaps, the request's answer time and counts measured"
report_true mon "o('live')['last']['type'] == 'metrics_update' and o('live')['updates'] == 4" \
    "live: the snapshot, the last update and the count are outputs"
expect_test mon "live stalled" failed \
    '^no update for 0\.3 s after message 3 at \+[0-9.]+ s: the stream stalled \(interval 0\.2 s, tolerance 0\.1 s\)$'
expect_test mon "live duplicate" failed \
    '^message 4 at \+[0-9.]+ s: the same timestamp and data as message 3 \(a duplicate\)$'
expect_test mon "live backwards" failed \
    '^message 4 at \+[0-9.]+ s: /timestamp went from "2025-[0-9T:-]+" to "2024-12-31T23:59:59" \(non_decreasing\)$'
expect_test mon "live missing metric" failed \
    '^message 4 at \+[0-9.]+ s: metric error_count \(/data/error_count\) is missing \(metrics\)$'
expect_test mon "live out of bounds" failed \
    '^message 1 at \+[0-9.]+ s: /data/quality_score is 8[0-9], outside \[0, 50\] \(ranges\)$'
expect_test mon "live request unanswered" failed \
    '^no metrics_update answered request \{"type":"request_update"\} \(sent after message 1\) within request_within 0\.1 s$'
expect_test mon "live burst" failed \
    '^message 4 at \+[0-9.]+ s: this update came 0\.[0-9]+ s after message 3, sooner than interval 0\.2 s - tolerance 0\.1 s$'
expect_test mon "live dropped" failed \
    '^the connection failed: .*before any message, with 0 of 2 updates \(interval 0\.2 s\); a known upstream breakage: crackerjack 0\.44\.29 to 0\.46\.4 accept /ws/metrics/live and then drop it'
expect_test mon "live too short" failed \
    "^the test's timeout of 0\.5 s ran out after message [0-9]+ at \+[0-9.]+ s, with [0-9] of 5 updates \(interval 0\.2 s\)$"

# historical
expect_test mon historical passed ""
report_true mon "m('historical')['chunks'] == 3 and m('historical')['records'] == 280 and 'complete_ms' in m('historical')" \
    "historical: chunk and record counts and the time to completion measured"
expect_test mon "historical chunk missing" failed \
    '^message 2 at \+[0-9.]+ s: /chunk_index is 2, expected 1 \(a chunk missing or out of order\)$'
expect_test mon "historical wrong total" failed \
    '^message 4 at \+[0-9.]+ s: /total_records is 281, the chunks held 280 records$'
expect_test mon "historical days not refused" failed \
    '^days 366 \(invalid_days\): the upgrade was answered with 101, expected 403'

# alert_delivery
expect_test mon "alert over HTTP" passed ""
report_true mon "'delivery_ms' in m('alert over HTTP') and 'ack_ms' in m('alert over HTTP') and o('alert over HTTP')['alert']['data']['metric_name'] == 'error_count'" \
    "alert over HTTP: delivery and acknowledgement times measured, the alert an output"
expect_test mon "alert over MCP" passed ""
report_true mon "o('alert over MCP')['trigger']['result']['isError'] is False" \
    "alert over MCP: the tool's result is the trigger output"
expect_test mon "alert by command" passed ""
report_true mon "o('alert by command')['trigger']['exit_status'] == 0" \
    "alert by command: the command's exit status is the trigger output"
expect_test mon "alert dropped" failed \
    '^no alert message matching \{"data":\{"severity":"warning"\}\} within 0\.5 s after the trigger; crackerjack.s alert channel never sends alert messages'
expect_test mon "alert twice" failed \
    '^message 3 at \+[0-9.]+ s: the alert came again, as message 2 did \(a duplicate\)$'
expect_test mon "alert never sent" failed \
    '^no alert message within 0\.5 s after the trigger; .*a real crackerjack server cannot pass this check$'
expect_test mon "alert trigger refused" failed '^trigger: GET http://[^ ]+/nowhere answered 4[0-9][0-9]'
expect_test mon "alert wrong field type" failed \
    '^message 2 at \+[0-9.]+ s: /data/current_value is 12, not string \(fields\)$'

# dashboard_feed
expect_test mon dashboard passed ""
report_true mon "'first_ms' in m('dashboard') and 'interval_p99_ms' in m('dashboard') and m('dashboard')['refreshes'] == 2" \
    "dashboard: time to the first message, refresh intervals and count measured"
expect_test mon "dashboard panel disappears" failed \
    '^message 2 at \+[0-9.]+ s: panel active_alerts \(/data/active_alerts\) disappeared \(it was in message 1\)$'
expect_test mon "dashboard required panel" failed \
    '^message 1 at \+[0-9.]+ s: panel telemetry \(/data/telemetry\) is missing \(panels\)$'
expect_test mon "dashboard stalled" failed \
    '^no refresh for 0\.3 s after message 1 at \+[0-9.]+ s: the stream stalled \(interval 0\.2 s, tolerance 0\.1 s\)$'
expect_test mon "dashboard dropped" failed \
    '; a known upstream breakage: crackerjack 0\.42\.x drops /ws/dashboard/overview about 1 s after accepting it'

# validation: what the schema cannot say
cat >"$WSC_TMP/bad.json" <<'EOF_SCENARIO'
{"name": "bad", "defaults": {"timeout": 5},
 "tests": [
   {"name": "two triggers", "plugin": "monitoring", "check": "alert_delivery",
    "params": {"trigger": {"url": "http://127.0.0.1:1/", "command": "true"}}},
   {"name": "no tool", "plugin": "monitoring", "check": "alert_delivery", "params": {"trigger": {"mcp": "ws://127.0.0.1:1/"}}},
   {"name": "bad pointer", "plugin": "monitoring", "check": "metrics_stream", "params": {"data_pointer": "data"}},
   {"name": "bad base", "plugin": "monitoring", "check": "dashboard_feed", "params": {"base": "http://127.0.0.1:1"}}
 ]}
EOF_SCENARIO
run_wscheck validate "$WSC_TMP/bad.json"
expect_status 2 "validate: bad monitoring params refused"
expect_match "trigger: give exactly one of url \(HTTP\), mcp \(an MCP tool call\) or command" "$err" \
    "validate: two kinds of trigger"
expect_match "trigger: an MCP trigger needs tool" "$err" "validate: an MCP trigger without a tool"
expect_match "data_pointer: 'data' is not a JSON Pointer" "$err" "validate: a pointer without /"
expect_match "base: expected ws:// or wss://, got 'http://127.0.0.1:1'" "$err" "validate: base not ws://"

finish
