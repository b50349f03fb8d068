#!/usr/bin/env bash
# security secrets_in_logs: fixture log files (one clean, one leaking a
# bearer token, a JSON password, a URL password and a given value) and the
# same logs served over HTTP. Findings name file:line and the pattern; the
# secrets themselves never reach a report.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets

T=$WSC_TMP
LOGS=$top_srcdir/tests/integration/fixtures/logs
cp "$LOGS/clean.log" "$LOGS/leaky.log" "$T/"
start_bg "$T/http.log" "$PYTHON_WS" -u -m http.server --bind 127.0.0.1 --directory "$T" 0
BASE=$(wait_for_line "$T/http.log" 'http://127\.0\.0\.1:[0-9]+/') ||
    { not_ok "the HTTP server starts"; finish; exit 1; }

cat >"$T/logs.json" <<'JSON'
{ "name": "logs",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "clean", "plugin": "security", "check": "secrets_in_logs",
      "params": { "files": ["${dir}/clean*.log"], "secrets": ["tok-ab12cd34ef56"] } },
    { "name": "leaky", "plugin": "security", "check": "secrets_in_logs",
      "params": { "files": ["${dir}/*.log"], "secrets": ["tok-ab12cd34ef56"] } },
    { "name": "over http", "plugin": "security", "check": "secrets_in_logs",
      "params": { "log_url": "${base}leaky.log", "secrets": ["tok-ab12cd34ef56"],
                  "max_reported": 1 } },
    { "name": "no such file", "plugin": "security", "check": "secrets_in_logs",
      "params": { "files": ["${dir}/none-*.log"] } }
  ] }
JSON
run_wscheck run --junit "$T/logs.xml" --json "$T/logs.out" --var "dir=$T" --var "base=$BASE" \
    "$T/logs.json"
expect_status 1 "a leaking log fails the run"
check "its JUnit report is valid" validate_junit "$T/logs.xml"
R=$T/logs.out
expect_json "$R" "t['clean']['status'] == 'passed' and m('clean') == {'findings': 0, 'lines': 4}" \
    "a clean log passes (session_id, max_tokens and a redacted header are no secrets)"
expect_json "$R" "[(f['file'].rsplit('/', 1)[1], f['line']) for f in o('leaky')['findings']] == [('leaky.log', 2), ('leaky.log', 4), ('leaky.log', 5), ('leaky.log', 6)]" \
    "every leaking line is found, by file and line"
expect_json "$R" "[f['pattern'] for f in o('leaky')['findings']][3] == 'secrets[0]' and o('leaky')['findings'][0]['pattern'] == 'redaction rule'" \
    "each finding names its pattern: a given value or a redaction rule"
expect_json "$R" "msg('leaky') == '4 lines hold secrets: $T/leaky.log:2 (redaction rule), $T/leaky.log:4 (redaction rule), $T/leaky.log:5 (redaction rule), $T/leaky.log:6 (secrets[0])'" \
    "the failure names each file:line and its pattern"
expect_json "$R" "'$T/leaky.log:2: redaction rule: 2026-12-04T00:00:02Z DEBUG upgrade headers: Authorization: ***' in t['leaky']['log'] and o('leaky')['findings'][1]['excerpt'].endswith('\"password\": \"***\"}')" \
    "redacted excerpts are in the log and the findings output"
for s in s3cr3t-b34r3r-t0k3n hunter2hunter2 pa55w0rd-db tok-ab12cd34ef56; do
    check "no report holds the secret $s" sh -c "! grep -q -- '$s' '$T/logs.out' '$T/logs.xml' '$T/stdout' '$T/stderr'"
done
expect_json "$R" "m('over http')['findings'] == 4 and o('over http')['findings'][1]['file'] == '${BASE}leaky.log' and msg('over http') == '4 lines hold secrets: ${BASE}leaky.log:2 (redaction rule) and 3 more (see the findings output)'" \
    "an HTTP endpoint's body is scanned the same way; max_reported bounds the message"
expect_json "$R" "t['no such file']['status'] == 'error' and msg('no such file') == 'files[0]: no file matches $T/none-*.log'" \
    "a pattern matching no file is an error, named"

cat >"$T/bad.json" <<'JSON'
{ "name": "bad", "tests": [ { "name": "nothing", "plugin": "security",
    "check": "secrets_in_logs", "params": {} } ] }
JSON
run_wscheck validate "$T/bad.json"
expect_status 2 "validate refuses a scan of nothing"
expect_match "nothing to scan: give files, log_url or both" "$out$err" "and says why"

finish
