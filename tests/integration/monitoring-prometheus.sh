#!/usr/bin/env bash
# monitoring plugin, prometheus_query, prometheus_alert and
# alertmanager_alert against a real Prometheus and Alertmanager scraping a
# Python exposition: a rule fires when the gauge passes 5 and is resolved
# when it falls back; failures name the limit the scenario set and why.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitoring-stack.sh"
require_peers prometheus alertmanager

T=$WSC_TMP
cat >"$T/rules.yml" <<'YAML'
groups:
  - name: wscheck-test
    rules:
      - alert: TestGaugeHigh
        expr: test_gauge > 5
        for: 1s
        labels:
          severity: warning
        annotations:
          summary: "test_gauge is {{ $value }}"
      - alert: TestNeverFires
        expr: test_gauge > 1e9
        labels:
          severity: page
YAML
start_exposition || { not_ok "the exposition starts"; finish; exit 1; }
start_alertmanager || { not_ok "Alertmanager starts"; finish; exit 1; }
start_prometheus "$EXPO_HOSTPORT" "$T/rules.yml" || { not_ok "Prometheus starts"; finish; exit 1; }
PROM=(--var "prom=$PROM_URL")
AM=(--var "am=$AM_URL")

# ---- queries ---------------------------------------------------------------
cat >"$T/query.json" <<'JSON'
{
  "name": "queries",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "target up", "plugin": "monitoring", "check": "prometheus_query",
      "retries": 40, "retry_delay": 0.25,
      "params": { "url": "${prom}", "query": "up{job=\"expo\"}",
                  "expect": { "value": 1, "count": 1,
                              "series": { "$contains": { "labels": { "instance": "${target}" } } } } } },
    { "name": "gauge at zero", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}/", "query": "test_gauge",
                  "expect": { "result_type": "vector", "min": 0, "max": { "$lte": 0 } } },
      "capture": { "job": "/series/0/labels/job" } },
    { "name": "scalar", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "scalar(up{job=\"${job}\"}) * 2",
                  "expect": { "result_type": "scalar", "value": 2 } } },
    { "name": "range", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "test_requests_total[1m]",
                  "expect": { "result_type": "matrix", "min": { "$gte": 1 },
                              "series": [ { "values": { "$type": "array" } } ] } } },
    { "name": "empty result", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "absent_metric_name", "time": 1700000000,
                  "expect": { "count": 0 } } },
    { "name": "gauge alert inactive", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "state": "inactive",
                  "within": 1 } }
  ]
}
JSON
run_wscheck run "$T/query.json" "${PROM[@]}" --var "target=$EXPO_HOSTPORT" --json "$T/query.out.json"
expect_status 0 "queries pass"
expect_json "$T/query.out.json" "m('target up')['series'] == 1 and units('target up')['total_ms'] == 'ms'" \
    "prometheus_query records series and total_ms"
expect_json "$T/query.out.json" "o('gauge at zero')['series'][0]['labels']['job'] == 'expo' and o('gauge at zero')['value'] == 0" \
    "prometheus_query outputs the series and the value"

# ---- query failures ----------------------------------------------------------
cat >"$T/query-fail.json" <<'JSON'
{
  "name": "query failures",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "syntax error", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "rate(test_gauge[5m)" } },
    { "name": "value out of bounds", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "test_gauge", "expect": { "value": { "$gt": 100 } } } },
    { "name": "series missing", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "up",
                  "expect": { "series": { "$contains": { "labels": { "job": "other" } } } } } },
    { "name": "not prometheus", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${expo}", "query": "up" } }
  ]
}
JSON
run_wscheck run "$T/query-fail.json" "${PROM[@]}" --var "expo=$EXPO_URL" --json "$T/query-fail.out.json"
expect_status 1 "query failures fail the run"
expect_message "$T/query-fail.out.json" "syntax error" \
    'query "rate\(test_gauge\[5m\)": HTTP 400, bad_data: .*parse error'
