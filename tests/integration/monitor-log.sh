#!/usr/bin/env bash
# wscheck monitor's results log and signals: the JSON lines format, --count
# and its exit status, SIGHUP (logrotate: the moved file keeps the old
# rounds, the new one gets the next; a broken scenario keeps the old suite
# and says where it is broken), SIGTERM (status 0, the round's lines
# written), a dead webhook that does not stall the rounds, a round longer
# than the interval, usage errors, and `wscheck run --store-results`.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"

T=$WSC_TMP
start_listener || { echo "Bail out! no listener"; exit 1; }
CLOSED=$(free_port)
cat >"$T/ports.json" <<JSON
{
  "name": "ports",
  "vars": {"up": "$LISTEN_PORT", "closed": "$CLOSED"},
  "tests": [
    {"name": "up", "plugin": "port", "check": "listening",
     "params": {"host": "127.0.0.1", "port": "\${up}"}, "tags": ["up"]},
    {"name": "closed", "plugin": "port", "check": "listening",
     "params": {"host": "127.0.0.1", "port": "\${closed}"}, "timeout": 2}
  ]
}
JSON

# ---- the log format and --count ------------------------------------------------
cat >"$T/valid.py" <<'PY'
import json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
source, rounds, tests = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
assert len(lines) == rounds * tests, "%d lines" % len(lines)
keys = {"time", "source", "suite", "file", "test", "plugin", "check", "status",
        "duration_ms", "attempts", "metrics"}
for n, l in enumerate(lines):
    assert keys <= set(l), "line %d lacks %s" % (n, keys - set(l))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", l["time"]), l["time"]
    assert l["source"] == source
    if source == "monitor":
        assert l["round"] == n // tests + 1, (n, l["round"])
    else:
        assert "round" not in l
    assert l["status"] in ("passed", "failed", "error", "skipped")
    assert ("message" in l) == (l["status"] != "passed"), l
    assert isinstance(l["duration_ms"], (int, float)) and l["duration_ms"] >= 0
    assert isinstance(l["attempts"], int)
    assert all(isinstance(v, (int, float)) for v in l["metrics"].values())
    assert l["server"].startswith("127.0.0.1:"), l
    assert l["plugin"] == "port" and l["check"] == "listening"
up = [l for l in lines if l["test"] == "up"]
assert all(l["status"] == "passed" and "connect_ms" in l["metrics"] for l in up), up
closed = [l for l in lines if l["test"] == "closed"]
assert all(l["status"] == "failed" and "refused" in l["message"] for l in closed), closed
PY
run_wscheck monitor --count 3 --interval 0 --no-jitter --log-results "$T/log.jsonl" "$T/ports.json"
expect_status 1 "--count 3 with a failing test: status 1 (the last round failed)"
check "three rounds of valid JSON lines" "$PYTHON_WS" "$T/valid.py" "$T/log.jsonl" monitor 3 2
expect_match '^round 3: 1 passed, 1 failed in [0-9.]+ s \(closed: port [0-9]+ on 127.0.0.1 did not accept a connection: refused\)$' \
    "$out" "one console line per round, naming the failure"
run_wscheck monitor --count 2 --interval 0 --no-jitter --tag up --store-results "$T/log.jsonl" \
    "$T/ports.json"
expect_status 0 "--count 2 whose last round passed: status 0"
check "the log is appended to (--store-results is --log-results)" \
    test "$(log_lines "$T/log.jsonl")" = 8

# ---- wscheck run --store-results --------------------------------------------------
run_wscheck run --store-results "$T/run.jsonl" "$T/ports.json"
expect_status 1 "run --store-results keeps run's exit status"
run_wscheck run --store-results "$T/run.jsonl" "$T/ports.json"
check "run appends one line per test and run, source run, no round" \
    "$PYTHON_WS" "$T/valid.py" "$T/run.jsonl" run 2 2
run_wscheck run --store-results "$T/no/such/dir/run.jsonl" "$T/ports.json"
expect_status 3 "run --store-results into a missing directory: status 3"
expect_match 'cannot open .*/no/such/dir/run.jsonl' "$err" "and says which file"

