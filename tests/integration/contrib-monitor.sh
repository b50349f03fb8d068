#!/usr/bin/env bash
# contrib/ for `wscheck monitor`: the systemd unit (systemd-analyze verify),
# the scheduled check's service and timer (`wscheck --scheduled-check`),
# the Prometheus rules (promtool check rules, promtool test rules, only
# metrics the monitor exports), and the Grafana dashboard (the monitoring
# plugin's dashboard_json, every expression parsed by promtool).
. "$top_srcdir/tests/integration/lib.sh"
require_peers promtool
T=$WSC_TMP
C=$top_srcdir/contrib

# ---- systemd ---------------------------------------------------------------------
if command -v systemd-analyze >/dev/null 2>&1; then
    # The unit names the installed binary and man page: the built ones here.
    sed -e "s|/usr/bin/wscheck|$top_builddir/wscheck|" -e '/^Documentation=/d' \
        "$C/systemd/wscheck-monitor.service" >"$T/wscheck-monitor.service"
    check "systemd-analyze verify accepts the unit" \
        systemd-analyze verify "$T/wscheck-monitor.service"
    # the scheduled check: its service and the timer that starts it
    sed -e "s|/usr/bin/wscheck|$top_builddir/wscheck|" -e '/^Documentation=/d' \
        "$C/systemd/wscheck-scheduled-check.service" >"$T/wscheck-scheduled-check.service"
    sed -e '/^Documentation=/d' "$C/systemd/wscheck-scheduled-check.timer" \
        >"$T/wscheck-scheduled-check.timer"
    check "systemd-analyze verify accepts the scheduled check's service and timer" \
        systemd-analyze verify "$T/wscheck-scheduled-check.service" \
        "$T/wscheck-scheduled-check.timer"
else
    ok "# SKIP systemd-analyze is not installed: the unit is not verified"
    ok "# SKIP systemd-analyze is not installed: the timer is not verified"
fi
check "the scheduled check runs --scheduled-check once a day, its results in its state directory" sh -c '
    grep -q -- "--scheduled-check --config \${WSCHECK_CONFIG}" "$1" &&
    grep -q -- "--store-results /var/lib/wscheck-scheduled-check/results.jsonl" "$1" &&
    grep -qxF StateDirectory=wscheck-scheduled-check "$1" && grep -qxF Type=oneshot "$1" &&
    grep -qxF OnCalendar=daily "$2" && grep -qxF Unit=wscheck-scheduled-check.service "$2" &&
    grep -q "^WSCHECK_CONFIG=" "$3" && grep -q "^WSCHECK_OPTIONS=" "$3"' sh \
    "$C/systemd/wscheck-scheduled-check.service" "$C/systemd/wscheck-scheduled-check.timer" \
    "$C/systemd/wscheck-scheduled-check.env"
check "the unit is hardened and keeps its results in its state directory" sh -c '
    for l in DynamicUser=yes ProtectSystem=strict StateDirectory=wscheck-monitor \
        "ExecReload=/bin/kill -HUP \$MAINPID"; do grep -qxF "$l" "$1" || exit 1; done
    grep -q -- "--log-results /var/lib/wscheck-monitor/" "$1"' sh "$C/systemd/wscheck-monitor.service"
check "the environment file sets what the unit uses" sh -c '
    for v in WSCHECK_INTERVAL WSCHECK_METRICS_LISTEN WSCHECK_SCENARIOS WSCHECK_OPTIONS; do
        grep -q "^$v=" "$1" && grep -q "$v" "$2" || exit 1; done' sh \
    "$C/systemd/wscheck-monitor.env" "$C/systemd/wscheck-monitor.service"

# ---- Prometheus rules ------------------------------------------------------------
check "promtool check rules accepts wscheck-monitor-rules.yml" \
    promtool check rules "$C/prometheus/wscheck-monitor-rules.yml"
check "promtool test rules passes tests/wscheck-monitor-rules.test.yml" \
    sh -c 'cd "$1" && promtool test rules wscheck-monitor-rules.test.yml' sh "$C/prometheus/tests"
check "every alert the issue names is there" sh -c '
    for a in WscheckTestDown WscheckTestFlapping WscheckRoundOverrun WscheckMonitorAbsent; do
        grep -q "alert: $a\$" "$1" || exit 1; done' sh "$C/prometheus/wscheck-monitor-rules.yml"
"$top_builddir/tests/integration/monitor_metrics_feed" --render >"$T/exposition.prom"
# only_exported FILE DESC: each wscheck_ metric FILE names is one the
# monitor's exposition declares.
only_exported() {
    check "$2" "$PYTHON_WS" - "$1" "$T/exposition.prom" <<'PYEOF'
import re, sys
text, exposition = open(sys.argv[1]).read(), open(sys.argv[2]).read()
declared = set(re.findall(r"^# TYPE (\S+) (\S+)", exposition, re.M))
names = {n for n, _ in declared}
names |= {n + s for n, t in declared if t == "histogram" for s in ("_bucket", "_sum", "_count")}
used = set(re.findall(r"\bwscheck_[a-z_]+", text)) - {"wscheck_monitor"}
print("used:", sorted(used), "missing:", sorted(used - names))
sys.exit(1 if used - names or not used else 0)
PYEOF
}
only_exported "$C/prometheus/wscheck-monitor-rules.yml" "the rules use only metrics the monitor exports"

# ---- Grafana dashboard -------------------------------------------------------------
cat >"$T/dash.json" <<'JSON'
{ "name": "contrib dashboard",
  "tests": [
    { "name": "monitor dashboard", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${file}",
                  "expect": { "uid": "wscheck-monitor",
                              "panel_titles": { "$contains": "Duration p50 and p99" },
                              "variables": { "$contains": "suite" } } } } ] }
JSON
run_wscheck run "$T/dash.json" --var "file=$C/grafana/wscheck-monitor-dashboard.json" \
    --json "$T/dash.out.json"
expect_status 0 "dashboard_json accepts the monitor's dashboard"
only_exported "$C/grafana/wscheck-monitor-dashboard.json" \
    "the dashboard uses only metrics the monitor exports"
check "promtool parses every dashboard expression" "$PYTHON_WS" - \
    "$C/grafana/wscheck-monitor-dashboard.json" "$T/dashboard-rules.json" <<'PYEOF'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
rules = []
for p in d["panels"]:
    for tg in p["targets"]:
        e = tg["expr"].replace("$__rate_interval", "5m").replace("$__range", "1h")
        for v in ("instance", "suite", "test"):
            e = e.replace("$" + v, ".*")
        rules.append({"record": "dashboard:panel%d:%s" % (p["id"], tg["refId"]), "expr": e})
json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"))
sys.exit(subprocess.call(["promtool", "check", "rules", sys.argv[2]]))
PYEOF
finish
