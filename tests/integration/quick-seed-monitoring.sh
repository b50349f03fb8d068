#!/usr/bin/env bash
# The seed's continuous monitoring: `wscheck --continuous-monitoring
# --interval S --alert-on-failure --log-results FILE` is `wscheck monitor`
# over the quick checks (or, when none is given, the configured endpoints):
# a target that goes down and comes back gives one down and one recovered
# alert per test (a line on stderr without configured channels, a mail
# with --email-on-failure), every round is logged, SIGTERM ends it with
# status 0. Waits are on the results log, never on time.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"
require_mock

T=$WSC_TMP
cd "$T" || exit 1
start_mock || { echo "Bail out! wscheck-mock did not start"; exit 1; }
cat >"$T/wscheck.json" <<JSON
{ "mcp_server_endpoints": {
    "echo": { "url": "$MOCK_URL", "kind": "websocket" },
    "development_toolkit": { "url": "$MOCK_MCP_URL" } } }
JSON

# ---- the seed's line, bounded by --count -------------------------------------------
run_wscheck --continuous-monitoring --interval 0.2 --count 2 --alert-on-failure \
    --log-results "$T/seed.jsonl"
expect_status 0 "the seed's monitoring line over the configured endpoints: status 0"
expect_match "^monitoring 5 tests of 1 file every 0.2 s" "$out" \
    "the configured endpoints are monitored"
expect_match "round 2: 5 passed" "$out" "two rounds ran"
check "one log line per test per round (10)" sh -c '
    test "$(grep -c "\"source\":\"monitor\"" "$1")" -eq 10' sh "$T/seed.jsonl"

# ---- down and recovered --------------------------------------------------------------
start_listener || { echo "Bail out! no listener"; exit 1; }
P=$LISTEN_PORT
cat >"$T/mail.json" <<JSON
{ "alerts": { "email": { "to": "ops@example.org", "command": "cat >>'$T/mails.txt'" } } }
JSON
start_bg "$T/mon.out" "$WSCHECK" --continuous-monitoring --interval 0.2 --alert-on-failure \
    --email-on-failure --config "$T/mail.json" --log-results "$T/mon.jsonl" --check-port "$P"
MON=$last_pid
# the port check's lines: p = passed, f = failed
cat >"$T/seq.py" <<'PY'
def seq(lines):
    return "".join("p" if l["status"] == "passed" else "f" for l in lines
                   if l["test"].startswith("port listening"))
PY
up=$(cat <<'PY'
"p" in __import__("seq").seq(lines)
PY
)
export PYTHONPATH=$T
check "the first rounds pass" wait_log "$T/mon.jsonl" "$up"
stop_pid "$LISTEN_PID"
check "the listener gone, a round fails" wait_log "$T/mon.jsonl" \
    '"pf" in __import__("seq").seq(lines)'
start_listener "$P" || { echo "Bail out! no listener on $P again"; exit 1; }
check "back again, a round passes" wait_log "$T/mon.jsonl" \
    '"pfp" in __import__("seq").seq(lines).replace("ff", "f").replace("ff", "f")'
# SIGHUP: the log reopened (logrotate); the suite, built in memory, stays
mv "$T/mon.jsonl" "$T/mon.jsonl.1"
kill -HUP "$MON"
check "after SIGHUP the rounds go on in a new log" wait_log "$T/mon.jsonl" 'len(lines) >= 2'
kill -TERM "$MON"
wait_bounded 20 "$MON"
status=$?
out=$(cat "$T/mon.out")
err=$out
expect_status 0 "SIGTERM ends the monitoring with status 0"
if grep -q "SIGHUP" "$T/mon.out"; then not_ok "SIGHUP is quiet: no reload of files"
    diag <"$T/mon.out"
else ok "SIGHUP is quiet: no reload of files"; fi
check "exactly one down and one recovered alert line for the port check" sh -c '
    test "$(grep -c "^wscheck: ALERT DOWN: wscheck quick checks / port listening: $2:" "$1")" -eq 1 &&
    test "$(grep -c "^wscheck: ALERT RECOVERED: wscheck quick checks / port listening: $2: down for" "$1")" -eq 1' \
    sh "$T/mon.out" "$P"
check "a mail for each transition, with To and Subject" sh -c '
    grep -qx "To: ops@example.org" "$1" &&
    test "$(grep -c "^Subject: wscheck: DOWN wscheck quick checks / port listening: $2\$" "$1")" -eq 1 &&
    test "$(grep -c "^Subject: wscheck: RECOVERED wscheck quick checks / port listening: $2\$" "$1")" -eq 1' \
    sh "$T/mails.txt" "$P"

# ---- the configuration's alert command, only with --alert-on-failure ---------------
DOWN=$(free_port)
cat >"$T/cmd.json" <<JSON
{ "mcp_server_endpoints": { "gone": { "url": "ws://127.0.0.1:$DOWN/" } },
  "alerts": { "command": "cat >>'$T/alerts.jsonl'" } }
JSON
run_wscheck --continuous-monitoring --interval 0.2 --count 2 --config "$T/cmd.json"
expect_status 1 "an endpoint down for --count rounds: status 1"
check "without --alert-on-failure the alert command is not run" test ! -e "$T/alerts.jsonl"
run_wscheck --continuous-monitoring --interval 0.2 --count 2 --alert-on-failure \
    --config "$T/cmd.json"
check "with it, one down event per test (3), not one per round" sh -c '
    test "$(grep -c "\"state\":\"down\"" "$1")" -eq 3' sh "$T/alerts.jsonl"
expect_match "round 2: 3 failed" "$out" "the monitor's round lines"
if printf '%s' "$err" | grep -q "ALERT DOWN"; then
    not_ok "a configured channel replaces the alert lines on stderr"
else ok "a configured channel replaces the alert lines on stderr"; fi

run_wscheck --continuous-monitoring --generate-report --count 1
expect_status 2 "--continuous-monitoring with --generate-report: status 2"
expect_match "run 'wscheck report' over its --log-results file" "$err" "says what to use"
finish
