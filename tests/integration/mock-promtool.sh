# Prometheus' own checker on what wscheck-mock ships: `promtool check
# metrics` on GET /metrics of every port of every profile, after some
# traffic; `promtool check rules` and `promtool test rules` on the contrib
# alerting rules; and the contrib Grafana dashboard: every panel has
# targets whose expressions Prometheus parses.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers python-websockets promtool

T=$WSC_TMP
PY=$PYTHON_WS
CONTRIB=$top_srcdir/contrib

# check_metrics URL DESC: promtool accepts the exposition at URL.
check_metrics() {
    if curl -fsS "$1" >"$T/metrics.txt" 2>"$T/curl.err" &&
        promtool check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1; then ok "$2"
    else not_ok "$2"; cat "$T/curl.err" "$T/promtool.out" "$T/metrics.txt" 2>/dev/null | diag; fi
}

# ready KEY: a member of the mock's ready file.
ready() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/ready.json" "$1"; }

# start PROFILE ARGS...: wscheck-mock with the profile on free ports.
start() {
    rm -f "$T/ready.json"
    start_bg "$T/mock.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port 0 --mcp-host 127.0.0.1 \
        --mcp-port 0 --ready-file "$T/ready.json" "$@"
    MOCK_PID=$last_pid
    wait_for_line "$T/mock.log" '^ws://[^ ]+' >/dev/null || return 1
    local i=0 # the ready file follows the listener lines
    while [ ! -s "$T/ready.json" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$T/ready.json" ]
}

# traffic PORT PATH: a WebSocket client sends a few frames and goes.
traffic() {
    "$PY" - "$1" "$2" <<'PYEOF' >"$T/traffic.out" 2>&1
import asyncio, sys, websockets
async def main(port, path):
    async with websockets.connect("ws://127.0.0.1:%s%s" % (port, path), ping_interval=None) as ws:
        await asyncio.wait_for(ws.recv(), 5)
        for text in ('{"type":"echo","data":1}', '{"type":"request_update"}', 'nonsense'):
            await ws.send(text)
        await asyncio.sleep(0.2)
asyncio.run(main(sys.argv[1], sys.argv[2]))
PYEOF
}

mcp_call() {
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' -d "$2" "$1" || true
}

# ---- default profile: the WebSocket port and the MCP port --------------------
start || { not_ok "the mock starts"; finish; exit 1; }
ws_port=$(ready ws_port)
mcp_port=$(ready mcp_port)
traffic "$ws_port" / || true
mcp_call "http://127.0.0.1:$mcp_port/mcp" \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
check_metrics "http://127.0.0.1:$ws_port/metrics" "promtool accepts /metrics of the WebSocket port"
check_metrics "http://127.0.0.1:$mcp_port/metrics" "promtool accepts /metrics of the MCP port"
stop_pid "$MOCK_PID"

# ---- every other profile at once ----------------------------------------------
start --profile dev-toolkit,crackerjack,monitoring --crackerjack-port 0 \
    --monitoring-port 0 --progress-dir "$T/progress" ||
    { not_ok "the mock starts with every profile"; finish; exit 1; }
mcp_port=$(ready mcp_port)
cj_port=$(ready crackerjack_port)
mon_port=$(ready monitoring_port)
traffic "$mon_port" /ws/metrics/live || true
traffic "$cj_port" /ws/progress/abc12345 || true
check_metrics "http://127.0.0.1:$mcp_port/metrics" "promtool accepts /metrics of the profiles' MCP port"
check_metrics "http://127.0.0.1:$cj_port/metrics" "promtool accepts /metrics of the crackerjack port"
check_metrics "http://127.0.0.1:$mon_port/metrics" "promtool accepts /metrics of the monitoring port"
stop_pid "$MOCK_PID"

# ---- the shell tests' helper: the monitoring profile alone -----------------------
if start_monitoring_mock --historical-per-day 1; then
    check_metrics "$MON_METRICS_URL" "promtool accepts /metrics of start_monitoring_mock's port"
    curl -fsS -d '{"severity":"critical"}' "http://127.0.0.1:$MON_PORT/alerts/trigger" \
        >"$T/trigger.json" 2>&1
    check "POST /alerts/trigger on MON_PORT raises an alert" grep -q '"status":"triggered"' \
        "$T/trigger.json"
    check "the alert is counted" sh -c 'curl -fsS "$1" | grep -qx "$2"' sh "$MON_METRICS_URL" \
        'wscheck_mock_alerts_raised_total{severity="critical"} 1'
    stop_pid "$MOCK_PID"
else
    not_ok "start_monitoring_mock starts the profile"
fi

# ---- contrib: rules ---------------------------------------------------------------
check "promtool check rules accepts contrib/prometheus/wscheck-mock-rules.yml" \
    promtool check rules "$CONTRIB/prometheus/wscheck-mock-rules.yml"
check "promtool test rules passes contrib/prometheus/wscheck-mock-rules.test.yml" \
    sh -c 'cd "$1" && promtool test rules wscheck-mock-rules.test.yml' sh "$CONTRIB/prometheus"

# The rules must name the mock's real metric names: each metric name used
# is one /metrics declares (or one of Prometheus' own).
# ($T/metrics.txt holds the monitoring port's exposition, saved above.)
check "the rules use only metrics the mock exports" "$PY" - "$CONTRIB/prometheus/wscheck-mock-rules.yml" "$T/metrics.txt" <<'PYEOF'
import re, sys
rules, exposition = open(sys.argv[1]).read(), open(sys.argv[2]).read()
declared = set(re.findall(r"^# TYPE (\S+) (\S+)", exposition, re.M))
names = {n for n, _ in declared}
names |= {n + s for n, t in declared if t == "histogram" for s in ("_bucket", "_sum", "_count")}
used = set(re.findall(r"\bwscheck_mock_[a-z_]+", rules))
missing = used - names
print("used:", sorted(used), "missing:", sorted(missing))
sys.exit(1 if missing or not used else 0)
PYEOF

# ---- contrib: the Grafana dashboard -------------------------------------------------
# Grafana's variables become values Prometheus parses; each expression then
# goes through promtool as a recording rule.
check "every dashboard panel has targets, each with an expression" "$PY" - \
    "$CONTRIB/grafana/wscheck-mock-dashboard.json" "$T/dashboard-rules.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d.get("title") and d.get("panels"), "no title or panels"
rules = []
for p in d["panels"]:
    assert p.get("title") and p.get("targets"), "panel without title or targets: %r" % p.get("id")
    for tg in p["targets"]:
        e = tg.get("expr", "")
        assert e.strip(), "target without expr in panel %r" % p["title"]
        e = e.replace("$__rate_interval", "5m").replace("$instance", ".*")
        rules.append({"record": "dashboard:panel%d:%s" % (p["id"], tg["refId"]), "expr": e})
json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"))
print(len(rules), "expressions")
PYEOF
check "promtool parses every dashboard expression" promtool check rules "$T/dashboard-rules.json"

finish
