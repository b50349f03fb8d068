#!/usr/bin/env bash
# wscheck monitor --alertmanager against a real Alertmanager: a test that
# goes down shows as a firing WscheckTestDown alert with its suite and test
# labels; once it recovers the alert is resolved.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitoring-stack.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"
require_peers alertmanager

T=$WSC_TMP
start_alertmanager || { echo "Bail out! Alertmanager did not start"; exit 1; }
start_listener || { echo "Bail out! no listener"; exit 1; }
PORT=$LISTEN_PORT
cat >"$T/svc.json" <<JSON
{"name": "services", "tests": [
  {"name": "api port", "plugin": "port", "check": "listening",
   "params": {"host": "127.0.0.1", "port": $PORT}}]}
JSON
"$WSCHECK" monitor --interval 0.3 --no-jitter --alertmanager "$AM_URL" \
    --log-results "$T/log.jsonl" "$T/svc.json" >"$T/out" 2>"$T/err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"

# am_alerts PYEXPR [SECONDS]: waits until PYEXPR holds over `ours`, the
# WscheckTestDown alerts Alertmanager lists for this test.
am_alerts() {
    "$PYTHON_WS" - "$AM_URL" "$1" "${2:-30}" <<'PY'
import json, sys, time, urllib.request
url, expr, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + limit
while True:
    with urllib.request.urlopen(url + "/api/v2/alerts", timeout=5) as r:
        alerts = json.load(r)
    ours = [a for a in alerts if a["labels"].get("alertname") == "WscheckTestDown"
            and a["labels"].get("test") == "api port"]
    if eval(expr):
        sys.exit(0)
    if time.monotonic() > end:
        sys.exit("timed out waiting for %s; alerts: %s" % (expr, json.dumps(alerts)))
    time.sleep(0.2)
PY
}

check "the test passes while the port listens" \
    wait_log "$T/log.jsonl" "sum(l['status'] == 'passed' for l in lines) >= 2"
check "no alert while it is up" am_alerts "ours == []" 1
stop_pid "$LISTEN_PID"
check "Alertmanager shows it firing once it is down" am_alerts \
    "len(ours) == 1 and ours[0]['status']['state'] == 'active' and ours[0]['labels'] == {'alertname': 'WscheckTestDown', 'suite': 'services', 'test': 'api port', 'severity': 'critical'} and 'refused' in ours[0]['annotations']['description'] and ours[0]['endsAt'] > time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())"
start_listener "$PORT" || { echo "Bail out! the listener did not come back"; exit 1; }
check "and resolved once it recovers" am_alerts \
    "ours == [] or all(a['endsAt'] <= time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime()) for a in ours)"
kill -TERM "$MON"
wait_bounded 30 "$MON"
status=$? out=$(cat "$T/out") err=$(cat "$T/err")
expect_status 0 "SIGTERM: status 0"
check "every post was accepted (nothing on stderr)" test ! -s "$T/err"
finish
