#!/usr/bin/env bash
# wscheck load as a user runs it against wscheck-mock: usage errors, a test
# that cannot run under load refused by name, bounded runs (--iterations)
# with their JSON and JUnit reports, thresholds met (exit 0) and breached
# (exit 1), and SIGTERM mid-run still writing the reports. Counts and
# statuses only: no rate or time is asserted.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/load.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
DOWN="ws://127.0.0.1:$(free_port)/"

# ---- usage -------------------------------------------------------------------------
run_wscheck load --help
expect_status 0 "load --help exits 0"
expect_match '--threshold EXPR' "$out" "--help lists --threshold"

run_wscheck load "$S" --test echo --threshold 'sesions_failed == 0'
expect_status 2 "an unknown metric in --threshold is a usage error"
expect_match "did you mean 'sessions_failed'" "$err" "... with the nearest metric suggested"

run_wscheck load "$S" --test echo --rate 5 --connections 2
expect_status 2 "--rate and --connections together are a usage error"

run_wscheck load "$S" --test ecoh --iterations 1
expect_status 2 "an unknown --test is a usage error"
expect_match "has no test 'ecoh' \(did you mean 'echo'\?\)" "$err" "... naming the nearest test"

run_wscheck load "$S" --duration soon
expect_status 2 "a malformed duration is a usage error"

# ---- more connections than the process can hold ------------------------------------
"$BASH" -c 'ulimit -n 128 && exec "$@"' sh "$WSCHECK" load "$S" --test echo \
    --var "url=$MOCK_URL" --connections 5000 --iterations 1 >"$T/fd.out" 2>&1
fd_status=$?
check "--connections beyond the open-file limit is refused (exit 2)" test "$fd_status" = 2
check "... naming how many connections the process can hold" \
    grep -Eq '5000 connections asked for, but this process can hold [0-9]+ ' "$T/fd.out"

# ---- a test that cannot run under load ------------------------------------------
run_wscheck load "$S" --var "url=$MOCK_URL" --var "down_url=$DOWN" --iterations 1
expect_status 2 "without --test, a test that cannot run under load refuses the run"
expect_match "test 'port open'.*port.listening.* cannot run under load" "$err" \
    "... the message names the refused test"
expect_match "with --test NAME" "$err" "... and says how to select the others"

# ---- a bounded run that meets its thresholds -------------------------------------
run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 4 --iterations 20 \
    --json "$T/ok.json" --junit "$T/ok.xml"
expect_status 0 "20 echo sessions on 4 connections meet the thresholds (exit 0)"
expect_json "$T/ok.json" 'r["kind"] == "load" and r["report_version"] == 1' \
    "the JSON report is a load report"
expect_json "$T/ok.json" '[x["name"] for x in r["tests"]] == ["echo"]' "... of the selected test"
expect_json "$T/ok.json" 'r["tests"][0]["sessions"] == 20 and r["tests"][0]["sessions_ok"] == 20' \
    "... with sessions == iterations, all ok"
expect_json "$T/ok.json" 'r["tests"][0]["messages_sent"] == 20 and r["tests"][0]["messages_received"] == 40' \
    "... one message sent and two received per session"
expect_json "$T/ok.json" 'r["tests"][0]["histograms"]["session_ms"]["count"] == 20' \
    "... and the session histogram has every session"
expect_json "$T/ok.json" 'r["tests"][0]["metrics"]["sessions_failed"] == 0 and r["tests"][0]["metrics"]["session_count"] == 20' \
    "... the metrics name the figures"
expect_json "$T/ok.json" '{x["metric"]: x["status"] for x in r["tests"][0]["thresholds"]} == {"session_p99_ms": "pass", "tools": "skipped", "sessions_failed": "pass"}' \
    "... expect_metrics on a load metric passes, a CI metric is skipped, the default rule passes"
