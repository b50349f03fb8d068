#!/usr/bin/env bash
# wscheck monitor --metrics-listen and --textfile: a running monitor's
# exposition, scraped over HTTP and written for node_exporter, passes
# `promtool check metrics`; it shows each test's state as the monitor keeps
# it; a test removed by a SIGHUP reload loses its series; a port that
# cannot be bound is an error before the first round.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"
require_peers promtool

T=$WSC_TMP
start_listener || { echo "Bail out! no listener"; exit 1; }
suite() {
    cat >"$T/suite.json" <<JSON
{ "name": "services",
  "tests": [
    { "name": "up", "plugin": "port", "check": "listening",
      "params": { "host": "127.0.0.1", "port": $LISTEN_PORT } }$1 ] }
JSON
}
suite ', { "name": "down", "plugin": "port", "check": "listening",
      "params": { "host": "127.0.0.1", "port": '"$(free_port)"' } }'
mkdir -p "$T/textfile"
"$WSCHECK" monitor --no-jitter --interval 0.2 --metrics-listen 127.0.0.1:0 \
    --textfile "$T/textfile" --log-results "$T/log.jsonl" "$T/suite.json" \
    >"$T/out" 2>"$T/err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"
PORT=$(wait_for_line "$T/out" '^metrics on port [0-9]+' | sed 's/[^0-9]//g')
check "the monitor says where its metrics are" test -n "$PORT"
check "two rounds ran" wait_log "$T/log.jsonl" "len(lines) >= 4"

scrape() { curl -sS --max-time 10 "http://127.0.0.1:$PORT/metrics" >"$T/$1"; }
check "GET /metrics answers" scrape scrape.txt
check "promtool check metrics accepts the scrape" sh -c "promtool check metrics <'$T/scrape.txt'"
check "the passing test is up" grep -qx 'wscheck_test_up{suite="services",test="up"} 1' "$T/scrape.txt"
check "the failing test is down" grep -qx 'wscheck_test_up{suite="services",test="down"} 0' "$T/scrape.txt"
check "its failures are counted" grep -q '^wscheck_test_failures_total{suite="services",test="down"} [1-9]' "$T/scrape.txt"
check "rounds are counted" grep -q '^wscheck_rounds_total [1-9]' "$T/scrape.txt"
check "the textfile is written" test -s "$T/textfile/wscheck.prom"
check "promtool check metrics accepts the textfile" \
    sh -c "promtool check metrics <'$T/textfile/wscheck.prom'"

# SIGHUP with the failing test removed: its series go.
suite ""
ROUNDS=$(log_lines "$T/log.jsonl")
kill -HUP "$MON"
check "rounds go on after the reload" \
    wait_log "$T/log.jsonl" "len(lines) >= $ROUNDS + 3 and lines[-1]['test'] == 'up' and lines[-2]['test'] == 'up'"
check "GET /metrics after the reload" scrape reloaded.txt
if grep -q 'test="down"' "$T/reloaded.txt"; then
    not_ok "a removed test loses its series"; diag <"$T/reloaded.txt"
else ok "a removed test loses its series"; fi
check "the remaining test keeps its series" grep -q 'test="up"' "$T/reloaded.txt"
kill -TERM "$MON"
wait_bounded 30 "$MON"
status=$? out=$(cat "$T/out") err=$(cat "$T/err")
expect_status 0 "SIGTERM: status 0"

# The port is taken: an error, nothing runs.
run_wscheck monitor --no-jitter --count 1 --metrics-listen "127.0.0.1:$LISTEN_PORT" "$T/suite.json"
expect_status 3 "a port in use: status 3"
expect_match "--metrics-listen 127.0.0.1:$LISTEN_PORT: " "$err" "the error names the option and address"
check "no round ran" test "$(printf '%s' "$out" | grep -c '^round')" = 0
finish