# ---- SIGHUP: logrotate, then a broken scenario ---------------------------------------
cp "$T/ports.json" "$T/live.json"
"$WSCHECK" monitor --interval 0.2 --no-jitter --log-results "$T/rot.jsonl" "$T/live.json" \
    >"$T/hup.out" 2>"$T/hup.err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"
check "rounds are logged" wait_log "$T/rot.jsonl" "len(lines) >= 4"
mv "$T/rot.jsonl" "$T/rot.jsonl.1"
kill -HUP "$MON"
check "after SIGHUP the next rounds go to a new file" wait_log "$T/rot.jsonl" "len(lines) >= 4"
check "the moved file has only earlier rounds" "$PYTHON_WS" -c '
import json, sys
old = [json.loads(l)["round"] for l in open(sys.argv[1])]
new = [json.loads(l)["round"] for l in open(sys.argv[2])]
sys.exit(0 if max(old) < min(new) else "old %s new %s" % (old, new))' "$T/rot.jsonl.1" "$T/rot.jsonl"
# a typo in a plugin name: the previous suite goes on
sed 's/"check": "listening",/"check": "listenning",/' "$T/ports.json" >"$T/live.json"
kill -HUP "$MON"
check "a broken scenario on SIGHUP is reported with its position" \
    wait_for_line "$T/hup.err" "live.json:[0-9]+:[0-9]+: .*listenning" 30
check "and the previous suite keeps running" \
    wait_for_line "$T/hup.err" "still running the previous ones" 30
N=$(log_lines "$T/rot.jsonl")
check "rounds go on after the failed reload" wait_log "$T/rot.jsonl" "len(lines) >= $N + 4"
sed 's/"name": "closed"/"name": "renamed"/' "$T/ports.json" >"$T/live.json"
kill -HUP "$MON"
check "a fixed scenario is loaded on the next SIGHUP" \
    wait_log "$T/rot.jsonl" "any(l['test'] == 'renamed' for l in lines)"
kill -TERM "$MON"
wait_bounded 30 "$MON"
status=$? out=$(cat "$T/hup.out") err=$(cat "$T/hup.err")
expect_status 0 "SIGTERM: status 0"
check "every round's lines are written, one per test" "$PYTHON_WS" -c '
import collections, json, sys
rounds = collections.Counter(json.loads(l)["round"] for l in open(sys.argv[1]))
sys.exit(0 if set(rounds.values()) == {2} else rounds)' "$T/rot.jsonl"
expect_match 'reloaded 1 scenario file' "$out" "the reload is reported"