expect_json "$T/ok.json" 'r["plan"]["model"] == "closed" and r["plan"]["iterations"] == 20 and r["shard"] is None' \
    "... and the plan is the one asked for"
check "the JUnit report is valid on both schemas" validate_junit "$T/ok.xml"
check "... with one test case per threshold, the CI metric skipped" \
    grep -q 'tests="3" failures="0" errors="0" skipped="1"' "$T/ok.xml"
expect_match "echo \(ws-basic.conversation\)" "$out" "the summary names the test"
expect_match "sessions: 20 ok, 0 failed" "$out" "... with its sessions"
expect_match "pass  session_p99_ms = " "$out" "... and each threshold"

# ---- two tests, two protocols -------------------------------------------------------
HTTP_BASE=http://127.0.0.1:$MOCK_PORT
run_wscheck load "$S" --test echo --test health --var "url=$MOCK_URL" --var "http=$HTTP_BASE" \
    --connections 4 --iterations 20 --json "$T/two.json"
expect_status 0 "a WebSocket and an HTTP test loaded together meet the thresholds"
expect_json "$T/two.json" '[x["name"] for x in r["tests"]] == ["echo", "health"] and sum(x["sessions_ok"] for x in r["tests"]) == 20' \
    "both are in the report, their sessions adding up to the iterations"
expect_json "$T/two.json" 'all(x["sessions_ok"] > 0 and x["sessions_failed"] == 0 for x in r["tests"])' \
    "... each with sessions of its own, none failed"
expect_json "$T/two.json" 'r["tests"][1]["histograms"]["response_ms"]["count"] == r["tests"][1]["sessions_ok"]' \
    "... the HTTP test with one response time per session"

# ---- load thresholds on a check that declares its metrics ----------------------------
cat >"$T/thr.json" <<'JSON'
{
  "name": "thresholds",
  "vars": {"http": "http://127.0.0.1:9"},
  "tests": [{"name": "health", "plugin": "http", "check": "health",
             "params": {"url": "${http}/health"},
             "expect_metrics": {"response_p99_ms": {"$lt": 60000}, "error_rate": 0,
                                "total_ms": {"$lt": 60000}}}]
}
JSON
run_wscheck validate "$T/thr.json" --var "http=$HTTP_BASE"
expect_status 0 "expect_metrics may name load metrics on a check that declares its own"
run_wscheck run "$T/thr.json" --var "http=$HTTP_BASE" --json "$T/thr-run.json"
expect_status 0 "wscheck run passes: a load metric says nothing of one run"
expect_json "$T/thr-run.json" "[x['metric'] for x in t['health']['thresholds']] == ['total_ms']" \
    "... only the check's own metric is a threshold of the run"
run_wscheck load "$T/thr.json" --var "http=$HTTP_BASE" --iterations 4 --json "$T/thr-load.json"
expect_status 0 "wscheck load applies the load metrics"
expect_json "$T/thr-load.json" '{x["metric"]: x["status"] for x in r["tests"][0]["thresholds"]} == {"response_p99_ms": "pass", "error_rate": "pass", "total_ms": "skipped"}' \
    "... and skips the check's own metric"
cat >"$T/thr-typo.json" <<'JSON'
{"name": "typo", "tests": [{"name": "h", "plugin": "http", "check": "health",
  "params": {"url": "http://127.0.0.1:9/"}, "expect_metrics": {"totl_ms": 1}}]}
JSON
run_wscheck validate "$T/thr-typo.json"
expect_status 2 "a name that is neither the check's nor a load metric is still an error"
expect_match "records no metric 'totl_ms' \(did you mean 'total_ms'\?\)" "$err" "... with the nearest name"

