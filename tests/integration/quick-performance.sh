#!/usr/bin/env bash
# --include-performance-tests: after the quick checks, a short load stage
# on every endpoint test that passed and can run under load, each reported
# as a test "performance: NAME" of the same run (console summary, JSON,
# JUnit valid on both schemas). Against wscheck-mock: a server that holds
# the load passes; one that refuses a second connection from the same
# address fails its performance tests (with the reason), while its quick
# checks pass; an endpoint that is down gets no stage. Counts and statuses
# are asserted, never rates or times.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
cd "$T" || exit 1
start_mock || { echo "Bail out! wscheck-mock did not start"; exit 1; }
H="WebSocket handshake: $MOCK_URL"

run_wscheck --test-websocket "$MOCK_URL" --test-endpoint "$MOCK_MCP_URL" \
    --validate-mcp-protocol --include-performance-tests --performance-connections 3 \
    --performance-duration 1s --json "$T/perf.json" --junit "$T/perf.xml"
expect_status 0 "the mock holds the stage: status 0"
expect_match 'Performance tests \(3 connections per test for 1 s\):' "$out" \
    "the console says what the stage was"
expect_json "$T/perf.json" "sorted(s['name'] for s in r['suites']) == ['performance', 'wscheck quick checks']" \
    "the stage is a suite of the same report"
expect_json "$T/perf.json" "sorted(n for n in t if n.startswith('performance: ')) == sorted(['performance: $H', 'performance: WebSocket echo: $MOCK_URL', 'performance: WebSocket ping/pong: $MOCK_URL', 'performance: MCP handshake: $MOCK_MCP_URL'])" \
    "every passed endpoint test that can run under load is measured (MCP protocol cannot)"
expect_json "$T/perf.json" "t['performance: $H']['status'] == 'passed' and m('performance: $H')['sessions'] >= 1 and m('performance: $H')['sessions_failed'] == 0" \
    "a measured test passed with its sessions counted"
expect_json "$T/perf.json" "'rtt_p99_ms' in m('performance: WebSocket ping/pong: $MOCK_URL') and units('performance: $H')['handshake_p99_ms'] == 'ms'" \
    "the load metrics are the test's metrics, with units"
expect_json "$T/perf.json" "[(x['metric'], x['ok']) for x in t['performance: $H']['thresholds']] == [('sessions_failed', True)]" \
    "the default threshold is listed"
check "JUnit valid against both schemas" validate_junit "$T/perf.xml"
check "JUnit has a test case per performance test" \
    grep -q "testcase name=\"performance: WebSocket echo: $MOCK_URL\"" "$T/perf.xml"

# ---- a server that gives way under load ------------------------------------------------
stop_pid "$MOCK_PID"
start_mock --max-connections-per-ip 1 || { echo "Bail out! wscheck-mock did not start"; exit 1; }
run_wscheck --test-websocket "$MOCK_URL" --include-performance-tests \
    --performance-connections 4 --performance-duration 1s --json "$T/weak.json"
expect_status 1 "sessions that fail under load fail the run"
expect_json "$T/weak.json" "all(x['status'] == 'passed' for s in r['suites'] if s['name'] != 'performance' for x in s['tests'])" \
    "the quick checks themselves passed"
expect_json "$T/weak.json" "t['performance: WebSocket handshake: $MOCK_URL']['status'] == 'failed' and m('performance: WebSocket handshake: $MOCK_URL')['sessions_failed'] >= 1" \
    "the performance test failed, its failed sessions counted"
expect_json "$T/weak.json" "msg('performance: WebSocket handshake: $MOCK_URL').startswith('sessions_failed') and 'first error: ' in msg('performance: WebSocket handshake: $MOCK_URL')" \
    "its message names the threshold and the first error"

# ---- nothing to measure, and the refusals ------------------------------------------------
DOWN=$(free_port)
run_wscheck --test-websocket "ws://127.0.0.1:$DOWN/" --include-performance-tests \
    --performance-duration 1s
expect_status 1 "an endpoint that is down fails its quick checks"
expect_match 'Performance tests: no endpoint test passed that can run under load' "$out" \
    "and gets no stage, which the console says"
run_wscheck --test-websocket "$MOCK_URL" --include-performance-tests --continuous-monitoring
expect_status 2 "the stage does not go with --continuous-monitoring"
expect_match "not of --continuous-monitoring: run it with --scheduled-check, or use 'wscheck load'" \
    "$err" "the message says what to use instead"
run_wscheck --test-websocket "$MOCK_URL" --performance-connections 0
expect_status 2 "--performance-connections 0 is a usage error"
expect_match "performance-connections needs a number 1-100000, got '0'" "$err" "which says why"
run_wscheck --test-websocket "$MOCK_URL" --performance-duration soon
expect_status 2 "a duration that is not one is a usage error"
expect_match "performance-duration needs a duration \(5s, 1m\), got 'soon'" "$err" "which says why"
finish
