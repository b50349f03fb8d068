#!/bin/sh
# Readable traces and flaky tests, as a CI user sees them: a server that
# closes the first connections with 4000 "bad input" and then behaves. A
# test retried past those failures passes and says it is flaky (console
# line, summary, JSON attempts, JUnit on both schemas, Surefire's elements
# on request); a test that fails every attempt keeps each attempt, and its
# JUnit failure shows the trace as lines: upgrade request and answer
# headers, frames with arrows and microsecond times, the close decoded.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"

cat >"$WSC_TMP/retries.json" <<'EOF2'
{
  "name": "retries",
  "defaults": {"timeout": 5, "retry_delay": 0},
  "tests": [
    {"name": "login", "plugin": "ws-basic", "check": "conversation", "retries": 3,
     "params": {"url": "${flaky}/chat", "steps": [{"send": "hi"}, {"expect_text": "hi"}]}},
    {"name": "echo", "plugin": "ws-basic", "check": "conversation", "retries": 1,
     "params": {"url": "${broken}/chat", "headers": {"X-Client": "trace-test"},
                "steps": [{"send": "hi"}, {"expect_text": "hi"}]}}
  ]
}
EOF2

# Fresh servers for each run: they count the connections they fail.
start_servers() {
    start_raw_peer fail-first --fail 2
    FLAKY=$PEER_URL
    start_raw_peer fail-first --fail 100
    BROKEN=$PEER_URL
}

start_servers
run_scenario retries --var "flaky=$FLAKY" --var "broken=$BROKEN"
expect_reports retries 1 "a flaky and a failing test"

# ---- console ---------------------------------------------------------------
expect_match '^PASS   retries › login  \([0-9.]+ m?s, flaky: 2 failed attempts\)$' "$out" \
    "console: the flaky test passes and says how many attempts failed"
expect_match '^       attempt 1 failed \([0-9.]+ m?s\): step 1 \(expect_text\): .*close 4000 "bad input"' \
    "$out" "console: why its first attempt failed"
expect_match '^FAIL   retries › echo  \([0-9.]+ m?s, 2 attempts\)$' "$out" \
    "console: the failing test names its attempts"
expect_match '^1 passed \(1 flaky\), 1 failed, 0 errors, 0 skipped in ' "$out" \
    "console: the summary counts the flaky test"

# ---- JSON report -------------------------------------------------------------
expect_json "$WSC_TMP/retries.report.json" "r['summary']['flaky'] == 1 and r['suites'][0]['summary']['flaky'] == 1" \
    "JSON: summaries count one flaky test"
expect_json "$WSC_TMP/retries.report.json" \
    "t['login']['flaky'] is True and t['login']['attempts'] == 3 and [a['status'] for a in t['login']['attempt_log']] == ['failed', 'failed', 'passed']" \
    "JSON: the flaky test keeps every attempt"
expect_json "$WSC_TMP/retries.report.json" \
    "all('close 4000 \"bad input\"' in a['message'] and a['duration'] > 0 for a in t['login']['attempt_log'][:2]) and t['login']['attempt_log'][2]['message'] is None" \
    "JSON: each failed attempt has its message and duration"
expect_json "$WSC_TMP/retries.report.json" \
    "t['echo']['flaky'] is False and [(a['attempt'], a['status']) for a in t['echo']['attempt_log']] == [(1, 'failed'), (2, 'failed')]" \
    "JSON: a test that failed every attempt keeps them all"
expect_json "$WSC_TMP/retries.report.json" \
    "all(isinstance(e['t_ms'], float) and round(e['t_ms'], 3) == e['t_ms'] for e in trace('echo')) and len(trace('echo')) >= 4" \
    "JSON: the structured trace, times to the microsecond"
expect_json "$WSC_TMP/retries.report.json" \
    "[(e['dir'], e['kind']) for e in trace('echo')][:2] == [('send', 'http'), ('recv', 'http')] and 'X-Client: trace-test' in trace('echo')[0]['data']" \
    "JSON: the upgrade request and answer are whole header blocks"

