#!/bin/sh
# The quick check --test-monitoring (with --monitoring-port, the three
# feature options and the intervals) against the independent monitoring
# peer, wscheck-mock's monitoring profile, a refused alert trigger, nothing
# listening, and bad options.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets

T=$WSC_TMP
start_bg "$T/peer.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_monitoring.py" \
    --period 0.2 --dashboard-period 0.2
URL=$(wait_for_line "$T/peer.log" '^ws://[^ ]+') ||
    { not_ok "the monitoring peer starts"; finish; exit 1; }
PORT=${URL##*:}

run_wscheck --test-monitoring --host 127.0.0.1 --monitoring-port "$PORT" --json "$T/base.json"
expect_status 0 "--test-monitoring passes against the peer"
expect_json "$T/base.json" 'sorted(x["check"] for x in t.values()) == ["historical", "metrics_stream"]' \
    "alone: the live snapshot and the historical stream"
expect_json "$T/base.json" "all(('ws://127.0.0.1:$PORT/ws/metrics/') in n for n in t)" \
    "every test names the feed's URL on the given port"

run_wscheck --test-monitoring --verify-metrics-streaming --validate-dashboard-feeds \
    --host 127.0.0.1 --monitoring-port "$PORT" --metrics-interval 0.2 \
    --dashboard-interval 0.2 --json "$T/all.json"
expect_status 0 "streaming and dashboard feeds pass with the intervals given"
expect_json "$T/all.json" 'sorted(x["check"] for x in t.values()) == ["dashboard_feed", "historical", "metrics_stream", "metrics_stream"]' \
    "metrics streaming and the dashboard feed are added"
expect_json "$T/all.json" '[m(n)["updates"] for n in t if "streaming" in n] == [2]' \
    "metrics streaming waited for the request's answer and a periodic update"

# The peer's HTTP side takes GET only: the trigger's POST is refused, and
# the test says what the trigger answered.
run_wscheck --test-monitoring --test-alert-delivery --host 127.0.0.1 \
    --monitoring-port "$PORT" --json "$T/alerts.json"
expect_status 1 "--test-alert-delivery fails when the trigger is refused"
expect_json "$T/alerts.json" '[msg(n) for n in t if "alert" in n][0].startswith("trigger: POST http://127.0.0.1:'"$PORT"'/alerts/trigger answered 400")' \
    "the failure names the trigger and its answer"

# Against wscheck-mock's monitoring profile, alerts are delivered.
if [ -n "${WSCHECK_MOCK:-}" ]; then
    start_mock --profile monitoring --monitoring-port 0 --metrics-interval 0.3 \
        --dashboard-interval 0.3 || { not_ok "wscheck-mock starts"; finish; exit 1; }
    MON_URL=$(json_get "$T/mock.ready" 'r["monitoring_url"]')
    run_wscheck --test-monitoring --verify-metrics-streaming --test-alert-delivery \
        --validate-dashboard-feeds --host 127.0.0.1 --monitoring-port "${MON_URL##*:}" \
        --metrics-interval 0.3 --dashboard-interval 0.3 --json "$T/mock.json"
    expect_status 0 "every monitoring quick check passes against wscheck-mock"
    expect_json "$T/mock.json" 'len(t) == 5 and "delivery_ms" in m([n for n in t if "alert" in n][0])' \
        "the alert's delivery time is measured"
    expect_match "alert delivered in [0-9.]+ ms" "$out" "the diagnosis gives the delivery time"
    stop_pid "$MOCK_PID"
else
    ok "alert delivery against wscheck-mock # SKIP wscheck-mock not built"
fi

CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
run_wscheck --test-monitoring --host 127.0.0.1 --monitoring-port "$CLOSED_PORT"
expect_status 1 "--test-monitoring fails when nothing listens"

run_wscheck --test-monitoring --monitoring-port 0
expect_status 2 "--monitoring-port out of range is a usage error"
expect_match "monitoring-port needs a port number 1-65535" "$err" "the usage error says why"
run_wscheck --test-monitoring --metrics-interval -1
expect_status 2 "--metrics-interval must be positive"
run_wscheck --help
expect_match "--test-monitoring \[--verify-metrics-streaming\]" "$out" "--help names --test-monitoring"
finish
