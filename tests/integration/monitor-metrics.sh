#!/usr/bin/env bash
# The monitor's metrics as Prometheus reads them: `promtool check metrics`
# on the exposition rendered, on the node_exporter textfile, and on GET
# /metrics of the listener, scraped by several clients at once.
. "$top_srcdir/tests/integration/lib.sh"
require_peers promtool
T=$WSC_TMP
FEED=$top_builddir/tests/integration/monitor_metrics_feed

# promtool_ok FILE DESC: promtool accepts the exposition in FILE.
promtool_ok() {
    if promtool check metrics <"$1" >"$T/promtool.out" 2>&1; then ok "$2"
    else not_ok "$2"; diag <"$T/promtool.out"; diag <"$1"; fi
}

"$FEED" --render >"$T/render.prom" 2>"$T/render.err"
check "the feeder renders the exposition" test -s "$T/render.prom"
promtool_ok "$T/render.prom" "promtool accepts the rendered exposition"
check "a label value with a quote, a backslash and a newline is escaped" grep -qF \
    'wscheck_test_up{suite="websocket services",test="echo \"quoted\" \\ back\nslash"} 0' \
    "$T/render.prom"
check "every family has HELP and TYPE" sh -c '
    for f in test_up test_status test_duration_seconds test_last_success_timestamp_seconds \
        test_failures_total test_runs_total check_metric dropped_series_total rounds_total \
        round_duration_seconds round_overruns_total; do
        grep -q "^# HELP wscheck_$f " "$1" && grep -q "^# TYPE wscheck_$f " "$1" || exit 1
    done' sh "$T/render.prom"

mkdir "$T/textfile"
check "the textfile is written" "$FEED" --textfile "$T/textfile"
check "DIR holds wscheck.prom and nothing else" test "$(ls "$T/textfile")" = wscheck.prom
promtool_ok "$T/textfile/wscheck.prom" "promtool accepts the textfile"
check "the textfile is the exposition" cmp "$T/textfile/wscheck.prom" "$T/render.prom"
"$FEED" --textfile "$T/nowhere" >"$T/nowhere.out" 2>&1
check "a missing textfile directory is an error naming it" grep -qF \
    "cannot write the textfile in $T/nowhere: No such file or directory" "$T/nowhere.out"

start_bg "$T/feed.log" "$FEED" --listen 127.0.0.1:0
FEED_PID=$last_pid
port=$(wait_for_line "$T/feed.log" '^port [0-9]+$' | cut -d' ' -f2)
if [ -n "$port" ]; then
    # Several scrapes at once, each a separate curl run by pid.
    pids=
    for i in 1 2 3 4 5 6; do
        curl -fsS -D "$T/headers.$i" -o "$T/scrape.$i" "http://127.0.0.1:$port/metrics" \
            2>"$T/curl.$i" &
        pids="$pids $!"
    done
    n=0
    for p in $pids; do wait "$p" && n=$((n + 1)); done
    check "six concurrent scrapes all succeed" test "$n" -eq 6
    promtool_ok "$T/scrape.6" "promtool accepts GET /metrics"
    check "GET /metrics is the exposition" cmp "$T/scrape.1" "$T/render.prom"
    check "GET /metrics has the exposition content type" grep -qi \
        '^Content-Type: text/plain; version=0.0.4' "$T/headers.1"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/other")
    check "another path is 404" test "$code" = 404
    check "/ links to /metrics" sh -c 'curl -fsS "$1" | grep -q "href=\"/metrics\""' sh \
        "http://127.0.0.1:$port/"
else
    not_ok "the listener starts"
fi
stop_pid "$FEED_PID"
check "the listener's port is closed once freed" sh -c \
    '! curl -fsS -o /dev/null "http://127.0.0.1:$1/metrics" 2>/dev/null' sh "$port"
finish
