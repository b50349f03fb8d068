#!/usr/bin/env bash
# wscheck monitor's memory stays flat over a long run: 2,000 rounds of a
# fast suite (a port check of a local listener, logged). The resident size
# after round 2,000 is compared with that after round 200; a leak of a few
# hundred bytes a round would show as several MiB. The checks run inside
# the monitor (--no-fork), so the plugins' code is measured with the core's
# and the 2,000 rounds take seconds; runner-valgrind.sh checks the forked
# path for leaks. Under AddressSanitizer freed memory is reused at once
# (no quarantine), or the resident size would measure the quarantine.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"

T=$WSC_TMP
start_listener || { echo "Bail out! no listener"; exit 1; }
cat >"$T/fast.json" <<JSON
{"name": "fast", "tests": [
  {"name": "listens", "plugin": "port", "check": "listening",
   "params": {"host": "127.0.0.1", "port": $LISTEN_PORT}},
  {"name": "refused", "plugin": "port", "check": "listening",
   "params": {"host": "127.0.0.1", "port": $(free_port)}}]}
JSON
"$WSCHECK" monitor --no-fork --interval 0 --no-jitter --log-results "$T/log.jsonl" \
    --alert-cmd true "$T/fast.json" >/dev/null 2>"$T/err" &
MON=$!
WSC_PIDS="$WSC_PIDS $MON"

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$MON/status"; }
# two lines a round
check "200 rounds" wait_log "$T/log.jsonl" "len(lines) >= 400" 300
RSS200=$(rss)
check "2,000 rounds" wait_log "$T/log.jsonl" "len(lines) >= 4000" 600
RSS2000=$(rss)
echo "# VmRSS after round 200: ${RSS200:-?} kB, after round 2000: ${RSS2000:-?} kB"
check "the monitor was still running to be measured" test -n "$RSS200" -a -n "$RSS2000"
check "resident size grew by less than 2 MiB from round 200 to round 2,000" \
    test "$((${RSS2000:-0} - ${RSS200:-0}))" -lt 2048
kill -TERM "$MON"
wait_bounded 30 "$MON"
status=$? out="" err=$(cat "$T/err")
expect_status 0 "SIGTERM: status 0"
finish
