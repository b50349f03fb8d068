# Shared by the monitoring-*.sh tests (sourced after lib.sh): a real
# Prometheus and Alertmanager (Debian's prometheus and
# prometheus-alertmanager, installed by scripts/install-deps),
# started on free loopback ports (`require_peers prometheus alertmanager`
# first) with generated configuration and storage in
# $WSC_TMP, and stopped by pid with everything else the test started.

PROMETHEUS=${PROMETHEUS:-prometheus}
ALERTMANAGER=${ALERTMANAGER:-prometheus-alertmanager}

# wait_http_ok URL [SECONDS]: waits until GET URL answers 2xx (default 30 s).
wait_http_ok() {
    "$PYTHON_WS" - "$1" "${2:-30}" <<'PY'
import sys, time, urllib.request
url, limit = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + limit
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if 200 <= r.status < 300:
                sys.exit(0)
    except Exception as e:
        last = e
    if time.monotonic() > end:
        sys.exit(f"{url} not ready within {limit:g} s: {last}")
    time.sleep(0.1)
PY
}

# http_post URL: a POST without a body; fails unless the answer is 2xx.
http_post() {
    "$PYTHON_WS" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"", method="POST"), timeout=5)' "$1"
}

# start_exposition: starts tests/integration/peer_exposition.py; sets
# EXPO_URL (http://127.0.0.1:PORT) and EXPO_HOSTPORT.
start_exposition() {
    start_bg "$WSC_TMP/exposition.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_exposition.py"
    EXPO_URL=$(wait_for_line "$WSC_TMP/exposition.log" '^http://127\.0\.0\.1:[0-9]+') || return 1
    EXPO_HOSTPORT=${EXPO_URL#http://}
}

# set_gauge VALUE: sets the exposition's test_gauge.
set_gauge() { http_post "$EXPO_URL/gauge?value=$1"; }

# start_alertmanager: starts Alertmanager on a free port (no cluster
# listener) with one receiver, wscheck-test; sets AM_URL.
start_alertmanager() {
    local port
    port=$(free_port) || return 1
    cat >"$WSC_TMP/alertmanager.yml" <<'YAML'
route:
  receiver: wscheck-test
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: wscheck-test
YAML
    mkdir -p "$WSC_TMP/am-data"
    start_bg "$WSC_TMP/alertmanager.log" "$ALERTMANAGER" \
        --config.file="$WSC_TMP/alertmanager.yml" --storage.path="$WSC_TMP/am-data" \
        --web.listen-address="127.0.0.1:$port" --cluster.listen-address=
    AM_PID=$last_pid
    AM_URL="http://127.0.0.1:$port"
    wait_http_ok "$AM_URL/-/ready" 30 || { cat "$WSC_TMP/alertmanager.log" >&2; return 1; }
}

# start_prometheus TARGET RULES...: starts Prometheus on a free port,
# scraping TARGET (host:port, job $PROM_JOB: "expo" unless set) every second, evaluating the rule
# files every second and sending alerts to $AM_URL; sets PROM_URL.
start_prometheus() {
    local port target=$1 rules="" f
    shift
    # Absolute: Prometheus reads rule files relative to its configuration's
    # directory, and a pattern that matches nothing is no error.
    for f in "$@"; do rules="$rules    - $(cd "$(dirname "$f")" && pwd)/$(basename "$f")
"; done
    port=$(free_port) || return 1
    cat >"$WSC_TMP/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
$rules
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['${AM_URL#http://}']
scrape_configs:
  - job_name: ${PROM_JOB:-expo}
    static_configs:
      - targets: ['$target']
YAML
    mkdir -p "$WSC_TMP/prom-data"
    start_bg "$WSC_TMP/prometheus.log" "$PROMETHEUS" \
        --config.file="$WSC_TMP/prometheus.yml" --storage.tsdb.path="$WSC_TMP/prom-data" \
        --web.listen-address="127.0.0.1:$port"
    PROM_PID=$last_pid
    PROM_URL="http://127.0.0.1:$port"
    wait_http_ok "$PROM_URL/-/ready" 30 || { cat "$WSC_TMP/prometheus.log" >&2; return 1; }
}

# expect_result FILE NAME STATUS [MESSAGE]: a test's status in a JSON report
# (and its exact message).
expect_result() {
    local got want=$3${4+:$4}
    if [ $# -ge 4 ]; then got=$(json_get "$1" "t['$2']['status'] + ':' + (t['$2'].get('message') or '')" 2>&1)
    else got=$(json_get "$1" "t['$2']['status']" 2>&1); fi
    if [ "$got" = "$want" ]; then ok "$2: $want"
    else not_ok "$2: $want"; echo "got: $got" | diag; fi
}

# expect_message FILE NAME REGEX: a failed test whose message matches REGEX.
expect_message() {
    local got
    got=$(json_get "$1" "t['$2']['status'] + ':' + (t['$2'].get('message') or '')" 2>&1)
    if printf '%s' "$got" | grep -Eq -- "^failed:$3"; then ok "$2 fails: $3"
    else not_ok "$2 fails: $3"; echo "got: $got" | diag; fi
}