# ---- secrets stay out of the outputs -----------------------------------------------
cat >"$T/secret.json" <<'JSON'
{
  "name": "secret",
  "vars": {"http": "http://127.0.0.1:9", "key": {"$secret": "s3cr3t-value"}},
  "tests": [{"name": "missing", "plugin": "http", "check": "health",
             "params": {"url": "${http}/nowhere/s3cr3t-value"}}]
}
JSON
run_wscheck load "$T/secret.json" --var "http=$HTTP_BASE" --iterations 2 \
    --json "$T/secret-out.json" --junit "$T/secret-out.xml"
expect_status 1 "a request the server refuses fails its sessions"
expect_match "first error: .*\*\*\*" "$out" "the first error names the path with the secret redacted"
check "no output holds the secret (summary, JSON, JUnit)" \
    sh -c '! grep -q s3cr3t-value "$1" "$2" "$3"' sh "$WSC_TMP/stdout" "$T/secret-out.json" "$T/secret-out.xml"

cat >"$T/cred.json" <<'JSON'
{
  "name": "credential",
  "vars": {"http": "http://127.0.0.1:9"},
  "tests": [{"name": "token in the path", "plugin": "http", "check": "health",
             "params": {"url": "${http}/nowhere/t0ken-in-header",
                        "headers": {"Authorization": "t0ken-in-header"}}}]
}
JSON
run_wscheck load "$T/cred.json" --var "http=$HTTP_BASE" --iterations 2 --json "$T/cred-out.json"
expect_status 1 "a request with an Authorization header the server refuses fails"
check "the Authorization value is a secret of every output, as in a run" \
    sh -c '! grep -q t0ken-in-header "$1" "$2" "$3"' sh "$WSC_TMP/stdout" "$WSC_TMP/stderr" "$T/cred-out.json"

# ---- thresholds breached ----------------------------------------------------------
run_wscheck load "$S" --test down --var "down_url=$DOWN" --connections 2 --iterations 5 \
    --json "$T/down.json" --junit "$T/down.xml"
expect_status 1 "sessions against a closed port breach the default rule (exit 1)"
expect_json "$T/down.json" 'r["tests"][0]["errors"]["connect"] == 5 and r["tests"][0]["sessions_failed"] == 5' \
    "the report counts 5 connect errors"
expect_json "$T/down.json" 'r["tests"][0]["thresholds"][0]["status"] == "fail" and r["tests"][0]["thresholds"][0]["source"] == "default"' \
    "... and the default rule as breached"
check "the JUnit report of a breach is valid on both schemas" validate_junit "$T/down.xml"
check "... with the breach as a failure naming the value and the limit" \
    grep -q '<failure message="sessions_failed = 5, expected 0" type="threshold"' "$T/down.xml"
expect_match "FAIL  sessions_failed = 5, expected 0" "$out" "the summary shows the breach"
expect_match "errors: connect 5" "$out" "... and the errors by kind"

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --iterations 3 \
    --threshold 'echo:sessions_ok >= 4' --json "$T/th.json"
expect_status 1 "a --threshold that is not met exits 1"
expect_json "$T/th.json" '[x["text"] for x in r["tests"][0]["thresholds"] if x["status"] == "fail"] == ["sessions_ok = 3, expected $gte 4"]' \
    "... and the report names it with its value"

# ---- SIGTERM mid-run ----------------------------------------------------------------
start_bg "$T/term.log" "$WSCHECK" load "$S" --test echo --var "url=$MOCK_URL" \
    --connections 2 --duration 1h --json "$T/term.json" --junit "$T/term.xml"
term_pid=$last_pid
if wait_for_line "$T/term.log" 'can hold [0-9]+ connections' >/dev/null; then
    kill -TERM "$term_pid"
    wait_bounded 60 "$term_pid"
    term_status=$?
    check "SIGTERM ends the run with a status (0 or 1), not a signal" \
        test "$term_status" -le 1
    expect_json "$T/term.json" 'r["interrupted"] is True' "the JSON report is still written, marked interrupted"
    check "... and the JUnit report, valid" validate_junit "$T/term.xml"
else
    not_ok "the run started"
fi
finish