# ---- JUnit (portable form) -----------------------------------------------------
junit_text() {
    "$PYTHON_WS" -c '
import sys, xml.etree.ElementTree as ET
doc = ET.parse(sys.argv[1])
print(doc.findtext(sys.argv[2]) or "")' "$@"
}
err_text=$(junit_text "$WSC_TMP/retries.xml" "testsuite/system-err")
expect_match '^\[login\] flaky: passed on attempt 3 after 2 failed attempts$' "$err_text" \
    "JUnit: system-err says the test is flaky"
expect_match '^attempt 2 failed \([0-9.]+ s\): step 1 \(expect_text\): .*close 4000 "bad input"' \
    "$err_text" "JUnit: system-err has each failed attempt"
expect_match '^\[echo\] failed after 2 attempts$' "$err_text" \
    "JUnit: system-err has the attempts of the failing test"
check "JUnit: a property names the flaky test" \
    grep -q '<property name="login.flaky" value="2 failed attempts"/>' "$WSC_TMP/retries.xml"
check "JUnit: no Surefire elements by default" \
    sh -c '! grep -Eq "flakyFailure|rerunFailure" "$1"' sh "$WSC_TMP/retries.xml"

# The failure's trace, as lines a person reads.
failure=$(junit_text "$WSC_TMP/retries.xml" "testsuite/testcase[@name='echo']/failure")
T='^\+[0-9]+\.[0-9]{3} ms  '
expect_match "${T}→ http [0-9]+ B  GET /chat HTTP/1\\.1\$" "$failure" \
    "trace: the upgrade request line, sent, microsecond time"
for header in 'Upgrade: websocket' 'Sec-WebSocket-Version: 13' 'Sec-WebSocket-Key: [A-Za-z0-9+/=]+' \
    'X-Client: trace-test'; do
    expect_match "^ +$header\$" "$failure" "trace: request header $header"
done
expect_match "${T}← http [0-9]+ B  HTTP/1\\.1 101 Switching Protocols\$" "$failure" \
    "trace: the answer's status line, received"
expect_match '^ +Sec-WebSocket-Accept: [A-Za-z0-9+/=]+$' "$failure" "trace: answer header Sec-WebSocket-Accept"
expect_match "${T}→ text 2 B  hi\$" "$failure" "trace: the text frame sent"
expect_match "${T}← close 11 B  4000 \\(private use\\) \"bad input\"\$" "$failure" \
    "trace: the close decoded: code, its name, reason"
check "trace: plain lines, not JSON" sh -c '! printf "%s" "$1" | grep -q "t_ms"' sh "$failure"

# ---- JUnit, Surefire's elements ---------------------------------------------
start_servers
run_scenario retries --var "flaky=$FLAKY" --var "broken=$BROKEN" --junit-flaky surefire
expect_status 1 "--junit-flaky surefire: same outcome"
check "--junit-flaky surefire: valid on the Jenkins schema" \
    xmllint --noout --schema "$JUNIT_XSD_DIR/jenkins-junit-10.xsd" "$WSC_TMP/retries.xml"
check "--junit-flaky surefire: not on the Ant schema, as documented" \
    sh -c '! xmllint --noout --schema "$1" "$2" 2>/dev/null' sh \
    "$JUNIT_XSD_DIR/ant-junit.xsd" "$WSC_TMP/retries.xml"
count() {
    "$PYTHON_WS" -c '
import sys, xml.etree.ElementTree as ET
print(len(ET.parse(sys.argv[1]).findall(sys.argv[2])))' "$@"
}
check "--junit-flaky surefire: a flakyFailure per failed attempt of the flaky test" \
    test "$(count "$WSC_TMP/retries.xml" "testsuite/testcase[@name='login']/flakyFailure")" = 2
check "--junit-flaky surefire: the failing test's first attempt is a rerunFailure" \
    test "$(count "$WSC_TMP/retries.xml" "testsuite/testcase[@name='echo']/rerunFailure")" = 1
expect_match 'close 4000 "bad input"' \
    "$(junit_text "$WSC_TMP/retries.xml" "testsuite/testcase[@name='login']/flakyFailure/stackTrace")" \
    "--junit-flaky surefire: flakyFailure carries the attempt's message"

run_wscheck run --junit-flaky jenkins "$WSC_TMP/retries.json"
expect_status 2 "--junit-flaky: an unknown form is a usage error"
expect_match "^wscheck: --junit-flaky: expected 'portable' or 'surefire', got: jenkins" "$err" \
    "--junit-flaky: the error names the forms"

finish