expect_result "$T/query-fail.out.json" "value out of bounds" failed "/value: expected > 100, got 0"
expect_message "$T/query-fail.out.json" "series missing" '/series: expected to contain \{"labels":\{"job":"other"\}\}, got \[\{"labels":\{"__name__":"up",.*"job":"expo"\},"value":1\}\]'
expect_result "$T/query-fail.out.json" "not prometheus" failed \
    'query "up": HTTP 404, not a JSON answer of the API (text/plain): not found\n'

# ---- the alert fires ---------------------------------------------------------
check "the gauge goes up to 10" set_gauge 10
cat >"$T/fire.json" <<'JSON'
{
  "name": "alert fires",
  "defaults": { "timeout": 30 },
  "tests": [
    { "name": "pending or firing", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "state": "pending",
                  "within": 20, "interval": 0.2 } },
    { "name": "firing", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh",
                  "labels": { "severity": "warning", "instance": { "$regex": "^127\\.0\\.0\\.1:" } },
                  "within": 20, "interval": 0.2,
                  "expect": { "state": "firing", "value": 10,
                              "annotations": { "summary": "test_gauge is 10" } } },
      "capture": { "since": "/active_at" } },
    { "name": "in alertmanager", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "${am}", "alert": "TestGaugeHigh", "labels": { "job": "expo" },
                  "state": "active", "within": 20, "interval": 0.2,
                  "expect": { "receivers": ["wscheck-test"],
                              "labels": { "severity": "warning" },
                              "annotations": { "summary": { "$contains": "10" } } } } }
  ]
}
JSON
run_wscheck run "$T/fire.json" "${PROM[@]}" "${AM[@]}" --json "$T/fire.out.json"
expect_status 0 "the alert fires on Prometheus and reaches Alertmanager"
expect_json "$T/fire.out.json" "units('firing')['time_to_state_ms'] == 'ms' and m('firing')['polls'] >= 1 and 'time_to_state_ms' in m('in alertmanager')" \
    "the alert checks record time_to_state_ms and polls"
expect_json "$T/fire.out.json" "o('in alertmanager')['state'] == 'active' and o('firing')['labels']['alertname'] == 'TestGaugeHigh'" \
    "the alert checks output the alert"

# ---- alert failures ----------------------------------------------------------
cat >"$T/alert-fail.json" <<'JSON'
{
  "name": "alert failures",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "wrong labels", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "labels": { "severity": "critical" },
                  "within": 1, "interval": 0.2 } },
    { "name": "never fires", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestNeverFires", "within": 1.5, "interval": 0.5 } },
    { "name": "no such rule", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestNoSuchRule", "within": 0.5 } },
    { "name": "still firing", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "state": "inactive", "within": 1 } },
    { "name": "annotation differs", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "within": 1,
                  "expect": { "annotations": { "summary": "all quiet" } } } },
    { "name": "wrong labels in alertmanager", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "${am}", "alert": "TestGaugeHigh", "labels": { "severity": "critical" },
                  "within": 1, "interval": 0.25 } },
    { "name": "not suppressed", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "${am}", "alert": "TestGaugeHigh", "state": "suppressed",
                  "within": 0.5 } },
    { "name": "alertmanager is down", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "http://127.0.0.1:${closed}", "alert": "TestGaugeHigh", "within": 1 } }
  ]
}
JSON
CLOSED_PORT=$(free_port)
run_wscheck run "$T/alert-fail.json" "${PROM[@]}" "${AM[@]}" --var "closed=$CLOSED_PORT" --json "$T/alert-fail.out.json"
expect_status 1 "alert failures fail the run"
# The alert that is there, and why it is not the one asked for.
NEAR="{alertname=\"TestGaugeHigh\", instance=\"$EXPO_HOSTPORT\", job=\"expo\", severity=\"warning\"} (/labels/severity: expected \"critical\", got \"warning\")"
expect_result "$T/alert-fail.out.json" "wrong labels" failed \
    "no alert {alertname=\"TestGaugeHigh\", severity=\"critical\"} firing within 1 s: Prometheus has 1 alert named TestGaugeHigh with other labels, e.g. $NEAR; the rule TestGaugeHigh is loaded, firing, health ok"
