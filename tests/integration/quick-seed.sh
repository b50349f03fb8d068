#!/usr/bin/env bash
# The seed's remaining commands, one run each, against wscheck-mock:
# --generate-report and --generate-detailed-report (the analytics of
# `wscheck report` over the run), --scheduled-check with --email-on-failure
# (a `sendmail` script first on PATH stands in for the system's mail
# transfer agent and keeps the message), alerts on failure,
# --test-configuration with --integrate-analytics and --store-results,
# --test-endpoints --server with --include-health-checks, an endpoint's
# configured headers, and the seed's options written without their value.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
cd "$T" || exit 1
start_mock || { echo "Bail out! wscheck-mock did not start"; exit 1; }
DOWN=$(free_port)
cat >"$T/wscheck.json" <<JSON
{ "mcp_server_endpoints": {
    "echo": { "url": "$MOCK_URL", "kind": "websocket" },
    "development_toolkit": { "url": "$MOCK_MCP_URL" } } }
JSON
# the mail transfer agent: keeps its arguments and the message
mkdir -p "$T/bin" "$T/mail"
cat >"$T/bin/sendmail" <<'SH'
#!/bin/sh
echo "$*" >"$MAIL_DIR/args"
cat >"$MAIL_DIR/message"
SH
chmod +x "$T/bin/sendmail"
export MAIL_DIR=$T/mail
MAILPATH_=$T/bin:$PATH

# ---- --generate-report, --generate-detailed-report ---------------------------------
run_wscheck --test-all-mcp-servers --generate-report
expect_status 0 "--test-all-mcp-servers --generate-report: status 0"
expect_match '^wscheck report: 5 results from 1 input' "$out" \
    "the report's analytics over this run's 5 results follow the run"
expect_match 'WebSocket ping/pong: ws://127.0.0.1:[0-9]+ +1 +1 +0 +0 +0 +100.00%' "$out" \
    "with each test's success rate"
run_wscheck --test-all-mcp-servers --generate-report="$T/report.txt" --json "$T/run.json"
expect_status 0 "--generate-report=FILE: status 0"
expect_match "report written to $T/report.txt" "$out" "says where the report is"
check "FILE holds the report's summary and error patterns" \
    grep -q -e '^Error patterns' "$T/report.txt"
expect_json "$T/run.json" "len(t) == 5" "--json FILE is still written (and read by the report)"
run_wscheck --test-all-mcp-servers --generate-detailed-report
expect_status 0 "--generate-detailed-report: status 0"
expect_match "detailed report \(HTML\) written to wscheck-report.html" "$out" \
    "the HTML report goes to wscheck-report.html by default"
check "the HTML report is one file with the tests, charts and no script" sh -c '
    grep -q "MCP tool discovery" "$1" && grep -q "<svg" "$1" && ! grep -qi "<script" "$1"' \
    sh "$T/wscheck-report.html"
run_wscheck --test-all-mcp-servers --generate-report --json -
expect_status 2 "--generate-report with --json - is a usage error"

# ---- --scheduled-check, --email-on-failure, alerts --------------------------------
cat >"$T/down.json" <<JSON
{ "mcp_server_endpoints": { "gone": { "url": "ws://127.0.0.1:$DOWN/" } },
  "alerts": { "email": { "to": "ops@example.org" } } }
JSON
PATH=$MAILPATH_ run_wscheck --scheduled-check --test-all-mcp-servers --generate-report \
    --email-on-failure
expect_status 0 "the seed's scheduled check, every endpoint up: status 0"
check "and no mail" test ! -e "$T/mail/message"
PATH=$MAILPATH_ run_wscheck --scheduled-check --test-all-mcp-servers --generate-report \
    --email-on-failure --config "$T/down.json" --store-results "$T/sched.jsonl"
expect_status 1 "the seed's scheduled check, an endpoint down: status 1"
check "the mail went through 'sendmail -t'" grep -qx -- -t "$T/mail/args"
check "the mail has To and Subject headers" sh -c '
    grep -qx "To: ops@example.org" "$1" &&
    grep -qE "^Subject: wscheck: 3 of 3 tests failed on " "$1"' sh "$T/mail/message"
check "the mail names each failure with its message" sh -c '
    grep -q "^FAILED  wscheck quick checks / WebSocket handshake: ws://127.0.0.1:$2/" "$1" &&
    grep -c "Connection refused" "$1" | grep -qx 3' sh "$T/mail/message" "$DOWN"
expect_match "wscheck: failure mail sent to ops@example.org" "$err" "and says it was sent"
expect_match "wscheck: ALERT DOWN: wscheck quick checks / WebSocket echo: ws://127.0.0.1:$DOWN/" \
    "$err" "no alert channel configured: an alert line on stderr per failed test"