# ---- a dead webhook, a round longer than the interval --------------------------------
start_webhook "$T/dead.txt" dead || { echo "Bail out! no dead webhook"; exit 1; }
DEAD=${HOOK_URL#http://127.0.0.1:}
DEAD=${DEAD%/hook}
cat >"$T/slow.json" <<JSON
{"name": "slow", "tests": [
  {"name": "hangs", "plugin": "ws-basic", "check": "handshake",
   "params": {"url": "ws://127.0.0.1:$DEAD/"}, "timeout": 0.5}]}
JSON
"$WSCHECK" monitor --count 3 --interval 1 --no-jitter --alert-webhook "$HOOK_URL" \
    --alert-timeout 1 --log-results "$T/dead.jsonl" "$T/ports.json" >"$T/dead.out" 2>"$T/dead.err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"
wait_bounded 60 "$MON"
status=$? out=$(cat "$T/dead.out") err=$(cat "$T/dead.err")
expect_status 1 "a dead webhook: the rounds complete (status 1: a test is down)"
check "all three rounds are logged" test "$(log_lines "$T/dead.jsonl")" = 6
expect_match 'alert not delivered \(--alert-webhook\): http://127.0.0.1:[0-9]+/hook' "$err" \
    "the failed delivery is reported"
# SIGTERM while a test hangs: it is stopped, the round's lines are written
cat >"$T/term.json" <<JSON
{"name": "term", "tests": [
  {"name": "up", "plugin": "port", "check": "listening",
   "params": {"host": "127.0.0.1", "port": $LISTEN_PORT}},
  {"name": "hangs", "plugin": "ws-basic", "check": "handshake",
   "params": {"url": "ws://127.0.0.1:$DEAD/"}, "timeout": 120}]}
JSON
"$WSCHECK" monitor --no-jitter -v --log-results "$T/term.jsonl" "$T/term.json" \
    >"$T/term.out" 2>"$T/term.err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"
check "-v prints a line per test" wait_for_line "$T/term.out" "PASS .*term .* up" 30
kill -TERM "$MON"
wait_bounded 60 "$MON"
status=$? out=$(cat "$T/term.out") err=$(cat "$T/term.err")
expect_status 0 "SIGTERM during a hanging test: status 0"
check "the interrupted round's lines are written" "$PYTHON_WS" -c '
import json, sys
got = [(l["round"], l["test"], l["status"], l.get("message")) for l in map(json.loads, open(sys.argv[1]))]
want = [(1, "up", "passed", None), (1, "hangs", "skipped", "interrupted")]
sys.exit(0 if got == want else got)' "$T/term.jsonl"
run_wscheck monitor --count 2 --interval 0.2 --no-jitter "$T/slow.json"
expect_match 'round 1 took [0-9.]+ s, longer than the 0.2 s interval' "$out" \
    "a round longer than the interval says so"

# a webhook answering 503 once gets the event on the retry
start_webhook "$T/flaky.txt" flaky || { echo "Bail out! no webhook receiver"; exit 1; }
run_wscheck monitor --count 1 --no-jitter --filter closed --alert-webhook "$HOOK_URL" \
    "$T/ports.json"
check "a webhook that answered 503 got the event on a retry" \
    test "$(grep -c '"state":"down","suite":"ports","test":"closed"' "$T/flaky.txt")" = 1
check "and no delivery failure is reported" test -z "$err"

# ---- usage errors ---------------------------------------------------------------------
run_wscheck monitor --count 1 "$T/nosuch.json"
expect_status 2 "a missing scenario: status 2"
sed 's/"check": "listening",/"check": "listenning",/' "$T/ports.json" >"$T/bad.json"
run_wscheck monitor --count 1 "$T/bad.json"
expect_status 2 "an invalid scenario: status 2"
expect_match 'bad.json:[0-9]+:[0-9]+: .*listenning' "$err" "with the position of the error"
run_wscheck monitor --interval soon "$T/ports.json"
expect_status 2 "--interval needs a number"
run_wscheck monitor --count 1 --down-after 0 "$T/ports.json"
expect_status 2 "--down-after needs at least 1"
run_wscheck monitor --count 1 --log-results "$T/no/such/dir/log" "$T/ports.json"
expect_status 3 "a log that cannot be opened: status 3"

# ---- secrets stay out of the log, the alerts and the console ------------------------
cat >"$T/secret.json" <<JSON
{"name": "secret host", "tests": [
  {"name": "refused", "plugin": "port", "check": "listening",
   "params": {"host": "\${h}", "port": $CLOSED}}]}
JSON
run_wscheck monitor --count 1 --no-jitter --var h=localhost --secret h \
    --log-results "$T/secret.jsonl" --alert-cmd "cat >$T/secret-alert.txt" "$T/secret.json"
expect_status 1 "a failing test with a secret host"
check "the log has the server, redacted" \
    wait_log "$T/secret.jsonl" "lines[0]['server'] == '***:$CLOSED'" 5
check "the secret is nowhere: log, alert, console" \
    test "$(cat "$T/secret.jsonl" "$T/secret-alert.txt" "$WSC_TMP/stdout" "$WSC_TMP/stderr" |
        grep -c localhost)" = 0
check "the alert was sent" grep -q '"state":"down"' "$T/secret-alert.txt"

# ---- help and manual page ------------------------------------------------------------
run_wscheck monitor --help
expect_match '--alertmanager URL' "$out" "--help lists the options"
PAGE=$top_srcdir/docs/wscheck-monitor.1
missing=""
for opt in $(printf '%s\n' "$out" | grep -Eo '^  (-v, )?--[a-z-]+' | grep -Eo -- '--[a-z-]+'); do
    grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$PAGE" || missing="$missing $opt"
done
check "wscheck-monitor(1) documents every option of --help:${missing:- all}" test -z "$missing"
if command -v groff >/dev/null 2>&1; then
    check "groff renders wscheck-monitor(1) without warnings" \
        sh -c 'out=$(groff -man -Tutf8 -ww -z "$1" 2>&1) && [ -z "$out" ]' sh "$PAGE"
fi
finish
