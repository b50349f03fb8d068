#!/usr/bin/env bash
# Resources and deadlines against hostile servers and files: a server that
# floods pings costs bounded memory, a flooding server cannot make a check
# outlast its own deadline, JSON deeper than json-c's default 32 levels is
# JSON (and far deeper is "nested deeper than N"), and variables that double
# at every step are refused by `wscheck validate` naming the variable.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP

# ---- a ping flood: memory stays bounded ----------------------------------------
# GNU time reports the largest resident set of wscheck and the checks it
# forked. Without bounds libcurl reads and queues without end: hundreds of
# MB within these few seconds (1.9 GB in 8 s).
CEILING_KB=131072
start_raw_peer ping-flood || { not_ok "raw peer ping-flood starts"; finish; exit 1; }
cat >"$T/flood.json" <<JSON
{ "name": "ping flood",
  "tests": [
    { "name": "keepalive", "plugin": "ping-pong", "check": "keepalive", "timeout": 6,
      "params": { "url": "$PEER_URL", "duration": 3, "within": 1 } },
    { "name": "control", "plugin": "ping-pong", "check": "control", "timeout": 4,
      "params": { "url": "$PEER_URL", "count": 3 } } ] }
JSON
if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$T/flood.rss" -f %M "$WSCHECK" run --json "$T/flood.out.json" \
        "$T/flood.json" >"$T/stdout" 2>"$T/stderr"
    status=$?
    out=$(cat "$T/stdout"); err=$(cat "$T/stderr")
    expect_status 1 "a ping flood fails the tests (exit 1), no crash"
    rss=$(tail -1 "$T/flood.rss")
    check "the run's largest resident set ($rss KB) stays under $CEILING_KB KB" \
        test "$rss" -lt "$CEILING_KB"
    for name in keepalive control; do
        expect_json "$T/flood.out.json" "t['$name']['status'] == 'failed' and not msg('$name').startswith('timed out after')" \
            "$name: fails with the check's own message, not the runner's timeout"
    done
else
    ok "# SKIP /usr/bin/time (GNU time) is not installed"
fi
stop_pid "$PEER_PID"

# ---- a text flood: the check keeps its own deadline ---------------------------------
start_raw_peer text-flood || { not_ok "raw peer text-flood starts"; finish; exit 1; }
cat >"$T/text.json" <<JSON
{ "name": "text flood",
  "tests": [
    { "name": "skip until", "plugin": "ws-basic", "check": "conversation", "timeout": 20,
      "params": { "url": "$PEER_URL", "steps": [
        { "expect": { "never": true }, "skip_until": true, "within": 1 } ] } } ] }
JSON
run_wscheck run --json "$T/text.out.json" "$T/text.json"
expect_status 1 "a text flood fails the test (exit 1)"
R=$T/text.out.json
report_status "$R" "skip until" failed
expect_json "$R" "not msg('skip until').startswith('timed out after') and 'within 1' in msg('skip until')" \
    "skip until: the step's own message (within 1 s), not the runner's timeout"
expect_json "$R" "len(trace('skip until')) > 0" "skip until: the trace is in the report"
stop_pid "$PEER_PID"

# ---- deep JSON from a server ----------------------------------------------------------
start_raw_peer deep-json || { not_ok "raw peer deep-json starts"; finish; exit 1; }
deep40=$(printf '%.0s[' $(seq 40); printf '%.0s]' $(seq 40))
cat >"$T/deep.json" <<JSON
{ "name": "deep JSON",
  "tests": [
    { "name": "40 deep", "plugin": "ws-basic", "check": "conversation", "timeout": 4,
      "params": { "url": "$PEER_URL", "steps": [
        { "send": "40" },
        { "expect": $deep40, "within": 2 },
        { "capture": { "doc": "" } } ] } },
    { "name": "10000 deep", "plugin": "ws-basic", "check": "conversation", "timeout": 4,
      "params": { "url": "$PEER_URL", "steps": [
        { "send": "10000" },
        { "expect": [], "within": 2 } ] } } ] }
JSON
run_wscheck run --json "$T/deep.out.json" "$T/deep.json"
expect_status 1 "deep JSON: one test fails (exit 1)"
R=$T/deep.out.json
report_status "$R" "40 deep" passed
report_status "$R" "10000 deep" failed
report_message "$R" "10000 deep" "nested deeper than 1000"
stop_pid "$PEER_PID"

# ---- variables that double at every step ------------------------------------------------
vars_file() { # FILE JSON-VARS
    printf '{ "name": "vars", "vars": { %s },\n  "tests": [ { "name": "t", "plugin": "ws-basic", "check": "handshake", "params": { "url": "ws://127.0.0.1:9/${%s}" } } ] }\n' "$2" "$3" >"$1"
}
v='"v0": "'$(printf '%.0sx' $(seq 64))'"'
for i in $(seq 1 20); do v="$v, \"v$i\": \"\${v$((i - 1))}\${v$((i - 1))}\""; done
vars_file "$T/double.json" "$v" v20
run_wscheck validate "$T/double.json"
expect_status 2 "doubling variables: validate exits 2"
expect_match "vars\.v15: expands to more than 1 MiB, the limit of one expanded value \(at '\\$\{v14\}'\)" \
    "$err" "doubling variables: the message names the variable and the reference"

v='"d0": "'$(printf '%.0sx' $(seq 64))'"'
for i in $(seq 1 13); do v="$v, \"d$i\": \"\${d$((i - 1))}\${d$((i - 1))}\""; done
for i in $(seq 1 40); do v="$v, \"c$i\": \"\${d13}\""; done
vars_file "$T/total.json" "$v" c40
run_wscheck validate "$T/total.json"
expect_status 2 "many copies of a large variable: validate exits 2"
expect_match "vars\.c[0-9]+: the file's variables expand to more than 16 MiB together" \
    "$err" "many copies: the message names the variable and the total limit"
finish
