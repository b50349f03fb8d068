#!/usr/bin/env bash
# wscheck load's --max-connecting: at most N connections being set up at
# once (from connect to the server's first bytes), so that a burst of
# sessions does not overflow a server's listen queue. Against a server that
# holds connections and never answers, the report's peak_connecting is the
# limit, and the server itself (peer_hold.py says how many it held at once)
# never holds every virtual user at once, as it does without the limit. The
# server's count may see a closed connection's end after the next one's
# start, so it is compared with the VUs, not the limit. Counts only: no
# rate or time is asserted.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/load.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

# start_hold: a fresh peer_hold.py; sets HOLD_PID, HOLD_URL, HOLD_LOG.
start_hold() {
    HOLD_LOG=$T/hold.$TAP_N.log
    start_bg "$HOLD_LOG" python3 "$top_srcdir/tests/integration/peer_hold.py"
    HOLD_PID=$last_pid
    HOLD_URL=$(wait_for_line "$HOLD_LOG" '^ws://[^ ]+')
}
# held: the most connections the peer held at once.
held() { grep -Eo '^max [0-9]+' "$HOLD_LOG" | tail -1 | cut -d' ' -f2; }

# ---- usage -----------------------------------------------------------------------
run_wscheck load --help
expect_match '--max-connecting N' "$out" "--help lists --max-connecting"
run_wscheck load "$S" --test echo --max-connecting -1
expect_status 2 "a negative --max-connecting is a usage error"
expect_match "max-connecting needs a number \(0: no limit\), got: -1" "$err" "... saying what it needs"
run_wscheck load "$S" --test echo --max-connecting many
expect_status 2 "a word for --max-connecting is a usage error"

# ---- sessions that complete free their slot -----------------------------------------
run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 20 --iterations 60 \
    --max-connecting 3 --json "$T/ok.json"
expect_status 0 "60 echo sessions on 20 VUs, 3 setting up at once, all pass (exit 0)"
expect_json "$T/ok.json" 'r["tests"][0]["sessions_ok"] == 60' "... every session ok"
expect_json "$T/ok.json" 'r["plan"]["max_connecting"] == 3' "... the report's plan says 3"

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 2 --iterations 2 \
    --json "$T/default.json"
expect_json "$T/default.json" 'r["plan"]["max_connecting"] == 100' \
    "without the option, 100 connections are set up at once at most"

# ---- closed model against a server that never answers ---------------------------------
start_hold
run_wscheck load "$S" --test echo --var "url=$HOLD_URL" --connections 6 --iterations 6 \
    --timeout 1 --max-connecting 2 --json "$T/closed.json"
expect_status 1 "6 sessions to a server that never answers fail (exit 1)"
expect_json "$T/closed.json" 'r["peak_connecting"] == 2' \
    "... with 2 connections being set up at once at most (--max-connecting 2)"
check "... so the server never held all 6 at once" test "$(held)" -lt 6
expect_json "$T/closed.json" 'r["tests"][0]["errors"]["timeout"] == 6' \
    "... every session timed out"
expect_json "$T/closed.json" 'r["tests"][0]["first_error"] == "the session took over 1 s"' \
    "... each after its own 1 s, none while waiting its turn (closed model)"
stop_pid "$HOLD_PID"

start_hold
run_wscheck load "$S" --test echo --var "url=$HOLD_URL" --connections 6 --iterations 6 \
    --timeout 1 --max-connecting 0 --json "$T/nolimit.json"
expect_status 1 "the same with --max-connecting 0 fails too"
check "... and the server held all 6 at once (no limit)" test "$(held)" = 6
expect_json "$T/nolimit.json" 'r["peak_connecting"] == 6' "... the report's peak_connecting is 6"
stop_pid "$HOLD_PID"

# ---- open model: waiting counts against the arrival's time ----------------------------
start_hold
run_wscheck load "$S" --test echo --var "url=$HOLD_URL" --rate 20 --duration 0.5s \
    --timeout 1 --max-connecting 2 --json "$T/open.json"
expect_status 1 "arrivals at 20/s to a server that never answers fail (exit 1)"
expect_json "$T/open.json" 'r["peak_connecting"] == 2' \
    "... with 2 connections being set up at once at most"
check "... so the server never held every arrival at once" \
    test "$(held)" -lt "$(json_get "$T/open.json" 'r["tests"][0]["sessions"]')"
expect_json "$T/open.json" \
    'r["tests"][0]["sessions"] >= 3 and r["tests"][0]["errors"]["timeout"] == r["tests"][0]["sessions"]' \
    "... every arrival timed out, those still waiting for a slot included"
stop_pid "$HOLD_PID"

# Two tests: "slow" takes the one slot and holds it for its 3 s, so every
# arrival of "quick" (0.5 s) can only wait, and says so.
cat >"$T/two.json" <<JSON
{ "name": "two", "tests": [
  { "name": "slow", "plugin": "ws-basic", "check": "conversation", "timeout": 3,
    "params": { "url": "\${url}", "steps": [ { "expect": { "type": "welcome" } } ] } },
  { "name": "quick", "plugin": "ws-basic", "check": "conversation", "timeout": 0.5,
    "params": { "url": "\${url}", "steps": [ { "expect": { "type": "welcome" } } ] } } ] }
JSON
start_hold
run_wscheck load "$T/two.json" --var "url=$HOLD_URL" --rate 20 --duration 0.3s \
    --max-connecting 1 --json "$T/turn.json"
expect_status 1 "an open-model arrival that never gets its turn fails (exit 1)"
expect_json "$T/turn.json" \
    'r["tests"][1]["sessions"] >= 1 and r["tests"][1]["errors"]["timeout"] == r["tests"][1]["sessions"]' \
    "... every arrival of the quick test timed out"
expect_json "$T/turn.json" \
    'r["tests"][1]["first_error"] == "waited over 0.5 s for its turn to connect (--max-connecting 1)"' \
    "... waiting for its turn, and the message says so"
expect_json "$T/turn.json" 'r["peak_connecting"] == 1' "... one connection was set up at a time"
stop_pid "$HOLD_PID"

finish
