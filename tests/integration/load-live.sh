#!/usr/bin/env bash
# wscheck load's live line as a person at a terminal sees it
# (pty_run.py runs the command on a pseudo-terminal): the figures redrawn
# in place once a second, the summary on a line of its own after it, the
# line cut to a narrow terminal's width, colours only when allowed, nothing
# with --quiet, nothing of the kind when the output is not a terminal, and
# Ctrl-C ending the run with its summary. Runs last what the test sets
# (--duration); what they draw is asserted, never how long they took.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
cat >"$T/live.json" <<'JSON'
{ "name": "live", "tests": [ { "name": "slow echo", "plugin": "ws-basic",
  "check": "conversation", "params": { "url": "${url}", "steps": [
    { "expect": { "type": "welcome" } }, { "sleep": 0.2 },
    { "send": { "type": "echo", "data": "hi" } },
    { "expect": { "type": "echo_response" } } ] } } ] }
JSON

# on_tty OUT [--cols N] [--interrupt-on RE] -- ARGS...: wscheck load on a terminal.
on_tty() {
    local out=$1; shift
    local opts=()
    while [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
    python3 "$top_srcdir/tests/integration/pty_run.py" "${opts[@]}" --timeout 60 "$out" -- \
        "$WSCHECK" load "$T/live.json" --var "url=$MOCK_URL" --connections 2 "$@"
}
# has FILE PYTHON-EXPR: the expression, over the bytes b of FILE, is true.
has() {
    python3 - "$1" "$2" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
sys.exit(0 if eval(sys.argv[2], {"re": re, "b": b}) else 1)
PY
}
LIVE='rb"\r\x1b\[K +[0-9]+s  active [0-9]+  target 2 VUs  [0-9.]+ sessions/s  [0-9.]+ msg/s  p99 [0-9.]+ ms  errors 0"'

# ---- a terminal ------------------------------------------------------------------------
# Drawn once a second: a 4 s run draws at least twice even if the machine
# stalls it for most of a second.
on_tty "$T/tty.out" -- --duration 4s
check "on a terminal, a 4 s run exits 0" test $? = 0
check "... shows the live line: elapsed, active, target, rates, p99, errors" \
    has "$T/tty.out" "re.search($LIVE, b)"
check "... redrawn in place (carriage return, erase line) at least twice in 4 s" \
    has "$T/tty.out" "len(re.findall($LIVE, b)) >= 2"
check "... the last one ends its line before the summary starts on its own" \
    has "$T/tty.out" 're.search(rb"errors 0\r\nload run: [0-9.]+ s, peak 2 connections\r\n", b)'
check "... the summary follows: the test and its thresholds" \
    has "$T/tty.out" 'b"slow echo" in b and b"sessions_failed = 0, expected 0" in b'
check "... in colour (a terminal, colours allowed)" has "$T/tty.out" 're.search(rb"\x1b\[[0-9;]*m", b)'

# ---- a narrow terminal --------------------------------------------------------------------
on_tty "$T/narrow.out" --cols 40 -- --duration 2s
check "on a 40-column terminal the run exits 0" test $? = 0
check "... every live line is cut to 39 columns, so it never wraps" \
    has "$T/narrow.out" 'all(len(x) <= 39 for x in re.findall(rb"\r\x1b\[K([^\r\n]*)", b)) and re.search(rb"\r\x1b\[K +1s  active", b)'

# ---- colours off -------------------------------------------------------------------------
on_tty "$T/nocolor.out" -- --duration 2s --no-color
check "--no-color on a terminal: no colour sequence" \
    has "$T/nocolor.out" 'not re.search(rb"\x1b\[[0-9;]*m", b)'
check "... but the live line is still redrawn" has "$T/nocolor.out" "re.search($LIVE, b)"
NO_COLOR=1 on_tty "$T/no_color_env.out" -- --duration 2s
check "NO_COLOR on a terminal: no colour sequence either" \
    has "$T/no_color_env.out" 'not re.search(rb"\x1b\[[0-9;]*m", b) and b"load run:" in b'

# ---- --quiet -----------------------------------------------------------------------------
on_tty "$T/quiet.out" -- --duration 2s --quiet
check "--quiet on a terminal exits 0 and shows nothing: no live line, no summary" \
    test $? = 0 -a ! -s "$T/quiet.out"

# ---- not a terminal ---------------------------------------------------------------------------
run_wscheck load "$T/live.json" --var "url=$MOCK_URL" --connections 2 --duration 2s
expect_status 0 "with output to files the run exits 0"
check "... no escape sequence in its output or errors" \
    has <(printf '%s%s' "$out" "$err") 'b"\x1b" not in b and b"\r" not in b'
expect_match "load run: [0-9.]+ s, peak 2 connections" "$out" "... and the summary is there"

# ---- Ctrl-C ------------------------------------------------------------------------------------
on_tty "$T/int.out" --interrupt-on 'errors [0-9]+' -- --duration 5m --json "$T/int.json"
check "Ctrl-C after the first live line ends a 5-minute run (exit 0: no threshold breached)" \
    test $? = 0
check "... the live line ends its line and the summary says the run was interrupted" \
    has "$T/int.out" 're.search(rb"errors 0\r\nload run: [0-9.]+ s, peak 2 connections \(interrupted\)\r\n", b)'
expect_json "$T/int.json" 'r["interrupted"] is True and r["tests"][0]["sessions_failed"] == 0' \
    "... the JSON report is written, marked interrupted, sessions in flight finished"

finish