check "the results are appended to --store-results (3 lines)" \
    sh -c 'test "$(wc -l <"$1")" -eq 3' sh "$T/sched.jsonl"
expect_match '^wscheck report: 3 results' "$out" "the report covers the failed run"
rm -f "$T/mail/message"
PATH=$MAILPATH_ run_wscheck --test-all-mcp-servers --config "$T/down.json" \
    --email-on-failure=dev@example.org
check "--email-on-failure=ADDRESS overrides alerts.email.to" \
    grep -qx "To: dev@example.org" "$T/mail/message"

cat >"$T/cmd.json" <<JSON
{ "mcp_server_endpoints": { "gone": { "url": "ws://127.0.0.1:$DOWN/" } },
  "alerts": { "command": "cat >>'$T/alerts.jsonl'",
              "email": { "to": "ops@example.org", "command": "$T/no-such-mailer -t" } } }
JSON
run_wscheck --scheduled-check --config "$T/cmd.json" --email-on-failure
expect_status 1 "a mail command that does not exist: the run's status is unchanged (1)"
expect_match "mail not sent: the mail command '$T/no-such-mailer -t' was not found" "$err" \
    "and a clear error names the mail command"
check "the configured alert command got a down event per failed test" sh -c '
    test "$(grep -c "\"state\":\"down\"" "$1")" -eq 3' sh "$T/alerts.jsonl"
run_wscheck --test-all-mcp-servers --config "$T/cmd.json"
check "without --alert-on-failure or --scheduled-check: no alert" \
    sh -c 'test "$(grep -c . "$1")" -eq 3' sh "$T/alerts.jsonl"

cat >"$T/bad-email.json" <<'JSON'
{ "alerts": { "email": { "to": "ops@example.org", "cc": "x" } } }
JSON
run_wscheck config --config "$T/bad-email.json"
expect_status 2 "an unknown key in alerts.email: status 2"
expect_match "bad-email.json:1:[0-9]+: alerts.email: unknown key 'cc'" "$err" \
    "with its position"

# ---- --test-configuration, --integrate-analytics, --store-results ------------------
cat >"$T/scenario.json" <<JSON
{ "name": "seed scenario",
  "tests": [ { "name": "handshake", "plugin": "ws-basic", "check": "handshake",
               "params": { "url": "$MOCK_URL" } } ] }
JSON
run_wscheck --test-configuration "$T/scenario.json" --integrate-analytics \
    --store-results "$T/analytics.jsonl"
run_wscheck --test-configuration "$T/scenario.json" --integrate-analytics \
    --store-results "$T/analytics.jsonl"
expect_status 0 "--test-configuration SCENARIO --integrate-analytics: status 0"
expect_match "Analytics over $T/analytics.jsonl \(every stored run\)" "$out" \
    "the analytics follow the run"
expect_match '^wscheck report: 2 results from 1 input' "$out" \
    "over every stored run (two runs of one test)"
run_wscheck --test-configuration "$T/wscheck.json" --json "$T/conf.json"
expect_status 0 "--test-configuration CONFIG: status 0"
expect_json "$T/conf.json" "len(t) == 5 and 'MCP tool discovery: $MOCK_MCP_URL' in t" \
    "a configuration file's endpoints are checked"
echo '{ "name": "x" }' >"$T/neither.json"
run_wscheck --test-configuration "$T/neither.json"
expect_status 2 "a file that is neither: status 2"
expect_match "neither a scenario file \(no \"tests\"" "$err" "says what is missing"
run_wscheck --test-configuration "$T/scenario.json" --integrate-analytics
expect_status 2 "--integrate-analytics without --store-results: status 2"

# ---- --test-endpoints --server NAME --port P --include-health-checks ---------------
cat >"$T/servers.json" <<JSON
{ "mcp_server_endpoints": {
    "crackerjack": { "url": "ws://127.0.0.1:$DOWN/", "kind": "websocket" } } }
JSON
run_wscheck --test-endpoints --server crackerjack --port "$MOCK_PORT" \
    --include-health-checks --config "$T/servers.json" --json "$T/srv.json"
expect_status 0 "--test-endpoints --server: the configured endpoint on --port passes"
expect_json "$T/srv.json" "sorted(t) == sorted(['WebSocket handshake: ws://127.0.0.1:$MOCK_PORT/', 'WebSocket echo: ws://127.0.0.1:$MOCK_PORT/', 'WebSocket ping/pong: ws://127.0.0.1:$MOCK_PORT/', 'HTTP health: http://127.0.0.1:$MOCK_PORT/health', 'port listening: $MOCK_PORT'])" \
    "its port replaced, plus the health and port checks"
