#!/usr/bin/env bash
# The real monitoring stack around wscheck-mock: Prometheus scrapes the
# mock's /metrics, a rule fires when the mock holds 3 connections or more,
# Alertmanager receives the alert; prometheus_query, prometheus_alert and
# alertmanager_alert see it happen and see it resolved once the connections
# close. The contrib rules load and stay quiet, and every query of the
# contrib Grafana dashboard is accepted by this Prometheus.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitoring-stack.sh"
require_mock
require_peers prometheus alertmanager python-websockets

T=$WSC_TMP
CONTRIB=$top_srcdir/contrib
cat >"$T/rules.yml" <<'YAML'
groups:
  - name: wscheck-mock-test
    rules:
      - alert: MockBusy
        expr: sum by (instance) (wscheck_mock_connections) >= 3
        labels:
          severity: warning
        annotations:
          summary: "wscheck-mock holds {{ $value }} connections"
YAML
# hold N URL: N WebSocket connections to URL, open until stopped.
cat >"$T/hold.py" <<'PY'
import asyncio, sys, websockets
async def main(n, url):
    conns = [await websockets.connect(url, ping_interval=None) for _ in range(n)]
    print("open", len(conns), flush=True)
    await asyncio.Event().wait()
asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
PY

start_mock || { not_ok "the mock starts"; finish; exit 1; }
start_alertmanager || { not_ok "Alertmanager starts"; finish; exit 1; }
PROM_JOB=wscheck-mock start_prometheus "127.0.0.1:$MOCK_PORT" "$T/rules.yml" \
    "$CONTRIB/prometheus/wscheck-mock-rules.yml" || { not_ok "Prometheus starts"; finish; exit 1; }
PROM=(--var "prom=$PROM_URL")

# ---- scraped, rules loaded, dashboard accepted -----------------------------------
cat >"$T/scraped.json" <<'JSON'
{
  "name": "mock scraped",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "up", "plugin": "monitoring", "check": "prometheus_query",
      "retries": 40, "retry_delay": 0.25,
      "params": { "url": "${prom}", "query": "up{job=\"wscheck-mock\"}", "expect": { "value": 1 } } },
    { "name": "no connections", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "sum(wscheck_mock_connections)", "expect": { "value": 0 } } },
    { "name": "contrib rules loaded", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "count(ALERTS{alertname=~\"WscheckMock.*\"})",
                  "expect": { "count": 0 } } },
    { "name": "quiet", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "WscheckMockTooManyConnections",
                  "state": "inactive", "within": 0 } },
    { "name": "contrib dashboard", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${contrib}/grafana/wscheck-mock-dashboard.json", "url": "${prom}" } }
  ]
}
JSON
run_wscheck run "$T/scraped.json" "${PROM[@]}" --var "contrib=$CONTRIB" --json "$T/scraped.out.json"
expect_status 0 "Prometheus scrapes the mock, the contrib rules stay quiet, the contrib dashboard's queries are accepted"
expect_json "$T/scraped.out.json" "m('contrib dashboard')['queries_validated'] == m('contrib dashboard')['targets'] > 0" \
    "every query of the contrib dashboard went to Prometheus"

# The example suite runs as is against this stack.
run_wscheck run "$top_srcdir/scenarios/prometheus-stack.json" "${PROM[@]}" \
    --var "dashboard=$CONTRIB/grafana/wscheck-mock-dashboard.json" --json "$T/example.out.json"
expect_status 0 "scenarios/prometheus-stack.json passes"
expect_json "$T/example.out.json" "len(t) == 5 and all(x['status'] == 'passed' for x in t.values())" \
    "every test of scenarios/prometheus-stack.json ran and passed"

# ---- connections open: the alert fires --------------------------------------------
start_bg "$T/hold.log" "$PYTHON_WS" "$T/hold.py" 3 "$MOCK_URL"
HOLD_PID=$last_pid
check "3 connections are open" wait_for_line "$T/hold.log" '^open 3$'
cat >"$T/fire.json" <<'JSON'
{
  "name": "mock busy",
  "defaults": { "timeout": 30 },
  "tests": [
    { "name": "firing", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "MockBusy", "within": 20, "interval": 0.25,
                  "expect": { "value": 3, "annotations": { "summary": "wscheck-mock holds 3 connections" } } } },
    { "name": "connections counted", "plugin": "monitoring", "check": "prometheus_query",
      "params": { "url": "${prom}", "query": "sum(wscheck_mock_connections)", "expect": { "value": 3 } } },
    { "name": "in alertmanager", "plugin": "monitoring", "check": "alertmanager_alert",
      "params": { "url": "${am}", "alert": "MockBusy", "labels": { "severity": "warning" },
                  "state": "active", "within": 20, "interval": 0.25,
                  "expect": { "receivers": ["wscheck-test"] } } }
  ]
}
JSON
run_wscheck run "$T/fire.json" "${PROM[@]}" --var "am=$AM_URL" --json "$T/fire.out.json"
expect_status 0 "the alert on the mock's connections fires and reaches Alertmanager"

# ---- connections closed: resolved -----------------------------------------------
stop_pid "$HOLD_PID"
cat >"$T/resolve.json" <<'JSON'
{
  "name": "mock idle",
  "defaults": { "timeout": 30 },
  "tests": [
    { "name": "inactive", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "MockBusy", "state": "inactive",
                  "within": 20, "interval": 0.25 } }
  ]
}
JSON
run_wscheck run "$T/resolve.json" "${PROM[@]}" --json "$T/resolve.out.json"
expect_status 0 "the alert is resolved once the connections close"

# ---- the contrib rules are loaded and evaluated ----------------------------------
# (last: by now Prometheus has evaluated them many times, so their health is
# known)
cat >"$T/rules-loaded.json" <<'JSON'
{
  "name": "rules",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "unknown rule", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "WscheckMockNoSuchRule", "within": 0 } },
    { "name": "contrib rule", "plugin": "monitoring", "check": "prometheus_alert",
      "params": { "url": "${prom}", "alert": "WscheckMockDown", "within": 0 } }
  ]
}
JSON
run_wscheck run "$T/rules-loaded.json" "${PROM[@]}" --json "$T/rules-loaded.out.json"
expect_status 1 "alerts that do not fire fail"
# The contrib rules and MockBusy.
RULES=$(($(grep -c '^ *- alert:' "$CONTRIB/prometheus/wscheck-mock-rules.yml") + 1))
expect_result "$T/rules-loaded.out.json" "unknown rule" failed \
    "no alert {alertname=\"WscheckMockNoSuchRule\"} firing within 0 s: Prometheus has 0 other alerts; no alerting rule named WscheckMockNoSuchRule is loaded ($RULES alerting rules)"
expect_result "$T/rules-loaded.out.json" "contrib rule" failed \
    'no alert {alertname="WscheckMockDown"} firing within 0 s: Prometheus has 0 other alerts; the rule WscheckMockDown is loaded, inactive, health ok'

finish
