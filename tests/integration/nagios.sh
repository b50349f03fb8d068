#!/usr/bin/env bash
# `wscheck run --nagios` against wscheck-mock: the status line, performance
# data, a line per failure, and Nagios' exit codes (0 OK, 1 WARNING, 2
# CRITICAL, 3 UNKNOWN, a usage error included).
. "$top_srcdir/tests/integration/lib.sh"
require_mock
T=$WSC_TMP
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
closed=$(free_port)

cat >"$T/ws.json" <<'JSON'
{ "name": "websocket services",
  "tests": [
    { "name": "handshake", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "${url}" } },
    { "name": "echo", "plugin": "ws-basic", "check": "conversation",
      "params": { "url": "${url}", "steps": [
        { "expect": { "type": "welcome" } },
        { "send": { "type": "echo", "data": "hi" } },
        { "expect": { "type": "echo_response" } } ] } },
    { "name": "secret's | pipe", "plugin": "ws-basic", "check": "handshake",
      "params": { "url": "${url}" } } ] }
JSON

# first_line: the status line of the last run.
first_line() { printf '%s\n' "$out" | head -1; }

run_wscheck run --nagios --var "url=$MOCK_URL/" "$T/ws.json"
expect_status 0 "every test passed: OK, exit 0"
expect_match '^WSCHECK OK - 3 of 3 tests passed \| ' "$(first_line)" "the OK status line"
expect_match "'handshake_duration'=[0-9.e-]+s;;;0( |$)" "$(first_line)" \
    "perfdata: each test's duration in seconds"
expect_match "'handshake_handshake_ms'=[0-9.e-]+s( |$)" "$(first_line)" \
    "perfdata: a metric in ms becomes seconds"
expect_match "'secret''s _ pipe_duration'=" "$(first_line)" \
    "perfdata label: a quote doubled, no pipe to cut the perfdata"
check "one line of output when all passed" test "$(printf '%s\n' "$out" | wc -l)" -eq 1
check "the console goes to standard error" test -n "$err"

run_wscheck run --nagios --var "url=ws://127.0.0.1:$closed/" --timeout 5 "$T/ws.json"
expect_status 2 "failures: CRITICAL, exit 2"
expect_match '^WSCHECK CRITICAL - 3 of 3 failed: handshake: .*\(and 2 more\) \| ' \
    "$(first_line)" "the CRITICAL status line names the first failure"
expect_match "^CRITICAL: websocket services: echo: .*127.0.0.1:$closed" "$out" \
    "a line per failure, with its message"
check "three failure lines" test "$(printf '%s\n' "$out" | grep -c '^CRITICAL: ')" -eq 3

# Flaky: passes on its second attempt, which is a WARNING.
export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
cat >"$T/flaky.json" <<JSON
{ "name": "flaky suite",
  "tests": [
    { "name": "steady", "plugin": "testkit", "check": "pass" },
    { "name": "wobbly", "plugin": "testkit", "check": "flaky", "retries": 1,
      "retry_delay": 0, "params": { "counter_file": "$T/counter" } } ] }
JSON
run_wscheck run --nagios "$T/flaky.json"
expect_status 1 "a flaky pass: WARNING, exit 1"
expect_match '^WSCHECK WARNING - 2 of 2 tests passed; 1 with a warning: wobbly: flaky: passed on attempt 2 \| ' \
    "$(first_line)" "the WARNING status line names the flaky test"
expect_match "'steady_answer'=42( |$)" "$(first_line)" "perfdata: a count is a bare number"
expect_match '^WARNING: flaky suite: wobbly: flaky: passed on attempt 2$' "$out" \
    "a line per flaky test"

run_wscheck run --nagios --bogus "$T/ws.json"
expect_status 3 "a usage error: UNKNOWN, exit 3"
expect_match '^WSCHECK UNKNOWN - usage or scenario error' "$(first_line)" \
    "the UNKNOWN status line"
run_wscheck run --nagios "$T/nowhere.json"
expect_status 3 "a scenario that cannot be read: UNKNOWN, exit 3"
run_wscheck run --nagios --json - "$T/ws.json"
expect_status 3 "a report on standard output: UNKNOWN, exit 3"
expect_match 'write reports to files' "$err" "it says why"
run_wscheck run --nagios --filter steady --tag none "$T/flaky.json"
expect_status 3 "no test selected: UNKNOWN, exit 3"
run_wscheck run --bogus "$T/ws.json"
expect_status 2 "without --nagios a usage error is still 2"
stop_pid "$MOCK_PID"
finish