run_wscheck --test-endpoints --server dev-toolkit --port "$MOCK_PORT" --json "$T/tk.json"
expect_status 0 "--server dev-toolkit: the toolkit's checks on --port"
expect_json "$T/tk.json" "list(t) == ['MCP handshake: ws://localhost:$MOCK_PORT']" \
    "as --test-dev-toolkit --port P"
run_wscheck --test-endpoints --server nosuch --config "$T/servers.json"
expect_status 2 "an unknown server: status 2"
expect_match "unknown server 'nosuch' \(known: crackerjack, development_toolkit, dev-toolkit, monitoring; configured: crackerjack\)" \
    "$err" "lists the known and configured names"

# ---- an endpoint's headers ---------------------------------------------------------
cat >"$T/headers.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[1], "a") as f:
            f.write("".join("%s: %s\n" % kv for kv in self.headers.items()))
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print("http://127.0.0.1:%d/" % s.server_port, flush=True)
s.serve_forever()
PY
start_bg "$T/headers.out" "$PYTHON_WS" "$T/headers.py" "$T/headers.seen"
HURL=$(wait_for_line "$T/headers.out" '^http://[^ ]+') || HURL=none
cat >"$T/hdr.json" <<JSON
{ "mcp_server_endpoints": { "api": { "url": "$HURL", "kind": "http",
    "headers": { "X-Team": "ops", "Authorization": "Bearer s3cr3t-token" } } } }
JSON
run_wscheck --test-all-mcp-servers --config "$T/hdr.json" --json "$T/hdr.out.json" --verbose
expect_status 0 "an endpoint with headers: status 0"
check "its configured headers were sent" sh -c '
    grep -qx "X-Team: ops" "$1" && grep -qx "Authorization: Bearer s3cr3t-token" "$1"' \
    sh "$T/headers.seen"
check "the credential is kept out of the report and the console" sh -c '
    grep -q "HTTP endpoint: " "$1" && grep -q "HTTP endpoint: " "$2" &&
    ! grep -q s3cr3t "$1" && ! grep -q s3cr3t "$2"' sh "$T/hdr.out.json" "$T/stdout"

# ---- the seed's options without a value -------------------------------------------
run_wscheck --ci-mode --test-deployment-endpoints --fail-on-error --output-junit-xml
expect_status 0 "the seed's CI line (--output-junit-xml without FILE): status 0"
check "wscheck-junit.xml is written and valid" validate_junit "$T/wscheck-junit.xml"
run_wscheck --check-http --timeout 2 --ci-mode
expect_status 0 "--check-http without URL is accepted"
expect_match "HTTP endpoint: http://localhost:8675/" "$out" "and checks crackerjack's progress server"
run_wscheck --test-endpoint "$MOCK_URL" --timeout 10
expect_status 0 "the seed's --test-endpoint URL --timeout 10"

# ---- every option of the seed is accepted, --help and wscheck(1) ---------------------
# Options are read in order: an accepted one lets the bad --timeout after it
# be the error.
refused=""
for opt in --check-port=1 --check-http --test-websocket=ws://x --test-endpoints \
    --server=crackerjack --port=8675 --include-health-checks --test-crackerjack-mcp \
    --verify-progress-streaming --test-job-monitoring --validate-mcp-protocol \
    --test-dev-toolkit --verify-tool-discovery --test-command-streaming --test-monitoring \
    --verify-metrics-streaming --test-alert-delivery --validate-dashboard-feeds \
    --continuous-monitoring --interval=30 --alert-on-failure --log-results=x \
    --scheduled-check --test-all-mcp-servers --generate-report --email-on-failure \
    --ci-mode --test-deployment-endpoints --fail-on-error --output-junit-xml \
    --test-endpoint=ws://x --timeout=10 --generate-detailed-report \
    --include-performance-tests \
    --test-configuration="$T/scenario.json" --integrate-analytics --store-results=x; do
    run_wscheck "$opt" --timeout 0
    printf '%s' "$err" | grep -q -- "--timeout needs" || refused="$refused $opt"
done
check "every option of the seed's documentation is accepted:${refused:- all}" test -z "$refused"
run_wscheck --check-port --help
expect_match '--email-on-failure\[=ADDRESS\]' "$out" "--help lists the seed's operations"
PAGE=$top_srcdir/docs/wscheck.1
missing=""
for opt in $(printf '%s\n' "$out" | grep -Eo '^  (-h, )?--[a-z-]+' | grep -Eo -- '--[a-z-]+'); do
    grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$PAGE" || missing="$missing $opt"
done
check "wscheck(1) documents every option of the quick checks' --help:${missing:- all}" \
    test -z "$missing"
finish
