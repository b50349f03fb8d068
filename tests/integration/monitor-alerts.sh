#!/usr/bin/env bash
# wscheck monitor against a target that goes down and comes back
# (wscheck-mock stopped by pid, then started again on the same port):
# exactly one "down" and one "recovered" alert, through --alert-cmd (event
# JSON on stdin, WSCHECK_ALERT_* in the environment) and a webhook; the
# results log shows the rounds; SIGTERM ends the run with status 0.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"
require_mock

T=$WSC_TMP
start_mock || { echo "Bail out! wscheck-mock did not start"; exit 1; }
PORT=$MOCK_PORT
cat >"$T/ws.json" <<'JSON'
{
  "name": "websocket services",
  "tests": [
    {"name": "handshake", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "ws://127.0.0.1:${env:PORT}/"}, "timeout": 3},
    {"name": "always up", "plugin": "port", "check": "listening",
     "params": {"host": "127.0.0.1", "port": "${env:LISTENER}"}}
  ]
}
JSON
start_listener || { echo "Bail out! no listener"; exit 1; }
start_webhook "$T/hook.txt" || { echo "Bail out! no webhook receiver"; exit 1; }
export PORT LISTENER=$LISTEN_PORT

# The alert command records the event (stdin) and its environment.
cat >"$T/alert.sh" <<'SH'
cat >>"$ALERTS/events.txt"
printf '%s|%s|%s|%s|%s\n' "$WSCHECK_ALERT_STATE" "$WSCHECK_ALERT_SUITE" \
    "$WSCHECK_ALERT_TEST" "$WSCHECK_ALERT_SINCE" "$WSCHECK_ALERT_MESSAGE" >>"$ALERTS/env.txt"
SH
export ALERTS=$T
"$WSCHECK" monitor --interval 0.3 --no-jitter --down-after 2 --log-results "$T/log.jsonl" \
    --alert-cmd "sh $T/alert.sh" --alert-webhook "$HOOK_URL" --alert-on-failure \
    "$T/ws.json" >"$T/out" 2>"$T/err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"

passes() { echo "sum(1 for l in lines if l['test'] == 'handshake' and l['status'] == '$1')"; }
check "the handshake passes while the target is up" wait_log "$T/log.jsonl" "$(passes passed) >= 2"
stop_pid "$MOCK_PID"
check "it fails once the target is stopped" wait_log "$T/log.jsonl" "$(passes failed) >= 4"
start_bg "$T/mock2.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port "$PORT" --port-tries 1 \
    --mcp-host 127.0.0.1 --mcp-port 0
check "wscheck-mock is back on the same port" wait_for_line "$T/mock2.log" "^ws://127.0.0.1:$PORT"
check "it passes again once the target is back" \
    wait_log "$T/log.jsonl" "sum(1 for l in lines[$(log_lines "$T/log.jsonl"):] if l['test'] == 'handshake' and l['status'] == 'passed') >= 3"
kill -TERM "$MON"
wait_bounded 30 "$MON"
status=$?
out=$(cat "$T/out") err=$(cat "$T/err")
expect_status 0 "SIGTERM ends the monitor with status 0"

count() { grep -c "$1" "$2" 2>/dev/null || true; }
check "one down and one recovered event on the command's stdin" \
    test "$(count '"state":"down"' "$T/events.txt")/$(count '"state":"recovered"' "$T/events.txt")" = 1/1
check "the events name the test and the suite" \
    test "$(count '"suite":"websocket services","test":"handshake"' "$T/events.txt")" = 2
check "one down and one recovered alert in the command's environment" \
    test "$(cut -d'|' -f1-3 "$T/env.txt" | tr '\n' ';')" = \
    "down|websocket services|handshake;recovered|websocket services|handshake;"
expect_match '^down\|[^|]*\|handshake\|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\|.*(connect|refused)' \
    "$(cat "$T/env.txt")" "the down alert carries when and why (the failure message)"
expect_match '^recovered\|.*\|down for [0-9]+s since [0-9-]+T' "$(cat "$T/env.txt")" \
    "the recovered alert says for how long it was down"
check "one down and one recovered event through the webhook" \
    test "$(count '"state":"down"' "$T/hook.txt")/$(count '"state":"recovered"' "$T/hook.txt")" = 1/1
expect_match 'round [0-9]+: DOWN websocket services / handshake: ' "$out" \
    "the console says when it went down"
expect_match 'round [0-9]+: RECOVERED websocket services / handshake: down for ' "$out" \
    "and when it recovered"
# the down event comes with the second consecutive failure, not the first
check "--down-after 2: the alert comes with the second failure" "$PYTHON_WS" -c '
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
failed = [l["round"] for l in log if l["test"] == "handshake" and l["status"] == "failed"]
down = [json.loads(l) for l in open(sys.argv[2]) if "\"down\"" in l][0]
sys.exit(0 if down["round"] == failed[1] else "down in round %s, failures in %s" % (down["round"], failed))
' "$T/log.jsonl" "$T/events.txt"
check "the test that stayed up never alerted" test "$(count 'always up' "$T/events.txt")" = 0
check "nothing went wrong on stderr" test ! -s "$T/err"
finish