expect_result "$T/alert-fail.out.json" "never fires" failed \
    'no alert {alertname="TestNeverFires"} firing within 1.5 s: Prometheus has 1 other alert; the rule TestNeverFires is loaded, inactive, health ok'
expect_result "$T/alert-fail.out.json" "no such rule" failed \
    'no alert {alertname="TestNoSuchRule"} firing within 0.5 s: Prometheus has 1 other alert; no alerting rule named TestNoSuchRule is loaded (2 alerting rules)'
expect_result "$T/alert-fail.out.json" "still firing" failed \
    'alert {alertname="TestGaugeHigh"} still firing after 1 s (expected inactive)'
expect_result "$T/alert-fail.out.json" "annotation differs" failed \
    '/annotations/summary: expected "all quiet", got "test_gauge is 10"'
expect_result "$T/alert-fail.out.json" "wrong labels in alertmanager" failed \
    "no alert {alertname=\"TestGaugeHigh\", severity=\"critical\"} in Alertmanager within 1 s: it has 1 alert named TestGaugeHigh with other labels, e.g. $NEAR"
expect_result "$T/alert-fail.out.json" "not suppressed" failed \
    'alert {alertname="TestGaugeHigh"} not suppressed within 0.5 s: it is active'
expect_message "$T/alert-fail.out.json" "alertmanager is down" \
    "GET /api/v2/alerts: connect to 127\\.0\\.0\\.1:$CLOSED_PORT failed"

# ---- the alert is resolved ----------------------------------------------------
check "the gauge falls back to 1" set_gauge 1
cat >"$T/resolve.json" <<'JSON'
{
  "name": "alert resolved",
  "defaults": { "timeout": 30 },
  "tests": [
    { "name": "inactive again", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "TestGaugeHigh", "state": "inactive",
                  "within": 20, "interval": 0.2, "expect": { "state": "inactive" } } }
  ]
}
JSON
run_wscheck run "$T/resolve.json" "${PROM[@]}" --json "$T/resolve.out.json"
expect_status 0 "the alert goes back to inactive"

# ---- dashboards' queries --------------------------------------------------------
cat >"$T/dash.json" <<'JSON'
{
  "name": "dashboard queries",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "accepted", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/good.json", "url": "${prom}" } },
    { "name": "refused", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/bad-expr.json", "url": "${prom}",
                  "variables": { "cluster": "eu" } } }
  ]
}
JSON
run_wscheck run "$T/dash.json" "${PROM[@]}" --var "fix=$top_srcdir/tests/integration/fixtures/dashboards" \
    --json "$T/dash.out.json"
expect_status 1 "a dashboard with a query Prometheus refuses fails"
expect_json "$T/dash.out.json" "t['accepted']['status'] == 'passed' and m('accepted')['queries_validated'] == 5" \
    "every Prometheus query of the good dashboard is accepted (loki and grafana targets are not sent)"
expect_message "$T/dash.out.json" "refused" \
    'panel "Rate" \(/panels/0\) target B: Prometheus refuses "rate\(test_requests_total\[5m\)": HTTP 400, bad_data: .*parse error'

# ---- validation ----------------------------------------------------------------
cat >"$T/invalid.json" <<'JSON'
{
  "name": "invalid",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "which alert", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "http://127.0.0.1:1" } },
    { "name": "too long", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "http://127.0.0.1:1", "alert": "A", "within": 10 } }
  ]
}
JSON
run_wscheck validate "$T/invalid.json"
expect_status 2 "validate refuses alert checks without an alert or with within past the timeout"
expect_match "test 'which alert': params: give alert, labels or both" "$err" "a missing alert is named"
expect_match "test 'too long': params.within: 10 s does not fit in the test's timeout of 5 s" "$err" \
    "within past the timeout is named"

finish
